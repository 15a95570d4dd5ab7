-- Reporting's read models: derived from events only, rebuildable from the topics
-- (python -m reporting.rebuild). No column holds a value that depends on when the
-- event was handled (no now(), no serial ids), so a rebuild gives identical rows.
--
-- Personal data is minimised: applications keep channel, age band, gender and
-- municipality for aggregates, and given/family name only for the venue's participant
-- list (admin exports). No e-mail, address or phone is stored; ideas keep no author.

CREATE TABLE event_counts (
    district_id  text   NOT NULL,
    event_type   text   NOT NULL,
    count        bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (district_id, event_type)
);

-- WorkshopScheduled: the latest schedule of each district wins.
CREATE TABLE workshops (
    district_id           text        PRIMARY KEY,
    workshop_date         date        NOT NULL,
    town                  text        NOT NULL,
    venue                 text,
    applicant_seats       integer     NOT NULL,
    register_seats        integer     NOT NULL,
    application_deadline  timestamptz NOT NULL,
    starts_at             timestamptz
);

-- ApplicationReceived / Confirmed / Withdrawn.
CREATE TABLE applications (
    application_id  uuid        PRIMARY KEY,
    district_id     text        NOT NULL,
    channel         text        NOT NULL,
    status          text        NOT NULL DEFAULT 'received',
    received_at     timestamptz NOT NULL,
    confirmed_at    timestamptz,
    withdrawn_at    timestamptz,
    age_band        text        NOT NULL,
    gender          text        NOT NULL,
    municipality    text,
    given_name      text        NOT NULL,
    family_name     text        NOT NULL
);
CREATE INDEX reporting_applications_district ON applications (district_id);

-- ApplicationsClosed: the closing barrier's own counts.
CREATE TABLE closings (
    district_id  text        PRIMARY KEY,
    deadline     timestamptz NOT NULL,
    received     integer     NOT NULL,
    confirmed    integer     NOT NULL,
    lapsed       integer     NOT NULL,
    closed_at    timestamptz NOT NULL
);

-- DrawCommitted + LotteryDrawn, joined by draw id (either may come first in a rebuild).
CREATE TABLE draws (
    draw_id            uuid        PRIMARY KEY,
    district_id        text        NOT NULL,
    kind               text,
    pool_size          integer,
    pool_hash          text,
    algorithm          text,
    randomness_source  text,
    committed_at       timestamptz,
    seated             integer,
    waitlisted         integer,
    audit_reference    text,
    drawn_at           timestamptz
);
CREATE INDEX reporting_draws_district ON draws (district_id);

-- Seats of the applicants' half: LotteryDrawn, ParticipantPromoted, SeatDeclined.
-- A withdrawal is applied at query time (join with applications), because withdrawals
-- and draws travel on different topics and a rebuild may read them in another order.
CREATE TABLE placements (
    application_id     uuid    PRIMARY KEY,
    district_id        text    NOT NULL,
    state              text    NOT NULL CHECK (state IN ('seated', 'waiting', 'released')),
    waitlist_position  integer,
    via                text    NOT NULL CHECK (via IN ('lottery', 'waitlist'))
);
CREATE INDEX reporting_placements_district ON placements (district_id);

-- The register's half: InvitationsDrawn (names kept only for the venue list, and never
-- for someone who declined) and InvitationAnswered (latest answer wins).
CREATE TABLE register_draws (
    draw_id          uuid    PRIMARY KEY,
    district_id      text    NOT NULL,
    invitees         integer NOT NULL,
    audit_reference  text    NOT NULL
);

CREATE TABLE invitees (
    invitee_id   uuid  PRIMARY KEY,
    district_id  text  NOT NULL,
    given_name   text,
    family_name  text
);

CREATE TABLE invitation_answers (
    invitee_id    uuid        PRIMARY KEY,
    district_id   text        NOT NULL,
    accepts       boolean     NOT NULL,
    declined_ever boolean     NOT NULL,
    age_band      text        NOT NULL,
    gender        text        NOT NULL,
    answered_at   timestamptz NOT NULL
);

-- IdeaSubmitted, without the author.
CREATE TABLE ideas (
    idea_id          uuid        PRIMARY KEY,
    district_id      text        NOT NULL,
    text             text        NOT NULL,
    field_of_action  text,
    submitted_at     timestamptz NOT NULL
);
CREATE INDEX reporting_ideas_district ON ideas (district_id);

-- NotificationSent / NotificationFailed: one row per notification; 'sent' wins, so the
-- result does not depend on the order in which attempts are read.
CREATE TABLE notifications (
    notification_id  uuid    PRIMARY KEY,
    district_id      text    NOT NULL,
    template         text    NOT NULL,
    channel          text    NOT NULL,
    status           text    NOT NULL CHECK (status IN ('sent', 'failed')),
    permanent        boolean NOT NULL DEFAULT false,
    attempts         integer NOT NULL DEFAULT 1
);
CREATE INDEX reporting_notifications_district ON notifications (district_id);
