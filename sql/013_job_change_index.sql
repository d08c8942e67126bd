-- The job streams' poller asks which jobs changed in the last moments (status and last_event_seq
-- move together with updated_at in every write) instead of reading every watched job each tick:
-- with thousands of open streams that read was most of the database's work. The index covers the
-- query (the primary key, id, is in every secondary index).
ALTER TABLE runner_jobs ADD KEY runner_jobs_changed (updated_at, status, last_event_seq);
