-- The transactional outbox: rows commit with the state change that caused them;
-- the relay publishes them in id order and marks them published.
CREATE TABLE outbox (
    id            bigserial PRIMARY KEY,
    event_id      uuid        NOT NULL UNIQUE,
    topic         text        NOT NULL,
    key           bytea,
    value         bytea       NOT NULL,
    headers       jsonb       NOT NULL DEFAULT '[]'::jsonb,
    created_at    timestamptz NOT NULL DEFAULT now(),
    published_at  timestamptz
);
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;

-- The inbox: one row per event this service has handled (or dead-lettered),
-- written in the same transaction as the effect, so a redelivery changes nothing.
CREATE TABLE inbox (
    event_id      uuid        PRIMARY KEY,
    event_type    text        NOT NULL,
    topic         text        NOT NULL,
    kafka_partition integer   NOT NULL,
    kafka_offset  bigint      NOT NULL,
    outcome       text        NOT NULL CHECK (outcome IN ('handled', 'dead_lettered')),
    handled_at    timestamptz NOT NULL DEFAULT now()
);
