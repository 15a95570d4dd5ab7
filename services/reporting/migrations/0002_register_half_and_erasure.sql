-- The register's half in full (waves, answers by channel, the drawn panel), the
-- population the register describes, and erasure of a district's personal data.
-- Same rules as 0001: every value comes from an event, nothing from the clock.

-- InvitationsDrawn.wave: invitations are sent in waves; each invitee belongs to one.
ALTER TABLE register_draws ADD COLUMN wave integer NOT NULL DEFAULT 1;
ALTER TABLE invitees ADD COLUMN wave integer NOT NULL DEFAULT 1;

-- InvitationAnswered.channel and .municipality (aggregate attributes, no address).
ALTER TABLE invitation_answers ADD COLUMN channel text NOT NULL DEFAULT 'web';
ALTER TABLE invitation_answers ADD COLUMN municipality text;

-- PersonalDataErased: names go, the rows (and so every count) stay.
ALTER TABLE applications ALTER COLUMN given_name DROP NOT NULL;
ALTER TABLE applications ALTER COLUMN family_name DROP NOT NULL;

-- PanelDrawn: the register seats. The latest panel of a district replaces an earlier
-- one (one topic, one partition per district: the order is the same in a rebuild).
CREATE TABLE panels (
    district_id          text             PRIMARY KEY,
    draw_id              uuid             NOT NULL,
    selection_method     text             NOT NULL,
    minimum_probability  double precision NOT NULL,
    panel_count          integer          NOT NULL,
    panel_index          integer          NOT NULL,
    audit_reference      text             NOT NULL
);

CREATE TABLE panel_members (
    invitee_id        uuid    PRIMARY KEY,
    district_id       text    NOT NULL,
    role              text    NOT NULL CHECK (role IN ('seated', 'reserve')),
    reserve_position  integer
);
CREATE INDEX reporting_panel_members_district ON panel_members (district_id);

-- RegisterImported.population: the district's residents by stratum (the latest import
-- of a district replaces the earlier one).
CREATE TABLE population (
    district_id   text    NOT NULL,
    age_band      text    NOT NULL,
    gender        text    NOT NULL,
    municipality  text    NOT NULL,
    count         integer NOT NULL,
    PRIMARY KEY (district_id, age_band, gender, municipality)
);

-- PersonalDataErased: which districts are erased. Names that arrive later for such a
-- district (another topic read later in a rebuild, a redelivery) are not stored.
CREATE TABLE erasures (
    district_id  text        PRIMARY KEY,
    erased_at    timestamptz NOT NULL
);
