-- The end-of-session check: one face per participant per question, so a second tap replaces
-- the first and nobody is counted twice. Keyed to the per-session participant and deleted
-- with them (withdrawal, the retention purge); only counts ever leave the store.
CREATE TABLE end_check_votes (
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    session_id     TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    question       INTEGER NOT NULL CHECK (question BETWEEN 1 AND 9),
    choice         INTEGER NOT NULL CHECK (choice BETWEEN 0 AND 9),
    PRIMARY KEY (participant_id, question)
);
CREATE INDEX end_check_votes_by_session ON end_check_votes (session_id);

-- The summary for the young people, as staff read and saved it (no answer text). Kept after
-- the purge, like the anonymised digest.
CREATE TABLE group_summaries (
    session_id TEXT PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
    content    TEXT NOT NULL,
    saved_at   TEXT NOT NULL
);
