-- name: count_event
INSERT INTO event_counts (district_id, event_type, count) VALUES ($1, $2, 1)
ON CONFLICT (district_id, event_type) DO UPDATE SET count = event_counts.count + 1;

-- name: add_application
INSERT INTO applications (application_id, district_id, channel, received_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (application_id) DO NOTHING;

-- name: set_application_status
UPDATE applications SET status = $2 WHERE application_id = $1;

-- name: district_figures
SELECT event_type, count FROM event_counts WHERE district_id = $1 ORDER BY event_type;
