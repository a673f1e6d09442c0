//! Who the demo customers are and what they say. Their numbers are in the UK drama range
//! (+44 7700 900xxx, reserved by Ofcom for fiction), so a demo pointed at a real provider by
//! mistake could never message a real person; each has a few lines of small talk and questions,
//! and the odd photo or location, as customers send them.

use serde_json::{Value, json};

/// One simulated customer.
pub struct Customer {
    pub name: &'static str,
    /// Digits with the country code, as WhatsApp's `wa_id`.
    pub number: &'static str,
    /// What they write, in order (round again when done).
    pub says: &'static [Say],
}

/// One message of a customer.
pub enum Say {
    Text(&'static str),
    /// A photo (a small parcel picture) with a caption.
    Photo(&'static str),
    Place {
        name: &'static str,
        address: &'static str,
        latitude: f64,
        longitude: f64,
    },
}

/// A 16x16 PNG of a parcel: real image bytes, so the hub's media download has something to keep.
const PARCEL_PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAMElEQVR42mOoCNDARM8uTQMirFIMQLyqwg0NQTRgio9YDRA54hHpGkbjgUgNJCVvAPl8hZjBdBIMAAAAAElFTkSuQmCC";

/// The first one writes at once: the banner's examples answer her.
pub const CUSTOMERS: [Customer; 4] = [
    Customer {
        name: "Maya Okafor",
        number: "447700900101",
        says: &[
            Say::Text("Hi! Where is my order #1042? It was due yesterday."),
            Say::Text("It's the blue trainers, size 39."),
            Say::Photo("This is the box I got last time, just so you know which one"),
            Say::Text("Could you send it to my office instead?"),
            Say::Place {
                name: "Maya's office",
                address: "1 Example Street, London",
                latitude: 51.5072,
                longitude: -0.1276,
            },
            Say::Text("Thanks for your help!"),
        ],
    },
    Customer {
        name: "Tom Lindqvist",
        number: "447700900102",
        says: &[
            Say::Text("Hello, are you open on Sunday?"),
            Say::Text("And do you have parking nearby?"),
            Say::Text("Great, see you then 👋"),
        ],
    },
    Customer {
        name: "Priya Raman",
        number: "447700900103",
        says: &[
            Say::Text("Hi, I'd like to return a jacket, it's too small."),
            Say::Photo("The label says M but it fits like an S"),
            Say::Text("Do I need the original receipt?"),
            Say::Text("Can I swap it for an L instead of a refund?"),
        ],
    },
    Customer {
        name: "Jonas Weber",
        number: "447700900104",
        says: &[
            Say::Text("Guten Tag! Do you ship to Germany?"),
            Say::Text("How long does delivery usually take?"),
            Say::Place {
                name: "Pick-up point",
                address: "Beispielstraße 5, Berlin",
                latitude: 52.52,
                longitude: 13.405,
            },
            Say::Text("Perfect, danke schön!"),
        ],
    },
];

/// What a customer answers to a message they were sent, quoting it.
pub const ANSWERS: [&str; 5] = [
    "Thanks!",
    "Great, thank you 🙏",
    "OK, that helps.",
    "Perfect 👍",
    "Got it, thanks for the quick answer.",
];

impl Say {
    /// The `POST /sandbox/v1/inbound` body of this message from `who` to the number.
    pub fn inbound(&self, phone_number_id: &str, who: &Customer) -> Value {
        let mut body = json!({
            "phone_number_id": phone_number_id,
            "from": who.number,
            "name": who.name,
        });
        let (kind, object) = match self {
            Say::Text(text) => ("text", json!({ "body": text })),
            Say::Photo(caption) => (
                "image",
                json!({
                    "data_base64": PARCEL_PNG,
                    "mime_type": "image/png",
                    "caption": caption,
                }),
            ),
            Say::Place {
                name,
                address,
                latitude,
                longitude,
            } => (
                "location",
                json!({
                    "name": name,
                    "address": address,
                    "latitude": latitude,
                    "longitude": longitude,
                }),
            ),
        };
        body["type"] = json!(kind);
        body[kind] = object;
        body
    }
}

/// The body of `who` answering the business's message `wamid` with `text`.
pub fn answer(phone_number_id: &str, who: &Customer, wamid: &str, text: &'static str) -> Value {
    let mut body = Say::Text(text).inbound(phone_number_id, who);
    body["context"] = json!({ "id": wamid });
    body
}

#[cfg(test)]
mod tests {
    use switchboard_sandbox::Sandbox;

    use super::*;
    use crate::demo::control::Control;
    use crate::demo::wiring::{PHONE_NUMBER_ID, sandbox_config};

    /// Every line of every customer, and an answer quoting a message, is something the sandbox
    /// accepts as a customer's message (the photo's bytes, the locations' fields).
    #[tokio::test]
    async fn every_line_is_a_message_the_sandbox_takes() {
        let config = sandbox_config();
        let failing = config.whatsapp.statuses.fail_numbers.clone();
        let sandbox = Sandbox::start(config).await.unwrap();
        let control = Control::new(sandbox.base_url());
        for who in &CUSTOMERS {
            assert!(who.number.starts_with("447700900"), "{}", who.number);
            assert!(!failing.iter().any(|n| n == who.number), "{}", who.number);
            for line in who.says {
                let body = line.inbound(PHONE_NUMBER_ID, who);
                let wamid = control.inbound(body.clone()).await.unwrap();
                assert!(wamid.starts_with("wamid."), "{body}");
            }
        }
        let answer = answer(PHONE_NUMBER_ID, &CUSTOMERS[0], "wamid.earlier", ANSWERS[0]);
        control.inbound(answer).await.unwrap();
        sandbox.shutdown().await;
    }
}
