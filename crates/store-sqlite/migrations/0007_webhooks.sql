-- Customers' webhook endpoints (PRODUCT §12). Secrets are sealed by core; event_types and
-- channel_ids are JSON arrays (empty: all).
CREATE TABLE webhook_endpoints (
    id               BLOB PRIMARY KEY NOT NULL,
    org_id           BLOB NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    url              TEXT NOT NULL,
    description      TEXT NOT NULL,
    event_types      TEXT NOT NULL,
    channel_ids      TEXT NOT NULL,
    enabled          INTEGER NOT NULL,
    format           TEXT NOT NULL,
    secret           BLOB NOT NULL,
    previous_secret  BLOB,
    previous_until   INTEGER,
    disabled_reason  TEXT,
    failing_since    INTEGER,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX webhook_endpoints_org ON webhook_endpoints (org_id, id);
