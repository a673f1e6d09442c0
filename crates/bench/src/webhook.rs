//! WhatsApp inbound webhooks as Meta sends them: one envelope with any number of text messages,
//! signed with the number's app secret (`X-Hub-Signature-256` over the exact bytes).

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

/// A sandbox number the run uses, with the secret that signs its webhooks.
#[derive(Debug, Clone)]
pub struct Number {
    pub phone_number_id: String,
    pub waba_id: String,
    pub display: String,
    pub access_token: String,
    pub app_secret: String,
}

impl Number {
    /// The `i`-th number of the run (all different from the sandbox's default account).
    pub fn nth(i: usize) -> Self {
        Self {
            phone_number_id: format!("2{i:011}"),
            waba_id: format!("3{i:011}"),
            display: format!("4477009{i:05}"),
            access_token: format!("bench-token-{i}"),
            app_secret: format!("bench-secret-{i}"),
        }
    }

    /// The sandbox TOML of this account.
    pub fn toml(&self) -> String {
        format!(
            "[[whatsapp.accounts]]\nwaba_id = \"{}\"\nphone_number_id = \"{}\"\n\
             display_phone_number = \"{}\"\naccess_token = \"{}\"\napp_secret = \"{}\"\n\
             verify_token = \"bench-verify-{}\"\n",
            self.waba_id,
            self.phone_number_id,
            self.display,
            self.access_token,
            self.app_secret,
            self.phone_number_id
        )
    }

    /// The JSON to create a `whatsapp_cloud` channel on this number.
    pub fn channel(&self, name: &str, sandbox: &str) -> Value {
        json!({
            "name": name,
            "protocol": "whatsapp_cloud",
            "config": {
                "base_url": sandbox,
                "phone_number_id": self.phone_number_id,
                "waba_id": self.waba_id,
                "messages_per_second": 80,
            },
            "secrets": {"access_token": self.access_token, "app_secret": self.app_secret},
        })
    }

    /// A webhook with one text message per `(customer, message id, body)`.
    pub fn webhook(&self, messages: &[(String, String, String)]) -> (Vec<u8>, String) {
        let now = time::OffsetDateTime::now_utc().unix_timestamp().to_string();
        let contacts: Vec<Value> = messages
            .iter()
            .map(|(from, _, _)| json!({"profile": {"name": format!("Customer {from}")}, "wa_id": from}))
            .collect();
        let msgs: Vec<Value> = messages
            .iter()
            .map(|(from, id, body)| {
                json!({"from": from, "id": id, "timestamp": now, "type": "text", "text": {"body": body}})
            })
            .collect();
        let envelope = json!({
            "object": "whatsapp_business_account",
            "entry": [{"id": self.waba_id, "changes": [{"field": "messages", "value": {
                "messaging_product": "whatsapp",
                "metadata": {"display_phone_number": self.display, "phone_number_id": self.phone_number_id},
                "contacts": contacts,
                "messages": msgs,
            }}]}],
        });
        let body = serde_json::to_vec(&envelope).expect("JSON");
        let signature = sign(&self.app_secret, &body);
        (body, signature)
    }
}

/// `sha256=<hex HMAC-SHA256>`, the `X-Hub-Signature-256` value.
pub fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// The `i`-th customer's number (distinct for every i below ten million; UK mobile range).
pub fn customer(i: usize) -> String {
    format!("4478{i:08}")
}
