-- Reads: every query takes the district as $1, or NULL for the whole region.

-- name: event_counts
SELECT event_type, sum(count)::bigint AS count FROM event_counts
WHERE $1::text IS NULL OR district_id = $1 GROUP BY event_type ORDER BY event_type;

-- name: workshops
SELECT * FROM workshops WHERE $1::text IS NULL OR district_id = $1 ORDER BY workshop_date, district_id;

-- name: applications_by_channel
SELECT channel,
       count(*) AS received,
       count(confirmed_at) AS confirmed,
       count(*) FILTER (WHERE status = 'withdrawn') AS withdrawn
FROM applications WHERE $1::text IS NULL OR district_id = $1
GROUP BY channel ORDER BY channel;

-- name: applications_per_day
SELECT (received_at AT TIME ZONE 'Europe/Berlin')::date AS day, channel, count(*) AS n
FROM applications WHERE $1::text IS NULL OR district_id = $1
GROUP BY day, channel ORDER BY day, channel;

-- name: applications_by_attribute
SELECT 'age_band' AS attribute, age_band AS value, count(*) AS n FROM applications
WHERE ($1::text IS NULL OR district_id = $1) AND status <> 'withdrawn' GROUP BY age_band
UNION ALL
SELECT 'gender', gender, count(*) FROM applications
WHERE ($1::text IS NULL OR district_id = $1) AND status <> 'withdrawn' GROUP BY gender
UNION ALL
SELECT 'municipality', COALESCE(municipality, '(unbekannt)'), count(*) FROM applications
WHERE ($1::text IS NULL OR district_id = $1) AND status <> 'withdrawn' GROUP BY 2
ORDER BY 1, 2;

-- name: closings
SELECT * FROM closings WHERE $1::text IS NULL OR district_id = $1 ORDER BY district_id;

-- name: draws
SELECT * FROM draws WHERE $1::text IS NULL OR district_id = $1
ORDER BY district_id, committed_at NULLS LAST, draw_id;

-- name: placements
SELECT
    count(*) FILTER (WHERE p.state = 'seated' AND a.status IS DISTINCT FROM 'withdrawn') AS seated,
    count(*) FILTER (WHERE p.state = 'seated' AND a.status IS DISTINCT FROM 'withdrawn'
                     AND p.via = 'lottery') AS seated_by_lottery,
    count(*) FILTER (WHERE p.state = 'seated' AND a.status IS DISTINCT FROM 'withdrawn'
                     AND p.via = 'waitlist') AS seated_from_waitlist,
    count(*) FILTER (WHERE p.state = 'waiting' AND a.status IS DISTINCT FROM 'withdrawn') AS waiting,
    count(*) FILTER (WHERE p.state = 'released' OR a.status = 'withdrawn') AS released
FROM placements p LEFT JOIN applications a USING (application_id)
WHERE $1::text IS NULL OR p.district_id = $1;

-- name: register_half
SELECT
    (SELECT COALESCE(sum(invitees), 0) FROM register_draws
     WHERE $1::text IS NULL OR district_id = $1)::bigint AS invited,
    count(*) AS answered,
    count(*) FILTER (WHERE accepts) AS accepted,
    count(*) FILTER (WHERE NOT accepts) AS declined
FROM invitation_answers WHERE $1::text IS NULL OR district_id = $1;

-- name: register_waves
-- Per wave: invitations sent (InvitationsDrawn) and the answers of that wave's invitees.
WITH sent AS (
    SELECT wave, sum(invitees)::bigint AS invited FROM register_draws
    WHERE $1::text IS NULL OR district_id = $1 GROUP BY wave
), answered AS (
    SELECT i.wave, count(*) AS answered, count(*) FILTER (WHERE a.accepts) AS accepted,
           count(*) FILTER (WHERE NOT a.accepts) AS declined
    FROM invitation_answers a JOIN invitees i USING (invitee_id)
    WHERE $1::text IS NULL OR a.district_id = $1 GROUP BY i.wave
)
SELECT wave, COALESCE(sent.invited, 0) AS invited, COALESCE(answered.answered, 0) AS answered,
       COALESCE(answered.accepted, 0) AS accepted, COALESCE(answered.declined, 0) AS declined
FROM sent FULL JOIN answered USING (wave) ORDER BY wave;

-- name: answers_by_channel
SELECT channel, count(*) FILTER (WHERE accepts) AS accepts,
       count(*) FILTER (WHERE NOT accepts) AS declines
FROM invitation_answers WHERE $1::text IS NULL OR district_id = $1
GROUP BY channel ORDER BY channel;

-- name: panels
SELECT p.*,
       (SELECT count(*) FROM panel_members m WHERE m.district_id = p.district_id
        AND m.role = 'seated') AS seated,
       (SELECT count(*) FROM panel_members m WHERE m.district_id = p.district_id
        AND m.role = 'reserve') AS reserves
FROM panels p WHERE $1::text IS NULL OR p.district_id = $1 ORDER BY p.district_id;

-- name: register_seated
-- Panel members holding a seat: seated by the panel draw and not declined since.
SELECT count(*) AS filled
FROM panel_members m LEFT JOIN invitation_answers a USING (invitee_id)
WHERE ($1::text IS NULL OR m.district_id = $1) AND m.role = 'seated'
  AND a.accepts IS DISTINCT FROM false;

-- name: seated_composition
-- The seated participants of both halves by age band, gender and municipality.
WITH seated AS (
    SELECT 'applicants' AS half, a.age_band, a.gender,
           COALESCE(a.municipality, '(unbekannt)') AS municipality
    FROM placements p JOIN applications a USING (application_id)
    WHERE ($1::text IS NULL OR p.district_id = $1) AND p.state = 'seated'
      AND a.status <> 'withdrawn'
    UNION ALL
    SELECT 'register', COALESCE(a.age_band, 'unbekannt'), COALESCE(a.gender, 'not_stated'),
           COALESCE(a.municipality, '(unbekannt)')
    FROM panel_members m LEFT JOIN invitation_answers a USING (invitee_id)
    WHERE ($1::text IS NULL OR m.district_id = $1) AND m.role = 'seated'
      AND a.accepts IS DISTINCT FROM false
)
SELECT half, 'age_band' AS attribute, age_band AS value, count(*) AS n FROM seated
GROUP BY half, age_band
UNION ALL
SELECT half, 'gender', gender, count(*) FROM seated GROUP BY half, gender
UNION ALL
SELECT half, 'municipality', municipality, count(*) FROM seated GROUP BY half, municipality
ORDER BY 1, 2, 3;

-- name: population
SELECT 'age_band' AS attribute, age_band AS value, sum(count)::bigint AS n FROM population
WHERE $1::text IS NULL OR district_id = $1 GROUP BY age_band
UNION ALL
SELECT 'gender', gender, sum(count)::bigint FROM population
WHERE $1::text IS NULL OR district_id = $1 GROUP BY gender
UNION ALL
SELECT 'municipality', municipality, sum(count)::bigint FROM population
WHERE $1::text IS NULL OR district_id = $1 GROUP BY municipality
ORDER BY 1, 2;

-- name: ideas_by_field
SELECT field_of_action, count(*) AS n FROM ideas
WHERE $1::text IS NULL OR district_id = $1
GROUP BY field_of_action ORDER BY field_of_action NULLS LAST;

-- name: search_ideas
SELECT idea_id, district_id, text, field_of_action, submitted_at FROM ideas
WHERE ($1::text IS NULL OR district_id = $1)
  AND ($2::text IS NULL OR text ILIKE '%' || $2 || '%' ESCAPE '\')
ORDER BY submitted_at, idea_id LIMIT $3;

-- name: notifications_by_status
SELECT template, status, count(*) AS n, count(*) FILTER (WHERE permanent) AS permanent
FROM notifications WHERE $1::text IS NULL OR district_id = $1
GROUP BY template, status ORDER BY template, status;

-- name: participants
-- Who holds a seat: seated applicants (not withdrawn) and the register panel's seated.
SELECT 'applicants' AS half, p.application_id AS participant_id, p.via,
       a.given_name, a.family_name
FROM placements p JOIN applications a USING (application_id)
WHERE p.district_id = $1 AND p.state = 'seated' AND a.status <> 'withdrawn'
UNION ALL
SELECT 'register', m.invitee_id, 'panel', i.given_name, i.family_name
FROM panel_members m LEFT JOIN invitees i USING (invitee_id)
LEFT JOIN invitation_answers ans USING (invitee_id)
WHERE m.district_id = $1 AND m.role = 'seated' AND ans.accepts IS DISTINCT FROM false
ORDER BY 1, 5, 4, 2;
