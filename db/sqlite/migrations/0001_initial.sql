-- Sessions, per-session participants (alias + keyed hash only), answers, reactions, tags.
-- No platform user id, username or display name is stored in clear (0003 adds the
-- safeguarding copy of who wrote what, encrypted).

CREATE TABLE sessions (
    id               TEXT PRIMARY KEY,
    platform         TEXT NOT NULL,
    channel_id       TEXT NOT NULL,
    question_set_id  TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    current_question INTEGER NOT NULL DEFAULT 1,
    started_at       TEXT NOT NULL,
    closed_at        TEXT
);
-- One running session per channel: a second /start-session there is refused.
CREATE UNIQUE INDEX sessions_one_open_per_channel
    ON sessions (platform, channel_id) WHERE status = 'open';

CREATE TABLE participants (
    id         INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    person_key TEXT NOT NULL,  -- HMAC-SHA256(identity key, session id + platform + user id)
    alias      TEXT NOT NULL,
    UNIQUE (session_id, person_key),
    UNIQUE (session_id, alias)
);

CREATE TABLE answers (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,  -- order given; no timestamps kept
    id              TEXT NOT NULL UNIQUE,
    session_id      TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    question_number INTEGER NOT NULL,
    participant_id  INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    text            TEXT NOT NULL
);
CREATE INDEX answers_by_session ON answers (session_id, question_number);

-- Where an answer was posted, so native platform reactions map back to it.
CREATE TABLE answer_posts (
    answer_id   TEXT NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
    message_ref TEXT NOT NULL UNIQUE
);

-- One row per person per emoji per answer; only counts ever leave the store.
CREATE TABLE reactions (
    answer_id      TEXT NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    emoji          TEXT NOT NULL,
    PRIMARY KEY (answer_id, participant_id, emoji)
) WITHOUT ROWID;

CREATE TABLE answer_tags (
    answer_id TEXT NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
    theme_id  TEXT NOT NULL,
    origin    TEXT NOT NULL CHECK (origin IN ('auto', 'facilitator')),
    active    INTEGER NOT NULL CHECK (active IN (0, 1)),
    evidence  TEXT NOT NULL DEFAULT '',  -- the words that triggered an automatic tag
    PRIMARY KEY (answer_id, theme_id)
) WITHOUT ROWID;
