-- As SQLite's 0008: "you said, we did", what was done about each theme a group raised, per
-- session or per a report's sessions, with every update kept (its time and the staff
-- member's audit name; never a young person's id).
CREATE TABLE actions (
    id          text PRIMARY KEY,
    theme_id    text NOT NULL,
    heard       text NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE TABLE action_sessions (
    action_id   text NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    session_id  text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    PRIMARY KEY (action_id, session_id)
);
CREATE INDEX action_sessions_by_session ON action_sessions (session_id, action_id);
CREATE TABLE action_updates (
    action_id   text NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    number      integer NOT NULL,
    at          timestamptz NOT NULL,
    recorded_by text NOT NULL,
    taken_to    text NOT NULL DEFAULT '',
    decision    text NOT NULL CHECK (decision IN ('waiting', 'changed', 'partly', 'not-changed')),
    because     text NOT NULL DEFAULT '',
    follow_up   date,
    PRIMARY KEY (action_id, number)
);

-- jobs gains kinds: follow-up and feedback-card.
ALTER TABLE jobs DROP CONSTRAINT jobs_kind_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_kind_check
    CHECK (kind IN ('remind', 'start', 'close', 'nudge', 'advance', 'reveal', 'escalate', 'purge',
                    'follow-up', 'feedback-card'));
