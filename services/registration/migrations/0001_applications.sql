-- Applications: one row per person and district, whatever the channel.
CREATE TABLE applications (
    application_id  uuid        PRIMARY KEY,
    district_id     text        NOT NULL,
    channel         text        NOT NULL CHECK (channel IN ('web', 'reply_card')),
    given_name      text        NOT NULL,
    family_name     text        NOT NULL,
    email           text,
    status          text        NOT NULL DEFAULT 'received'
                    CHECK (status IN ('received', 'confirmed', 'withdrawn', 'lapsed')),
    received_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX applications_district ON applications (district_id);
