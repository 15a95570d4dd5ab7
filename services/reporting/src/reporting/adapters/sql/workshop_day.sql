-- name: add_check_in
INSERT INTO check_ins (participant_id, district_id, half, method, checked_in_at)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (participant_id) DO NOTHING;

-- name: add_guideline
INSERT INTO guidelines (guideline_id, district_id, title, text, field_of_action,
                        supporting_statements, idea_ids, recorded_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (guideline_id) DO NOTHING;

-- name: attendance
-- Seated and checked in, per half, in total and by age band and gender. A check-in
-- counts only for a person seated now (joined at query time: the topics may be read
-- in another order in a rebuild).
WITH seated AS (
    SELECT 'applicants' AS half, a.age_band, a.gender, c.participant_id IS NOT NULL AS came
    FROM placements p JOIN applications a USING (application_id)
    LEFT JOIN check_ins c ON c.participant_id = p.application_id
    WHERE ($1::text IS NULL OR p.district_id = $1) AND p.state = 'seated'
      AND a.status <> 'withdrawn'
    UNION ALL
    SELECT 'register', COALESCE(a.age_band, 'unbekannt'), COALESCE(a.gender, 'not_stated'),
           c.participant_id IS NOT NULL
    FROM panel_members m LEFT JOIN invitation_answers a USING (invitee_id)
    LEFT JOIN check_ins c ON c.participant_id = m.invitee_id
    WHERE ($1::text IS NULL OR m.district_id = $1) AND m.role = 'seated'
      AND a.accepts IS DISTINCT FROM false
)
SELECT half, 'total' AS attribute, '' AS value, count(*) AS seated,
       count(*) FILTER (WHERE came) AS checked_in
FROM seated GROUP BY half
UNION ALL
SELECT half, 'age_band', age_band, count(*), count(*) FILTER (WHERE came)
FROM seated GROUP BY half, age_band
UNION ALL
SELECT half, 'gender', gender, count(*), count(*) FILTER (WHERE came)
FROM seated GROUP BY half, gender
ORDER BY 1, 2, 3;

-- name: guidelines
SELECT g.district_id, g.guideline_id, g.title, g.text, g.field_of_action,
       g.supporting_statements, cardinality(g.idea_ids) AS ideas, g.recorded_at
FROM guidelines g
WHERE $1::text IS NULL OR g.district_id = $1
ORDER BY g.district_id, g.field_of_action, g.recorded_at, g.guideline_id;
