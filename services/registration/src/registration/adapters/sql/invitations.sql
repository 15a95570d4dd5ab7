-- name: add_codes
INSERT INTO invitation_codes (code_hash, invitee_id, district_id, draw_id, wave,
                              response_deadline)
SELECT h, i, $3, $4, $5, $6 FROM unnest($1::text[], $2::uuid[]) AS t(h, i)
ON CONFLICT DO NOTHING;

-- name: claim_code
-- The code's invitee, locked; used_at tells whether it was used already.
SELECT invitee_id, district_id, response_deadline, used_at
FROM invitation_codes WHERE code_hash = $1 FOR UPDATE;

-- name: use_code
UPDATE invitation_codes SET used_at = $2 WHERE code_hash = $1 AND used_at IS NULL;

-- name: insert_answer
INSERT INTO invitation_answers (invitee_id, district_id, channel, accepts, birth_year, gender,
                                municipality, email, phone, language, accessibility_needs,
                                quota_answers, entered_by, answered_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13, $14)
ON CONFLICT (invitee_id) DO NOTHING
RETURNING invitee_id;
