-- A job inserted without run_at (by SQL administration, or an older client of the schema) runs at
-- once, as created_at already defaults to the insert's time. The connections of the service set
-- the session time zone to UTC, as every stored time is; an administrator's session should too.
ALTER TABLE runner_jobs MODIFY run_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3);
