-- Messages for a person this service does not know yet. Events of different topics
-- arrive in no fixed order (a draw's result may be read before the application it
-- names, e.g. while a consumer catches up after a restart): such a message waits here
-- and becomes a delivery in the transaction that records the person.
CREATE TABLE deferred_messages (
    source_event_id  uuid        NOT NULL,
    template         text        NOT NULL,
    recipient_ref    uuid        NOT NULL,
    district_id      text        NOT NULL,
    message_values   jsonb       NOT NULL DEFAULT '{}'::jsonb,
    deferred_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source_event_id, template, recipient_ref)
);
CREATE INDEX deferred_messages_recipient ON deferred_messages (recipient_ref);
