-- Operations: retention (rjadmin prune), metrics counters and metrics-only tokens.
-- Retention picks terminal jobs by status and age; this index makes that a range scan that never
-- walks live jobs.
ALTER TABLE runner_jobs ADD KEY runner_jobs_retention (status, completed_at);
-- Counts by status and type per workspace for /api/metrics, read from the index alone.
ALTER TABLE runner_jobs ADD KEY runner_jobs_metrics (workspace_id, status, type);
-- Monotonic per-workspace counters for /api/metrics, bumped in the transaction that records the
-- job.started / job.completed / job.failed event (events/event_store.cpp): a
-- scrape reads the sums instead of counting events, and pruning jobs does not make them go down.
-- Each workspace's counters are spread over 16 shard rows (a change bumps a random one, a scrape
-- sums them), so that concurrent claims and completions of one workspace do not all wait for
-- the same row lock until their transactions commit.
CREATE TABLE workspace_counters (
  workspace_id CHAR(36) CHARACTER SET ascii NOT NULL,
  shard TINYINT UNSIGNED NOT NULL,
  claims BIGINT UNSIGNED NOT NULL DEFAULT 0,
  completions BIGINT UNSIGNED NOT NULL DEFAULT 0,
  failures BIGINT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (workspace_id, shard),
  CONSTRAINT workspace_counters_workspace_fk FOREIGN KEY (workspace_id) REFERENCES workspaces (id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
-- Tokens for a metrics scraper: bound to one workspace, good for GET /api/metrics only. A table of
-- their own (not api_tokens) so that no user guard can ever accept one.
CREATE TABLE metrics_tokens (
  id CHAR(36) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  workspace_id CHAR(36) CHARACTER SET ascii NOT NULL,
  token_hash CHAR(64) CHARACTER SET ascii NOT NULL,
  name VARCHAR(255) NOT NULL DEFAULT '',
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  expires_at DATETIME(3) NULL,
  revoked_at DATETIME(3) NULL,
  UNIQUE KEY metrics_tokens_hash (token_hash),
  CONSTRAINT metrics_tokens_workspace_fk FOREIGN KEY (workspace_id) REFERENCES workspaces (id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
