-- Recurring schedules: each due time makes one QUEUED job. next_run_at is the next due time
-- (UTC); a maintenance pass makes the job and advances it in one transaction.
CREATE TABLE recurring_jobs (
  id CHAR(36) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  workspace_id CHAR(36) CHARACTER SET ascii NOT NULL,
  name VARCHAR(255) NOT NULL,
  type VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  priority TINYINT UNSIGNED NOT NULL DEFAULT 5,
  data LONGTEXT NULL,
  cron VARCHAR(255) CHARACTER SET ascii NULL,
  every_seconds INT UNSIGNED NULL,
  timezone VARCHAR(64) CHARACTER SET ascii NOT NULL DEFAULT 'UTC',
  next_run_at DATETIME(3) NOT NULL,
  last_run_at DATETIME(3) NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  UNIQUE KEY recurring_jobs_name (workspace_id, name),
  KEY recurring_jobs_due (next_run_at),
  CONSTRAINT recurring_jobs_workspace_fk FOREIGN KEY (workspace_id) REFERENCES workspaces (id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The schedule and due time a job was made for. The unique key is what makes each due time one
-- job, whatever processes race to make it (a lock only saves work; on Galera GET_LOCK is not
-- even cluster-wide). No foreign key: a deleted schedule's jobs keep its id.
ALTER TABLE runner_jobs
  ADD COLUMN recurring_job_id CHAR(36) CHARACTER SET ascii NULL,
  ADD COLUMN scheduled_for DATETIME(3) NULL,
  ADD UNIQUE KEY runner_jobs_recurring_due (recurring_job_id, scheduled_for);
