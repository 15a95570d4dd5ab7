-- name: districts_due_for_erasure
-- Districts whose workshop lies at least $2 days before $1 and whose data still exists.
SELECT district_id, workshop_date
  FROM districts
 WHERE personal_data_erased_at IS NULL
   AND workshop_date + $2::integer <= $1::date
 ORDER BY district_id;

-- name: lock_district_for_erasure
SELECT workshop_date, personal_data_erased_at
  FROM districts
 WHERE district_id = $1
   FOR UPDATE;

-- name: erase_applications
UPDATE applications
   SET given_name = NULL,
       family_name = NULL,
       street = NULL,
       house_number = NULL,
       postal_code = NULL,
       email = NULL,
       phone = NULL,
       birth_year = NULL,
       accessibility_other = NULL,
       card_id = NULL,
       person_key = 'erased:' || application_id::text
 WHERE district_id = $1;

-- name: erase_idea_authors
UPDATE ideas
   SET author_name = NULL,
       author_email = NULL
 WHERE district_id = $1;

-- name: erase_invitation_answers
-- Contact data an invitee gave with the answer; the quota attributes are pseudonymous
-- (the panel's published probabilities rest on them) and stay.
UPDATE invitation_answers
   SET email = NULL,
       phone = NULL,
       entered_by = NULL
 WHERE district_id = $1;

-- name: erase_invitee_names
-- The register invitees' names kept for the search at check-in.
DELETE FROM register_invitee_names WHERE district_id = $1;

-- name: mark_erased
UPDATE districts SET personal_data_erased_at = $2 WHERE district_id = $1;
