-- Consent per contact and channel kind: the latest opt-in and opt-out with their sources.
CREATE TABLE contact_consents (
    org_id          BLOB NOT NULL,
    contact_id      BLOB NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    channel_kind    TEXT NOT NULL,
    opted_in_at     INTEGER,
    opt_in_source   TEXT,
    opted_out_at    INTEGER,
    opt_out_source  TEXT,
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (contact_id, channel_kind)
);
