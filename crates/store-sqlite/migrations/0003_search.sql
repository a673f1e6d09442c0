-- Full-text search over message texts: an FTS5 index whose content is messages.text (external
-- content: the text is stored once, in messages), kept in step by triggers. unicode61 with
-- remove_diacritics 2 folds case and accents, so "cafe" finds "Café" and the other way round.
--
-- Every message has an index entry, a NULL text an empty one: the index then holds exactly the
-- rows of its content table, which is what FTS5's 'integrity-check' and 'rebuild' expect.
--
-- The index is keyed by the messages rowid. messages has no INTEGER PRIMARY KEY, so a VACUUM
-- could renumber rowids: whoever ever adds one must run
-- INSERT INTO messages_fts (messages_fts) VALUES ('rebuild') after it.
CREATE VIRTUAL TABLE messages_fts USING fts5 (
    text,
    content = 'messages',
    content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
BEGIN
    INSERT INTO messages_fts (rowid, text) VALUES (new.rowid, new.text);
END;

-- The 'delete' command must be given the text that was indexed, so it runs before nothing else
-- has changed it: the old row's values.
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END;

CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages
BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
    INSERT INTO messages_fts (rowid, text) VALUES (new.rowid, new.text);
END;

-- Backfill: index the messages stored before this migration.
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
