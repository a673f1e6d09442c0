-- Foundation schema: tenants, people, access, audit, idempotency and the job queue.
-- UUIDs are BLOB(16), timestamps INTEGER unix milliseconds, lists JSON text.
-- Case-insensitive names keep a `name_key` (lower-cased in Rust, so Unicode folds the same way as
-- on PostgreSQL) under a unique index, because SQLite's lower() and NOCASE only fold ASCII.

CREATE TABLE orgs (
    id         BLOB PRIMARY KEY NOT NULL,
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX orgs_name_key ON orgs (name_key);

CREATE TABLE users (
    id                  BLOB PRIMARY KEY NOT NULL,
    email               TEXT NOT NULL,
    name                TEXT NOT NULL,
    password_hash       TEXT,
    password_changed_at INTEGER,
    failed_logins       INTEGER NOT NULL DEFAULT 0,
    locked_until        INTEGER,
    created_at          INTEGER NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (email);

CREATE TABLE memberships (
    org_id      BLOB NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    user_id     BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role        TEXT NOT NULL,
    channel_ids TEXT NOT NULL DEFAULT '[]',
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id, org_id);

CREATE TABLE sessions (
    id         BLOB PRIMARY KEY NOT NULL,
    org_id     BLOB NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    user_id    BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash BLOB NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    ip         TEXT
);
CREATE UNIQUE INDEX sessions_token_hash ON sessions (token_hash);
CREATE INDEX sessions_user ON sessions (user_id, org_id);

CREATE TABLE teams (
    id          BLOB PRIMARY KEY NOT NULL,
    org_id      BLOB NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX teams_org_name_key ON teams (org_id, name_key);
CREATE INDEX teams_org_id ON teams (org_id, id);

CREATE TABLE team_members (
    org_id     BLOB NOT NULL,
    team_id    BLOB NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id    BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (team_id, user_id),
    -- Leaving the organization leaves its teams too.
    FOREIGN KEY (org_id, user_id) REFERENCES memberships (org_id, user_id) ON DELETE CASCADE
);
CREATE INDEX team_members_member ON team_members (org_id, user_id);

CREATE TABLE api_keys (
    id              BLOB PRIMARY KEY NOT NULL,
    org_id          BLOB NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    prefix          TEXT NOT NULL,
    secret_hash     BLOB NOT NULL,
    scopes          TEXT NOT NULL DEFAULT '[]',
    channel_ids     TEXT NOT NULL DEFAULT '[]',
    allowed_ips     TEXT NOT NULL DEFAULT '[]',
    expires_at      INTEGER,
    revoked_at      INTEGER,
    created_by_user BLOB,
    created_by_key  BLOB,
    created_at      INTEGER NOT NULL,
    last_used_at    INTEGER,
    last_used_ip    TEXT
);
CREATE UNIQUE INDEX api_keys_prefix ON api_keys (prefix);
CREATE INDEX api_keys_org_id ON api_keys (org_id, id);

CREATE TABLE audit_log (
    id          BLOB PRIMARY KEY NOT NULL,
    org_id      BLOB NOT NULL,
    actor_type  TEXT NOT NULL,
    actor_id    BLOB,
    action      TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id   TEXT,
    ip          TEXT,
    request_id  TEXT,
    details     TEXT NOT NULL DEFAULT 'null',
    created_at  INTEGER NOT NULL
);
CREATE INDEX audit_log_org_id ON audit_log (org_id, id);

CREATE TABLE idempotency (
    org_id        BLOB NOT NULL,
    principal     TEXT NOT NULL,
    key           TEXT NOT NULL,
    request_hash  BLOB NOT NULL,
    locked_until  INTEGER NOT NULL,
    status        INTEGER,
    content_type  TEXT,
    body          BLOB,
    created_at    INTEGER NOT NULL,
    finished_at   INTEGER,
    PRIMARY KEY (org_id, principal, key)
);
CREATE INDEX idempotency_created_at ON idempotency (created_at);

CREATE TABLE jobs (
    id           BLOB PRIMARY KEY NOT NULL,
    org_id       BLOB,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    dedup_key    TEXT,
    priority     INTEGER NOT NULL DEFAULT 0,
    run_at       INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    state        TEXT NOT NULL DEFAULT 'ready',
    lease_owner  TEXT,
    lease_until  INTEGER,
    last_error   TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
-- Claims: due ready jobs in priority order, and running jobs whose lease ran out.
CREATE INDEX jobs_claimable ON jobs (state, priority DESC, run_at, id);
CREATE INDEX jobs_lease ON jobs (state, lease_until);
CREATE UNIQUE INDEX jobs_dedup_key ON jobs (dedup_key) WHERE dedup_key IS NOT NULL;
CREATE INDEX jobs_org_id ON jobs (org_id, id);
CREATE INDEX jobs_state_updated ON jobs (state, updated_at);
