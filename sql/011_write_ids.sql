-- The write id of the last change to a job (db/write_identity.h): the attempts of one retried
-- write share it, so an attempt that follows a COMMIT whose answer was lost (a database node that
-- died, on a Galera cluster the others having committed it) can tell that its write is already
-- there and must not be made again. No index: it is read only in that rare case, with the job's
-- id or the runner's jobs at hand.
ALTER TABLE runner_jobs ADD COLUMN last_write_id CHAR(32) CHARACTER SET ascii NULL;
