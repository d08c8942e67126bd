-- The workspace stream's change log: one row per job.* event, written in the event's own
-- transaction with a snapshot of the job's summary as that event left it.
--
-- Writers only insert (an AUTO_INCREMENT id, no shared row to lock), so they never wait for each
-- other. The stream's cursor is `position`, not `id`: ids are handed out at INSERT and can commit
-- out of order, so a reader past id 11 could still see 10 commit later. A position is given only
-- to committed rows, by a sequencer that holds the single workspace_change_sequencer row while it
-- numbers them (events/change_sequencer.cpp): positions become visible as a growing prefix, and a
-- reader at position P has seen every row that will ever be numbered at or below P.
CREATE TABLE workspace_changes (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  position BIGINT UNSIGNED NULL,
  workspace_id CHAR(36) CHARACTER SET ascii NOT NULL,
  job_id CHAR(36) CHARACTER SET ascii NOT NULL,
  job_seq INT UNSIGNED NOT NULL,
  event_type VARCHAR(40) CHARACTER SET ascii NOT NULL,
  type VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  status ENUM('PENDING', 'QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED') NOT NULL,
  priority TINYINT UNSIGNED NOT NULL,
  progress_percent TINYINT UNSIGNED NOT NULL,
  attempt INT UNSIGNED NOT NULL,
  max_attempts INT UNSIGNED NOT NULL,
  run_at DATETIME(3) NOT NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  started_at DATETIME(3) NULL,
  completed_at DATETIME(3) NULL,
  -- Unnumbered rows (NULL) come first, in id order: what the sequencer numbers next. The same
  -- index finds the rows of a position range, and retention deletes its oldest prefix.
  UNIQUE KEY workspace_changes_position (position),
  -- A workspace's stream reads its rows past its cursor.
  KEY workspace_changes_stream (workspace_id, position)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE workspace_change_sequencer (
  id TINYINT UNSIGNED NOT NULL PRIMARY KEY,
  last_position BIGINT UNSIGNED NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
INSERT INTO workspace_change_sequencer (id, last_position) VALUES (1, 0);

-- The highest position of this workspace that retention deleted: a stream resumed from a cursor
-- below it has missed changes for good, and is told to reload (a `reset` event).
ALTER TABLE workspaces ADD COLUMN changes_pruned_through BIGINT UNSIGNED NOT NULL DEFAULT 0;
