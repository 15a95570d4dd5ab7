-- name: insert_application
INSERT INTO applications
    (application_id, district_id, channel, given_name, family_name, email, received_at)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: count_by_district
SELECT count(*) FROM applications WHERE district_id = $1;
