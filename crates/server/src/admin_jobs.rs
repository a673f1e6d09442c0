//! `switchboard jobs`: the operator's view of the queue, and redrive of dead jobs.

use anyhow::Context;
use switchboard_domain::JobId;
use switchboard_store::{JobFilter, JobState, PageRequest};

use crate::admin::open;
use crate::cli::JobsCommand;
use crate::config::Config;

pub async fn jobs(config: Config, cmd: JobsCommand) -> anyhow::Result<()> {
    match cmd {
        JobsCommand::List {
            state,
            kind,
            limit,
            json,
            store,
        } => {
            let filter = JobFilter {
                org_id: None,
                state: state.as_deref().map(parse_state).transpose()?,
                kind,
            };
            let (_, store) = open(config, &store).await?;
            let page = store
                .list_jobs(
                    &filter,
                    PageRequest::first(limit.clamp(1, PageRequest::MAX_LIMIT)),
                )
                .await;
            store.close().await;
            for j in page?.items {
                if json {
                    let line = serde_json::json!({
                        "id": j.id, "org_id": j.org_id, "kind": j.kind, "state": j.state.as_str(),
                        "attempts": j.attempts, "max_attempts": j.max_attempts,
                        "deferrals": j.deferrals,
                        "run_at": j.run_at.unix_timestamp(), "last_error": j.last_error,
                    });
                    println!("{line}");
                } else {
                    let err = j.last_error.as_deref().unwrap_or("");
                    println!(
                        "{}  {:<8} {:<24} {}/{}  {err}",
                        j.id,
                        j.state.as_str(),
                        j.kind,
                        j.attempts,
                        j.max_attempts
                    );
                }
            }
            Ok(())
        }
        JobsCommand::Redrive { ids, kind, store } => {
            let ids = ids
                .iter()
                .map(|i| {
                    i.parse::<JobId>()
                        .with_context(|| format!("--id `{i}` is not a job id"))
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let filter = JobFilter {
                org_id: None,
                state: Some(JobState::Dead),
                kind,
            };
            let (_, store) = open(config, &store).await?;
            let n = store
                .redrive(&filter, &ids, switchboard_domain::now())
                .await;
            store.close().await;
            println!("redriven: {}", n?);
            Ok(())
        }
    }
}

fn parse_state(s: &str) -> anyhow::Result<JobState> {
    JobState::parse(s)
        .with_context(|| format!("--state `{s}` (expected ready, running, done or dead)"))
}
