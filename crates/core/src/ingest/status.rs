//! Delivery statuses as the store records them: the provider's state mapped onto
//! [`MessageStatus`], and a failure's errors onto [`MessageError`] with Switchboard's stable code
//! from the connector's own error classification.

use switchboard_connectors::inbound::{DeliveryState, ProviderErrorInfo};
use switchboard_connectors::whatsapp_cloud::errors::{GraphError, classify};
use switchboard_domain::MessageStatus;
use switchboard_store::MessageError;

/// The code of a failure whose provider gave no error we can classify.
pub const UNCLASSIFIED_FAILURE: &str = "provider_rejected";

/// The status a provider's delivery state moves a message to; `Err` names a state we do not know.
///
/// `played` (a voice message was listened to) counts as `read`: hearing a voice note is reading
/// it, WhatsApp reports it after `read` in any case, and our lifecycle has no later step.
pub fn status_of(state: &DeliveryState) -> Result<MessageStatus, String> {
    match state {
        DeliveryState::Sent => Ok(MessageStatus::Sent),
        DeliveryState::Delivered => Ok(MessageStatus::Delivered),
        DeliveryState::Read | DeliveryState::Played => Ok(MessageStatus::Read),
        DeliveryState::Failed => Ok(MessageStatus::Failed),
        DeliveryState::Other(s) => Err(format!("unknown delivery status `{s}`")),
    }
}

/// Why a failed status failed: the first provider error, classified by the protocol that
/// reported it. A failure without errors still gets a stable code.
pub fn error_of(provider: &str, errors: &[ProviderErrorInfo]) -> MessageError {
    let Some(first) = errors.first() else {
        return MessageError {
            code: UNCLASSIFIED_FAILURE.to_owned(),
            provider_code: None,
            provider_text: None,
        };
    };
    let text = first
        .details
        .as_deref()
        .filter(|d| !d.trim().is_empty())
        .or(first.title.as_deref())
        .map(str::to_owned);
    MessageError {
        code: classify_code(provider, first.code).to_owned(),
        provider_code: Some(first.code.to_string()),
        provider_text: text,
    }
}

/// The stable code of a provider error code. Both WhatsApp protocols (Cloud and BSP) report
/// Graph codes; a webhook carries no HTTP status, and a code on a failed message is the provider
/// refusing that message, so unknown codes classify as a 400 would (`provider_rejected`).
fn classify_code(provider: &str, code: i64) -> &'static str {
    match provider {
        "whatsapp_cloud" => {
            let error = GraphError {
                code: Some(code),
                ..GraphError::default()
            };
            classify(400, &error).code
        }
        "twilio_sms" | "twilio_whatsapp" => switchboard_connectors::twilio::errors::code_of(code)
            .map_or(UNCLASSIFIED_FAILURE, |(_, name)| name),
        _ => UNCLASSIFIED_FAILURE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(code: i64, title: Option<&str>, details: Option<&str>) -> ProviderErrorInfo {
        ProviderErrorInfo {
            code,
            title: title.map(Into::into),
            details: details.map(Into::into),
        }
    }

    #[test]
    fn states_map_onto_the_lifecycle() {
        assert_eq!(status_of(&DeliveryState::Sent), Ok(MessageStatus::Sent));
        assert_eq!(status_of(&DeliveryState::Played), Ok(MessageStatus::Read));
        assert_eq!(status_of(&DeliveryState::Failed), Ok(MessageStatus::Failed));
        let unknown = status_of(&DeliveryState::Other("deleted".into())).unwrap_err();
        assert!(unknown.contains("deleted"), "{unknown}");
    }

    #[test]
    fn errors_keep_the_provider_code_and_get_a_stable_one() {
        let e = error_of(
            "whatsapp_cloud",
            &[
                err(
                    131047,
                    Some("Re-engagement message"),
                    Some("More than 24 hours"),
                ),
                err(1, None, None),
            ],
        );
        assert_eq!(e.code, "window_closed");
        assert_eq!(e.provider_code.as_deref(), Some("131047"));
        assert_eq!(e.provider_text.as_deref(), Some("More than 24 hours"));

        let unknown = error_of("whatsapp_cloud", &[err(999_999, Some("Odd"), Some(" "))]);
        assert_eq!(unknown.code, "provider_rejected");
        assert_eq!(unknown.provider_text.as_deref(), Some("Odd"));

        let other = error_of("telegram", &[err(131047, None, None)]);
        assert_eq!(other.code, UNCLASSIFIED_FAILURE);
        let twilio = error_of("twilio_sms", &[err(30007, None, Some("filtered"))]);
        assert_eq!(twilio.code, "carrier_filtered");
        assert_eq!(twilio.provider_code.as_deref(), Some("30007"));
        let none = error_of("whatsapp_cloud", &[]);
        assert_eq!(none.code, UNCLASSIFIED_FAILURE);
        assert_eq!(none.provider_code, None);
    }
}
