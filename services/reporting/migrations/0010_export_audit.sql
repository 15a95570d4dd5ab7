-- Who exported what, when: exports carry names (participants) and ideas, so every one
-- is recorded. Not a read model: a rebuild leaves it alone.
CREATE TABLE export_audit (
    exported_at  timestamptz NOT NULL DEFAULT now(),
    subject      text        NOT NULL,
    role         text        NOT NULL,
    district_id  text        NOT NULL,
    export       text        NOT NULL,
    format       text        NOT NULL
);
CREATE INDEX export_audit_district ON export_audit (district_id, exported_at);
