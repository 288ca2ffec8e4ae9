-- jobs gains a kind: staff-digest (the automatic digest for staff, sent when a session's
-- end-of-session check closes, so it carries the group's taps). SQLite can't alter a CHECK:
-- rebuild, keeping every column (attempts from 0013) and the index.
CREATE TABLE jobs_new (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('remind', 'start', 'close', 'nudge', 'advance',
                                                  'reveal', 'escalate', 'purge',
                                                  'follow-up', 'feedback-card', 'staff-digest')),
    due_at          TEXT NOT NULL,
    schedule_id     TEXT REFERENCES schedules (id) ON DELETE CASCADE,
    occurrence      INTEGER,
    session_id      TEXT REFERENCES sessions (id) ON DELETE CASCADE,
    question_number INTEGER,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'dropped', 'cancelled')),
    subject         TEXT,  -- an alert id for escalate; an action id for follow-up and feedback-card
    attempts        INTEGER NOT NULL DEFAULT 0
);
INSERT INTO jobs_new (id, kind, due_at, schedule_id, occurrence, session_id, question_number,
                      state, subject, attempts)
    SELECT id, kind, due_at, schedule_id, occurrence, session_id, question_number, state, subject,
           attempts
    FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_new RENAME TO jobs;
CREATE INDEX jobs_pending_by_due ON jobs (state, due_at);
