//! Status webhooks after an accepted send: `sent`, `delivered`, `read` (or `failed` for numbers
//! configured to fail) with configurable delays and pricing, as Meta sends them.
//!
//! One scheduler task per sandbox keeps every due status in a heap and wakes for the earliest:
//! no task per message, and statuses of one number that fall due together share a webhook (up to
//! `batch_max`), so a benchmark at thousands of sends per second does not make a request per
//! status. The control route `POST /sandbox/v1/statuses` sends any status at once, unbatched.

mod control;
mod shape;

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::{Arc, OnceLock, Weak};
use std::time::Duration;

use serde_json::{Map, Value, json};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::config::{SandboxConfig, StatusConfig};
use crate::state::AppState;
use crate::webhooks;

pub(crate) use control::control;
use shape::{deliver_statuses, failure, pricing, status_object};

/// An accepted send whose statuses are to follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AcceptedSend {
    /// The sending number.
    pub phone_number_id: String,
    /// The wamid answered to the client.
    pub message_id: String,
    /// The recipient's digits (`recipient_id` / `wa_id`).
    pub recipient: String,
    /// The send's `type` (`text`, `template`, `reaction`…): reactions only ever get `sent`.
    pub kind: String,
    /// Pricing category: `service` for free-form in the window, else the template's category
    /// in lower case (`marketing`, `utility`, `authentication`).
    pub category: String,
    /// `biz_opaque_callback_data`, echoed in the statuses.
    pub callback_data: Option<String>,
}

/// Due times are rounded up to this tick: statuses of sends a few ms apart fall due together and
/// share webhooks, and the scheduler wakes at most once per tick however fast sends arrive.
const TICK: Duration = Duration::from_millis(10);

/// A status waiting for its time; `timestamp` is filled in when it is sent.
#[derive(Debug)]
struct Due {
    at: Instant,
    /// Breaks ties so statuses due at the same instant keep the order they were scheduled in.
    seq: u64,
    phone_number_id: String,
    status: Map<String, Value>,
}

impl PartialEq for Due {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Due {}
impl PartialOrd for Due {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Due {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

/// The status scheduler.
pub(crate) struct Statuses {
    config: StatusConfig,
    /// Started on the first accepted send: it needs the `Arc<AppState>` that does not exist yet
    /// when this is built.
    queue: OnceLock<mpsc::UnboundedSender<Due>>,
    seq: std::sync::atomic::AtomicU64,
    /// Where ticks are counted from.
    epoch: Instant,
}

impl Statuses {
    pub(crate) fn new(config: &SandboxConfig) -> Self {
        Self {
            config: config.whatsapp.statuses.clone(),
            queue: OnceLock::new(),
            seq: std::sync::atomic::AtomicU64::new(0),
            epoch: Instant::now(),
        }
    }

    /// Schedules the statuses of an accepted send.
    pub(crate) fn accepted(&self, state: &Arc<AppState>, send: AcceptedSend) {
        let c = &self.config;
        let sent_at = c.sent_after_ms;
        let mut plan: Vec<(u64, &str, bool)> = Vec::new();
        if send.kind == "reaction" {
            // Meta only ever sends `sent` for a reaction, without pricing.
            plan.push((sent_at, "sent", false));
        } else if c.fail_numbers.contains(&send.recipient) {
            plan.push((sent_at, "failed", false));
        } else {
            plan.push((sent_at, "sent", true));
            if let Some(delivered) = c.delivered_after_ms {
                // Never before `sent`, whatever the configuration says.
                let delivered_at = delivered.max(sent_at);
                plan.push((delivered_at, "delivered", true));
                if let Some(read) = c.read_after_ms {
                    plan.push((read.max(delivered_at), "read", false));
                }
            }
        }
        let queue = self.queue.get_or_init(|| {
            let (tx, rx) = mpsc::unbounded_channel();
            let scheduler = Scheduler {
                state: Arc::downgrade(state),
                batch_max: c.batch_max.max(1),
            };
            tokio::spawn(scheduler.run(rx, state.shutdown.clone()));
            tx
        });
        let now = Instant::now();
        for (after, status, priced) in plan {
            let errors = (status == "failed").then(|| failure(c.fail_code));
            let pricing = priced.then(|| pricing(&send.category));
            let body = status_object(
                &send.message_id,
                status,
                &send.recipient,
                send.callback_data.as_deref(),
                pricing,
                errors,
            );
            let seq = self.seq.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            // Fails only once the scheduler stopped at shutdown, when nothing is sent anyway.
            let _ = queue.send(Due {
                at: self.on_tick(now + Duration::from_millis(after)),
                seq,
                phone_number_id: send.phone_number_id.clone(),
                status: body,
            });
        }
    }
}

impl Statuses {
    /// `at` rounded up to the next tick (statuses are late by less than a tick, never early).
    fn on_tick(&self, at: Instant) -> Instant {
        let since = at.saturating_duration_since(self.epoch).as_nanos();
        let tick = TICK.as_nanos();
        let ticks = since.div_ceil(tick);
        let nanos = u64::try_from(ticks.saturating_mul(tick)).unwrap_or(u64::MAX);
        self.epoch + Duration::from_nanos(nanos)
    }
}

/// The background task that sends due statuses.
struct Scheduler {
    state: Weak<AppState>,
    batch_max: usize,
}

impl Scheduler {
    async fn run(self, mut rx: mpsc::UnboundedReceiver<Due>, shutdown: CancellationToken) {
        let mut heap: BinaryHeap<Reverse<Due>> = BinaryHeap::new();
        loop {
            let next = heap.peek().map(|Reverse(d)| d.at);
            tokio::select! {
                () = shutdown.cancelled() => return,
                received = rx.recv() => match received {
                    Some(due) => heap.push(Reverse(due)),
                    None => return,
                },
                () = sleep_until(next) => {
                    // Statuses of this tick may still sit in the channel: take them first, or
                    // they would each go alone on the following turns.
                    while let Ok(due) = rx.try_recv() {
                        heap.push(Reverse(due));
                    }
                    let now = Instant::now();
                    let mut ready = Vec::new();
                    while heap.peek().is_some_and(|Reverse(d)| d.at <= now) {
                        if let Some(Reverse(d)) = heap.pop() {
                            ready.push(d);
                        }
                    }
                    self.send(ready);
                }
            }
        }
    }

    /// Groups ready statuses per number, in order, into webhooks of at most `batch_max`.
    fn send(&self, ready: Vec<Due>) {
        let Some(state) = self.state.upgrade() else {
            return;
        };
        let mut groups: Vec<(String, Vec<Value>)> = Vec::new();
        for mut due in ready {
            due.status
                .insert("timestamp".into(), json!(webhooks::unix_now().to_string()));
            match groups
                .iter_mut()
                .find(|(n, s)| *n == due.phone_number_id && s.len() < self.batch_max)
            {
                Some((_, statuses)) => statuses.push(Value::Object(due.status)),
                None => groups.push((due.phone_number_id, vec![Value::Object(due.status)])),
            }
        }
        for (number, statuses) in groups {
            if let Some(account) = state.account_by_number(&number) {
                deliver_statuses(&state, &account, statuses);
            }
        }
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Thousands of sends per second must not mean thousands of webhooks or tasks: 5,000
    /// accepted sends (15,000 statuses) go out in batches of `batch_max`. (Measured on a loaded
    /// two-core machine in a debug build: 60,000 statuses in 1,202 webhooks.)
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_burst_of_sends_is_batched() {
        let mut config = SandboxConfig::default();
        let c = &mut config.whatsapp.statuses;
        (c.sent_after_ms, c.delivered_after_ms, c.read_after_ms) = (10, Some(20), Some(30));
        let state = Arc::new(AppState::new(config, "http://127.0.0.1:1".into()).unwrap());
        let started = std::time::Instant::now();
        const SENDS: usize = 5_000;
        for i in 0..SENDS {
            state.statuses.accepted(
                &state,
                AcceptedSend {
                    phone_number_id: crate::config::DEFAULT_PHONE_NUMBER_ID.into(),
                    message_id: format!("wamid.{i}"),
                    recipient: "447700900123".into(),
                    kind: "text".into(),
                    category: "service".into(),
                    callback_data: None,
                },
            );
        }
        let queued = started.elapsed();
        let sizes = || -> Vec<usize> {
            state
                .webhooks
                .deliveries(None, None)
                .iter()
                .map(|d| d.body.matches("\"status\":").count())
                .collect()
        };
        while sizes().iter().sum::<usize>() < 3 * SENDS {
            let now = sizes();
            assert!(
                started.elapsed().as_secs() < 60,
                "only {} sent in {} webhooks; queued in {queued:?}",
                now.iter().sum::<usize>(),
                now.len()
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        let sizes = sizes();
        assert_eq!(sizes.iter().sum::<usize>(), 3 * SENDS);
        // At most one webhook per tick, except where a tick holds more than `batch_max`.
        let ticks = started.elapsed().as_millis() as usize / 10 + 1;
        assert!(
            sizes.len() <= 3 * SENDS / 50 + ticks,
            "{} webhooks, {ticks} ticks",
            sizes.len()
        );
        state.shutdown.cancel();
    }
}
