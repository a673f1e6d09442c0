-- Message templates per organization and channel: what was written and where it stands with the
-- provider. One row per channel, name and language.
CREATE TABLE templates (
    id                    BLOB PRIMARY KEY NOT NULL,
    org_id                BLOB NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    channel_id            BLOB NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    name                  TEXT NOT NULL,
    language              TEXT NOT NULL,
    category              TEXT NOT NULL,
    parameter_format      TEXT NOT NULL,
    components            TEXT NOT NULL,
    status                TEXT NOT NULL,
    provider_template_id  TEXT,
    rejection_reason      TEXT,
    quality               TEXT,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL
);
CREATE UNIQUE INDEX template_name ON templates (channel_id, name, language);
CREATE INDEX templates_org ON templates (org_id, id);
CREATE INDEX templates_provider_id ON templates (channel_id, provider_template_id);
