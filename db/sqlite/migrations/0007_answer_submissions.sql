-- The platform's id for the submission an answer came from (Slack: the form's view id;
-- Discord: the interaction id), so the same form sent again is stored once per person.
-- NULL for answers given before, or through a path with no such id.
ALTER TABLE answers ADD COLUMN submission_id TEXT;
CREATE UNIQUE INDEX answers_one_per_submission
    ON answers (session_id, participant_id, submission_id) WHERE submission_id IS NOT NULL;
