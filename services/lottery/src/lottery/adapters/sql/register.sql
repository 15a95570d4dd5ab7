-- name: start_import
INSERT INTO register_imports (import_id, district_id, actor, reference_date)
VALUES ($1, $2, $3, $4);

-- name: finish_import
UPDATE register_imports
SET finished_at = $2, accepted = $3, rejected = $4, blocked = $5, commitment = $6::jsonb
WHERE import_id = $1;

-- name: current_import
SELECT import_id, district_id, reference_date, finished_at, accepted, rejected, blocked,
       commitment
FROM register_imports
WHERE district_id = $1 AND finished_at IS NOT NULL
ORDER BY finished_at DESC LIMIT 1;

-- name: get_import
SELECT import_id, district_id, finished_at, accepted, rejected, blocked
FROM register_imports WHERE import_id = $1;

-- name: lock_district_register
SELECT pg_advisory_xact_lock(hashtextextended('register:' || $1, 0));

-- name: waves_drawn
SELECT count(*) FROM invitation_waves WHERE district_id = $1;

-- name: earlier_imports
SELECT import_id FROM register_imports WHERE district_id = $1 AND import_id <> $2;

-- name: drop_import_records
DELETE FROM register_records WHERE import_id = ANY($1::uuid[]);

-- name: drop_import_pool
DELETE FROM register_pool WHERE import_id = ANY($1::uuid[]);

-- name: duplicate_records
-- Later rows repeating a record id of the same import: moved to the errors.
WITH ranked AS (
    SELECT person_id, row_number, record_id,
           row_number() OVER (PARTITION BY record_id ORDER BY row_number) AS n
    FROM register_records WHERE import_id = $1
), dropped AS (
    DELETE FROM register_records r USING ranked d
    WHERE r.person_id = d.person_id AND d.n > 1
    RETURNING r.person_id, r.row_number, r.record_id
), unpooled AS (
    DELETE FROM register_pool p USING dropped d WHERE p.person_id = d.person_id
)
INSERT INTO register_import_errors (import_id, row_number, record_id, column_name, reason)
SELECT $1, row_number, record_id, 'record_id', 'appears more than once; the first row counts'
FROM dropped
RETURNING row_number;

-- name: population
SELECT age_band, gender, municipality, count(*) AS n
FROM register_pool WHERE import_id = $1
GROUP BY age_band, gender, municipality
ORDER BY age_band, gender, municipality;

-- name: drawable_population
SELECT age_band, gender, municipality, count(*) AS n
FROM register_pool p
WHERE import_id = $1
  AND NOT EXISTS (SELECT 1 FROM invitations i WHERE i.invitee_id = p.person_id)
GROUP BY age_band, gender, municipality
ORDER BY age_band, gender, municipality;

-- name: pool_hash
-- SHA-256 of the sorted pool, one line per person: id, age band, gender, municipality
-- separated by tabs, each line ending in a newline.
SELECT encode(sha256(convert_to(coalesce(string_agg(
           person_id::text || E'\t' || age_band || E'\t' || gender || E'\t' || municipality
           || E'\n', '' ORDER BY person_id), ''), 'UTF8')), 'hex')
FROM register_pool WHERE import_id = $1;

-- name: pool_lines
SELECT person_id::text || E'\t' || age_band || E'\t' || gender || E'\t' || municipality AS line
FROM register_pool WHERE import_id = $1 ORDER BY person_id;

-- name: import_errors
SELECT row_number, record_id, column_name, reason
FROM register_import_errors WHERE import_id = $1 ORDER BY row_number;

-- name: already_invited
SELECT count(*) FROM invitations WHERE district_id = $1;

-- name: invited_before
SELECT invitee_id::text AS person_id FROM invitations WHERE district_id = $1;

-- name: draw_invitees
-- Within each stratum, the people not invited before, ranked by SHA-256(key || id)
-- (the same number as lottery.domain.invitations.person_number); the first n are invited.
WITH wanted AS (
    SELECT * FROM unnest($3::text[], $4::text[], $5::text[], $6::int[])
        AS a(age_band, gender, municipality, letters)
), ranked AS (
    SELECT p.person_id, p.age_band, p.gender, p.municipality,
           row_number() OVER (
               PARTITION BY p.age_band, p.gender, p.municipality
               ORDER BY sha256(convert_to($2 || p.person_id::text, 'UTF8')), p.person_id
           ) AS rank
    FROM register_pool p
    WHERE p.import_id = $1
      AND NOT EXISTS (SELECT 1 FROM invitations i WHERE i.invitee_id = p.person_id)
      AND (p.age_band, p.gender, p.municipality) IN
          (SELECT age_band, gender, municipality FROM wanted WHERE letters > 0)
)
SELECT r.person_id, r.age_band, r.gender, r.municipality, r.rank,
       c.given_names, c.family_name, c.doctorate, c.street, c.house_number,
       c.address_supplement, c.postal_code, c.municipality AS address_municipality
FROM ranked r
JOIN wanted w USING (age_band, gender, municipality)
JOIN register_records c ON c.person_id = r.person_id
WHERE r.rank <= w.letters
ORDER BY r.age_band, r.gender, r.municipality, r.rank;

-- name: insert_wave
INSERT INTO invitation_waves (draw_id, district_id, import_id, wave, seed, key, letters,
                              response_deadline, audit_record, actor)
VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9::jsonb, $10)
ON CONFLICT (district_id, wave) DO NOTHING
RETURNING draw_id;

-- name: insert_invitations
INSERT INTO invitations (invitee_id, district_id, draw_id, wave)
SELECT i, $2, $3, $4 FROM unnest($1::uuid[]) AS t(i);

-- name: waves
SELECT draw_id, wave, seed, key, letters, response_deadline, audit_record, drawn_at
FROM invitation_waves WHERE district_id = $1 ORDER BY wave;

-- name: record_answer
INSERT INTO register_respondents (invitee_id, district_id, accepts, age_band, gender,
                                  municipality, quota_answers, answered_at)
SELECT $1, $2, $3, $4, $5, $6, $7::jsonb, $8
WHERE EXISTS (SELECT 1 FROM invitations WHERE invitee_id = $1 AND district_id = $2)
ON CONFLICT (invitee_id) DO UPDATE SET accepts = EXCLUDED.accepts,
    age_band = EXCLUDED.age_band, gender = EXCLUDED.gender,
    municipality = EXCLUDED.municipality, quota_answers = EXCLUDED.quota_answers,
    answered_at = EXCLUDED.answered_at
WHERE register_respondents.answered_at <= EXCLUDED.answered_at;

-- name: respondents
SELECT r.invitee_id, r.accepts, r.age_band, r.gender, r.municipality, r.quota_answers,
       p.household_key, p.age_band AS register_age_band, p.gender AS register_gender,
       p.municipality AS register_municipality
FROM register_respondents r
LEFT JOIN register_pool p ON p.person_id = r.invitee_id
WHERE r.district_id = $1
ORDER BY r.invitee_id;

-- name: response_counts
SELECT count(*) FILTER (WHERE accepts) AS accepted, count(*) AS answered
FROM register_respondents WHERE district_id = $1;
