-- What several bot processes for one platform (Slack HTTP replicas) must share, so none of
-- them keeps it in memory:
-- * every change to an answer's reactions bumps its revision, so a count update can tell
--   newer counts from older ones whichever process computed them;
-- * the counts last offered for display on each answer post (latest revision wins);
-- * the platform deliveries already handled (Slack Events API event ids), kept a day.
ALTER TABLE answers ADD COLUMN reactions_revision INTEGER NOT NULL DEFAULT 0;

CREATE TABLE count_displays (
    answer_id TEXT PRIMARY KEY REFERENCES answers (id) ON DELETE CASCADE,
    revision  INTEGER NOT NULL,
    payload   TEXT NOT NULL
);

CREATE TABLE deliveries (
    key     TEXT PRIMARY KEY,
    seen_at TEXT NOT NULL
);
CREATE INDEX deliveries_by_age ON deliveries (seen_at);
