//! Conversation states and priorities (PRODUCT §4).

use super::wire_enum;

/// Where a conversation stands for the team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConversationStatus {
    /// Needs attention.
    Open,
    /// Waiting on the customer or on something outside the inbox.
    Pending,
    /// Put aside until a time; it reopens then, or on the customer's next message.
    Snoozed,
    /// Done; the customer's next message reopens it.
    Resolved,
}

wire_enum!(ConversationStatus {
    Open => "open",
    Pending => "pending",
    Snoozed => "snoozed",
    Resolved => "resolved",
});

impl ConversationStatus {
    /// The status after a customer writes in: anything but open becomes open again.
    pub fn on_inbound(self) -> Self {
        ConversationStatus::Open
    }
}

/// How urgent a conversation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Priority {
    None,
    Low,
    Medium,
    High,
    Urgent,
}

wire_enum!(Priority {
    None => "none",
    Low => "low",
    Medium => "medium",
    High => "high",
    Urgent => "urgent",
});
