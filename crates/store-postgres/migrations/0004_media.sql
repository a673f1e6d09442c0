-- Media (PRODUCT §6): files Switchboard keeps (uploaded through the API, or downloaded for an
-- inbound message) and their uploads to providers, cached per channel so that one file sent to
-- many customers is uploaded once per channel until the provider forgets it.

CREATE TABLE media (
    id          uuid PRIMARY KEY,
    org_id      uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    channel_id  uuid,
    kind        text NOT NULL
        CHECK (kind IN ('image', 'video', 'audio', 'document', 'sticker')),
    mime        text NOT NULL,
    size        bigint NOT NULL,
    sha256      text NOT NULL,
    -- UTF-8 bytes: a client's file name may hold NUL, which a text column refuses.
    filename    bytea,
    storage_key text NOT NULL,
    origin      text NOT NULL CHECK (origin IN ('upload', 'inbound')),
    -- The inbound message it came with; deleting the message (with its contact) deletes the row.
    message_id  uuid REFERENCES messages (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL
);
CREATE INDEX media_org ON media (org_id, id);
-- One file per inbound message: a redelivered fetch job finds it instead of adding another.
CREATE UNIQUE INDEX media_message ON media (message_id) WHERE message_id IS NOT NULL;

CREATE TABLE media_uploads (
    media_id          uuid NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    channel_id        uuid NOT NULL,
    provider_media_id text NOT NULL,
    uploaded_at       timestamptz NOT NULL,
    expires_at        timestamptz NOT NULL,
    PRIMARY KEY (media_id, channel_id)
);
