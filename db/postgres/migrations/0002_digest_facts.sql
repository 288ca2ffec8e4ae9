-- As SQLite's 0006: a session's label (and a schedule's, given to the sessions it starts),
-- which codebook version each answer's automatic tags came from, and the version in force.
ALTER TABLE sessions ADD COLUMN label text;
ALTER TABLE schedules ADD COLUMN label text;

-- NULL: tagged with the codebook in force when it was stored (codebook_state). Editing the
-- codebook re-tags every answer whose version differs; facilitator tags always stay.
ALTER TABLE answers ADD COLUMN tagged_with text;
CREATE TABLE codebook_state (
    id      integer PRIMARY KEY CHECK (id = 1),
    version text NOT NULL
);
