-- The workshops as registration announces them (WorkshopScheduled).
CREATE TABLE workshops (
    district_id           text        PRIMARY KEY,
    workshop_date         date        NOT NULL,
    town                  text        NOT NULL,
    venue                 text,
    starts_at             timestamptz,
    ends_at               timestamptz,
    application_deadline  timestamptz NOT NULL
);

-- One delivery per source event, template and recipient: a redelivered event finds
-- its delivery already there and sends nothing new.
CREATE TABLE deliveries (
    delivery_id      uuid        PRIMARY KEY,
    source_event_id  uuid        NOT NULL,
    template         text        NOT NULL,
    recipient_ref    uuid        NOT NULL,
    district_id      text        NOT NULL,
    email            text        NOT NULL,
    subject          text        NOT NULL,
    body_text        text        NOT NULL,
    body_html        text        NOT NULL,
    attachments      jsonb       NOT NULL DEFAULT '[]'::jsonb,
    status           text        NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    lease_until      timestamptz,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    sent_at          timestamptz,
    UNIQUE (source_event_id, template, recipient_ref)
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status IN ('pending', 'sending');
