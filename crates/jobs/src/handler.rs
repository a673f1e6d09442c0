//! What a job kind implements, and how it reports failure.

use std::time::Duration;

use switchboard_store::Job;

/// Runs jobs of one kind. Handlers must be idempotent: a job whose worker crashed after the side
/// effect but before `finish` runs again when its lease runs out.
#[async_trait::async_trait]
pub trait JobHandler: Send + Sync + 'static {
    /// The `kind` this handler serves, e.g. `message.dispatch`.
    fn kind(&self) -> &'static str;

    async fn run(&self, job: &Job) -> Result<(), JobError>;

    /// Called once when the runner `worker` stops gracefully, after its jobs finished or were
    /// handed back: the place to give up what the handler holds for this node (the dispatcher's
    /// sender leases), so other nodes need not wait for it to run out. A crashed node never
    /// gets here; what it held runs out on its own.
    async fn stopped(&self, _worker: &str) {}
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobError {
    /// Worth trying again: after `retry_after` when the other side said when, else after the
    /// runner's backoff. Dead once the attempt budget is spent.
    Retry {
        error: String,
        retry_after: Option<Duration>,
    },
    /// Will never succeed (bad payload, rejected by the provider): dead at once.
    Permanent { error: String },
    /// Not a failure, only not now (a sender's rate, another node owning the sender): the job
    /// goes back to the queue due `after` from now WITHOUT counting an attempt, so waits however
    /// long can never kill it. The job's `deferrals` counts these, for handlers that must bound
    /// a wait they do not control. `reason` is kept as the job's last error, for operators.
    Defer { reason: String, after: Duration },
}

impl JobError {
    pub fn retry(error: impl Into<String>) -> Self {
        JobError::Retry {
            error: error.into(),
            retry_after: None,
        }
    }

    pub fn retry_after(error: impl Into<String>, after: Duration) -> Self {
        JobError::Retry {
            error: error.into(),
            retry_after: Some(after),
        }
    }

    pub fn defer(reason: impl Into<String>, after: Duration) -> Self {
        JobError::Defer {
            reason: reason.into(),
            after,
        }
    }

    pub fn permanent(error: impl Into<String>) -> Self {
        JobError::Permanent {
            error: error.into(),
        }
    }
}
