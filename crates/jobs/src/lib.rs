//! The job runner: the worker side of the outbox. A [`Runner`] claims due jobs in batches under a
//! lease, runs each with the [`JobHandler`] registered for its kind, and finishes them in batches:
//! done, retried after a [`Backoff`] with jitter (or the provider's `Retry-After`), deferred
//! without counting an attempt (a wait, not a failure: [`JobError::Defer`]), or dead after
//! the job's attempt budget. On shutdown it stops claiming, lets running jobs finish for a grace
//! period, and hands the rest back so that another worker takes them at once.

mod attempt;
mod backoff;
mod finisher;
mod handler;
mod runner;

pub use backoff::Backoff;
pub use handler::{JobError, JobHandler};
pub use runner::{Runner, RunnerConfig};
