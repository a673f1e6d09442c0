//! A burst to one sender far larger than a worker waits for in place: every message is delivered
//! exactly once, however few attempts its job has, because waiting for the sender's rate defers
//! the job without spending an attempt. A provider throttle is a deferral too (within an
//! allowance).

mod dispatch_support;
mod outbound_support;

use std::collections::HashSet;
use std::time::Duration;

use dispatch_support::{accept_text, channel_at_rate, settled};
use outbound_support::Sandbox;
use switchboard_domain::{ChannelId, MessageStatus};
use switchboard_jobs::{Runner, RunnerConfig};
use switchboard_store::{JobFilter, JobState, PageRequest};
use switchboard_test_support::both_backends;

const CUSTOMER: &str = "447700900123";
const MESSAGES: usize = 30;
/// 2 a second: the burst needs 15 s, and the in-place wait below covers 1 s of it.
const RATE: u32 = 2;
const ATTEMPTS: u32 = 3;

both_backends! {
    async fn a_burst_longer_than_the_in_place_wait_delivers_every_message(app) {
        let ch = channel_at_rate(&app, RATE).await;
        let sb = Sandbox::of(&app).await;
        sb.customer_writes(&ch.phone_number_id, CUSTOMER, "Tell me everything").await;
        let mut ids = Vec::new();
        for n in 0..MESSAGES {
            ids.push(accept_text(&app, ChannelId(ch.id), CUSTOMER, &format!("Part {n}"), ATTEMPTS).await);
        }

        // The server's dispatcher, waiting at most 1 s in place so the burst is deferred often.
        let dispatcher = app.core.dispatcher().with_max_wait(Duration::from_secs(1));
        let runner = Runner::new(app.store.clone(), RunnerConfig::default()).register(dispatcher);
        let drain = async {
            loop {
                runner.run_pending().await.expect("run pending");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        };
        let messages = tokio::select! {
            m = settled(&app, &ids, Duration::from_secs(120)) => m,
            _ = drain => unreachable!("the drain loop never ends"),
        };

        let unsent: Vec<_> = messages.iter()
            .filter(|m| m.provider_message_id.is_none() || m.status == MessageStatus::Failed)
            .map(|m| (m.id, m.status, m.error.clone()))
            .collect();
        assert!(unsent.is_empty(), "every message sent: {unsent:?}");
        let outbox = sb.outbox(&ch.phone_number_id).await;
        assert_eq!(outbox.len(), MESSAGES, "each sent once");
        let callbacks: HashSet<String> = outbox.iter()
            .filter_map(|o| o["body"]["biz_opaque_callback_data"].as_str().map(str::to_owned))
            .collect();
        let expected: HashSet<String> = ids.iter().map(ToString::to_string).collect();
        assert_eq!(callbacks, expected);

        let filter = JobFilter { kind: Some("message.dispatch".into()), ..Default::default() };
        let jobs = app.store
            .list_jobs(&filter, PageRequest { limit: 100, ..Default::default() })
            .await
            .expect("jobs")
            .items;
        assert_eq!(jobs.len(), MESSAGES);
        assert!(jobs.iter().all(|j| j.state == JobState::Done && j.attempts == 1), "{jobs:?}");
        // The burst outran the in-place wait: most jobs were deferred to a slot kept for them, once
        // each (a reserved slot is not asked for again), and none spent an attempt waiting.
        let deferred = jobs.iter().filter(|j| j.deferrals == 1).count();
        assert!(deferred >= MESSAGES / 2, "the burst outran the in-place wait: {jobs:?}");
        assert!(jobs.iter().all(|j| j.deferrals <= 1), "one deferral per job: {jobs:?}");
    }
}

both_backends! {
    async fn a_provider_throttle_waits_without_spending_the_only_attempt(app) {
        let ch = app.whatsapp_channel().await;
        let sb = Sandbox::of(&app).await;
        sb.customer_writes(&ch.phone_number_id, CUSTOMER, "Hi").await;
        // Meta's throughput limit answers the first send.
        sb.arm_fault(&ch.phone_number_id, 130429).await;
        let id = accept_text(&app, ChannelId(ch.id), CUSTOMER, "Patience", 1).await;

        let drain = async {
            loop {
                app.run_pending_jobs().await;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        };
        let ids = [id];
        let messages = tokio::select! {
            m = settled(&app, &ids, Duration::from_secs(60)) => m,
            _ = drain => unreachable!("the drain loop never ends"),
        };
        let m = &messages[0];
        assert!(m.provider_message_id.is_some() && m.error.is_none(), "sent after the throttle: {m:?}");
        assert_eq!(sb.outbox(&ch.phone_number_id).await.len(), 1);
        let filter = JobFilter { kind: Some("message.dispatch".into()), ..Default::default() };
        let jobs = app.store.list_jobs(&filter, PageRequest::default()).await.expect("jobs").items;
        assert_eq!(
            jobs.iter().map(|j| (j.state, j.attempts, j.deferrals)).collect::<Vec<_>>(),
            vec![(JobState::Done, 1, 1)],
            "the throttle was a deferral, the send the one attempt"
        );
    }
}
