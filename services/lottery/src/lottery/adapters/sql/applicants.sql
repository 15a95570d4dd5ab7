-- name: add_applicant
INSERT INTO applicants (application_id, district_id, received_at)
VALUES ($1, $2, $3)
ON CONFLICT (application_id) DO NOTHING;

-- name: set_status
UPDATE applicants SET status = $2 WHERE application_id = $1;

-- name: add_applicants
-- The batch form of add_applicant: parallel arrays, one element per event.
INSERT INTO applicants (application_id, district_id, received_at)
SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[])
ON CONFLICT (application_id) DO NOTHING;

-- name: set_statuses
-- The batch form of set_status for one status.
UPDATE applicants SET status = $2 WHERE application_id = ANY($1::uuid[]);
