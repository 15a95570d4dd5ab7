-- Writes: one block per event that shapes a read model. Each is idempotent per event
-- id through the inbox, and order-independent across topics (see the migration).

-- name: count_event
INSERT INTO event_counts (district_id, event_type, count) VALUES ($1, $2, 1)
ON CONFLICT (district_id, event_type) DO UPDATE SET count = event_counts.count + 1;

-- name: schedule_workshop
INSERT INTO workshops (district_id, workshop_date, town, venue, applicant_seats,
                       register_seats, application_deadline, starts_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (district_id) DO UPDATE SET
    workshop_date = EXCLUDED.workshop_date, town = EXCLUDED.town, venue = EXCLUDED.venue,
    applicant_seats = EXCLUDED.applicant_seats, register_seats = EXCLUDED.register_seats,
    application_deadline = EXCLUDED.application_deadline, starts_at = EXCLUDED.starts_at;

-- name: add_application
INSERT INTO applications (application_id, district_id, channel, received_at, age_band,
                          gender, municipality, given_name, family_name)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (application_id) DO NOTHING;

-- name: confirm_application
UPDATE applications
SET confirmed_at = COALESCE(confirmed_at, $2),
    status = CASE WHEN status = 'withdrawn' THEN status ELSE 'confirmed' END
WHERE application_id = $1;

-- name: withdraw_application
UPDATE applications SET status = 'withdrawn', withdrawn_at = $2 WHERE application_id = $1;

-- name: close_applications
INSERT INTO closings (district_id, deadline, received, confirmed, lapsed, closed_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (district_id) DO UPDATE SET
    deadline = EXCLUDED.deadline, received = EXCLUDED.received,
    confirmed = EXCLUDED.confirmed, lapsed = EXCLUDED.lapsed, closed_at = EXCLUDED.closed_at;

-- name: commit_draw
INSERT INTO draws (draw_id, district_id, kind, pool_size, pool_hash, algorithm,
                   randomness_source, committed_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (draw_id) DO UPDATE SET
    kind = EXCLUDED.kind, pool_size = EXCLUDED.pool_size, pool_hash = EXCLUDED.pool_hash,
    algorithm = EXCLUDED.algorithm, randomness_source = EXCLUDED.randomness_source,
    committed_at = EXCLUDED.committed_at;

-- name: record_draw
INSERT INTO draws (draw_id, district_id, seated, waitlisted, audit_reference, drawn_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (draw_id) DO UPDATE SET
    seated = EXCLUDED.seated, waitlisted = EXCLUDED.waitlisted,
    audit_reference = EXCLUDED.audit_reference, drawn_at = EXCLUDED.drawn_at;

-- name: place
INSERT INTO placements (application_id, district_id, state, waitlist_position, via)
SELECT a, $2, $3, p, 'lottery' FROM unnest($1::uuid[], $4::int[]) AS t(a, p)
ON CONFLICT (application_id) DO NOTHING;

-- name: promote
INSERT INTO placements (application_id, district_id, state, waitlist_position, via)
VALUES ($1, $2, 'seated', $3, 'waitlist')
ON CONFLICT (application_id) DO UPDATE SET state = 'seated', via = 'waitlist';

-- name: release
INSERT INTO placements (application_id, district_id, state, via)
VALUES ($1, $2, 'released', 'lottery')
ON CONFLICT (application_id) DO UPDATE SET state = 'released';

-- name: record_register_draw
INSERT INTO register_draws (draw_id, district_id, invitees, audit_reference)
VALUES ($1, $2, $3, $4) ON CONFLICT (draw_id) DO NOTHING;

-- name: add_invitees
INSERT INTO invitees (invitee_id, district_id, given_name, family_name)
SELECT i, $2,
       CASE WHEN d THEN NULL ELSE g END, CASE WHEN d THEN NULL ELSE f END
FROM unnest($1::uuid[], $3::text[], $4::text[]) AS t(i, g, f)
LEFT JOIN LATERAL (
    SELECT COALESCE(bool_or(declined_ever), false) AS d
    FROM invitation_answers WHERE invitee_id = t.i
) AS a ON true
ON CONFLICT (invitee_id) DO NOTHING;

-- name: answer_invitation
INSERT INTO invitation_answers (invitee_id, district_id, accepts, declined_ever, age_band,
                                gender, answered_at)
VALUES ($1, $2, $3, NOT $3, $4, $5, $6)
ON CONFLICT (invitee_id) DO UPDATE SET
    accepts = EXCLUDED.accepts,
    declined_ever = invitation_answers.declined_ever OR EXCLUDED.declined_ever,
    age_band = EXCLUDED.age_band, gender = EXCLUDED.gender,
    answered_at = EXCLUDED.answered_at;

-- name: forget_invitee_name
UPDATE invitees SET given_name = NULL, family_name = NULL WHERE invitee_id = $1;

-- name: add_idea
INSERT INTO ideas (idea_id, district_id, text, field_of_action, submitted_at)
VALUES ($1, $2, $3, $4, $5) ON CONFLICT (idea_id) DO NOTHING;

-- name: notification_outcome
INSERT INTO notifications (notification_id, district_id, template, channel, status, permanent)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (notification_id) DO UPDATE SET
    status = CASE WHEN notifications.status = 'sent' OR EXCLUDED.status = 'sent'
                  THEN 'sent' ELSE 'failed' END,
    permanent = notifications.permanent OR EXCLUDED.permanent,
    attempts = notifications.attempts + 1;
