-- name: upsert_district
INSERT INTO districts
    (district_id, application_deadline, closes_at, workshop_date, applicant_seats, register_seats)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (district_id) DO UPDATE SET
    application_deadline = EXCLUDED.application_deadline,
    closes_at = EXCLUDED.closes_at,
    workshop_date = EXCLUDED.workshop_date,
    applicant_seats = EXCLUDED.applicant_seats,
    register_seats = EXCLUDED.register_seats
WHERE districts.closed_at IS NULL
  AND (districts.application_deadline, districts.closes_at, districts.workshop_date,
       districts.applicant_seats, districts.register_seats)
      IS DISTINCT FROM
      (EXCLUDED.application_deadline, EXCLUDED.closes_at, EXCLUDED.workshop_date,
       EXCLUDED.applicant_seats, EXCLUDED.register_seats)
RETURNING district_id;

-- The closing barrier's lock is a transaction-level advisory lock per district: shared
-- for applications, exclusive for the closing. Unlike row locks it writes nothing, so
-- concurrent applications of one district do not contend on the district's row.
-- The lock is taken in a statement of its own: a statement reads with the snapshot of
-- its start, so the district must be read by a later statement, after the lock is held.
-- name: barrier_shared
SELECT pg_advisory_xact_lock_shared(71461101, hashtext($1));

-- name: barrier_exclusive
SELECT pg_advisory_xact_lock(71461101, hashtext($1));

-- name: district_state
SELECT district_id, application_deadline, closed_at FROM districts WHERE district_id = $1;

-- name: districts_due
SELECT district_id FROM districts WHERE closed_at IS NULL AND closes_at <= $1 ORDER BY closes_at;

-- name: insert_applications
-- Many applications in one statement: arrays of equal length, one element per
-- application, in the order of the columns below (accessibility needs comma-separated).
-- A row that conflicts (the person or the card is already there, also from earlier in
-- the same arrays) is left out; the ids of the rows stored are returned.
INSERT INTO applications (
    application_id, district_id, person_key, channel, submission_id, card_id,
    given_name, family_name, street, house_number, postal_code, municipality,
    email, phone, birth_year, gender, accessibility_needs, accessibility_other, language,
    consent_text_version, status, received_at, confirmed_at)
SELECT application_id, district_id, person_key, channel, submission_id, card_id,
       given_name, family_name, street, house_number, postal_code, municipality,
       email, phone, birth_year, gender,
       coalesce(string_to_array(nullif(needs, ''), ','), '{}'), accessibility_other, language,
       consent_text_version, status, received_at,
       CASE WHEN status = 'confirmed' THEN received_at END
FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::text[],
            $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[],
            $13::text[], $14::text[], $15::int[], $16::text[], $17::text[], $18::text[],
            $19::text[], $20::text[], $21::text[], $22::timestamptz[])
    WITH ORDINALITY AS a(application_id, district_id, person_key, channel, submission_id,
                         card_id, given_name, family_name, street, house_number,
                         postal_code, municipality, email, phone, birth_year, gender, needs,
                         accessibility_other, language, consent_text_version, status,
                         received_at, n)
ORDER BY n
ON CONFLICT DO NOTHING
RETURNING application_id;

-- name: find_by_submission
SELECT application_id, district_id, status FROM applications WHERE submission_id = $1;

-- name: find_card
SELECT application_id FROM applications WHERE district_id = $1 AND card_id = $2;

-- name: get_application
SELECT application_id, district_id, status, channel FROM applications WHERE application_id = $1;

-- name: confirm_application
UPDATE applications SET status = 'confirmed', confirmed_at = $2
WHERE application_id = $1 AND status = 'pending_confirmation'
RETURNING application_id;

-- name: withdraw_application
UPDATE applications SET status = 'withdrawn', withdrawn_at = $2
WHERE application_id = $1 AND status IN ('pending_confirmation', 'confirmed')
RETURNING application_id;

-- name: lapse_unconfirmed
UPDATE applications SET status = 'lapsed'
WHERE district_id = $1 AND status = 'pending_confirmation';

-- name: close_district
UPDATE districts SET closed_at = $2 WHERE district_id = $1;

-- name: count_by_status
SELECT status, count(*) AS n FROM applications WHERE district_id = $1 GROUP BY status;

-- name: insert_idea
INSERT INTO ideas (idea_id, district_id, text, field_of_action, author_name, author_email,
                   submitted_at)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: list_ideas
SELECT idea_id, district_id, text, field_of_action, moderation, submitted_at
FROM ideas WHERE district_id = $1 AND ($2::text IS NULL OR moderation = $2)
ORDER BY submitted_at;

-- name: moderate_idea
UPDATE ideas SET moderation = $2 WHERE idea_id = $1 RETURNING district_id;

-- name: idea_district
SELECT district_id FROM ideas WHERE idea_id = $1;
