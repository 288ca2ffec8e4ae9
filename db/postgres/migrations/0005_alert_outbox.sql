-- As SQLite's alert outbox migration: the kind 'note', the sealed column (what has no other
-- home, encrypted with the safeguarding key, deleted with the alert) and one row per
-- delivery until the platform took it.
ALTER TABLE alerts DROP CONSTRAINT alerts_kind_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_kind_check
    CHECK (kind IN ('disclosure', 'report', 'worried', 'note'));
ALTER TABLE alerts ADD COLUMN sealed bytea;

CREATE TABLE alert_deliveries (
    alert_id     text NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    audience     text NOT NULL CHECK (audience IN ('lead', 'deputy')),
    due_at       timestamptz NOT NULL,
    attempts     integer NOT NULL DEFAULT 0,
    delivered_at timestamptz,
    PRIMARY KEY (alert_id, audience)
);
CREATE INDEX alert_deliveries_undelivered ON alert_deliveries (due_at) WHERE delivered_at IS NULL;
