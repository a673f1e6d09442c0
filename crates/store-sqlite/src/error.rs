//! Turns rusqlite errors into [`StoreError`]: constraint names become `Conflict { what }`, missing
//! rows and broken foreign keys `NotFound`, a locked database `Busy`. Nothing above this crate sees
//! a rusqlite type.

use rusqlite::ErrorCode;
use rusqlite::ffi;
use switchboard_store::StoreError;

/// Which uniqueness rule a `UNIQUE constraint failed: <columns>` message names. SQLite reports the
/// indexed columns, not the index name, so the column lists are the key.
const UNIQUE_RULES: &[(&str, &str)] = &[
    ("orgs.name_key", "org_name"),
    ("users.email", "email"),
    ("teams.org_id, teams.name_key", "team_name"),
    ("api_keys.prefix", "api_key_prefix"),
    ("memberships.org_id, memberships.user_id", "membership"),
    ("team_members.team_id, team_members.user_id", "team_member"),
    ("jobs.dedup_key", "dedup_key"),
    ("sessions.token_hash", "session_token"),
    (
        "idempotency.org_id, idempotency.principal, idempotency.key",
        "idempotency_key",
    ),
    ("channels.org_id, channels.name_key", "channel_name"),
    ("channels.protocol, channels.account", "channel_account"),
    ("contacts.org_id, contacts.email", "contact_email"),
    ("contacts.org_id, contacts.phone", "contact_phone"),
    (
        "contacts.org_id, contacts.external_id",
        "contact_external_id",
    ),
    (
        "identities.channel_id, identities.address",
        "identity_address",
    ),
    (
        "conversations.channel_id, conversations.identity_id",
        "conversation_identity",
    ),
    (
        "messages.channel_id, messages.provider_message_id",
        "provider_message_id",
    ),
    ("media.message_id", "media_message"),
    (
        "templates.channel_id, templates.name, templates.language",
        "template_name",
    ),
];

/// `.db()` on any rusqlite result: the one place driver errors are translated.
pub(crate) trait DbResult<T> {
    fn db(self) -> Result<T, StoreError>;
}

impl<T> DbResult<T> for rusqlite::Result<T> {
    fn db(self) -> Result<T, StoreError> {
        self.map_err(map_err)
    }
}

pub(crate) fn map_err(e: rusqlite::Error) -> StoreError {
    match &e {
        rusqlite::Error::QueryReturnedNoRows => StoreError::NotFound,
        rusqlite::Error::SqliteFailure(f, msg) => match f.code {
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => StoreError::Busy,
            ErrorCode::ConstraintViolation => match f.extended_code {
                code @ (ffi::SQLITE_CONSTRAINT_PRIMARYKEY | ffi::SQLITE_CONSTRAINT_UNIQUE) => {
                    let known = unique_rule(msg.as_deref().unwrap_or(""));
                    StoreError::conflict(known.unwrap_or(
                        // A single-column key collision: the caller reused an id.
                        if code == ffi::SQLITE_CONSTRAINT_PRIMARYKEY {
                            "id"
                        } else {
                            "unique"
                        },
                    ))
                }
                // A row referring to a parent that does not exist (e.g. a membership for an
                // unknown user): to the caller the parent is simply not found.
                ffi::SQLITE_CONSTRAINT_FOREIGNKEY => StoreError::NotFound,
                _ => StoreError::other(e),
            },
            _ => StoreError::other(e),
        },
        _ => StoreError::other(e),
    }
}

fn unique_rule(msg: &str) -> Option<&'static str> {
    let columns = msg.rsplit(": ").next().unwrap_or(msg);
    UNIQUE_RULES
        .iter()
        .find(|(cols, _)| *cols == columns)
        .map(|(_, what)| *what)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_messages_name_their_rule() {
        assert_eq!(
            unique_rule("UNIQUE constraint failed: teams.org_id, teams.name_key"),
            Some("team_name")
        );
        assert_eq!(unique_rule("UNIQUE constraint failed: t.x"), None);
    }
}
