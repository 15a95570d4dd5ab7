-- name: upsert_invitee
INSERT INTO invitees (invitee_id, district_id, wave, invitation_code, given_name, family_name,
                      doctorate, street, house_number, address_supplement, postal_code,
                      municipality, response_deadline)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
ON CONFLICT (invitee_id) DO UPDATE SET
    wave = EXCLUDED.wave, invitation_code = EXCLUDED.invitation_code,
    given_name = EXCLUDED.given_name, family_name = EXCLUDED.family_name,
    doctorate = EXCLUDED.doctorate, street = EXCLUDED.street,
    house_number = EXCLUDED.house_number, address_supplement = EXCLUDED.address_supplement,
    postal_code = EXCLUDED.postal_code, municipality = EXCLUDED.municipality,
    response_deadline = EXCLUDED.response_deadline;

-- name: record_answer
INSERT INTO invitees (invitee_id, district_id, answered, accepts, email, language)
VALUES ($1, $2, true, $3, $4, $5)
ON CONFLICT (invitee_id) DO UPDATE SET
    answered = true, accepts = EXCLUDED.accepts, email = EXCLUDED.email,
    language = EXCLUDED.language;

-- name: mark_seated
INSERT INTO invitees (invitee_id, district_id, seated_by)
SELECT id, $2, $3 FROM unnest($1::uuid[]) AS id
ON CONFLICT (invitee_id) DO UPDATE SET seated_by = EXCLUDED.seated_by
WHERE invitees.seated_by IS NULL;

-- name: seats_to_confirm
-- Seated, answered and named, not yet confirmed: everything a confirmation needs is here.
SELECT invitee_id, district_id, wave, given_name, family_name, email, language, seated_by
FROM invitees
WHERE district_id = $1 AND seated_by IS NOT NULL AND NOT seat_confirmed
  AND answered AND accepts AND given_name IS NOT NULL
ORDER BY invitee_id
FOR UPDATE;

-- name: mark_seat_confirmed
UPDATE invitees SET seat_confirmed = true WHERE invitee_id = $1;

-- name: add_letter
INSERT INTO letters (letter_id, kind, district_id, wave, invitee_id, letter_date)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (kind, invitee_id) DO NOTHING
RETURNING letter_id;

-- name: drop_bundle
DELETE FROM letter_bundles WHERE district_id = $1 AND kind = $2 AND wave = $3;

-- name: claim_pending_letters
SELECT l.letter_id, l.kind, l.district_id, l.wave, l.invitee_id, l.letter_date,
       i.invitation_code, i.given_name, i.family_name, i.doctorate, i.street, i.house_number,
       i.address_supplement, i.postal_code, i.municipality, i.response_deadline
FROM letters l JOIN invitees i USING (invitee_id)
WHERE l.status = 'pending'
ORDER BY l.created_at, l.letter_id
LIMIT $1
FOR UPDATE OF l SKIP LOCKED;

-- name: store_letter_pdf
UPDATE letters SET status = 'rendered', pdf = $2, pages = $3, rendered_at = now()
WHERE letter_id = $1 AND status = 'pending';

-- name: sets_without_bundle
-- Letter sets that are complete (nothing pending) and have no print file yet.
SELECT l.district_id, l.kind, l.wave
FROM letters l
LEFT JOIN letter_bundles b USING (district_id, kind, wave)
WHERE b.district_id IS NULL AND l.status <> 'erased'
GROUP BY l.district_id, l.kind, l.wave
HAVING bool_and(l.status = 'rendered')
LIMIT 1;

-- name: letters_of_set
SELECT l.letter_id, l.kind, l.district_id, l.wave, l.invitee_id, l.letter_date, l.pages,
       i.invitation_code, i.given_name, i.family_name, i.doctorate, i.street, i.house_number,
       i.address_supplement, i.postal_code, i.municipality, i.response_deadline
FROM letters l JOIN invitees i USING (invitee_id)
WHERE l.district_id = $1 AND l.kind = $2 AND l.wave = $3 AND l.status = 'rendered'
ORDER BY i.postal_code, i.family_name, i.given_name, l.letter_id;

-- name: lock_set
SELECT pg_advisory_xact_lock(hashtext('letters:' || $1::text || ':' || $2::text || ':' || ($3::int)::text));

-- name: store_bundle
INSERT INTO letter_bundles (district_id, kind, wave, letters, pages, pdf)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (district_id, kind, wave) DO UPDATE SET
    letters = EXCLUDED.letters, pages = EXCLUDED.pages, pdf = EXCLUDED.pdf,
    built_at = now();

-- name: letter_summary
SELECT l.kind, l.wave, count(*) AS letters,
       count(*) FILTER (WHERE l.status = 'rendered') AS rendered,
       count(*) FILTER (WHERE l.status = 'pending') AS pending,
       count(*) FILTER (WHERE l.status = 'erased') AS erased,
       (SELECT b.pages FROM letter_bundles b
        WHERE b.district_id = l.district_id AND b.kind = l.kind AND b.wave = l.wave)
           AS bundle_pages
FROM letters l WHERE l.district_id = $1
GROUP BY l.district_id, l.kind, l.wave
ORDER BY l.kind, l.wave;

-- name: get_bundle
SELECT pdf, letters, pages FROM letter_bundles
WHERE district_id = $1 AND kind = $2 AND wave = $3;

-- name: get_letter_pdf
SELECT pdf FROM letters
WHERE district_id = $1 AND invitee_id = $2 AND kind = $3 AND status = 'rendered';

-- name: erase_district
-- Letters keep their kind, wave and counts; names, addresses and PDFs go.
WITH l AS (
    UPDATE letters SET pdf = NULL, status = 'erased' WHERE district_id = $1 RETURNING 1
), b AS (
    DELETE FROM letter_bundles WHERE district_id = $1 RETURNING 1
), i AS (
    DELETE FROM invitees WHERE district_id = $1 RETURNING 1
), r AS (
    DELETE FROM recipients WHERE district_id = $1 RETURNING 1
), m AS (
    UPDATE reminders SET status = 'cancelled' WHERE district_id = $1 AND status = 'scheduled'
    RETURNING 1
), d AS (
    UPDATE deliveries SET email = NULL, subject = '', body_text = '', body_html = '',
           attachments = '[]'::jsonb,
           status = CASE WHEN status IN ('pending', 'sending') THEN 'failed' ELSE status END,
           last_error = CASE WHEN status IN ('pending', 'sending')
                             THEN 'personal data erased before sending' ELSE last_error END,
           lease_until = NULL
    WHERE district_id = $1 RETURNING 1
)
SELECT (SELECT count(*) FROM l) AS letters, (SELECT count(*) FROM i) AS invitees,
       (SELECT count(*) FROM r) AS recipients, (SELECT count(*) FROM d) AS deliveries;

-- name: set_ready
SELECT NOT EXISTS (SELECT 1 FROM letters
                   WHERE district_id = $1 AND kind = $2 AND wave = $3 AND status = 'pending')
   AND NOT EXISTS (SELECT 1 FROM letter_bundles
                   WHERE district_id = $1 AND kind = $2 AND wave = $3);

-- name: rendered_ids_of_set
-- Shares the rows' locks: an erasure in flight is waited for, then seen.
SELECT letter_id FROM letters
WHERE district_id = $1 AND kind = $2 AND wave = $3 AND status = 'rendered'
ORDER BY letter_id
FOR SHARE;

-- name: add_letters
INSERT INTO letters (letter_id, kind, district_id, wave, invitee_id, letter_date)
SELECT gen_random_uuid(), $1, $2, $3, id, $5 FROM unnest($4::uuid[]) AS id
ON CONFLICT (kind, invitee_id) DO NOTHING
RETURNING letter_id;
