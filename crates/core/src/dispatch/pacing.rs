//! Pacing a sender's jobs without parking workers on it. Every job takes its sender's next slot
//! from the limiter; a slot close enough is waited for in place, a later one is *reserved* for the
//! job, which is deferred until then and, when it comes back, sends at once without asking for a
//! second slot. So a sender with a long queue costs one deferral per message instead of holding
//! every worker of the node (which starved every other sender until its queue was through), and
//! its messages still leave evenly at its rate.
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
    /// The longest wait in place.
    in_place: Duration,
    reserved: Mutex<HashMap<JobId, Instant>>,
}

impl Pacer {
    pub(crate) fn new(in_place: Duration) -> Self {
        Self {
            limiter: SendLimiter::new(HORIZON),
            in_place,
            reserved: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn pace(&self, job: JobId, sender: ChannelId, per_second: f64) -> Pace {
        let now = Instant::now();
        if let Some(slot) = self.reserved.lock().remove(&job) {
            return Pace::Wait(slot.saturating_duration_since(now));
        }
        match self.limiter.acquire(&sender, per_second) {
            Slot::Wait(d) if d <= self.in_place => Pace::Wait(d),
            Slot::Wait(d) => {
                let mut reserved = self.reserved.lock();
                if reserved.len() > PRUNE_ABOVE {
                    reserved.retain(|_, slot| now.saturating_duration_since(*slot) < STALE_AFTER);
                }
                reserved.insert(job, now + d);
                Pace::Defer(d)
            }
            Slot::Later(d) => Pace::Defer(d),
        }
    }

    /// The provider throttled the sender: no new slot before `pause` from now.
    pub(crate) fn hold(&self, sender: &ChannelId, pause: Duration) {
        self.limiter.hold(sender, pause);
    }
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
            pacer.pace(JobId::new(), sender, 2.0),
            Pace::Wait(Duration::ZERO)
        );
        let later = JobId::new();
        let Pace::Defer(d) = pacer.pace(later, sender, 2.0) else {
            panic!("deferred")
        };
        assert!(
            d > Duration::from_millis(400) && d <= Duration::from_millis(500),
            "{d:?}"
        );
        // A third job queues behind the reserved slot, not on top of it.
        let Pace::Defer(d3) = pacer.pace(JobId::new(), sender, 2.0) else {
            panic!("deferred")
        };
        assert!(d3 > Duration::from_millis(900), "{d3:?}");
        // The deferred job comes back to its own slot instead of taking a new one.
        match pacer.pace(later, sender, 2.0) {
            Pace::Wait(w) => assert!(w <= Duration::from_millis(500)),
            other => panic!("the reserved slot: {other:?}"),
        }
        // Another sender is not held up by this one's queue.
        assert_eq!(
            pacer.pace(JobId::new(), ChannelId::new(), 2.0),
            Pace::Wait(Duration::ZERO)
        );
    }
}
