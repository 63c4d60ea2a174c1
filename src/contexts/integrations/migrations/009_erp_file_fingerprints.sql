-- A file-drop inbound file is imported, logged here, then moved out of inbox/: a process killed between the log's
-- commit and the move (or a move that fails) leaves the file in inbox/, and the next poll found it as new: imported
-- and logged again. `fingerprint` names the dropped file (its name, modification time, size and content, hashed):
-- a file whose fingerprint is logged was handled, and is only moved. The same content dropped again later is another
-- file (another modification time). Null for files sent over REST and for those logged before this migration.
ALTER TABLE erp_inbound_files ADD COLUMN fingerprint text;
CREATE UNIQUE INDEX erp_inbound_files_fingerprint ON erp_inbound_files (fingerprint) WHERE fingerprint IS NOT NULL;
