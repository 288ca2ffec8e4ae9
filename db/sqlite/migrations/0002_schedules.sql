-- Scheduled sessions, question timers and every timed job, kept in the store so they
-- survive a restart. apscheduler only wakes the runner; this table says what is due.

ALTER TABLE sessions ADD COLUMN schedule_id TEXT;
ALTER TABLE sessions ADD COLUMN occurrence INTEGER;
ALTER TABLE sessions ADD COLUMN ends_at TEXT;
ALTER TABLE sessions ADD COLUMN question_seconds INTEGER;
ALTER TABLE sessions ADD COLUMN paused_seconds_left INTEGER;  -- set while a timer is paused
ALTER TABLE sessions ADD COLUMN digest_delivered INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX sessions_one_per_occurrence
    ON sessions (schedule_id, occurrence) WHERE schedule_id IS NOT NULL;

CREATE TABLE schedules (
    id               TEXT PRIMARY KEY,
    platform         TEXT NOT NULL,
    channel_id       TEXT NOT NULL,
    question_set_id  TEXT NOT NULL,
    first_start      TEXT NOT NULL,  -- wall-clock time in time_zone, no offset
    time_zone        TEXT NOT NULL,
    repeat           TEXT NOT NULL CHECK (repeat IN ('none', 'weekly', 'fortnightly')),
    length_minutes   INTEGER NOT NULL,
    question_minutes INTEGER,
    cancelled        INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE jobs (
    id              TEXT PRIMARY KEY,  -- stable, e.g. "<schedule>:3:remind:900"
    kind            TEXT NOT NULL CHECK (kind IN ('remind', 'start', 'close', 'nudge', 'advance')),
    due_at          TEXT NOT NULL,     -- UTC, ISO 8601
    schedule_id     TEXT REFERENCES schedules (id) ON DELETE CASCADE,
    occurrence      INTEGER,
    session_id      TEXT REFERENCES sessions (id) ON DELETE CASCADE,
    question_number INTEGER,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'dropped', 'cancelled'))
);
CREATE INDEX jobs_pending_by_due ON jobs (state, due_at);
