//! A message's status and the rule that statuses never move backwards (PRODUCT §5).
//!
//! Providers report statuses at least once and in no guaranteed order: a `delivered` may arrive
//! after `read`, a status may arrive twice. [`MessageStatus::advances`] says whether a reported
//! status changes the message's current one; every status's own timestamp is kept regardless.

use super::wire_enum;

/// Where a message is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageStatus {
    /// Switchboard took the request (validated and stored).
    Accepted,
    /// Waiting in Switchboard's dispatch queue, or handed to the provider and waiting there.
    Enqueued,
    /// The provider sent it to the platform.
    Sent,
    /// It reached the recipient's device.
    Delivered,
    /// The recipient opened it.
    Read,
    /// It will not arrive; see the error.
    Failed,
    /// Inbound: received from a customer.
    Received,
}

wire_enum!(MessageStatus {
    Accepted => "accepted",
    Enqueued => "enqueued",
    Sent => "sent",
    Delivered => "delivered",
    Read => "read",
    Failed => "failed",
    Received => "received",
});

impl MessageStatus {
    /// The order of the outbound lifecycle. `Failed` ranks with `Sent`: a failure may follow
    /// acceptance or sending, but a message already delivered or read did arrive, whatever a late
    /// failure report says.
    fn rank(self) -> u8 {
        match self {
            MessageStatus::Accepted => 0,
            MessageStatus::Enqueued => 1,
            MessageStatus::Sent | MessageStatus::Failed => 2,
            MessageStatus::Delivered => 3,
            MessageStatus::Read => 4,
            MessageStatus::Received => 5,
        }
    }

    /// Whether a reported `next` status replaces `self` as the message's current status.
    ///
    /// Forward moves replace; backward moves and repeats do not. `Failed` replaces anything
    /// before delivery, and `Sent` never replaces `Failed` (a late `sent` of a failed message
    /// changes nothing), but `Delivered` or `Read` after `Failed` do: the recipient has it.
    /// `Received` (inbound) is never replaced.
    pub fn advances(self, next: MessageStatus) -> bool {
        if self == MessageStatus::Received || next == MessageStatus::Received || self == next {
            return false;
        }
        match (self, next) {
            (MessageStatus::Failed, MessageStatus::Sent) => false,
            (MessageStatus::Sent, MessageStatus::Failed) => true,
            _ => next.rank() > self.rank(),
        }
    }

    /// Whether nothing more is expected (read, or failed).
    pub fn is_final(self) -> bool {
        matches!(
            self,
            MessageStatus::Read | MessageStatus::Failed | MessageStatus::Received
        )
    }
}

#[cfg(test)]
mod tests {
    use super::MessageStatus::{self, *};

    #[test]
    fn forward_moves_replace_backward_ones_do_not() {
        assert!(Enqueued.advances(Sent));
        assert!(Sent.advances(Delivered));
        assert!(Enqueued.advances(Read), "a status may skip steps");
        assert!(
            !Read.advances(Delivered),
            "a late delivered after read changes nothing"
        );
        assert!(!Delivered.advances(Sent));
        assert!(!Delivered.advances(Delivered), "a repeat changes nothing");
    }

    #[test]
    fn failures_before_delivery_only() {
        assert!(Enqueued.advances(Failed));
        assert!(Sent.advances(Failed));
        assert!(!Delivered.advances(Failed));
        assert!(!Read.advances(Failed));
        assert!(!Failed.advances(Sent));
        assert!(Failed.advances(Delivered), "the recipient has it after all");
    }

    #[test]
    fn inbound_is_never_replaced() {
        for s in MessageStatus::ALL {
            assert!(!Received.advances(*s));
            assert!(!s.advances(Received));
        }
    }

    #[test]
    fn any_order_of_reports_ends_in_the_furthest_status() {
        // Every permutation of sent/delivered/read applied with `advances` ends in Read.
        let reports = [Sent, Delivered, Read];
        for a in 0..3 {
            for b in 0..3 {
                for c in 0..3 {
                    if a == b || b == c || a == c {
                        continue;
                    }
                    let mut current = Enqueued;
                    for i in [a, b, c] {
                        if current.advances(reports[i]) {
                            current = reports[i];
                        }
                    }
                    assert_eq!(current, Read, "order {a}{b}{c}");
                }
            }
        }
    }
}
