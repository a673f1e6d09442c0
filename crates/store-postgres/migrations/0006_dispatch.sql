-- Dispatch robustness.
--
-- `deferrals` counts the times a job was put back for later without an attempt being counted
-- (its sender's rate, another node owning its sender, a provider throttle within its allowance):
-- handlers read it to bound waits that must not loop for ever, e.g. a provider that always
-- answers 429.
ALTER TABLE jobs ADD COLUMN deferrals bigint NOT NULL DEFAULT 0;

-- Which node owns a sender (a channel) until when: the owner alone dispatches its messages, so
-- the sender's rate limit, kept in that node's memory, holds across the cluster. Acquired or
-- renewed in one statement (INSERT .. ON CONFLICT DO UPDATE .. WHERE); a lease that ran out may be
-- taken by anyone. Keyed by organization like every tenant table, and gone with it.
CREATE TABLE sender_leases (
    org_id      uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    channel_id  uuid NOT NULL,
    owner       text NOT NULL,
    lease_until timestamptz NOT NULL,
    acquired_at timestamptz NOT NULL,
    PRIMARY KEY (org_id, channel_id)
);
