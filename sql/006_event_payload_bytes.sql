-- Each event's payload size beside it: a stream reads a byte-bounded batch of events by summing
-- these, without reading the payloads it will not send.
ALTER TABLE job_events ADD COLUMN payload_bytes INT UNSIGNED NOT NULL DEFAULT 0 AFTER payload;
UPDATE job_events SET payload_bytes = LENGTH(payload);
