-- "You said, we did": what was done about each theme a group raised, per session or per a
-- report's sessions, with every update kept (its time and the staff member's audit name;
-- never a young person's id).
CREATE TABLE actions (
    id          TEXT PRIMARY KEY,
    theme_id    TEXT NOT NULL,          -- a codebook id
    heard       TEXT NOT NULL,          -- what the group said, in plain words
    created_at  TEXT NOT NULL           -- UTC, ISO 8601
);
CREATE TABLE action_sessions (
    action_id   TEXT NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    session_id  TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    PRIMARY KEY (action_id, session_id)
);
CREATE INDEX action_sessions_by_session ON action_sessions (session_id, action_id);
CREATE TABLE action_updates (
    action_id   TEXT NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    number      INTEGER NOT NULL,       -- 1, 2, 3 … in order
    at          TEXT NOT NULL,          -- UTC, ISO 8601
    recorded_by TEXT NOT NULL,          -- a staff member's audit name, or "cli"
    taken_to    TEXT NOT NULL DEFAULT '',
    decision    TEXT NOT NULL CHECK (decision IN ('waiting', 'changed', 'partly', 'not-changed')),
    because     TEXT NOT NULL DEFAULT '',
    follow_up   TEXT,                   -- YYYY-MM-DD
    PRIMARY KEY (action_id, number)
);

-- jobs gains kinds: follow-up (a follow-up date passed with no update: remind the
-- facilitators) and feedback-card (a card recorded from the CLI, for the bot to post).
-- SQLite can't alter a CHECK: rebuild.
CREATE TABLE jobs_new (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('remind', 'start', 'close', 'nudge', 'advance',
                                                  'reveal', 'escalate', 'purge',
                                                  'follow-up', 'feedback-card')),
    due_at          TEXT NOT NULL,
    schedule_id     TEXT REFERENCES schedules (id) ON DELETE CASCADE,
    occurrence      INTEGER,
    session_id      TEXT REFERENCES sessions (id) ON DELETE CASCADE,
    question_number INTEGER,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'dropped', 'cancelled')),
    subject         TEXT  -- an alert id for escalate; an action id for follow-up and feedback-card
);
INSERT INTO jobs_new (id, kind, due_at, schedule_id, occurrence, session_id, question_number,
                      state, subject)
    SELECT id, kind, due_at, schedule_id, occurrence, session_id, question_number, state, subject
    FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_new RENAME TO jobs;
CREATE INDEX jobs_pending_by_due ON jobs (state, due_at);
