-- name: upsert_district
INSERT INTO districts (district_id, applicant_seats, register_seats, workshop_date)
VALUES ($1, $2, $3, $4)
ON CONFLICT (district_id) DO UPDATE SET applicant_seats = EXCLUDED.applicant_seats,
    register_seats = EXCLUDED.register_seats, workshop_date = EXCLUDED.workshop_date;

-- name: get_district
SELECT district_id, applicant_seats, register_seats, workshop_date FROM districts
WHERE district_id = $1;

-- name: confirmed_pool
SELECT application_id FROM applicants
WHERE district_id = $1 AND status = 'confirmed' ORDER BY application_id;

-- name: insert_draw
INSERT INTO draws (draw_id, district_id, kind, commitment)
VALUES ($1, $2, $3, $4::jsonb)
ON CONFLICT (district_id, kind) DO NOTHING
RETURNING draw_id;

-- name: lock_draw
SELECT draw_id, district_id, kind, commitment, seed, audit_record, drawn_at
FROM draws WHERE district_id = $1 AND kind = $2 FOR UPDATE;

-- name: get_draw
SELECT draw_id, district_id, kind, commitment, seed, audit_record, committed_at, drawn_at
FROM draws WHERE district_id = $1 AND kind = $2;

-- name: record_outcome
UPDATE draws SET seed = $2::jsonb, audit_record = $3::jsonb, drawn_at = $4
WHERE draw_id = $1;

-- name: insert_placements
INSERT INTO placements (application_id, district_id, state, waitlist_position, seated_at)
SELECT a, $2, s, p, CASE WHEN s = 'seated' THEN $5::timestamptz END
FROM unnest($1::uuid[], $3::text[], $4::int[]) AS t(a, s, p)
ON CONFLICT (application_id) DO NOTHING;

-- name: lock_placement
SELECT application_id, district_id, state, waitlist_position FROM placements
WHERE application_id = $1 FOR UPDATE;

-- name: release
UPDATE placements SET state = 'released' WHERE application_id = $1;

-- name: next_waiting
SELECT application_id, waitlist_position FROM placements
WHERE district_id = $1 AND state = 'waitlisted'
ORDER BY waitlist_position LIMIT 1 FOR UPDATE;

-- name: seat
UPDATE placements SET state = 'seated', seated_at = $2, replaces = $3 WHERE application_id = $1;

-- name: withdrawn_applicants
SELECT application_id FROM applicants WHERE district_id = $1 AND status = 'withdrawn';

-- name: placement_counts
SELECT state, count(*) AS n FROM placements WHERE district_id = $1 GROUP BY state;

-- name: audit
INSERT INTO audit_log (actor, action, district_id, detail) VALUES ($1, $2, $3, $4::jsonb);
