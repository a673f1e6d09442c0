//! Fixtures shared by the messaging tests: an organization, a channel, an inbound message.

use serde_json::json;
use switchboard_domain::{ChannelId, ChannelKind, ChannelStatus, Name, OrgId, now};
use switchboard_store::{Channel, Effects, InboundMessage, Org, OrgSettings, OrgStore};
use switchboard_store_postgres::PgStore;

pub async fn org(store: &PgStore) -> OrgId {
    let org = Org {
        id: OrgId::new(),
        name: Name::parse(&format!("Org {}", uuid::Uuid::now_v7().simple())).unwrap(),
        created_at: now(),
        settings: Default::default(),
    };
    store.create_org(&org, &Effects::none()).await.unwrap();
    org.id
}

/// An organization whose SMS and WhatsApp identities of one phone share a contact.
#[allow(dead_code, reason = "not every test binary links the kinds")]
pub async fn linked_org(store: &PgStore) -> OrgId {
    let org = org(store).await;
    let linked = OrgSettings {
        link_sms_and_whatsapp: true,
    };
    store
        .update_org_settings(org, &linked, &Effects::none())
        .await
        .unwrap();
    org
}

pub fn channel(org: OrgId, kind: ChannelKind, name: &str, account: &str) -> Channel {
    Channel {
        id: ChannelId::new(),
        org_id: org,
        kind,
        protocol: format!("{kind}_test"),
        name: name.to_owned(),
        status: ChannelStatus::Active,
        last_error: None,
        last_error_at: None,
        config: json!({ "k": "v" }),
        credentials: vec![1, 2, 3],
        draft: None,
        webhook_secret: vec![9; 8],
        account: Some(account.to_owned()),
        created_at: now(),
        updated_at: now(),
    }
}

pub fn inbound(id: &str, from: &str, text: &str) -> InboundMessage {
    InboundMessage {
        provider_message_id: id.to_owned(),
        from: from.to_owned(),
        profile_name: Some("Ada".to_owned()),
        kind: "text".to_owned(),
        content: json!({ "type": "text", "body": text }),
        text: Some(text.to_owned()),
        reply_to: None,
        provider_at: now(),
        reaction_to: None,
        revision_of: None,
        jobs_if_new: Vec::new(),
    }
}
