-- Retention: a district's personal data is erased a configured time after its workshop.
-- Erased rows keep what the figures and the pseudonymous audit need (ids, channel,
-- status, times); names, contact data and exact addresses become NULL.
ALTER TABLE applications ALTER COLUMN given_name DROP NOT NULL;
ALTER TABLE applications ALTER COLUMN family_name DROP NOT NULL;
ALTER TABLE districts ADD COLUMN personal_data_erased_at timestamptz;
