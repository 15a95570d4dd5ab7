-- name: schedule_reminder
INSERT INTO reminders (reminder_id, district_id, participant_id, days_before, due_at)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (participant_id, days_before) DO UPDATE SET
    due_at = EXCLUDED.due_at, status = 'scheduled'
WHERE reminders.status = 'cancelled';

-- name: cancel_reminders
UPDATE reminders SET status = 'cancelled'
WHERE participant_id = ANY($1::uuid[]) AND status = 'scheduled';

-- name: claim_due_reminders
SELECT reminder_id, district_id, participant_id, days_before, due_at
FROM reminders
WHERE status = 'scheduled' AND due_at <= $1
ORDER BY due_at, reminder_id
LIMIT $2
FOR UPDATE SKIP LOCKED;

-- name: mark_reminder_sent
UPDATE reminders SET status = 'sent', sent_at = $2 WHERE reminder_id = $1;

-- name: failures
SELECT delivery_id, template, district_id, last_error, attempts, created_at, email
FROM deliveries
WHERE status = 'failed' AND ($1::text IS NULL OR district_id = $1)
ORDER BY created_at DESC
LIMIT $2;

-- name: retry_failed
UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = now(),
       lease_until = NULL
WHERE delivery_id = $1 AND status = 'failed' AND email IS NOT NULL
RETURNING delivery_id;

-- name: delivery_district
SELECT district_id, status, email IS NOT NULL AS has_recipient
FROM deliveries WHERE delivery_id = $1;
