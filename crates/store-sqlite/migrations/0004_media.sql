-- Media (PRODUCT §6): files Switchboard keeps (uploaded through the API, or downloaded for an
-- inbound message) and their uploads to providers, cached per channel so that one file sent to
-- many customers is uploaded once per channel until the provider forgets it.
-- Same conventions as 0001: UUIDs BLOB(16), timestamps INTEGER unix milliseconds.

CREATE TABLE media (
    id          BLOB PRIMARY KEY NOT NULL,
    org_id      BLOB NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    channel_id  BLOB,
    kind        TEXT NOT NULL,
    mime        TEXT NOT NULL,
    size        INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    filename    TEXT,
    storage_key TEXT NOT NULL,
    origin      TEXT NOT NULL,
    -- The inbound message it came with; deleting the message (with its contact) deletes the row.
    message_id  BLOB REFERENCES messages (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL
);
CREATE INDEX media_org_id ON media (org_id, id);
-- One file per inbound message: a redelivered fetch job finds it instead of adding another.
CREATE UNIQUE INDEX media_message ON media (message_id) WHERE message_id IS NOT NULL;

CREATE TABLE media_uploads (
    media_id          BLOB NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    channel_id        BLOB NOT NULL,
    provider_media_id TEXT NOT NULL,
    uploaded_at       INTEGER NOT NULL,
    expires_at        INTEGER NOT NULL,
    PRIMARY KEY (media_id, channel_id)
);
