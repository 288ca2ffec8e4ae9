-- As SQLite's 0008: single-use sign-in links sent by /workspace, and the browser sessions
-- they start. Only a sha256 of each token is kept; roles are comma-separated.
CREATE TABLE sign_in_links (
    token_hash text PRIMARY KEY,
    platform   text NOT NULL,
    user_id    text NOT NULL,
    roles      text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX sign_in_links_by_person ON sign_in_links (platform, user_id, created_at);

CREATE TABLE browser_sessions (
    token_hash text PRIMARY KEY,
    platform   text NOT NULL,
    user_id    text NOT NULL,
    roles      text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    ended_at   timestamptz
);
