-- name: add_recipient
INSERT INTO recipients (recipient_ref, district_id, given_name, family_name, email, language)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (recipient_ref) DO NOTHING;
