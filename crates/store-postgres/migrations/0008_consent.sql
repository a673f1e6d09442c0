-- Consent per contact and channel kind: the latest opt-in and opt-out with their sources.
CREATE TABLE contact_consents (
    org_id          uuid NOT NULL,
    contact_id      uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    channel_kind    text NOT NULL,
    opted_in_at     timestamptz,
    opt_in_source   text,
    opted_out_at    timestamptz,
    opt_out_source  text,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (contact_id, channel_kind)
);
