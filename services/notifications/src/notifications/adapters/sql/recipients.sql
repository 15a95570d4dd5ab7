-- name: add_recipients
-- Arrays of equal length, one element per recipient; the first row of a repeated
-- recipient counts, and one already there is kept.
INSERT INTO recipients (recipient_ref, district_id, given_name, family_name, email, language,
                        withdrawal_url)
SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                     $7::text[])
ON CONFLICT (recipient_ref) DO NOTHING;

-- name: get_recipient
SELECT recipient_ref, district_id, given_name, family_name, email, language, withdrawal_url
FROM recipients WHERE recipient_ref = $1;

-- name: get_recipients
SELECT recipient_ref, district_id, given_name, family_name, email, language, withdrawal_url
FROM recipients WHERE recipient_ref = ANY($1::uuid[]);

-- name: upsert_workshop
INSERT INTO workshops (district_id, workshop_date, town, venue, starts_at, ends_at,
                       application_deadline)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (district_id) DO UPDATE SET
    workshop_date = EXCLUDED.workshop_date, town = EXCLUDED.town, venue = EXCLUDED.venue,
    starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at,
    application_deadline = EXCLUDED.application_deadline;

-- name: get_workshop
SELECT district_id, workshop_date, town, venue, starts_at, ends_at, application_deadline
FROM workshops WHERE district_id = $1;

-- name: add_deliveries
-- Arrays of equal length, one element per delivery. A delivery already there (the same
-- event, template and recipient) is kept as it is.
INSERT INTO deliveries (delivery_id, source_event_id, template, recipient_ref, district_id,
                        email, subject, body_text, body_html, attachments)
SELECT delivery_id, source_event_id, template, recipient_ref, district_id, email, subject,
       body_text, body_html, attachments::jsonb
FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::text[], $6::text[],
            $7::text[], $8::text[], $9::text[], $10::text[])
    AS d(delivery_id, source_event_id, template, recipient_ref, district_id, email, subject,
         body_text, body_html, attachments)
ON CONFLICT (source_event_id, template, recipient_ref) DO NOTHING;

-- name: claim_due
UPDATE deliveries SET status = 'sending', attempts = attempts + 1,
       lease_until = now() + make_interval(secs => $2)
WHERE delivery_id IN (
    SELECT delivery_id FROM deliveries
    WHERE (status = 'pending' AND next_attempt_at <= now())
       OR (status = 'sending' AND lease_until < now())
    ORDER BY next_attempt_at
    LIMIT $1
    FOR UPDATE SKIP LOCKED)
RETURNING delivery_id, source_event_id, template, recipient_ref, district_id, email, subject,
          body_text, body_html, attachments, attempts;

-- name: mark_sent
-- The deliveries sent, of those given; one still claimed by this sender counts, one
-- already final (sent by a sender whose lease ran out, say) does not count again.
UPDATE deliveries SET status = 'sent', sent_at = now(), lease_until = NULL, last_error = NULL
WHERE delivery_id = ANY($1::uuid[]) AND status = 'sending'
RETURNING delivery_id;

-- name: retry_later
UPDATE deliveries SET status = 'pending', lease_until = NULL, last_error = $2,
       next_attempt_at = now() + make_interval(secs => $3)
WHERE delivery_id = $1;

-- name: mark_failed
UPDATE deliveries SET status = 'failed', lease_until = NULL, last_error = $2
WHERE delivery_id = $1;

-- name: delivery_counts
SELECT status, count(*) AS n FROM deliveries GROUP BY status;

-- name: defer_messages
-- Arrays of equal length, one element per message; one already waiting is kept.
INSERT INTO deferred_messages (source_event_id, template, recipient_ref, district_id,
                               message_values)
SELECT source_event_id, template, recipient_ref, district_id, message_values::jsonb
FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[])
    AS m(source_event_id, template, recipient_ref, district_id, message_values)
ON CONFLICT DO NOTHING;

-- name: take_deferred_messages
DELETE FROM deferred_messages WHERE recipient_ref = ANY($1::uuid[])
RETURNING source_event_id, template, recipient_ref, district_id, message_values;
