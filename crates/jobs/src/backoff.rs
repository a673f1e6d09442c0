//! Retry delays: exponential with jitter, capped, and never earlier than a `Retry-After` the other
//! side asked for. Jitter spreads retries of jobs that failed together (a provider outage) so they
//! do not come back as one thundering herd.

use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    /// The delay before the second attempt.
    pub base: Duration,
    /// No delay is longer (before jitter).
    pub max: Duration,
    /// Each delay is scaled by a random factor in `[1 - jitter, 1 + jitter]`.
    pub jitter: f64,
}

impl Default for Backoff {
    /// 5 s, 10 s, 20 s ... capped at one hour: quick enough for a blip, patient with an outage.
    fn default() -> Self {
        Self {
            base: Duration::from_secs(5),
            max: Duration::from_secs(3600),
            jitter: 0.2,
        }
    }
}

impl Backoff {
    /// The delay after failed attempt number `attempt` (1-based), with `unit` drawn uniformly from
    /// [0, 1) by the caller (so that this stays a pure, testable function).
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>, unit: f64) -> Duration {
        let exponent = attempt.saturating_sub(1).min(30);
        let raw = self.base.saturating_mul(1u32 << exponent).min(self.max);
        let factor = 1.0 + self.jitter * (2.0 * unit.clamp(0.0, 1.0) - 1.0);
        let jittered = raw.mul_f64(factor.max(0.0));
        match retry_after {
            // The other side said when: never earlier, and only a little later (up to 10%, for
            // spreading) since waiting longer than asked only delays the customer's message.
            Some(after) => after + after.mul_f64(0.1 * unit.clamp(0.0, 1.0)),
            None => jittered,
        }
    }

    /// [`Backoff::delay`] with a random draw.
    pub fn next_delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        self.delay(attempt, retry_after, rand::random::<f64>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: Backoff = Backoff {
        base: Duration::from_secs(5),
        max: Duration::from_secs(60),
        jitter: 0.2,
    };

    #[test]
    fn grows_exponentially_then_caps() {
        let mid = |n| B.delay(n, None, 0.5);
        assert_eq!(mid(1), Duration::from_secs(5));
        assert_eq!(mid(2), Duration::from_secs(10));
        assert_eq!(mid(3), Duration::from_secs(20));
        assert_eq!(mid(5), Duration::from_secs(60));
        assert_eq!(
            mid(500),
            Duration::from_secs(60),
            "huge attempt counts do not overflow"
        );
    }

    #[test]
    fn jitter_stays_within_bounds() {
        assert_eq!(B.delay(2, None, 0.0), Duration::from_secs(8));
        assert_eq!(B.delay(2, None, 1.0), Duration::from_secs(12));
        for i in 0..100 {
            let d = B.delay(3, None, f64::from(i) / 100.0);
            assert!(
                d >= Duration::from_secs(16) && d <= Duration::from_secs(24),
                "{d:?}"
            );
        }
    }

    #[test]
    fn retry_after_is_honoured_never_earlier() {
        let asked = Duration::from_secs(30);
        for i in 0..=10 {
            let d = B.delay(1, Some(asked), f64::from(i) / 10.0);
            assert!(d >= asked && d <= asked + Duration::from_secs(3), "{d:?}");
        }
        // Even beyond the cap: the provider knows better than our cap.
        assert!(B.delay(1, Some(Duration::from_secs(7200)), 0.0) >= Duration::from_secs(7200));
    }
}
