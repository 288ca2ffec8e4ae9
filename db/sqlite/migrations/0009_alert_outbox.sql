-- The alert outbox. An alert is a row before anything is sent, and each delivery (to the
-- lead; to the deputy when nobody acknowledged it) is a row until the platform took it, so
-- an outage or a restart loses nothing. Alerts gain the kind 'note' (harm told as past and
-- over: a quiet note to the lead) and ``sealed``: what has no other home (the words of
-- /worried, a check-in or a noted answer, the screen's reasons, who wrote it), encrypted
-- with the safeguarding key and deleted with the alert. SQLite can't alter a CHECK: rebuild.
CREATE TABLE alerts_new (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('disclosure', 'report', 'worried', 'note')),
    session_id      TEXT REFERENCES sessions (id) ON DELETE CASCADE,
    answer_id       TEXT REFERENCES answers (id) ON DELETE SET NULL,
    categories      TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    acknowledged_at TEXT,
    escalated       INTEGER NOT NULL DEFAULT 0,
    sealed          BLOB
);
INSERT INTO alerts_new (id, kind, session_id, answer_id, categories, created_at,
                        acknowledged_at, escalated)
    SELECT id, kind, session_id, answer_id, categories, created_at, acknowledged_at, escalated
    FROM alerts;
DROP TABLE alerts;
ALTER TABLE alerts_new RENAME TO alerts;
CREATE INDEX alerts_by_answer ON alerts (answer_id);

-- Alerts raised before this version were sent the old way: they have no delivery row.
CREATE TABLE alert_deliveries (
    alert_id     TEXT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    audience     TEXT NOT NULL CHECK (audience IN ('lead', 'deputy')),
    due_at       TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    delivered_at TEXT,
    PRIMARY KEY (alert_id, audience)
);
