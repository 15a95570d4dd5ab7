-- name: add_applicant
INSERT INTO applicants (application_id, district_id, received_at)
VALUES ($1, $2, $3)
ON CONFLICT (application_id) DO NOTHING;

-- name: set_status
UPDATE applicants SET status = $2 WHERE application_id = $1;
