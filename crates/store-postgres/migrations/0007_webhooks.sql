-- Customers' webhook endpoints (PRODUCT §12). Secrets are sealed by core; core refuses NUL in
-- the URL and description, so text columns hold them.
CREATE TABLE webhook_endpoints (
    id               uuid PRIMARY KEY,
    org_id           uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    url              text NOT NULL,
    description      text NOT NULL,
    event_types      jsonb NOT NULL,
    channel_ids      jsonb NOT NULL,
    enabled          boolean NOT NULL,
    format           text NOT NULL CHECK (format IN ('standard', 'meta')),
    secret           bytea NOT NULL,
    previous_secret  bytea,
    previous_until   timestamptz,
    disabled_reason  text,
    failing_since    timestamptz,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);
CREATE INDEX webhook_endpoints_org ON webhook_endpoints (org_id, id);
