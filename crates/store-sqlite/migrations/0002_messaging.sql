-- Messaging core (issue 4): channels, contacts and their identities, conversations with their
-- timelines, messages, statuses that arrived before their message's receipt, and events.
-- Same conventions as 0001: UUIDs BLOB(16), timestamps INTEGER unix milliseconds, JSON as text,
-- case-insensitive keys lower-cased in Rust.

CREATE TABLE channels (
    id                BLOB PRIMARY KEY NOT NULL,
    org_id            BLOB NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    kind              TEXT NOT NULL,
    protocol          TEXT NOT NULL,
    name              TEXT NOT NULL,
    name_key          TEXT NOT NULL,
    status            TEXT NOT NULL,
    last_error        TEXT,
    last_error_at     INTEGER,
    config            TEXT NOT NULL,
    credentials       BLOB NOT NULL,
    -- The draft exists while draft_updated_at is set.
    draft_config      TEXT,
    draft_credentials BLOB,
    draft_updated_at  INTEGER,
    webhook_secret    BLOB NOT NULL,
    account           TEXT,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    -- Soft delete: the channel leaves every lookup, its history stays.
    deleted_at        INTEGER
);
-- Names and provider accounts are unique among live channels only: a deleted channel frees both.
CREATE UNIQUE INDEX channels_org_name_key ON channels (org_id, name_key) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX channels_protocol_account ON channels (protocol, account)
    WHERE deleted_at IS NULL AND account IS NOT NULL;
CREATE INDEX channels_org_id ON channels (org_id, id);

CREATE TABLE contacts (
    id          BLOB PRIMARY KEY NOT NULL,
    org_id      BLOB NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name        TEXT,
    -- Lower-case already (Email::parse folds it): the key and the value are one.
    email       TEXT,
    phone       TEXT,
    external_id TEXT,
    address     TEXT,
    birthdate   TEXT,
    language    TEXT,
    notes       TEXT,
    tags        TEXT NOT NULL DEFAULT '[]',
    attributes  TEXT NOT NULL DEFAULT '{}',
    blocked     INTEGER NOT NULL DEFAULT 0,
    -- name, e-mail, phone and external id lower-cased in Rust, one per line: the text search.
    search_key  TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX contacts_org_email ON contacts (org_id, email) WHERE email IS NOT NULL;
CREATE UNIQUE INDEX contacts_org_phone ON contacts (org_id, phone) WHERE phone IS NOT NULL;
CREATE UNIQUE INDEX contacts_org_external_id ON contacts (org_id, external_id)
    WHERE external_id IS NOT NULL;
CREATE INDEX contacts_org_id ON contacts (org_id, id);

-- The contacts' tags as rows, for "has every one of these tags" filters.
CREATE TABLE contact_tags (
    org_id     BLOB NOT NULL,
    contact_id BLOB NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    tag        TEXT NOT NULL,
    PRIMARY KEY (contact_id, tag)
);
CREATE INDEX contact_tags_org_tag ON contact_tags (org_id, tag, contact_id);

CREATE TABLE identities (
    id           BLOB PRIMARY KEY NOT NULL,
    org_id       BLOB NOT NULL,
    contact_id   BLOB NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    channel_id   BLOB NOT NULL REFERENCES channels (id),
    address      TEXT NOT NULL,
    profile_name TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX identities_channel_address ON identities (channel_id, address);
CREATE INDEX identities_contact ON identities (contact_id, id);

CREATE TABLE conversations (
    id                   BLOB PRIMARY KEY NOT NULL,
    org_id               BLOB NOT NULL,
    channel_id           BLOB NOT NULL REFERENCES channels (id),
    contact_id           BLOB NOT NULL REFERENCES contacts (id),
    identity_id          BLOB NOT NULL REFERENCES identities (id),
    status               TEXT NOT NULL,
    snoozed_until        INTEGER,
    priority             TEXT NOT NULL,
    assignee             BLOB,
    team                 BLOB,
    last_message_at      INTEGER,
    last_message_preview TEXT,
    last_inbound_at      INTEGER,
    unread_count         INTEGER NOT NULL DEFAULT 0,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
);
CREATE UNIQUE INDEX conversations_channel_identity ON conversations (channel_id, identity_id);
-- The inbox: newest first per organization, and per status (the common filter).
CREATE INDEX conversations_org_id ON conversations (org_id, id);
CREATE INDEX conversations_org_status ON conversations (org_id, status, id);
CREATE INDEX conversations_contact ON conversations (contact_id);
-- The foreign key check when a contact's identities are deleted.
CREATE INDEX conversations_identity ON conversations (identity_id);

CREATE TABLE conversation_events (
    id              BLOB PRIMARY KEY NOT NULL,
    org_id          BLOB NOT NULL,
    conversation_id BLOB NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    actor_type      TEXT NOT NULL,
    actor_id        BLOB,
    data            TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX conversation_events_conversation ON conversation_events (conversation_id, id);

CREATE TABLE messages (
    id                  BLOB PRIMARY KEY NOT NULL,
    org_id              BLOB NOT NULL,
    conversation_id     BLOB NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    channel_id          BLOB NOT NULL,
    contact_id          BLOB NOT NULL,
    direction           TEXT NOT NULL,
    status              TEXT NOT NULL,
    provider_message_id TEXT,
    kind                TEXT NOT NULL,
    content             TEXT NOT NULL,
    text                TEXT,
    reply_to            TEXT,
    sender_type         TEXT,
    sender_id           BLOB,
    error_code          TEXT,
    error_provider_code TEXT,
    error_provider_text TEXT,
    -- [{"emoji": "...", "at": <ms>}, ...] in arrival order.
    reactions           TEXT NOT NULL DEFAULT '[]',
    created_at          INTEGER NOT NULL,
    provider_at         INTEGER,
    sent_at             INTEGER,
    delivered_at        INTEGER,
    read_at             INTEGER,
    failed_at           INTEGER,
    updated_at          INTEGER NOT NULL
);
-- Dedup of redelivered webhooks, and status reports finding their message.
CREATE UNIQUE INDEX messages_channel_provider_id ON messages (channel_id, provider_message_id)
    WHERE provider_message_id IS NOT NULL;
CREATE INDEX messages_conversation ON messages (conversation_id, id);

-- Statuses reported before the dispatcher recorded the provider id they name.
CREATE TABLE pending_statuses (
    channel_id          BLOB NOT NULL,
    provider_message_id TEXT NOT NULL,
    status              TEXT NOT NULL,
    org_id              BLOB NOT NULL,
    at                  INTEGER NOT NULL,
    error_code          TEXT,
    error_provider_code TEXT,
    error_provider_text TEXT,
    created_at          INTEGER NOT NULL,
    PRIMARY KEY (channel_id, provider_message_id, status)
);
CREATE INDEX pending_statuses_created_at ON pending_statuses (created_at);

CREATE TABLE events (
    id              BLOB PRIMARY KEY NOT NULL,
    org_id          BLOB NOT NULL,
    kind            TEXT NOT NULL,
    channel_id      BLOB,
    -- The payload's conversation_id, so deleting a contact can delete its conversations' events.
    conversation_id BLOB,
    payload         TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX events_org_id ON events (org_id, id);
CREATE INDEX events_conversation ON events (conversation_id) WHERE conversation_id IS NOT NULL;
