//! Channel kinds (PRODUCT §2) and a channel's operational status.

use super::wire_enum;

/// What kind of messaging account a channel connects. Protocol backends (Cloud API, a BSP,
/// Twilio...) sit below a kind and are named by the connectors' registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChannelKind {
    Whatsapp,
    Messenger,
    Instagram,
    Telegram,
    Sms,
    Email,
    Webchat,
}

wire_enum!(ChannelKind {
    Whatsapp => "whatsapp",
    Messenger => "messenger",
    Instagram => "instagram",
    Telegram => "telegram",
    Sms => "sms",
    Email => "email",
    Webchat => "webchat",
});

/// Whether a channel is working.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChannelStatus {
    /// Sending and receiving.
    Active,
    /// Created, not yet proven to work (no successful test or inbound yet).
    Pending,
    /// The provider refused us lately (bad credentials, account locked...): see the last error.
    Error,
    /// Turned off by an admin: nothing is sent, inbound webhooks are refused.
    Disabled,
}

wire_enum!(ChannelStatus {
    Active => "active",
    Pending => "pending",
    Error => "error",
    Disabled => "disabled",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip() {
        for kind in ChannelKind::ALL {
            assert_eq!(ChannelKind::parse(kind.as_str()), Some(*kind));
            let json = serde_json::to_string(kind).unwrap();
            assert_eq!(serde_json::from_str::<ChannelKind>(&json).unwrap(), *kind);
        }
        let err = serde_json::from_str::<ChannelKind>("\"fax\"").unwrap_err();
        assert!(err.to_string().contains("not one of whatsapp"), "{err}");
    }
}
