-- As SQLite's end_check_and_group_summary: the end-of-session check, one face per
-- participant per question (deleted with the participant; only counts leave the store), and
-- the summary for the young people as staff saved it (kept after the purge).
CREATE TABLE end_check_votes (
    participant_id bigint NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    session_id     text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    question       integer NOT NULL CHECK (question BETWEEN 1 AND 9),
    choice         integer NOT NULL CHECK (choice BETWEEN 0 AND 9),
    PRIMARY KEY (participant_id, question)
);
CREATE INDEX end_check_votes_by_session ON end_check_votes (session_id);

CREATE TABLE group_summaries (
    session_id text PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
    content    text NOT NULL,
    saved_at   timestamptz NOT NULL
);
