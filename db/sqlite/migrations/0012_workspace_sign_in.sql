-- The staff workspace in the browser: single-use sign-in links sent by /workspace, and the
-- browser sessions they start. Only a sha256 of each token is kept. Staff, facilitators and
-- safeguarding leads only: a young person is never sent a link. Roles are comma-separated.
CREATE TABLE sign_in_links (
    token_hash TEXT PRIMARY KEY,
    platform   TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    roles      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);
CREATE INDEX sign_in_links_by_person ON sign_in_links (platform, user_id, created_at);

CREATE TABLE browser_sessions (
    token_hash TEXT PRIMARY KEY,
    platform   TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    roles      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    ended_at   TEXT
);
