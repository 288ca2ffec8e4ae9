-- As SQLite's job_delivery_attempts: how often a job the platform refused has been tried.
ALTER TABLE jobs ADD COLUMN attempts integer NOT NULL DEFAULT 0;
