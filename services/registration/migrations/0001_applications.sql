-- The districts of the current rollout as registration applies them. closed_at is set
-- by the closing barrier under an exclusive advisory lock per district that every
-- application takes shared, so no application commits after its ApplicationsClosed.
CREATE TABLE districts (
    district_id           text        PRIMARY KEY,
    application_deadline  timestamptz NOT NULL,
    closes_at             timestamptz NOT NULL,
    workshop_date         date        NOT NULL,
    applicant_seats       integer     NOT NULL CHECK (applicant_seats >= 0),
    register_seats        integer     NOT NULL CHECK (register_seats >= 0),
    closed_at             timestamptz
);

-- Applications: one per person and district, whatever the channel.
CREATE TABLE applications (
    application_id       uuid        PRIMARY KEY,
    district_id          text        NOT NULL REFERENCES districts (district_id),
    person_key           text        NOT NULL,
    channel              text        NOT NULL CHECK (channel IN ('web', 'reply_card')),
    submission_id        uuid        UNIQUE,
    card_id              text,
    given_name           text        NOT NULL,
    family_name          text        NOT NULL,
    street               text,
    house_number         text,
    postal_code          text,
    municipality         text,
    email                text,
    phone                text,
    birth_year           integer,
    gender               text        NOT NULL,
    accessibility_needs  text[]      NOT NULL DEFAULT '{}',
    accessibility_other  text,
    language             text        NOT NULL,
    consent_text_version text,
    status               text        NOT NULL
                         CHECK (status IN ('pending_confirmation', 'confirmed', 'withdrawn', 'lapsed')),
    received_at          timestamptz NOT NULL,
    confirmed_at         timestamptz,
    withdrawn_at         timestamptz,
    UNIQUE (district_id, person_key)
);
CREATE UNIQUE INDEX applications_card ON applications (district_id, card_id) WHERE card_id IS NOT NULL;
CREATE INDEX applications_district_status ON applications (district_id, status);

-- Ideas: residents' answers to the guiding question.
CREATE TABLE ideas (
    idea_id          uuid        PRIMARY KEY,
    district_id      text        NOT NULL,
    text             text        NOT NULL,
    field_of_action  text,
    author_name      text,
    author_email     text,
    moderation       text        NOT NULL DEFAULT 'new'
                     CHECK (moderation IN ('new', 'published', 'hidden')),
    submitted_at     timestamptz NOT NULL
);
CREATE INDEX ideas_district ON ideas (district_id, moderation);
