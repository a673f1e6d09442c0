//! One attempt at one job: run its handler within the lease's budget, then decide what becomes of
//! it (done, retried after a backoff, or dead) and count it in the metrics.

use std::sync::Arc;
use std::time::{Duration, Instant};

use switchboard_domain::Timestamp;
use switchboard_store::{Job, JobOutcome};

use crate::runner::{Finished, LEASE_MARGIN};
use crate::{Backoff, JobError, JobHandler, RunnerConfig};

pub(crate) async fn run_one(
    handler: Option<Arc<dyn JobHandler>>,
    job: Job,
    config: RunnerConfig,
) -> Finished {
    let started = Instant::now();
    let kind = job.kind.clone();
    let result = match handler {
        Some(h) => {
            let budget = config
                .lease
                .saturating_sub(LEASE_MARGIN)
                .max(Duration::from_secs(1));
            match tokio::time::timeout(budget, h.run(&job)).await {
                Ok(r) => r,
                Err(_) => Err(JobError::retry(format!("timed out after {budget:?}"))),
            }
        }
        None => Err(JobError::permanent(format!(
            "no handler for job kind `{kind}`"
        ))),
    };
    let outcome = decide(&job, result, &config.backoff, switchboard_domain::now());
    let label = match outcome {
        JobOutcome::Done => "done",
        JobOutcome::Retry { .. } => "retry",
        JobOutcome::Dead { .. } => "dead",
        JobOutcome::Defer { .. } => "deferred",
    };
    metrics::counter!("switchboard_jobs_finished_total", "kind" => kind.clone(), "outcome" => label).increment(1);
    metrics::histogram!("switchboard_job_duration_seconds", "kind" => kind)
        .record(started.elapsed().as_secs_f64());
    if let JobOutcome::Retry { error, .. } | JobOutcome::Dead { error } = &outcome {
        tracing::warn!(job_id = %job.id, kind = %job.kind, attempt = job.attempts, outcome = label, %error, "job failed");
    }
    (job.id, outcome)
}

/// What becomes of a job after one attempt.
pub(crate) fn decide(
    job: &Job,
    result: Result<(), JobError>,
    backoff: &Backoff,
    now: Timestamp,
) -> JobOutcome {
    match result {
        Ok(()) => JobOutcome::Done,
        Err(JobError::Permanent { error }) => JobOutcome::Dead { error },
        // Never dead, whatever the attempts: a deferral is no attempt (the store gives the
        // claim's back). No jitter either: the handler said when, e.g. its sender's next slot.
        Err(JobError::Defer { reason, after }) => JobOutcome::Defer {
            run_at: now + after,
            note: Some(reason),
        },
        Err(JobError::Retry { error, .. }) if job.attempts >= job.max_attempts => {
            JobOutcome::Dead {
                error: format!("{error} (gave up after {} attempts)", job.attempts),
            }
        }
        Err(JobError::Retry { error, retry_after }) => {
            let delay = backoff.next_delay(job.attempts, retry_after);
            JobOutcome::Retry {
                run_at: now + delay,
                error,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_domain::JobId;

    fn job(attempts: u32, max_attempts: u32) -> Job {
        let now = switchboard_domain::now();
        Job {
            id: JobId::new(),
            org_id: None,
            kind: "k".into(),
            payload: serde_json::json!({}),
            dedup_key: None,
            priority: 0,
            run_at: now,
            attempts,
            max_attempts,
            state: switchboard_store::JobState::Running,
            lease_owner: Some("w".into()),
            lease_until: Some(now),
            last_error: None,
            created_at: now,
            updated_at: now,
            deferrals: 0,
        }
    }

    #[test]
    fn decides_done_retry_and_dead() {
        let b = Backoff::default();
        let now = switchboard_domain::now();
        assert_eq!(decide(&job(1, 3), Ok(()), &b, now), JobOutcome::Done);
        match decide(
            &job(1, 3),
            Err(JobError::retry_after("429", Duration::from_secs(90))),
            &b,
            now,
        ) {
            JobOutcome::Retry { run_at, error } => {
                assert!(run_at >= now + Duration::from_secs(90));
                assert_eq!(error, "429");
            }
            other => panic!("expected retry, got {other:?}"),
        }
        assert!(matches!(
            decide(&job(3, 3), Err(JobError::retry("x")), &b, now),
            JobOutcome::Dead { .. }
        ));
        assert_eq!(
            decide(&job(1, 3), Err(JobError::permanent("bad")), &b, now),
            JobOutcome::Dead {
                error: "bad".into()
            }
        );
    }

    #[test]
    fn a_deferral_is_never_dead_and_comes_back_when_asked() {
        let b = Backoff::default();
        let now = switchboard_domain::now();
        let later = Duration::from_millis(1500);
        // Even on the last attempt (and past it): waiting is not failing.
        for attempts in [1, 3, 4] {
            assert_eq!(
                decide(
                    &job(attempts, 3),
                    Err(JobError::defer("sender busy", later)),
                    &b,
                    now
                ),
                JobOutcome::Defer {
                    run_at: now + later,
                    note: Some("sender busy".into())
                }
            );
        }
    }
}
