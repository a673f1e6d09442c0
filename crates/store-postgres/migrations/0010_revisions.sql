-- Edits and deletions the sender made to a message, as a JSON array of
-- {"text"?, "deleted"?, "at"}; the content stays what was first received.
ALTER TABLE messages ADD COLUMN revisions JSONB NOT NULL DEFAULT '[]';
