-- Who holds a seat at the workshop, as the lottery announces it (LotteryDrawn,
-- ParticipantPromoted, PanelDrawn), and who came: one row per participant.
CREATE TABLE workshop_seats (
    participant_id   uuid        PRIMARY KEY,
    district_id      text        NOT NULL,
    half             text        NOT NULL CHECK (half IN ('applicants', 'register')),
    state            text        NOT NULL CHECK (state IN ('seated', 'waitlisted', 'released')),
    checked_in_at    timestamptz,
    check_in_method  text        CHECK (check_in_method IN ('qr_code', 'name_search')),
    checked_in_by    text
);
CREATE INDEX workshop_seats_district ON workshop_seats (district_id, state);

-- Names of the register's invitees (from InvitationsDrawn), for the search by name at
-- check-in. Erased with the rest of the district's personal data.
CREATE TABLE register_invitee_names (
    invitee_id   uuid  PRIMARY KEY,
    district_id  text  NOT NULL,
    given_name   text  NOT NULL,
    family_name  text  NOT NULL
);
CREATE INDEX register_invitee_names_district ON register_invitee_names (district_id);

-- The workshop's outcomes as moderators record them.
CREATE TABLE guidelines (
    guideline_id           uuid        PRIMARY KEY,
    district_id            text        NOT NULL,
    title                  text        NOT NULL,
    text                   text        NOT NULL,
    field_of_action        text        NOT NULL,
    supporting_statements  text[]      NOT NULL DEFAULT '{}',
    idea_ids               uuid[]      NOT NULL DEFAULT '{}',
    recorded_by            text        NOT NULL,
    recorded_at            timestamptz NOT NULL
);
CREATE INDEX guidelines_district ON guidelines (district_id, recorded_at);
