-- The people notifications may write to, as registration's events describe them.
-- Personal data: kept only as long as the district's process needs it.
CREATE TABLE recipients (
    recipient_ref   uuid        PRIMARY KEY,
    district_id     text        NOT NULL,
    given_name      text        NOT NULL,
    family_name     text        NOT NULL,
    email           text,
    language        text        NOT NULL DEFAULT 'de',
    withdrawal_url  text,
    added_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX recipients_district ON recipients (district_id);
