-- Read models: derived from events only, rebuildable from the topics.
CREATE TABLE event_counts (
    district_id  text   NOT NULL,
    event_type   text   NOT NULL,
    count        bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (district_id, event_type)
);

CREATE TABLE applications (
    application_id  uuid        PRIMARY KEY,
    district_id     text        NOT NULL,
    channel         text        NOT NULL,
    status          text        NOT NULL DEFAULT 'received',
    received_at     timestamptz NOT NULL
);
CREATE INDEX reporting_applications_district ON applications (district_id);
