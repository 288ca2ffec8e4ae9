-- As SQLite's "shared_by_replicas": what several bot processes for one platform (Slack HTTP
-- replicas) share instead of keeping it in memory: a revision per answer's reactions, the
-- counts last offered for display (latest revision wins), and the deliveries already
-- handled (Slack Events API event ids), kept a day.
ALTER TABLE answers ADD COLUMN reactions_revision bigint NOT NULL DEFAULT 0;

CREATE TABLE count_displays (
    answer_id text PRIMARY KEY REFERENCES answers (id) ON DELETE CASCADE,
    revision  bigint NOT NULL,
    payload   text NOT NULL
);

CREATE TABLE deliveries (
    key     text PRIMARY KEY,
    seen_at timestamptz NOT NULL
);
CREATE INDEX deliveries_by_age ON deliveries (seen_at);
