-- Safeguarding and privacy: consent, held answers, quote consent, encrypted identities,
-- alerts to the safeguarding lead, an audit log, digest snapshots kept after the purge.

ALTER TABLE participants ADD COLUMN consented INTEGER NOT NULL DEFAULT 0;

-- pending: waiting for the next shuffled batch; shown: seen by the group;
-- held: a possible disclosure, only the safeguarding lead sees it; kept_out: the lead kept
-- it out of the group and the digest.
ALTER TABLE answers ADD COLUMN status TEXT NOT NULL DEFAULT 'shown'
    CHECK (status IN ('pending', 'shown', 'held', 'kept_out'));
ALTER TABLE answers ADD COLUMN quote_ok INTEGER NOT NULL DEFAULT 0;

-- Who a participant is, encrypted with CONSULTBOT_SAFEGUARDING_KEY, apart from the answers.
-- Only the safeguarding lead can ask to see it (audit-logged); purged with the answers.
CREATE TABLE identities (
    participant_id INTEGER PRIMARY KEY REFERENCES participants (id) ON DELETE CASCADE,
    ciphertext     BLOB NOT NULL
);

CREATE TABLE alerts (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('disclosure', 'report', 'worried')),
    session_id      TEXT REFERENCES sessions (id) ON DELETE CASCADE,
    answer_id       TEXT REFERENCES answers (id) ON DELETE CASCADE,
    categories      TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    acknowledged_at TEXT,
    escalated       INTEGER NOT NULL DEFAULT 0,
    identity        BLOB  -- for /worried: who asked, encrypted like identities
);

-- Who did what, when. Staff and safeguarding-lead actions only; never answer text.
CREATE TABLE audit_log (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    detail  TEXT NOT NULL DEFAULT ''
);

-- The anonymised digest as it stood when answers were purged (JSON export).
CREATE TABLE digest_snapshots (
    session_id TEXT PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
    content    TEXT NOT NULL
);
ALTER TABLE sessions ADD COLUMN purged INTEGER NOT NULL DEFAULT 0;

-- jobs gains kinds: reveal (a shuffled batch of answers), escalate (an unacknowledged
-- alert goes to the deputy) and purge (retention). SQLite can't alter a CHECK: rebuild.
CREATE TABLE jobs_new (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('remind', 'start', 'close', 'nudge', 'advance',
                                                  'reveal', 'escalate', 'purge')),
    due_at          TEXT NOT NULL,
    schedule_id     TEXT REFERENCES schedules (id) ON DELETE CASCADE,
    occurrence      INTEGER,
    session_id      TEXT REFERENCES sessions (id) ON DELETE CASCADE,
    question_number INTEGER,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'dropped', 'cancelled')),
    subject         TEXT  -- an alert id for escalate
);
INSERT INTO jobs_new (id, kind, due_at, schedule_id, occurrence, session_id, question_number, state)
    SELECT id, kind, due_at, schedule_id, occurrence, session_id, question_number, state FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_new RENAME TO jobs;
CREATE INDEX jobs_pending_by_due ON jobs (state, due_at);
