-- How often runners gave a job back unfinished (POST /api/runner/jobs/:id/release). The first
-- releases keep the job's attempt; later ones count as attempts, so a job that keeps being
-- released (a command that makes its runner stop, say) cannot loop forever.
ALTER TABLE runner_jobs ADD COLUMN release_count INT UNSIGNED NOT NULL DEFAULT 0;
