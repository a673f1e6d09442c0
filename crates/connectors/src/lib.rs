//! Provider protocols, one module per provider wire format.
//!
//! Each module holds the exact request/response types a provider speaks, the verification of its
//! webhooks (signatures, handshakes) and the parsing of their payloads into typed events. Nothing
//! here does I/O: the HTTP client and the sandbox build on these types.

pub mod whatsapp_cloud;
