-- 001's claim index is superseded by runner_jobs_claim_order (002) and only costs writes.
ALTER TABLE runner_jobs DROP KEY runner_jobs_claim;
-- A runner restricted to one workspace must not walk past the other workspaces' backlog: claim
-- order within one workspace.
ALTER TABLE runner_jobs
  ADD KEY runner_jobs_claim_workspace (status, workspace_id, priority DESC, created_at, id);
