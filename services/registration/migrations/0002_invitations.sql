-- Invitations from the register draw, as the lottery announces them (InvitationsDrawn).
-- Only a keyed hash of each invitation code is kept: the code itself is printed on the
-- letter and never stored here.
CREATE TABLE invitation_codes (
    code_hash          text        PRIMARY KEY,
    invitee_id         uuid        NOT NULL UNIQUE,
    district_id        text        NOT NULL,
    draw_id            uuid        NOT NULL,
    wave               integer     NOT NULL,
    response_deadline  date,
    used_at            timestamptz
);
CREATE INDEX invitation_codes_district ON invitation_codes (district_id);

-- The invitees' answers (web form or reply card entered by staff): one per invitee.
CREATE TABLE invitation_answers (
    invitee_id           uuid        PRIMARY KEY,
    district_id          text        NOT NULL,
    channel              text        NOT NULL CHECK (channel IN ('web', 'reply_card')),
    accepts              boolean     NOT NULL,
    birth_year           integer,
    gender               text,
    municipality         text,
    email                text,
    phone                text,
    language             text        NOT NULL,
    accessibility_needs  text[]      NOT NULL DEFAULT '{}',
    quota_answers        jsonb       NOT NULL DEFAULT '{}'::jsonb,
    entered_by           text,
    answered_at          timestamptz NOT NULL
);
CREATE INDEX invitation_answers_district ON invitation_answers (district_id);
