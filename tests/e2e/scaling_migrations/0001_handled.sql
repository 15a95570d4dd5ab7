CREATE TABLE handled (instance text NOT NULL, district_id text NOT NULL, event_id uuid NOT NULL);
