-- name: erase_register_records
-- Names and addresses of the district's register extract. The pseudonymous pool (person
-- id, stratum, household key) stays: the published draws are recomputed from it.
DELETE FROM register_records
 WHERE import_id IN (SELECT import_id FROM register_imports WHERE district_id = $1);

-- name: erase_import_errors
-- The row-level error report quotes the rejected values.
DELETE FROM register_import_errors
 WHERE import_id IN (SELECT import_id FROM register_imports WHERE district_id = $1);
