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

-- Events wait here until the fan-out has made their deliveries (a flag, not a cursor: a cursor
-- could step over an event whose transaction committed late).
ALTER TABLE events ADD COLUMN fanned_out boolean NOT NULL DEFAULT false;
CREATE INDEX events_pending_fan_out ON events (id) WHERE NOT fanned_out;

-- One event for one endpoint; the body is kept so every retry signs the same bytes.
CREATE TABLE webhook_deliveries (
    id           uuid PRIMARY KEY,
    org_id       uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    endpoint_id  uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id     uuid NOT NULL,
    event_type   text NOT NULL,
    body         text NOT NULL,
    status       text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    attempts     integer NOT NULL,
    last_status  integer,
    last_error   text,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);

CREATE TABLE webhook_attempts (
    id               uuid PRIMARY KEY,
    org_id           uuid NOT NULL,
    delivery_id      uuid NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    endpoint_id      uuid NOT NULL,
    attempt          integer NOT NULL,
    at               timestamptz NOT NULL,
    response_status  integer,
    duration_ms      integer NOT NULL,
    response_body    text NOT NULL,
    error            text
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, attempt);
