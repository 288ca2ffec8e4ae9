-- The keys this database was set up with, as keyed one-way fingerprints (HMAC-SHA256 of a
-- constant under the key; they tell whether a key is the same, never the key itself), so
-- start-up refuses a different key instead of silently finding nobody. Changing a key is
-- `consultbot keys rotate` (docs/running.md). A database from before this migration records
-- the keys it is next started with.
CREATE TABLE key_fingerprints (
    name        TEXT PRIMARY KEY CHECK (name IN ('identity', 'safeguarding')),
    fingerprint TEXT NOT NULL
);
