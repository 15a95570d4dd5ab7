-- name: add_seats
-- Seats and waitlist places from a draw (a redelivered draw changes nothing).
INSERT INTO workshop_seats (participant_id, district_id, half, state)
SELECT p, $2, $3, s FROM unnest($1::uuid[], $4::text[]) AS t(p, s)
ON CONFLICT (participant_id) DO NOTHING;

-- name: seat
INSERT INTO workshop_seats (participant_id, district_id, half, state)
VALUES ($1, $2, $3, 'seated')
ON CONFLICT (participant_id) DO UPDATE SET state = 'seated';

-- name: half_of
SELECT half FROM workshop_seats WHERE participant_id = $1;

-- name: release
UPDATE workshop_seats SET state = 'released' WHERE participant_id = $1;

-- name: add_invitee_names
INSERT INTO register_invitee_names (invitee_id, district_id, given_name, family_name)
SELECT i, $2, g, f FROM unnest($1::uuid[], $3::text[], $4::text[]) AS t(i, g, f)
ON CONFLICT (invitee_id) DO NOTHING;

-- name: lock_participant
-- The participant with name and application status, locked for the check-in.
SELECT s.participant_id, s.district_id, s.half, s.state, s.checked_in_at,
       coalesce(a.given_name, r.given_name) AS given_name,
       coalesce(a.family_name, r.family_name) AS family_name,
       a.status AS application_status
FROM workshop_seats s
LEFT JOIN applications a ON a.application_id = s.participant_id
LEFT JOIN register_invitee_names r ON r.invitee_id = s.participant_id
WHERE s.participant_id = $1
FOR UPDATE OF s;

-- name: check_in
UPDATE workshop_seats SET checked_in_at = $2, check_in_method = $3, checked_in_by = $4
WHERE participant_id = $1 AND checked_in_at IS NULL;

-- name: search
-- Seat holders and waiting people whose name contains the pattern ($2, escaped).
SELECT s.participant_id, s.half, s.state, s.checked_in_at,
       coalesce(a.given_name, r.given_name) AS given_name,
       coalesce(a.family_name, r.family_name) AS family_name,
       a.status AS application_status
FROM workshop_seats s
LEFT JOIN applications a ON a.application_id = s.participant_id
LEFT JOIN register_invitee_names r ON r.invitee_id = s.participant_id
WHERE s.district_id = $1 AND s.state <> 'released'
  AND (coalesce(a.given_name, r.given_name) || ' ' || coalesce(a.family_name, r.family_name)
         ILIKE $2 ESCAPE '\'
       OR coalesce(a.family_name, r.family_name) || ' ' || coalesce(a.given_name, r.given_name)
         ILIKE $2 ESCAPE '\')
ORDER BY family_name, given_name
LIMIT $3;

-- name: attendance
SELECT half, count(*) FILTER (WHERE state = 'seated') AS seated,
       count(*) FILTER (WHERE state = 'seated' AND checked_in_at IS NOT NULL) AS checked_in
FROM workshop_seats WHERE district_id = $1 GROUP BY half ORDER BY half;

-- name: district_ideas
SELECT idea_id FROM ideas WHERE district_id = $1 AND idea_id = ANY($2::uuid[]);

-- name: insert_guideline
INSERT INTO guidelines (guideline_id, district_id, title, text, field_of_action,
                        supporting_statements, idea_ids, recorded_by, recorded_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- name: guidelines
SELECT guideline_id, title, text, field_of_action, supporting_statements, idea_ids,
       recorded_by, recorded_at
FROM guidelines WHERE district_id = $1 ORDER BY recorded_at, guideline_id;
