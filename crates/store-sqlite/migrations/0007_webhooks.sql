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

-- Events wait here until the fan-out has made their deliveries (a flag, not a cursor: a cursor
-- could step over an event whose transaction committed late).
ALTER TABLE events ADD COLUMN fanned_out INTEGER NOT NULL DEFAULT 0;
CREATE INDEX events_pending_fan_out ON events (id) WHERE fanned_out = 0;

-- One event for one endpoint; the body is kept so every retry signs the same bytes.
CREATE TABLE webhook_deliveries (
    id           BLOB PRIMARY KEY NOT NULL,
    org_id       BLOB NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    endpoint_id  BLOB NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id     BLOB NOT NULL,
    event_type   TEXT NOT NULL,
    body         TEXT NOT NULL,
    status       TEXT NOT NULL,
    attempts     INTEGER NOT NULL,
    last_status  INTEGER,
    last_error   TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);

CREATE TABLE webhook_attempts (
    id               BLOB PRIMARY KEY NOT NULL,
    org_id           BLOB NOT NULL,
    delivery_id      BLOB NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    endpoint_id      BLOB NOT NULL,
    attempt          INTEGER NOT NULL,
    at               INTEGER NOT NULL,
    response_status  INTEGER,
    duration_ms      INTEGER NOT NULL,
    response_body    TEXT NOT NULL,
    error            TEXT
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, attempt);
