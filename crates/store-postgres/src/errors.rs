//! Turns sqlx errors into `StoreError`, so no driver type leaks above the store. Unique
//! violations are recognised by constraint name: the migrations name each unique index after the
//! `what` it reports.

use switchboard_store::StoreError;

/// Unique constraints and the rule each one reports. A primary key (`*_pkey`) reports `"id"`;
/// any other name missing here still yields a `Conflict`, reported as `"unique"`.
const UNIQUE_RULES: &[(&str, &str)] = &[
    ("org_name", "org_name"),
    ("email", "email"),
    ("team_name", "team_name"),
    ("api_key_prefix", "api_key_prefix"),
    ("membership", "membership"),
    ("team_member", "team_member"),
    ("job_dedup_key", "dedup_key"),
    ("session_token", "session_token"),
    ("channel_name", "channel_name"),
    ("channel_account", "channel_account"),
    ("contact_email", "contact_email"),
    ("contact_phone", "contact_phone"),
    ("contact_external_id", "contact_external_id"),
    ("identity_address", "identity_address"),
    ("conversation_identity", "conversation_identity"),
    ("provider_message_id", "provider_message_id"),
    ("media_message", "media_message"),
    ("template_name", "template_name"),
];

/// Maps any sqlx error. Use as `.map_err(db)`.
pub(crate) fn db(e: sqlx::Error) -> StoreError {
    match e {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        // The pool could not hand out a connection in time, or is shutting down: callers may
        // retry later, which is what `Busy` tells them.
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => StoreError::Busy,
        sqlx::Error::Database(d) => database(d),
        other => StoreError::other(other),
    }
}

fn database(d: Box<dyn sqlx::error::DatabaseError>) -> StoreError {
    use sqlx::error::ErrorKind;
    match d.kind() {
        ErrorKind::UniqueViolation => {
            let constraint = d.constraint().unwrap_or_default();
            let what = match UNIQUE_RULES.iter().find(|(name, _)| *name == constraint) {
                Some((_, what)) => what,
                None if constraint.ends_with("_pkey") => "id",
                None => "unique",
            };
            StoreError::conflict(what)
        }
        // A reference to a row that does not exist (an unknown org or user): to the caller that
        // is the same as asking for a missing row.
        ErrorKind::ForeignKeyViolation => StoreError::NotFound,
        _ => match d.code().as_deref() {
            // serialization_failure, deadlock_detected, lock_not_available, too_many_connections,
            // admin_shutdown, cannot_connect_now: transient, worth retrying later.
            Some("40001" | "40P01" | "55P03" | "53300" | "57P01" | "57P03") => StoreError::Busy,
            _ => StoreError::Other(Box::new(sqlx::Error::Database(d))),
        },
    }
}

/// A value read back from the database that the domain refuses (it was valid when written, so
/// this means someone edited the row by hand).
pub(crate) fn corrupt(what: &str, detail: impl std::fmt::Display) -> StoreError {
    StoreError::msg(format!("stored {what} is invalid: {detail}"))
}

/// Whether an error (already mapped) is the conflict on rule `what`.
pub(crate) fn is_conflict(e: &StoreError, what: &str) -> bool {
    matches!(e, StoreError::Conflict { what: w, .. } if *w == what)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_exhaustion_is_busy_and_a_missing_row_is_not_found() {
        assert!(matches!(db(sqlx::Error::PoolTimedOut), StoreError::Busy));
        assert!(matches!(db(sqlx::Error::PoolClosed), StoreError::Busy));
        assert!(matches!(db(sqlx::Error::RowNotFound), StoreError::NotFound));
        assert!(matches!(
            db(sqlx::Error::Protocol("garbled".into())),
            StoreError::Other(_)
        ));
    }
}
