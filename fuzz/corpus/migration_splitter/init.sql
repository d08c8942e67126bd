-- runner-jobs schema. Timestamps are DATETIME(3) in UTC (every connection sets time_zone +00:00).
-- Ids are lower-case UUIDs stored as CHAR(36) ASCII.

CREATE TABLE users (
  id CHAR(36) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  email VARCHAR(255) NOT NULL,
  name VARCHAR(255) NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  UNIQUE KEY users_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Only the SHA-256 of a token is stored; the token itself is shown once when issued.
CREATE TABLE api_tokens (
  id CHAR(36) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  user_id CHAR(36) CHARACTER SET ascii NOT NULL,
  token_hash CHAR(64) CHARACTER SET ascii NOT NULL,
  name VARCHAR(255) NOT NULL DEFAULT '',
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  expires_at DATETIME(3) NULL,
  revoked_at DATETIME(3) NULL,
  UNIQUE KEY api_tokens_hash (token_hash),
  KEY api_tokens_user (user_id),
  CONSTRAINT api_tokens_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE workspaces (
  id CHAR(36) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  name VARCHAR(255) NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE workspace_members (
  workspace_id CHAR(36) CHARACTER SET ascii NOT NULL,
  user_id CHAR(36) CHARACTER SET ascii NOT NULL,
  role ENUM('OWNER', 'ADMIN', 'MEMBER', 'GUEST') NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (workspace_id, user_id),
  KEY workspace_members_user (user_id),
  CONSTRAINT workspace_members_workspace_fk FOREIGN KEY (workspace_id) REFERENCES workspaces (id)
    ON DELETE CASCADE,
  CONSTRAINT workspace_members_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Runners authenticate with their own tokens; workspace_id NULL means any workspace,
-- job_types NULL means any type (otherwise a comma-separated list).
CREATE TABLE runners (
  id CHAR(36) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  name VARCHAR(255) NOT NULL,
  token_hash CHAR(64) CHARACTER SET ascii NOT NULL,
  workspace_id CHAR(36) CHARACTER SET ascii NULL,
  job_types TEXT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  revoked_at DATETIME(3) NULL,
  last_seen_at DATETIME(3) NULL,
  UNIQUE KEY runners_token_hash (token_hash),
  CONSTRAINT runners_workspace_fk FOREIGN KEY (workspace_id) REFERENCES workspaces (id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE runner_jobs (
  id CHAR(36) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  workspace_id CHAR(36) CHARACTER SET ascii NOT NULL,
  type VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  status ENUM('PENDING', 'QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED') NOT NULL,
  priority TINYINT UNSIGNED NOT NULL DEFAULT 5,
  progress_percent TINYINT UNSIGNED NOT NULL DEFAULT 0,
  data LONGTEXT NULL,
  result LONGTEXT NULL,
  error TEXT NULL,
  agent_task_id CHAR(36) CHARACTER SET ascii NULL,
  retry_of_id CHAR(36) CHARACTER SET ascii NULL,
  attempt INT UNSIGNED NOT NULL DEFAULT 1,
  max_attempts INT UNSIGNED NOT NULL DEFAULT 3,
  idempotency_key VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NULL,
  request_hash CHAR(64) CHARACTER SET ascii NULL,
  last_event_seq INT UNSIGNED NOT NULL DEFAULT 0,
  runner_id CHAR(36) CHARACTER SET ascii NULL,
  lease_expires_at DATETIME(3) NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  started_at DATETIME(3) NULL,
  completed_at DATETIME(3) NULL,
  UNIQUE KEY runner_jobs_idempotency (workspace_id, idempotency_key),
  KEY runner_jobs_list (workspace_id, created_at, id),
  KEY runner_jobs_status (workspace_id, status, created_at),
  KEY runner_jobs_type (workspace_id, type, created_at),
  KEY runner_jobs_agent_task (workspace_id, agent_task_id),
  KEY runner_jobs_claim (status, priority, created_at),
  KEY runner_jobs_lease (status, lease_expires_at),
  CONSTRAINT runner_jobs_workspace_fk FOREIGN KEY (workspace_id) REFERENCES workspaces (id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE job_steps (
  job_id CHAR(36) CHARACTER SET ascii NOT NULL,
  ordinal INT UNSIGNED NOT NULL,
  name VARCHAR(255) NOT NULL,
  status ENUM('RUNNING', 'COMPLETED', 'FAILED') NOT NULL,
  started_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  completed_at DATETIME(3) NULL,
  PRIMARY KEY (job_id, ordinal),
  CONSTRAINT job_steps_job_fk FOREIGN KEY (job_id) REFERENCES runner_jobs (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- seq is per job and gap-free: taken as runner_jobs.last_event_seq + 1 under the job's row lock.
CREATE TABLE job_events (
  job_id CHAR(36) CHARACTER SET ascii NOT NULL,
  seq INT UNSIGNED NOT NULL,
  type VARCHAR(32) CHARACTER SET ascii NOT NULL,
  payload LONGTEXT NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (job_id, seq),
  CONSTRAINT job_events_job_fk FOREIGN KEY (job_id) REFERENCES runner_jobs (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
