-- The workshop day: who came (ParticipantCheckedIn, ids only, no names) and the
-- guidelines recorded by the moderators (GuidelineRecorded). Both from events only.
CREATE TABLE check_ins (
    participant_id  uuid        PRIMARY KEY,
    district_id     text        NOT NULL,
    half            text        NOT NULL CHECK (half IN ('applicants', 'register')),
    method          text        NOT NULL,
    checked_in_at   timestamptz NOT NULL
);
CREATE INDEX reporting_check_ins_district ON check_ins (district_id);

CREATE TABLE guidelines (
    guideline_id           uuid        PRIMARY KEY,
    district_id            text        NOT NULL,
    title                  text        NOT NULL,
    text                   text        NOT NULL,
    field_of_action        text        NOT NULL,
    supporting_statements  text[]      NOT NULL DEFAULT '{}',
    idea_ids               uuid[]      NOT NULL DEFAULT '{}',
    recorded_at            timestamptz NOT NULL
);
CREATE INDEX reporting_guidelines_district ON guidelines (district_id, recorded_at);
