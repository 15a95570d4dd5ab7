-- name: successor
-- Who took over a freed seat, if anyone did.
SELECT application_id FROM placements WHERE replaces = $1 LIMIT 1;
