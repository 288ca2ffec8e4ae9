-- jobs gains a kind: staff-digest (the automatic digest for staff, sent when a session's
-- end-of-session check closes), as SQLite's digest_after_end_check.
ALTER TABLE jobs DROP CONSTRAINT jobs_kind_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_kind_check
    CHECK (kind IN ('remind', 'start', 'close', 'nudge', 'advance', 'reveal', 'escalate', 'purge',
                    'follow-up', 'feedback-card', 'staff-digest'));
