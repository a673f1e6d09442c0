//! Provider connectors: the neutral [`Connector`] contract the hub talks to, and one module per
//! provider protocol.
//!
//! The contract lives in `connector` (the trait), `outbound` (messages, receipts, [`SendError`]),
//! `inbound` (webhook events), `media` and `templates`. A provider module holds its exact wire
//! types, webhook verification and parsing, and the HTTP client implementing the contract.

pub mod connector;
pub mod inbound;
pub mod media;
pub mod meta_messaging;
pub mod outbound;
pub mod registry;
pub mod telegram;
pub mod templates;
pub mod twilio;
pub mod whatsapp_cloud;

pub use connector::{Connector, WebhookAck};
pub use inbound::{InboundContent, InboundEvent, InboundMessage, ParseError, VerifyError};
pub use media::{AttachedFile, FetchedMedia, KeptFile};
pub use outbound::{OutboundMessage, ReceiptStatus, SendAction, SendError, SendNotes, SendReceipt};
pub use templates::TemplateManager;
pub use whatsapp_cloud::client::http_client;
