-- People drawn from the register, as InvitationsDrawn names them and InvitationAnswered
-- completes them (either may arrive first: they travel on different topics).
-- Personal data: erased with the district (PersonalDataErased).
CREATE TABLE invitees (
    invitee_id          uuid        PRIMARY KEY,
    district_id         text        NOT NULL,
    wave                integer,
    invitation_code     text,
    given_name          text,
    family_name         text,
    doctorate           text,
    street              text,
    house_number        text,
    address_supplement  text,
    postal_code         text,
    municipality        text,
    response_deadline   date,
    answered            boolean     NOT NULL DEFAULT false,
    accepts             boolean,
    email               text,
    language            text        NOT NULL DEFAULT 'de',
    seated_by           uuid,
    -- The PanelDrawn event that seated this person; the seat confirmation is derived
    -- from it, so it is written once whichever of the three events came last.
    seat_confirmed      boolean     NOT NULL DEFAULT false
);
CREATE INDEX invitees_district ON invitees (district_id);

-- Printed letters, one per kind and person. A letter is pending until the renderer
-- has stored its PDF; pending rows survive restarts and are claimed with SKIP LOCKED.
CREATE TABLE letters (
    letter_id    uuid        PRIMARY KEY,
    kind         text        NOT NULL CHECK (kind IN ('invitation', 'seat_confirmation')),
    district_id  text        NOT NULL,
    wave         integer     NOT NULL,
    invitee_id   uuid        NOT NULL,
    letter_date  date        NOT NULL,
    status       text        NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'rendered', 'erased')),
    pdf          bytea,
    pages        integer,
    created_at   timestamptz NOT NULL DEFAULT now(),
    rendered_at  timestamptz,
    UNIQUE (kind, invitee_id)
);
CREATE INDEX letters_pending ON letters (created_at) WHERE status = 'pending';
CREATE INDEX letters_district ON letters (district_id, kind, wave);

-- The print shop's file: all letters of one district, kind and wave in postal-code
-- order, built once every letter of the set is rendered (dropped when one is added).
CREATE TABLE letter_bundles (
    district_id  text        NOT NULL,
    kind         text        NOT NULL,
    wave         integer     NOT NULL,
    letters      integer     NOT NULL,
    pages        integer     NOT NULL,
    pdf          bytea       NOT NULL,
    built_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (district_id, kind, wave)
);

-- Reminders before the workshop, one per seat holder and distance in days. Scheduled
-- when a seat is granted, cancelled when it is given up; the clock claims due ones with
-- SKIP LOCKED and marks them sent in the transaction that stores the delivery.
CREATE TABLE reminders (
    reminder_id     uuid        PRIMARY KEY,
    district_id     text        NOT NULL,
    participant_id  uuid        NOT NULL,
    days_before     integer     NOT NULL,
    due_at          timestamptz NOT NULL,
    status          text        NOT NULL DEFAULT 'scheduled'
                    CHECK (status IN ('scheduled', 'sent', 'cancelled')),
    sent_at         timestamptz,
    UNIQUE (participant_id, days_before)
);
CREATE INDEX reminders_due ON reminders (due_at) WHERE status = 'scheduled';

-- Erasure keeps a delivery's template, status and times, without its recipient.
ALTER TABLE deliveries ALTER COLUMN email DROP NOT NULL;
CREATE INDEX deliveries_failed ON deliveries (district_id, created_at) WHERE status = 'failed';
