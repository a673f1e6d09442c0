//! The inbound pipeline (issue 4 item 6): a provider's webhook for one channel is verified on its
//! raw bytes through the channel's connector, parsed into neutral events, mapped into one
//! `IngestBatch` and written with ONE store call (dedupe on the provider's message id, identity,
//! contact and conversation upsert, statuses, events, `media.fetch` jobs). The provider gets its
//! 200 only after that call returns, so an acknowledged webhook is a committed one.

mod keywords;
mod mapping;
mod media_fetch;
mod nul;
mod render;
mod status;
mod webhook;

pub use mapping::{MEDIA_FETCH, Mapped, Notice, Skipped, Target, Watermark, map_events};
pub use media_fetch::MediaFetcher;
/// The handshake's query, re-exported so the HTTP edge needs no connector types.
pub use switchboard_connectors::inbound::HandshakeQuery;
pub use webhook::IngestReport;
