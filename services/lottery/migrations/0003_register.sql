-- The register draw. Personal data of the register (names, addresses) lives only in
-- register_records; the draws work on register_pool, which holds a random person id,
-- the stratum and a household key and nothing else.

CREATE TABLE register_imports (
    import_id        uuid        PRIMARY KEY,
    district_id      text        NOT NULL,
    actor            text        NOT NULL,
    reference_date   date        NOT NULL,
    started_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz,
    accepted         integer     NOT NULL DEFAULT 0,
    rejected         integer     NOT NULL DEFAULT 0,
    blocked          integer     NOT NULL DEFAULT 0,
    commitment       jsonb
);
CREATE INDEX register_imports_district ON register_imports (district_id, finished_at);

CREATE TABLE register_records (
    person_id           uuid    PRIMARY KEY,
    import_id           uuid    NOT NULL,
    row_number          integer NOT NULL,
    record_id           text    NOT NULL,
    family_name         text    NOT NULL,
    given_names         text    NOT NULL,
    doctorate           text,
    birth_date          date,
    birth_year          integer NOT NULL,
    gender              text    NOT NULL,
    nationalities       text,
    street              text    NOT NULL,
    house_number        text    NOT NULL,
    address_supplement  text,
    postal_code         text    NOT NULL,
    municipality        text    NOT NULL
);
CREATE INDEX register_records_import ON register_records (import_id, record_id);

CREATE TABLE register_pool (
    person_id      uuid PRIMARY KEY,
    import_id      uuid NOT NULL,
    age_band       text NOT NULL,
    gender         text NOT NULL,
    municipality   text NOT NULL,
    household_key  text NOT NULL
);
CREATE INDEX register_pool_import ON register_pool (import_id);

-- Rows that could not be used: the row number, the record id, the column and the
-- problem, never the rejected value.
CREATE TABLE register_import_errors (
    import_id    uuid    NOT NULL,
    row_number   integer NOT NULL,
    record_id    text,
    column_name  text    NOT NULL,
    reason       text    NOT NULL
);
CREATE INDEX register_import_errors_import ON register_import_errors (import_id, row_number);

-- One invitation wave per district and wave number, drawn with its own public seed.
CREATE TABLE invitation_waves (
    draw_id            uuid        PRIMARY KEY,
    district_id        text        NOT NULL,
    import_id          uuid        NOT NULL,
    wave               integer     NOT NULL CHECK (wave >= 1),
    seed               jsonb       NOT NULL,
    key                text        NOT NULL,
    letters            integer     NOT NULL,
    response_deadline  date        NOT NULL,
    audit_record       jsonb       NOT NULL,
    actor              text        NOT NULL,
    drawn_at           timestamptz NOT NULL DEFAULT now(),
    UNIQUE (district_id, wave)
);

CREATE TABLE invitations (
    invitee_id   uuid    PRIMARY KEY,
    district_id  text    NOT NULL,
    draw_id      uuid    NOT NULL,
    wave         integer NOT NULL
);
CREATE INDEX invitations_district ON invitations (district_id);

-- Answers as registration reports them: the quota attributes the invitee gave.
CREATE TABLE register_respondents (
    invitee_id     uuid        PRIMARY KEY,
    district_id    text        NOT NULL,
    accepts        boolean     NOT NULL,
    age_band       text,
    gender         text,
    municipality   text,
    quota_answers  jsonb       NOT NULL DEFAULT '{}'::jsonb,
    answered_at    timestamptz NOT NULL
);
CREATE INDEX register_respondents_district ON register_respondents (district_id);

-- The panel draw: one per district, in the draws table beside the applicants' draw.
ALTER TABLE draws DROP CONSTRAINT draws_kind_check;
ALTER TABLE draws ADD CONSTRAINT draws_kind_check
    CHECK (kind IN ('applicants', 'register_panel'));
