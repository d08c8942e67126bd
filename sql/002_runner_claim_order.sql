-- The claim takes the highest priority first, then the oldest: an index in exactly that order
-- (MariaDB >= 10.8 honours DESC in an index) lets FOR UPDATE SKIP LOCKED stop at the first free
-- row instead of sorting every QUEUED job on each claim.
ALTER TABLE runner_jobs ADD KEY runner_jobs_claim_order (status, priority DESC, created_at, id);
