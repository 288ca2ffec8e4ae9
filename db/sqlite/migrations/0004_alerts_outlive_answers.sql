-- A safeguarding alert must outlive a withdrawal: when the answer it is about is deleted,
-- the alert stays (its answer_id becomes NULL) so the lead and the deputy still see it.
-- The /worried identity column goes: the alert message itself tells the lead who asked.
CREATE TABLE alerts_new (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('disclosure', 'report', 'worried')),
    session_id      TEXT REFERENCES sessions (id) ON DELETE CASCADE,
    answer_id       TEXT REFERENCES answers (id) ON DELETE SET NULL,
    categories      TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    acknowledged_at TEXT,
    escalated       INTEGER NOT NULL DEFAULT 0
);
INSERT INTO alerts_new (id, kind, session_id, answer_id, categories, created_at,
                        acknowledged_at, escalated)
    SELECT id, kind, session_id, answer_id, categories, created_at, acknowledged_at, escalated
    FROM alerts;
DROP TABLE alerts;
ALTER TABLE alerts_new RENAME TO alerts;
