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
-- Names are not stored for a district whose personal data is erased.
INSERT INTO applications (application_id, district_id, channel, received_at, age_band,
                          gender, municipality, given_name, family_name)
SELECT $1, $2, $3, $4, $5, $6, $7,
       CASE WHEN erased THEN NULL ELSE $8 END, CASE WHEN erased THEN NULL ELSE $9 END
FROM (SELECT EXISTS (SELECT 1 FROM erasures WHERE district_id = $2) AS erased) AS e
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
INSERT INTO register_draws (draw_id, district_id, invitees, audit_reference, wave)
VALUES ($1, $2, $3, $4, $5) ON CONFLICT (draw_id) DO NOTHING;

-- name: add_invitees
-- No name for someone who declined, nor for a district whose personal data is erased.
INSERT INTO invitees (invitee_id, district_id, given_name, family_name, wave)
SELECT i, $2,
       CASE WHEN d OR erased THEN NULL ELSE g END, CASE WHEN d OR erased THEN NULL ELSE f END,
       $5
FROM unnest($1::uuid[], $3::text[], $4::text[]) AS t(i, g, f)
LEFT JOIN LATERAL (
    SELECT COALESCE(bool_or(declined_ever), false) AS d
    FROM invitation_answers WHERE invitee_id = t.i
) AS a ON true
CROSS JOIN (SELECT EXISTS (SELECT 1 FROM erasures WHERE district_id = $2) AS erased) AS e
ON CONFLICT (invitee_id) DO NOTHING;

-- name: answer_invitation
INSERT INTO invitation_answers (invitee_id, district_id, accepts, declined_ever, age_band,
                                gender, answered_at, channel, municipality)
VALUES ($1, $2, $3, NOT $3, $4, $5, $6, $7, $8)
ON CONFLICT (invitee_id) DO UPDATE SET
    accepts = EXCLUDED.accepts,
    declined_ever = invitation_answers.declined_ever OR EXCLUDED.declined_ever,
    age_band = EXCLUDED.age_band, gender = EXCLUDED.gender,
    answered_at = EXCLUDED.answered_at, channel = EXCLUDED.channel,
    municipality = EXCLUDED.municipality;

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

-- name: record_panel
INSERT INTO panels (district_id, draw_id, selection_method, minimum_probability,
                    panel_count, panel_index, audit_reference)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (district_id) DO UPDATE SET
    draw_id = EXCLUDED.draw_id, selection_method = EXCLUDED.selection_method,
    minimum_probability = EXCLUDED.minimum_probability, panel_count = EXCLUDED.panel_count,
    panel_index = EXCLUDED.panel_index, audit_reference = EXCLUDED.audit_reference;

-- name: clear_panel_members
DELETE FROM panel_members WHERE district_id = $1;

-- name: add_panel_members
INSERT INTO panel_members (invitee_id, district_id, role, reserve_position)
SELECT i, $2, $3, p FROM unnest($1::uuid[], $4::int[]) AS t(i, p)
ON CONFLICT (invitee_id) DO UPDATE SET
    district_id = EXCLUDED.district_id, role = EXCLUDED.role,
    reserve_position = EXCLUDED.reserve_position;

-- name: clear_population
DELETE FROM population WHERE district_id = $1;

-- name: add_population
INSERT INTO population (district_id, age_band, gender, municipality, count)
SELECT $1, a, g, m, n FROM unnest($2::text[], $3::text[], $4::text[], $5::int[]) AS t(a, g, m, n)
ON CONFLICT (district_id, age_band, gender, municipality) DO UPDATE
SET count = population.count + EXCLUDED.count;

-- name: erase_personal_data
-- Names of applicants and invitees go; every row, and so every count, stays.
WITH marked AS (
    INSERT INTO erasures (district_id, erased_at) VALUES ($1, $2)
    ON CONFLICT (district_id) DO UPDATE SET erased_at = EXCLUDED.erased_at
    RETURNING district_id
), people AS (
    UPDATE applications SET given_name = NULL, family_name = NULL
    WHERE district_id = $1 AND (given_name IS NOT NULL OR family_name IS NOT NULL)
    RETURNING 1
)
UPDATE invitees SET given_name = NULL, family_name = NULL
WHERE district_id = $1 AND (given_name IS NOT NULL OR family_name IS NOT NULL);

-- Batch forms of the blocks above: the same effect for many events in one statement
-- (see consumers.BATCH_HANDLERS). Arrays are parallel, one element per event.

-- name: count_events
INSERT INTO event_counts (district_id, event_type, count)
SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
ON CONFLICT (district_id, event_type) DO UPDATE SET count = event_counts.count + EXCLUDED.count;

-- name: add_applications
INSERT INTO applications (application_id, district_id, channel, received_at, age_band,
                          gender, municipality, given_name, family_name)
SELECT a.application_id, a.district_id, a.channel, a.received_at, a.age_band, a.gender,
       a.municipality,
       CASE WHEN EXISTS (SELECT 1 FROM erasures e WHERE e.district_id = a.district_id)
            THEN NULL ELSE a.given_name END,
       CASE WHEN EXISTS (SELECT 1 FROM erasures e WHERE e.district_id = a.district_id)
            THEN NULL ELSE a.family_name END
FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[],
            $7::text[], $8::text[], $9::text[])
     AS a(application_id, district_id, channel, received_at, age_band, gender, municipality,
          given_name, family_name)
ON CONFLICT (application_id) DO NOTHING;

-- name: confirm_applications
-- One element per application (the caller keeps the first confirmation of each).
UPDATE applications AS a
SET confirmed_at = COALESCE(a.confirmed_at, c.confirmed_at),
    status = CASE WHEN a.status = 'withdrawn' THEN a.status ELSE 'confirmed' END
FROM unnest($1::uuid[], $2::timestamptz[]) AS c(application_id, confirmed_at)
WHERE a.application_id = c.application_id;

-- name: withdraw_applications
-- One element per application (the caller keeps the last withdrawal of each).
UPDATE applications AS a SET status = 'withdrawn', withdrawn_at = w.withdrawn_at
FROM unnest($1::uuid[], $2::timestamptz[]) AS w(application_id, withdrawn_at)
WHERE a.application_id = w.application_id;

-- name: add_ideas
INSERT INTO ideas (idea_id, district_id, text, field_of_action, submitted_at)
SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
ON CONFLICT (idea_id) DO NOTHING;

-- name: notification_outcomes
-- One element per notification, its events folded: 'sent' if any was sent, permanent if
-- any failure was, attempts = the number of its events (as notification_outcome, each).
INSERT INTO notifications AS n (notification_id, district_id, template, channel, status,
                                permanent, attempts)
SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[],
                     $6::boolean[], $7::int[])
ON CONFLICT (notification_id) DO UPDATE SET
    status = CASE WHEN n.status = 'sent' OR EXCLUDED.status = 'sent' THEN 'sent' ELSE 'failed' END,
    permanent = n.permanent OR EXCLUDED.permanent,
    attempts = n.attempts + EXCLUDED.attempts;
