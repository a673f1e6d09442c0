//! `StoreError`: the only error a store returns. Nothing above the store sees a driver error type.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such row in this organization (or at all: callers cannot tell the difference).
    #[error("not found")]
    NotFound,
    /// A uniqueness rule would be broken; `what` names the rule (e.g. `"email"`, `"org_name"`),
    /// and `existing` carries the id of the row that holds the value, when known.
    #[error("conflict on {what}")]
    Conflict {
        what: &'static str,
        existing: Option<String>,
    },
    /// The database is overloaded or shutting down; the caller may retry later.
    #[error("store busy")]
    Busy,
    #[error("store failure: {0}")]
    Other(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl StoreError {
    pub fn conflict(what: &'static str) -> Self {
        StoreError::Conflict {
            what,
            existing: None,
        }
    }

    pub fn other(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        StoreError::Other(Box::new(e))
    }

    pub fn msg(m: impl Into<String>) -> Self {
        StoreError::Other(m.into().into())
    }
}
