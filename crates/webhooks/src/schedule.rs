//! When a failed delivery is tried again: after about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h
//! (eight attempts over about 27 hours), each delay jittered by up to a tenth either way so that
//! an endpoint that comes back is not hit by every queued message in the same second. A receiver's
//! `Retry-After` wins when it asks for longer, within a cap.

use std::time::Duration;

use rand::Rng as _;

const DELAYS: [u64; 7] = [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000];
/// A receiver cannot park a delivery for longer than the longest regular delay.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(36_000);

#[derive(Debug, Clone, Copy, Default)]
pub struct RetrySchedule;

impl RetrySchedule {
    /// Attempts in all, the first included.
    pub const ATTEMPTS: u32 = DELAYS.len() as u32 + 1;

    /// The delay before attempt `attempt + 1`, after `attempt` (1-based) failed; `None` when the
    /// attempts are spent.
    pub fn next_delay(self, attempt: u32, retry_after: Option<Duration>) -> Option<Duration> {
        let base = *DELAYS.get(usize::try_from(attempt).ok()?.checked_sub(1)?)?;
        let jitter = rand::thread_rng().gen_range(0.9..=1.1);
        let regular = Duration::from_secs_f64(base as f64 * jitter);
        Some(match retry_after {
            Some(asked) if asked > regular => asked.min(MAX_RETRY_AFTER),
            _ => regular,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_follow_the_ladder_with_jitter_then_stop() {
        let s = RetrySchedule;
        for (i, base) in DELAYS.iter().enumerate() {
            let d = s.next_delay(i as u32 + 1, None).unwrap().as_secs_f64();
            let base = *base as f64;
            assert!(
                d >= base * 0.9 - 1e-6 && d <= base * 1.1 + 1e-6,
                "attempt {}: {d}",
                i + 1
            );
        }
        assert_eq!(s.next_delay(RetrySchedule::ATTEMPTS, None), None);
        assert_eq!(s.next_delay(0, None), None);
        assert_eq!(RetrySchedule::ATTEMPTS, 8);
    }

    #[test]
    fn retry_after_lengthens_but_never_shortens_and_is_capped() {
        let s = RetrySchedule;
        let longer = s.next_delay(1, Some(Duration::from_secs(60))).unwrap();
        assert_eq!(longer, Duration::from_secs(60));
        let shorter = s.next_delay(2, Some(Duration::from_secs(1))).unwrap();
        assert!(shorter >= Duration::from_secs(270));
        let huge = s
            .next_delay(1, Some(Duration::from_secs(10_000_000)))
            .unwrap();
        assert_eq!(huge, MAX_RETRY_AFTER);
    }
}
