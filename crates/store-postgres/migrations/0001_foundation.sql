-- Foundation: organizations, people, access, audit, idempotency and the job queue.
-- Unique indexes and constraints are named after the `what` of `StoreError::Conflict` they
-- raise, so errors.rs maps a violation by its constraint name alone.

-- Case-insensitive names keep a `name_key`, lower-cased in Rust: PostgreSQL's lower() folds some
-- scripts differently (a Greek final sigma), and both backends must refuse exactly the same names.
CREATE TABLE orgs (
    id          uuid PRIMARY KEY,
    name        text NOT NULL,
    name_key    text NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE UNIQUE INDEX org_name ON orgs (name_key);

CREATE TABLE users (
    id                   uuid PRIMARY KEY,
    email                text NOT NULL CONSTRAINT email UNIQUE,
    name                 text NOT NULL,
    password_hash        text,
    password_changed_at  timestamptz,
    created_at           timestamptz NOT NULL,
    -- bigint for the full range of the u32 counters (as on SQLite), here and in jobs.
    failed_logins        bigint NOT NULL DEFAULT 0,
    login_locked_until   timestamptz
);

CREATE TABLE memberships (
    org_id       uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role         text NOT NULL CHECK (role IN ('owner', 'admin', 'contributor', 'agent')),
    channel_ids  uuid[] NOT NULL DEFAULT '{}',
    created_at   timestamptz NOT NULL,
    CONSTRAINT membership PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE sessions (
    id          uuid PRIMARY KEY,
    token_hash  bytea NOT NULL CONSTRAINT session_token UNIQUE,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    org_id      uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    csrf_token  text NOT NULL,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    ip          text
);
CREATE INDEX sessions_user ON sessions (user_id, org_id);

CREATE TABLE teams (
    id           uuid PRIMARY KEY,
    org_id       uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name         text NOT NULL,
    name_key     text NOT NULL,
    -- UTF-8 bytes, not text: free text typed by users may hold NUL, which a text column refuses.
    description  bytea NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL
);
CREATE UNIQUE INDEX team_name ON teams (org_id, name_key);

CREATE TABLE team_members (
    org_id   uuid NOT NULL,
    team_id  uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id  uuid NOT NULL,
    CONSTRAINT team_member PRIMARY KEY (team_id, user_id),
    FOREIGN KEY (org_id, user_id) REFERENCES memberships (org_id, user_id) ON DELETE CASCADE
);
CREATE INDEX team_members_member ON team_members (org_id, user_id);

CREATE TABLE api_keys (
    id               uuid PRIMARY KEY,
    org_id           uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name             text NOT NULL,
    prefix           text NOT NULL CONSTRAINT api_key_prefix UNIQUE,
    secret_hash      bytea NOT NULL,
    scopes           text[] NOT NULL,
    channel_ids      uuid[] NOT NULL DEFAULT '{}',
    -- Kept as text: `inet` would print a /32 host without its prefix, which would not round-trip.
    allowed_ips      text[] NOT NULL DEFAULT '{}',
    expires_at       timestamptz,
    revoked_at       timestamptz,
    created_by_user  uuid,
    created_by_key   uuid,
    created_at       timestamptz NOT NULL,
    last_used_at     timestamptz,
    last_used_ip     text
);
CREATE INDEX api_keys_org ON api_keys (org_id, id);

CREATE TABLE audit_log (
    id           uuid PRIMARY KEY,
    org_id       uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    actor_type   text NOT NULL CHECK (actor_type IN ('user', 'api_key', 'system')),
    actor_id     uuid,
    action       text NOT NULL,
    target_type  text NOT NULL,
    target_id    text,
    ip           text,
    request_id   text,
    -- `json` rather than `jsonb` for the same reason as jobs.payload: values quoted from requests
    -- may hold "\u0000", and an audit entry must never be the reason a change fails.
    details      json NOT NULL,
    created_at   timestamptz NOT NULL
);
CREATE INDEX audit_log_org ON audit_log (org_id, id DESC);

CREATE TABLE idempotency (
    org_id        uuid NOT NULL,
    principal     text NOT NULL,
    key           text NOT NULL,
    request_hash  bytea NOT NULL,
    locked_until  timestamptz NOT NULL,
    status        integer,
    content_type  text,
    body          bytea,
    created_at    timestamptz NOT NULL,
    finished_at   timestamptz,
    PRIMARY KEY (org_id, principal, key)
);
CREATE INDEX idempotency_created ON idempotency (created_at);

CREATE TABLE jobs (
    id            uuid PRIMARY KEY,
    org_id        uuid,
    kind          text NOT NULL,
    -- `json`, not `jsonb`: payloads come from outside and may hold "\u0000", which jsonb refuses.
    payload       json NOT NULL,
    dedup_key     text,
    priority      smallint NOT NULL DEFAULT 0,
    run_at        timestamptz NOT NULL,
    attempts      bigint NOT NULL DEFAULT 0,
    max_attempts  bigint NOT NULL,
    state         text NOT NULL DEFAULT 'ready'
                  CHECK (state IN ('ready', 'running', 'done', 'dead')),
    lease_owner   text,
    lease_until   timestamptz,
    -- UTF-8 bytes, not text: a provider's error may hold NUL, which a text column refuses.
    last_error    bytea,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE UNIQUE INDEX job_dedup_key ON jobs (dedup_key) WHERE dedup_key IS NOT NULL;
-- The claim's two ways in: due ready jobs in claim order, and running jobs by lease expiry.
CREATE INDEX jobs_ready ON jobs (priority DESC, run_at, id) WHERE state = 'ready';
CREATE INDEX jobs_leased ON jobs (lease_until) WHERE state = 'running';
CREATE INDEX jobs_done ON jobs (updated_at) WHERE state = 'done';
CREATE INDEX jobs_org ON jobs (org_id, id DESC);
