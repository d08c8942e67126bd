-- The write id (db/write_identity.h) of the attempt that appended each event. On a Galera cluster
-- a write reads its events back by it after the COMMIT (events/event_confirmation.h), since the
-- cluster can acknowledge a commit it then does not keep. NULL for events written before, and by
-- writes outside a retried operation. No index: it is read with the event's key at hand.
ALTER TABLE job_events ADD COLUMN write_id CHAR(32) CHARACTER SET ascii NULL;
