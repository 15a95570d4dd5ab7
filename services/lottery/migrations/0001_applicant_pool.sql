-- The applicants' pool of each district as the lottery knows it from registration's events.
CREATE TABLE applicants (
    application_id  uuid        PRIMARY KEY,
    district_id     text        NOT NULL,
    status          text        NOT NULL DEFAULT 'received'
                    CHECK (status IN ('received', 'confirmed', 'withdrawn')),
    received_at     timestamptz NOT NULL
);
CREATE INDEX applicants_district ON applicants (district_id);
