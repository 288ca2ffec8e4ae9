-- A "you said, we did" card or reminder the platform refused goes back to pending with a
-- backoff; this counts its tries, so the backoff grows and ends (then staff are told).
ALTER TABLE jobs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
