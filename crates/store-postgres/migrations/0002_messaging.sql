-- Messaging: channels, contacts and their identities, conversations with their timelines,
-- messages, statuses waiting for their message, and events. Unique indexes are named after the
-- `what` of the `StoreError::Conflict` they raise (see errors.rs).
--
-- JSON is `json` (it keeps "\u0000" escapes, which `jsonb` refuses), written compact by
-- serde_json; reactions, which are only ever appended to in place, are `jsonb`.
-- Text columns cannot hold NUL: message text, names and addresses are expected without it (ADR
-- 0001: refused at the edge for searchable text); provider error texts, which nobody searches,
-- are bytes.

-- Channels are deleted softly (`deleted_at`): their conversations and messages stay readable, so
-- names and accounts are unique among live channels only, and a deleted channel frees both.
CREATE TABLE channels (
    id                 uuid PRIMARY KEY,
    org_id             uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    kind               text NOT NULL,
    protocol           text NOT NULL,
    name               text NOT NULL,
    -- Lower-cased in Rust, as for teams (see 0001).
    name_key           text NOT NULL,
    status             text NOT NULL CHECK (status IN ('active', 'pending', 'error', 'disabled')),
    -- UTF-8 bytes: a provider's error text may hold NUL, which a text column refuses.
    last_error         bytea,
    last_error_at      timestamptz,
    config             json NOT NULL,
    credentials        bytea NOT NULL,
    draft_config       json,
    draft_credentials  bytea,
    draft_updated_at   timestamptz,
    webhook_secret     bytea NOT NULL,
    account            text,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    deleted_at         timestamptz
);
CREATE UNIQUE INDEX channel_name ON channels (org_id, name_key) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX channel_account ON channels (protocol, account)
    WHERE deleted_at IS NULL AND account IS NOT NULL;
CREATE INDEX channels_org ON channels (org_id, id) WHERE deleted_at IS NULL;

-- E-mail addresses arrive lower-cased (`Email::parse` folds them in Rust), so the column is its
-- own case-insensitive key. NULLs never collide in a unique index.
CREATE TABLE contacts (
    id           uuid PRIMARY KEY,
    org_id       uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name         text,
    email        text,
    phone        text,
    external_id  text,
    address      text,
    birthdate    date,
    language     text,
    notes        text,
    tags         text[] NOT NULL DEFAULT '{}',
    attributes   json NOT NULL DEFAULT '{}',
    blocked      boolean NOT NULL DEFAULT false,
    -- Name, e-mail, phone and external id lower-cased in Rust (PostgreSQL's case folding depends
    -- on the server's locale), one per line: what the free-text filter searches.
    search_key   text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);
CREATE UNIQUE INDEX contact_email ON contacts (org_id, email);
CREATE UNIQUE INDEX contact_phone ON contacts (org_id, phone);
CREATE UNIQUE INDEX contact_external_id ON contacts (org_id, external_id);
CREATE INDEX contacts_org ON contacts (org_id, id);

-- The tags of `contacts.tags` again, one row each, for "carries every one of these tags".
CREATE TABLE contact_tags (
    org_id      uuid NOT NULL,
    contact_id  uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    tag         text NOT NULL,
    PRIMARY KEY (contact_id, tag)
);
CREATE INDEX contact_tags_tag ON contact_tags (org_id, tag, contact_id);

-- The attributes again, one row each, for "this attribute equals this value": key and value as
-- serde_json's compact JSON text, so equal values have equal text (as SQLite compares them) and
-- a NUL inside a string stays the escape `\u0000`. PostgreSQL's JSON operators would refuse a
-- document holding that escape.
CREATE TABLE contact_attributes (
    contact_id  uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    key         text NOT NULL,
    value       text NOT NULL,
    PRIMARY KEY (contact_id, key)
);

CREATE TABLE identities (
    id            uuid PRIMARY KEY,
    org_id        uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    contact_id    uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    channel_id    uuid NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    address       text NOT NULL,
    profile_name  text,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE UNIQUE INDEX identity_address ON identities (channel_id, address);
CREATE INDEX identities_contact ON identities (contact_id, id);

CREATE TABLE conversations (
    id                    uuid PRIMARY KEY,
    org_id                uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    channel_id            uuid NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    contact_id            uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    identity_id           uuid NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
    status                text NOT NULL CHECK (status IN ('open', 'pending', 'snoozed', 'resolved')),
    snoozed_until         timestamptz,
    priority              text NOT NULL,
    assignee              uuid,
    team_id               uuid,
    last_message_at       timestamptz,
    last_message_preview  text,
    last_inbound_at       timestamptz,
    unread_count          bigint NOT NULL DEFAULT 0,
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL
);
CREATE UNIQUE INDEX conversation_identity ON conversations (channel_id, identity_id);
-- Listings are newest first; the common inbox filters get their own way in.
CREATE INDEX conversations_org ON conversations (org_id, id DESC);
CREATE INDEX conversations_status ON conversations (org_id, status, id DESC);
CREATE INDEX conversations_assignee ON conversations (org_id, assignee, id DESC);
CREATE INDEX conversations_contact ON conversations (contact_id, id DESC);
-- Deleting a contact deletes its identities, whose conversations cascade: found by this index.
CREATE INDEX conversations_identity ON conversations (identity_id);

CREATE TABLE conversation_events (
    id               uuid PRIMARY KEY,
    org_id           uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    conversation_id  uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    kind             text NOT NULL,
    actor_type       text NOT NULL CHECK (actor_type IN ('user', 'api_key', 'system')),
    actor_id         uuid,
    data             json NOT NULL,
    created_at       timestamptz NOT NULL
);
CREATE INDEX conversation_events_conversation ON conversation_events (conversation_id, id);

CREATE TABLE messages (
    id                   uuid PRIMARY KEY,
    org_id               uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    conversation_id      uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    channel_id           uuid NOT NULL,
    contact_id           uuid NOT NULL,
    direction            text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    status               text NOT NULL,
    provider_message_id  text,
    kind                 text NOT NULL,
    content              json NOT NULL,
    text                 text,
    reply_to             text,
    sender_type          text,
    sender_id            uuid,
    error_code           text,
    error_provider_code  text,
    -- UTF-8 bytes: a provider's error text may hold NUL.
    error_provider_text  bytea,
    -- [{"emoji": "...", "at": <unix ms>}], appended in place.
    reactions            jsonb NOT NULL DEFAULT '[]',
    created_at           timestamptz NOT NULL,
    provider_at          timestamptz,
    sent_at              timestamptz,
    delivered_at         timestamptz,
    read_at              timestamptz,
    failed_at            timestamptz,
    updated_at           timestamptz NOT NULL
);
CREATE UNIQUE INDEX provider_message_id ON messages (channel_id, provider_message_id);
CREATE INDEX messages_conversation ON messages (conversation_id, id);

-- Statuses that arrived before the dispatcher recorded their message's provider id.
CREATE TABLE pending_statuses (
    org_id               uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    channel_id           uuid NOT NULL,
    provider_message_id  text NOT NULL,
    status               text NOT NULL,
    at                   timestamptz NOT NULL,
    error_code           text,
    error_provider_code  text,
    error_provider_text  bytea,
    created_at           timestamptz NOT NULL,
    PRIMARY KEY (channel_id, provider_message_id, status)
);
CREATE INDEX pending_statuses_created ON pending_statuses (created_at);

-- `conversation_id` and `contact_id` repeat the payload's, so that deleting a contact finds the
-- events of its conversations by index rather than by reading every payload.
CREATE TABLE events (
    id               uuid PRIMARY KEY,
    org_id           uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    kind             text NOT NULL,
    channel_id       uuid,
    conversation_id  uuid,
    contact_id       uuid,
    payload          json NOT NULL,
    created_at       timestamptz NOT NULL
);
CREATE INDEX events_org ON events (org_id, id);
CREATE INDEX events_conversation ON events (conversation_id) WHERE conversation_id IS NOT NULL;
CREATE INDEX events_contact ON events (contact_id) WHERE contact_id IS NOT NULL;
