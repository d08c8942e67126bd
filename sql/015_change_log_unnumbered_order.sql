-- The sequencer reads the unnumbered rows (position NULL) in id order, 5,000 at a time, and locks
-- what it reads. Through a UNIQUE index the server neither keeps those NULL entries in id order
-- (it sorted all of them) nor expects more than one (it chose that index anyway), so each pass
-- locked and sorted the whole backlog: up to 1.8 s a pass with 28,000 rows waiting, which stalled
-- job creation every second. A plain index on position holds its entries in (position, id) order,
-- so the read stops after the rows it numbers. Positions stay unique without the constraint: only
-- the sequencer sets them, while it holds the one workspace_change_sequencer row.
ALTER TABLE workspace_changes DROP KEY workspace_changes_position,
  ADD KEY workspace_changes_position (position);
