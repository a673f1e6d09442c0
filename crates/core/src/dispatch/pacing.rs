//! Pacing a sender's jobs without parking workers on it. Every job takes its sender's next slot
//! from the limiter; a slot close enough is waited for in place, a later one is *reserved* for the
//! job, which is deferred until then and, when it comes back, sends at once without asking for a
//! second slot. So a sender with a long queue costs one deferral per message instead of holding
//! every worker of the node (which starved every other sender until its queue was through), and
//! its messages still leave evenly at its rate.
//!
//! Providers that also limit how fast one recipient may be written to (Telegram: one message a
//! second per chat) get a second limiter keyed by (sender, recipient): a job first takes its
//! recipient's slot, then its sender's, so a burst to one chat is spaced rather than throttled
//! while other chats of the sender go on at the sender's rate. Issue 7's pair rate reuses it.
//!
//! Reservations live in this node's memory, like the limiter: a job claimed elsewhere, or after a
//! restart, simply takes a new slot there.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use switchboard_domain::{ChannelId, JobId};

use super::limiter::{SendLimiter, Slot};

/// How far ahead a sender's slots may be handed out: a queue longer than this is deferred
/// without a slot and asks again later.
const HORIZON: Duration = Duration::from_secs(24 * 3600);
/// Reservations kept before stale ones (their job went elsewhere) are dropped.
const PRUNE_ABOVE: usize = 100_000;
/// A reservation this far past its slot is stale.
const STALE_AFTER: Duration = Duration::from_secs(600);

/// What a job should do about its sender's rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pace {
    /// Send after waiting this long in place (zero: at once).
    Wait(Duration),
    /// Come back after this long; the slot is kept for the job when it was reserved.
    Defer(Duration),
}

pub(crate) struct Pacer {
    limiter: SendLimiter<ChannelId>,
    /// Per (sender, recipient) spacing, for providers that limit it.
    pairs: SendLimiter<(ChannelId, String)>,
    /// The longest wait in place.
    in_place: Duration,
    /// Sender slots reserved for deferred jobs: coming back, they send at once.
    reserved: Mutex<HashMap<JobId, Instant>>,
    /// Recipient slots reserved for deferred jobs: coming back, they still take a sender slot.
    pair_reserved: Mutex<HashMap<JobId, Instant>>,
}

/// A recipient and the spacing its provider needs between two messages to it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PairLimit<'a> {
    pub to: &'a str,
    pub interval: Duration,
}

impl Pacer {
    pub(crate) fn new(in_place: Duration) -> Self {
        Self {
            limiter: SendLimiter::new(HORIZON),
            pairs: SendLimiter::new(HORIZON),
            in_place,
            reserved: Mutex::new(HashMap::new()),
            pair_reserved: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn pace(
        &self,
        job: JobId,
        sender: ChannelId,
        per_second: f64,
        pair: Option<PairLimit<'_>>,
    ) -> Pace {
        let now = Instant::now();
        if let Some(slot) = self.reserved.lock().remove(&job) {
            return Pace::Wait(slot.saturating_duration_since(now));
        }
        let pair_wait = match pair {
            None => Duration::ZERO,
            Some(pair) => match self.pair_slot(job, sender, pair, now) {
                Ok(wait) => wait,
                Err(defer) => return defer,
            },
        };
        match self.limiter.acquire(&sender, per_second) {
            Slot::Wait(d) if d.max(pair_wait) <= self.in_place => Pace::Wait(d.max(pair_wait)),
            Slot::Wait(d) => {
                let d = d.max(pair_wait);
                reserve(&self.reserved, job, now + d, now);
                Pace::Defer(d)
            }
            Slot::Later(d) => Pace::Defer(d),
        }
    }

    /// The recipient's slot: `Ok(wait)` when it is close enough to wait for in place, else the
    /// slot is reserved for the job and it is deferred until then.
    fn pair_slot(
        &self,
        job: JobId,
        sender: ChannelId,
        pair: PairLimit<'_>,
        now: Instant,
    ) -> Result<Duration, Pace> {
        let wait = match self.pair_reserved.lock().remove(&job) {
            Some(slot) => slot.saturating_duration_since(now),
            None => {
                let per_second = 1.0 / pair.interval.as_secs_f64().max(1e-3);
                match self
                    .pairs
                    .acquire(&(sender, pair.to.to_owned()), per_second)
                {
                    Slot::Wait(d) => d,
                    Slot::Later(d) => return Err(Pace::Defer(d)),
                }
            }
        };
        if wait <= self.in_place {
            return Ok(wait);
        }
        reserve(&self.pair_reserved, job, now + wait, now);
        Err(Pace::Defer(wait))
    }

    /// The provider throttled the sender: no new slot before `pause` from now.
    pub(crate) fn hold(&self, sender: &ChannelId, pause: Duration) {
        self.limiter.hold(sender, pause);
    }
}

/// Keeps `slot` for `job`, dropping stale reservations when there are many.
fn reserve(map: &Mutex<HashMap<JobId, Instant>>, job: JobId, slot: Instant, now: Instant) {
    let mut reserved = map.lock();
    if reserved.len() > PRUNE_ABOVE {
        reserved.retain(|_, slot| now.saturating_duration_since(*slot) < STALE_AFTER);
    }
    reserved.insert(job, slot);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn far_slots_are_reserved_and_kept_for_their_job() {
        let pacer = Pacer::new(Duration::from_millis(100));
        let sender = ChannelId::new();
        // 2 per second: the first goes now, the second is 500 ms away.
        assert_eq!(
            pacer.pace(JobId::new(), sender, 2.0, None),
            Pace::Wait(Duration::ZERO)
        );
        let later = JobId::new();
        let Pace::Defer(d) = pacer.pace(later, sender, 2.0, None) else {
            panic!("deferred")
        };
        assert!(
            d > Duration::from_millis(400) && d <= Duration::from_millis(500),
            "{d:?}"
        );
        // A third job queues behind the reserved slot, not on top of it.
        let Pace::Defer(d3) = pacer.pace(JobId::new(), sender, 2.0, None) else {
            panic!("deferred")
        };
        assert!(d3 > Duration::from_millis(900), "{d3:?}");
        // The deferred job comes back to its own slot instead of taking a new one.
        match pacer.pace(later, sender, 2.0, None) {
            Pace::Wait(w) => assert!(w <= Duration::from_millis(500)),
            other => panic!("the reserved slot: {other:?}"),
        }
        // Another sender is not held up by this one's queue.
        assert_eq!(
            pacer.pace(JobId::new(), ChannelId::new(), 2.0, None),
            Pace::Wait(Duration::ZERO)
        );
    }

    #[test]
    fn a_burst_to_one_recipient_is_spaced_while_others_go_at_the_senders_rate() {
        let pacer = Pacer::new(Duration::from_millis(100));
        let sender = ChannelId::new();
        let chat = |to| {
            Some(PairLimit {
                to,
                interval: Duration::from_secs(1),
            })
        };
        // 30 per second for the sender, one per second per chat.
        assert_eq!(
            pacer.pace(JobId::new(), sender, 30.0, chat("1")),
            Pace::Wait(Duration::ZERO)
        );
        let second = JobId::new();
        let Pace::Defer(d) = pacer.pace(second, sender, 30.0, chat("1")) else {
            panic!("the same chat waits its second")
        };
        assert!(d > Duration::from_millis(900), "{d:?}");
        // Another chat of the sender is only held by the sender's rate.
        match pacer.pace(JobId::new(), sender, 30.0, chat("2")) {
            Pace::Wait(w) => assert!(w <= Duration::from_millis(40), "{w:?}"),
            other => panic!("another chat goes on: {other:?}"),
        }
        // A third message to the first chat queues behind the reserved second.
        let Pace::Defer(d3) = pacer.pace(JobId::new(), sender, 30.0, chat("1")) else {
            panic!("deferred")
        };
        assert!(d3 > Duration::from_millis(1900), "{d3:?}");
    }
}
