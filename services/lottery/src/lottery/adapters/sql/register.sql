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

-- name: create_stage
-- The extract as staged lines: line n of the file is row n (see StagingEncoder).
CREATE TEMP TABLE register_stage (
    row_number  integer GENERATED ALWAYS AS IDENTITY,
    line        text    NOT NULL
) ON COMMIT DROP;

-- name: check_rows
-- Every data row read and checked by the rules of lottery.domain.register.parse_row (the
-- reference; a test keeps both in agreement): problem is NULL for a usable record, an
-- empty array for a record under a disclosure block, else [column, reason].
-- Parameters: $1 the field position of each column (COLUMNS, then birth_year and age;
-- 0 = absent), $2 the reference date, $3 the fields a row needs, $4/$5 the
-- blocked/unblocked values, $6/$7 the sex values and their genders, $8/$9 the age bands'
-- lower bounds and labels, $10 the minimum age, $11 the longest value. (OFFSET 0 keeps
-- each step's values computed once per row instead of inlined into every later use.)
-- A typical row is plain: no control character anywhere and no blank beside a
-- separator or at either end, so none of its values needs trimming or searching for
-- control characters; and a line no longer than the longest value holds no value that
-- is too long. One pattern over the line decides this, instead of a trim, a length and
-- a search per value; the other rows take the value-by-value way.
CREATE TEMP TABLE register_checked ON COMMIT DROP AS
WITH raw AS (
    SELECT row_number, line, string_to_array(line, E'\x1f') AS f,
           line !~ '[\x01-\x1e\x7f]|^ |\x1f | \x1f| $' AS plain
    FROM register_stage
    WHERE row_number > 1 AND line <> ''
    OFFSET 0
), v AS (
    SELECT row_number, cardinality(f) AS width,
           NOT plain AND line ~ '[\x01-\x1e\x7f]' AS controls,
           octet_length(line) > $11 AS long,
           CASE WHEN plain THEN coalesce(f[($1::int[])[1]], '')
                ELSE btrim(coalesce(f[($1::int[])[1]], ''), E' \t\n\r\v\f') END AS record_id,
           CASE WHEN plain THEN coalesce(f[($1::int[])[2]], '')
                ELSE btrim(coalesce(f[($1::int[])[2]], ''), E' \t\n\r\v\f') END AS family_name,
           CASE WHEN plain THEN coalesce(f[($1::int[])[3]], '')
                ELSE btrim(coalesce(f[($1::int[])[3]], ''), E' \t\n\r\v\f') END AS given_names,
           CASE WHEN plain THEN coalesce(f[($1::int[])[4]], '')
                ELSE btrim(coalesce(f[($1::int[])[4]], ''), E' \t\n\r\v\f') END AS doctorate,
           CASE WHEN plain THEN coalesce(f[($1::int[])[5]], '')
                ELSE btrim(coalesce(f[($1::int[])[5]], ''), E' \t\n\r\v\f') END AS birth_date,
           CASE WHEN plain THEN coalesce(f[($1::int[])[6]], '')
                ELSE btrim(coalesce(f[($1::int[])[6]], ''), E' \t\n\r\v\f') END AS sex,
           CASE WHEN plain THEN coalesce(f[($1::int[])[7]], '')
                ELSE btrim(coalesce(f[($1::int[])[7]], ''), E' \t\n\r\v\f') END AS nationalities,
           CASE WHEN plain THEN coalesce(f[($1::int[])[8]], '')
                ELSE btrim(coalesce(f[($1::int[])[8]], ''), E' \t\n\r\v\f') END AS street,
           CASE WHEN plain THEN coalesce(f[($1::int[])[9]], '')
                ELSE btrim(coalesce(f[($1::int[])[9]], ''), E' \t\n\r\v\f') END AS house_number,
           CASE WHEN plain THEN coalesce(f[($1::int[])[10]], '')
                ELSE btrim(coalesce(f[($1::int[])[10]], ''), E' \t\n\r\v\f') END
               AS address_supplement,
           CASE WHEN plain THEN coalesce(f[($1::int[])[11]], '')
                ELSE btrim(coalesce(f[($1::int[])[11]], ''), E' \t\n\r\v\f') END AS postal_code,
           CASE WHEN plain THEN coalesce(f[($1::int[])[12]], '')
                ELSE btrim(coalesce(f[($1::int[])[12]], ''), E' \t\n\r\v\f') END AS municipality,
           CASE WHEN plain THEN coalesce(f[($1::int[])[13]], '')
                ELSE btrim(coalesce(f[($1::int[])[13]], ''), E' \t\n\r\v\f') END
               AS disclosure_block,
           CASE WHEN plain THEN coalesce(f[($1::int[])[14]], '')
                ELSE btrim(coalesce(f[($1::int[])[14]], ''), E' \t\n\r\v\f') END
               AS birth_year_text,
           CASE WHEN plain THEN coalesce(f[($1::int[])[15]], '')
                ELSE btrim(coalesce(f[($1::int[])[15]], ''), E' \t\n\r\v\f') END AS age_text
    FROM raw
    WHERE plain OR btrim(line, E' \t\n\r\v\f') <> ''
    OFFSET 0
), b AS (
    SELECT v.*, g.gender,
           lower(translate(v.disclosure_block, 'ÄÖÜ', 'äöü') COLLATE "C") AS block,
           CASE WHEN v.birth_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
                THEN ARRAY[substr(v.birth_date, 1, 4)::int, substr(v.birth_date, 6, 2)::int,
                           substr(v.birth_date, 9, 2)::int]
                WHEN v.birth_date ~ '^[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4}$'
                THEN ARRAY[split_part(v.birth_date, '.', 3)::int,
                           split_part(v.birth_date, '.', 2)::int,
                           split_part(v.birth_date, '.', 1)::int]
           END AS ymd,
           -- The first value too long or holding a control character, in column order;
           -- only rows that may have one are searched.
           CASE WHEN long OR controls THEN CASE
             WHEN length(record_id) > $11 THEN ARRAY['record_id', 'longer than ' || $11 || ' characters']
             WHEN controls AND record_id ~ '[\x01-\x1f\x7f]' THEN ARRAY['record_id', 'contains control characters']
             WHEN length(family_name) > $11 THEN ARRAY['family_name', 'longer than ' || $11 || ' characters']
             WHEN controls AND family_name ~ '[\x01-\x1f\x7f]' THEN ARRAY['family_name', 'contains control characters']
             WHEN length(given_names) > $11 THEN ARRAY['given_names', 'longer than ' || $11 || ' characters']
             WHEN controls AND given_names ~ '[\x01-\x1f\x7f]' THEN ARRAY['given_names', 'contains control characters']
             WHEN length(doctorate) > $11 THEN ARRAY['doctorate', 'longer than ' || $11 || ' characters']
             WHEN controls AND doctorate ~ '[\x01-\x1f\x7f]' THEN ARRAY['doctorate', 'contains control characters']
             WHEN length(birth_date) > $11 THEN ARRAY['birth_date', 'longer than ' || $11 || ' characters']
             WHEN controls AND birth_date ~ '[\x01-\x1f\x7f]' THEN ARRAY['birth_date', 'contains control characters']
             WHEN length(sex) > $11 THEN ARRAY['sex', 'longer than ' || $11 || ' characters']
             WHEN controls AND sex ~ '[\x01-\x1f\x7f]' THEN ARRAY['sex', 'contains control characters']
             WHEN length(nationalities) > $11 THEN ARRAY['nationalities', 'longer than ' || $11 || ' characters']
             WHEN controls AND nationalities ~ '[\x01-\x1f\x7f]' THEN ARRAY['nationalities', 'contains control characters']
             WHEN length(street) > $11 THEN ARRAY['street', 'longer than ' || $11 || ' characters']
             WHEN controls AND street ~ '[\x01-\x1f\x7f]' THEN ARRAY['street', 'contains control characters']
             WHEN length(house_number) > $11 THEN ARRAY['house_number', 'longer than ' || $11 || ' characters']
             WHEN controls AND house_number ~ '[\x01-\x1f\x7f]' THEN ARRAY['house_number', 'contains control characters']
             WHEN length(address_supplement) > $11 THEN ARRAY['address_supplement', 'longer than ' || $11 || ' characters']
             WHEN controls AND address_supplement ~ '[\x01-\x1f\x7f]' THEN ARRAY['address_supplement', 'contains control characters']
             WHEN length(postal_code) > $11 THEN ARRAY['postal_code', 'longer than ' || $11 || ' characters']
             WHEN controls AND postal_code ~ '[\x01-\x1f\x7f]' THEN ARRAY['postal_code', 'contains control characters']
             WHEN length(municipality) > $11 THEN ARRAY['municipality', 'longer than ' || $11 || ' characters']
             WHEN controls AND municipality ~ '[\x01-\x1f\x7f]' THEN ARRAY['municipality', 'contains control characters']
             WHEN length(disclosure_block) > $11 THEN ARRAY['disclosure_block', 'longer than ' || $11 || ' characters']
             WHEN controls AND disclosure_block ~ '[\x01-\x1f\x7f]' THEN ARRAY['disclosure_block', 'contains control characters']
           END END AS value_problem
    FROM v
    LEFT JOIN unnest($6::text[], $7::text[]) AS g(sex_value, gender)
      ON g.sex_value = lower(translate(v.sex, 'ÄÖÜ', 'äöü') COLLATE "C")
    OFFSET 0
), d AS (
    SELECT b.*,
           CASE WHEN ymd[1] >= 1 AND ymd[2] BETWEEN 1 AND 12 AND ymd[3] >= 1
                     AND ymd[3] <= CASE WHEN ymd[2] = 2 AND (ymd[1] % 4 = 0
                                             AND ymd[1] % 100 <> 0 OR ymd[1] % 400 = 0)
                                        THEN 29
                                        WHEN ymd[2] = 2 THEN 28
                                        WHEN ymd[2] IN (4, 6, 9, 11) THEN 30
                                        ELSE 31 END
                THEN make_date(ymd[1], ymd[2], ymd[3]) END AS born
    FROM b
    OFFSET 0
), e AS (
    SELECT d.*,
           CASE WHEN birth_date <> '' THEN extract(year FROM born)::int
                WHEN birth_year_text <> '' THEN
                    CASE WHEN birth_year_text ~ '^0*[0-9]{1,4}$' THEN
                        CASE WHEN birth_year_text::int BETWEEN 1880 AND extract(year FROM $2::date)
                             THEN birth_year_text::int END END
                WHEN age_text <> '' THEN
                    CASE WHEN age_text ~ '^0*[0-9]{1,3}$' THEN
                        CASE WHEN age_text::int <= 130
                             THEN extract(year FROM $2::date)::int - age_text::int END END
           END AS birth_year
    FROM d
    OFFSET 0
), verdict AS (
    SELECT e.*,
           ($9::text[])[width_bucket(extract(year FROM $2::date)::int - birth_year, $8::int[])]
               AS age_band,
           CASE
             WHEN width < $3 THEN ARRAY['(row)', width || ' fields instead of at least ' || $3]
             WHEN block = ANY($4::text[]) THEN '{}'::text[]
             WHEN block <> ALL($5::text[])
                 THEN ARRAY['disclosure_block', 'not a yes/no value (leer, 0/1, ja/nein)']
             WHEN record_id = '' THEN ARRAY['record_id', 'missing']
             WHEN family_name = '' THEN ARRAY['family_name', 'missing']
             WHEN given_names = '' THEN ARRAY['given_names', 'missing']
             WHEN sex = '' THEN ARRAY['sex', 'missing']
             WHEN street = '' THEN ARRAY['street', 'missing']
             WHEN house_number = '' THEN ARRAY['house_number', 'missing']
             WHEN postal_code = '' THEN ARRAY['postal_code', 'missing']
             WHEN municipality = '' THEN ARRAY['municipality', 'missing']
             WHEN value_problem IS NOT NULL THEN value_problem
             WHEN gender IS NULL
                 THEN ARRAY['sex', 'not one of m, w, d, x (or male, female, diverse, not_stated)']
             WHEN postal_code !~ '^[0-9]{5}$' THEN ARRAY['postal_code', 'not five digits']
             WHEN birth_date <> '' AND born IS NULL
                 THEN ARRAY['birth_date', 'not a date (YYYY-MM-DD or DD.MM.YYYY)']
             WHEN birth_date <> '' AND born > $2::date THEN ARRAY['birth_date', 'lies in the future']
             WHEN birth_date = '' AND birth_year_text <> '' AND birth_year IS NULL
                 THEN ARRAY['birth_year', 'not a plausible year']
             WHEN birth_date = '' AND birth_year_text = '' AND age_text <> ''
                  AND birth_year IS NULL
                 THEN ARRAY['age', 'not a plausible age']
             WHEN birth_year IS NULL
                 THEN ARRAY['birth_date', 'missing (give birth_date, birth_year or age)']
             WHEN extract(year FROM $2::date)::int - birth_year < $10
                 THEN ARRAY['birth_date', 'younger than ' || $10 || ': not eligible']
           END AS problem
    FROM e
    OFFSET 0
)
SELECT row_number, record_id, family_name, given_names, doctorate, born, birth_year,
       gender, nationalities, street, house_number, address_supplement, postal_code,
       municipality, age_band, problem,
       CASE WHEN problem IS NULL THEN gen_random_uuid() END AS person_id
FROM verdict;

-- name: find_duplicates
-- Later usable rows repeating a record id of the same import (the first row counts).
-- The planner gets the checked rows' statistics for the joins that follow.
CREATE TEMP TABLE register_duplicates ON COMMIT DROP AS
SELECT row_number, record_id
FROM (SELECT row_number, record_id,
             row_number() OVER (PARTITION BY record_id ORDER BY row_number) AS nth
      FROM register_checked WHERE problem IS NULL) AS usable
WHERE nth > 1;

-- name: analyze_checked
ANALYZE register_checked, register_duplicates;

-- name: blocked_count
SELECT count(*) FROM register_checked WHERE problem = '{}'::text[];

-- name: insert_rejections
INSERT INTO register_import_errors (import_id, row_number, record_id, column_name, reason)
SELECT $1, row_number, nullif(record_id, ''), problem[1], problem[2]
FROM register_checked WHERE cardinality(problem) = 2;

-- name: insert_duplicates
-- Later rows repeating a record id of the same import: moved to the errors.
INSERT INTO register_import_errors (import_id, row_number, record_id, column_name, reason)
SELECT $1, row_number, record_id, 'record_id', 'appears more than once; the first row counts'
FROM register_duplicates;

-- name: insert_records
INSERT INTO register_records (person_id, import_id, row_number, record_id, family_name,
                              given_names, doctorate, birth_date, birth_year, gender,
                              nationalities, street, house_number, address_supplement,
                              postal_code, municipality)
SELECT person_id, $1, row_number, record_id, family_name, given_names, nullif(doctorate, ''),
       born, birth_year, gender, nullif(nationalities, ''), street, house_number,
       nullif(address_supplement, ''), postal_code, municipality
FROM register_checked c
WHERE problem IS NULL
  AND NOT EXISTS (SELECT 1 FROM register_duplicates d WHERE d.row_number = c.row_number);

-- name: address_parts
-- The distinct streets, house numbers and supplements, for their household-key parts.
SELECT 1 AS part, street AS value FROM register_checked WHERE problem IS NULL GROUP BY street
UNION ALL
SELECT 2, house_number FROM register_checked WHERE problem IS NULL GROUP BY house_number
UNION ALL
SELECT 3, address_supplement FROM register_checked WHERE problem IS NULL
GROUP BY address_supplement;

-- name: insert_pool
-- The pseudonymous pool; the household key joined as lottery.domain.households does.
INSERT INTO register_pool (person_id, import_id, age_band, gender, municipality, household_key)
SELECT c.person_id, $1, c.age_band, c.gender, c.municipality,
       c.postal_code || '|' || s.k || '|' || h.k || CASE WHEN x.k <> '' THEN '|' || x.k ELSE '' END
FROM register_checked c
JOIN unnest($2::text[], $3::text[]) AS s(v, k) ON s.v = c.street
JOIN unnest($4::text[], $5::text[]) AS h(v, k) ON h.v = c.house_number
JOIN unnest($6::text[], $7::text[]) AS x(v, k) ON x.v = c.address_supplement
WHERE c.problem IS NULL
  AND NOT EXISTS (SELECT 1 FROM register_duplicates d WHERE d.row_number = c.row_number);

-- name: analyze_pool
-- Fresh statistics for the draws, which rank every person of the import.
ANALYZE register_pool;

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
-- Strata are partitioned by their number in the request, which sorts cheaper than by
-- their three names.
WITH wanted AS (
    SELECT * FROM unnest($3::text[], $4::text[], $5::text[], $6::int[]) WITH ORDINALITY
        AS a(age_band, gender, municipality, letters, stratum)
    WHERE letters > 0
), ranked AS (
    SELECT p.person_id, p.age_band, p.gender, p.municipality, w.letters,
           row_number() OVER (
               PARTITION BY w.stratum
               ORDER BY sha256(convert_to($2 || p.person_id::text, 'UTF8')), p.person_id
           ) AS rank
    FROM register_pool p
    JOIN wanted w USING (age_band, gender, municipality)
    WHERE p.import_id = $1
      AND NOT EXISTS (SELECT 1 FROM invitations i WHERE i.invitee_id = p.person_id)
)
SELECT r.person_id, r.age_band, r.gender, r.municipality, r.rank,
       c.given_names, c.family_name, c.doctorate, c.street, c.house_number,
       c.address_supplement, c.postal_code, c.municipality AS address_municipality
FROM ranked r
JOIN register_records c ON c.person_id = r.person_id
WHERE r.rank <= r.letters
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
