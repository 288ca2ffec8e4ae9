-- What the digest needs to leave nothing out silently and to follow the codebook:
-- a session's label (and a schedule's, given to the sessions it starts), which codebook
-- version each answer's automatic tags came from, and the version currently in force.
ALTER TABLE sessions ADD COLUMN label TEXT;
ALTER TABLE schedules ADD COLUMN label TEXT;

-- NULL: tagged with the codebook in force when it was stored (codebook_state). Editing the
-- codebook re-tags every answer whose version differs; facilitator tags always stay.
ALTER TABLE answers ADD COLUMN tagged_with TEXT;
CREATE TABLE codebook_state (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version TEXT NOT NULL
);

-- Who reacted in a session: the digest counts them as present.
CREATE INDEX reactions_by_participant ON reactions (participant_id);
