//! The rows a change implies, written by the store in the same transaction as the change itself.

use crate::{AuditEntry, Event, NewJob};

#[derive(Debug, Default, Clone)]
pub struct Effects {
    /// Who changed what, for the audit log.
    pub audit: Vec<AuditEntry>,
    /// Work to do once the change is committed (the outbox).
    pub jobs: Vec<NewJob>,
    /// What to tell customers' webhooks and live streams about the change.
    pub events: Vec<Event>,
}

impl Effects {
    pub fn none() -> Self {
        Self::default()
    }

    pub fn audit(entry: AuditEntry) -> Self {
        Self {
            audit: vec![entry],
            ..Self::default()
        }
    }

    pub fn with_job(mut self, job: NewJob) -> Self {
        self.jobs.push(job);
        self
    }

    pub fn with_event(mut self, event: Event) -> Self {
        self.events.push(event);
        self
    }
}
