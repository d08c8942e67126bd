-- Scheduling, retries, timeouts, unique jobs and concurrency limits.
-- run_at: no runner may claim the job before it (the creation time for a job that runs at once;
-- now + backoff for an automatic retry). Claims go by priority, then run_at.
ALTER TABLE runner_jobs
  ADD COLUMN run_at DATETIME(3) NULL AFTER completed_at,
  -- 1 while a QUEUED job waits for a run_at still ahead; claims promote it (to 0) once run_at
  -- passes. Claims scan only jobs with 0, so jobs scheduled ahead never slow them down.
  ADD COLUMN scheduled TINYINT UNSIGNED NOT NULL DEFAULT 0 AFTER run_at,
  ADD COLUMN backoff_seconds INT UNSIGNED NOT NULL DEFAULT 10 AFTER max_attempts,
  ADD COLUMN timeout_seconds INT UNSIGNED NULL AFTER backoff_seconds,
  -- started_at + timeout_seconds while RUNNING: what the timeout sweep looks up.
  ADD COLUMN timeout_at DATETIME(3) NULL AFTER timeout_seconds,
  -- The runner whose run last timed out, so that its next call hears JOB_TIMED_OUT.
  ADD COLUMN timed_out_runner_id CHAR(36) CHARACTER SET ascii NULL AFTER timeout_at,
  ADD COLUMN unique_key VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  ADD COLUMN concurrency_key VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  ADD COLUMN concurrency_limit INT UNSIGNED NULL;
UPDATE runner_jobs SET run_at = created_at;
ALTER TABLE runner_jobs MODIFY run_at DATETIME(3) NOT NULL;
-- The unique key counts only while the job is live: the database refuses a second live job with
-- the key, however many creates race, and a terminal job frees it.
ALTER TABLE runner_jobs
  ADD COLUMN live_unique_key VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin
    AS (IF(status IN ('PENDING', 'QUEUED', 'RUNNING'), unique_key, NULL)) VIRTUAL,
  ADD UNIQUE KEY runner_jobs_unique_key (workspace_id, live_unique_key);
-- Claim order among due jobs: priority, then run_at, in each of the three claim shapes.
ALTER TABLE runner_jobs
  DROP KEY runner_jobs_claim_order,
  DROP KEY runner_jobs_claim_type,
  DROP KEY runner_jobs_claim_workspace,
  ADD KEY runner_jobs_claim_order (status, scheduled, priority DESC, run_at, id),
  ADD KEY runner_jobs_claim_type (status, scheduled, type, priority DESC, run_at, id),
  ADD KEY runner_jobs_claim_workspace (status, scheduled, workspace_id, priority DESC, run_at, id),
  ADD KEY runner_jobs_scheduled (scheduled, run_at),
  ADD KEY runner_jobs_timeout (status, timeout_at),
  ADD KEY runner_jobs_concurrency (workspace_id, concurrency_key, status);
-- One row per concurrency key in use: a claim locks it to count the key's RUNNING jobs, so racing
-- claims take its slots one at a time.
CREATE TABLE job_concurrency_keys (
  workspace_id CHAR(36) CHARACTER SET ascii NOT NULL,
  concurrency_key VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  -- Claims taken under the key: each claim writes the row, so that on a Galera cluster two nodes
  -- claiming under one key conflict at commit instead of both passing the count.
  claims BIGINT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (workspace_id, concurrency_key),
  CONSTRAINT job_concurrency_keys_workspace_fk FOREIGN KEY (workspace_id) REFERENCES workspaces (id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
