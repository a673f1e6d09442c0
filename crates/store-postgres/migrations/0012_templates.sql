-- Message templates per organization and channel: what was written and where it stands with the
-- provider. One row per channel, name and language.
CREATE TABLE templates (
    id                    uuid PRIMARY KEY,
    org_id                uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    channel_id            uuid NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    name                  text NOT NULL,
    language              text NOT NULL,
    category              text NOT NULL,
    parameter_format      text NOT NULL,
    components            json NOT NULL,
    status                text NOT NULL,
    provider_template_id  text,
    rejection_reason      text,
    quality               text,
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL
);
CREATE UNIQUE INDEX template_name ON templates (channel_id, name, language);
CREATE INDEX templates_org ON templates (org_id, id);
CREATE INDEX templates_provider_id ON templates (channel_id, provider_template_id);
