//! The rows a change implies, written by the store in the same transaction as the change itself.

use crate::{AuditEntry, NewJob};

#[derive(Debug, Default, Clone)]
pub struct Effects {
    /// Who changed what, for the audit log.
    pub audit: Vec<AuditEntry>,
    /// Work to do once the change is committed (the outbox).
    pub jobs: Vec<NewJob>,
}

impl Effects {
    pub fn none() -> Self {
        Self::default()
    }

    pub fn audit(entry: AuditEntry) -> Self {
        Self {
            audit: vec![entry],
            jobs: Vec::new(),
        }
    }

    pub fn with_job(mut self, job: NewJob) -> Self {
        self.jobs.push(job);
        self
    }
}
