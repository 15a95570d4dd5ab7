-- The districts' seat numbers as registration announces them (WorkshopScheduled).
CREATE TABLE districts (
    district_id      text    PRIMARY KEY,
    applicant_seats  integer NOT NULL CHECK (applicant_seats >= 0),
    register_seats   integer NOT NULL CHECK (register_seats >= 0),
    workshop_date    date    NOT NULL
);

-- One draw per district and kind: a second draw of the same pool is refused.
-- The commitment is fixed before the seed is known; the outcome follows from both.
CREATE TABLE draws (
    draw_id          uuid        PRIMARY KEY,
    district_id      text        NOT NULL,
    kind             text        NOT NULL CHECK (kind IN ('applicants')),
    commitment       jsonb       NOT NULL,
    committed_at     timestamptz NOT NULL DEFAULT now(),
    seed             jsonb,
    audit_record     jsonb,
    drawn_at         timestamptz,
    UNIQUE (district_id, kind)
);

-- Seats and the waitlist of the applicants' half, as they change over time.
CREATE TABLE placements (
    application_id     uuid        PRIMARY KEY,
    district_id        text        NOT NULL,
    state              text        NOT NULL CHECK (state IN ('seated', 'waitlisted', 'released')),
    waitlist_position  integer,
    seated_at          timestamptz,
    replaces           uuid
);
CREATE INDEX placements_waitlist ON placements (district_id, waitlist_position)
    WHERE state = 'waitlisted';

-- Append-only record of who triggered what (draws, seeds, manual changes).
CREATE TABLE audit_log (
    id           bigserial   PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    actor        text        NOT NULL,
    action       text        NOT NULL,
    district_id  text,
    detail       jsonb       NOT NULL DEFAULT '{}'::jsonb
);
CREATE RULE audit_log_no_update AS ON UPDATE TO audit_log DO INSTEAD NOTHING;
CREATE RULE audit_log_no_delete AS ON DELETE TO audit_log DO INSTEAD NOTHING;
