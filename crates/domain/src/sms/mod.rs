//! SMS rules as pure functions: how many segments a body costs ([`segments`], GSM-7 versus
//! UCS-2), and the STOP / START / HELP keywords carriers and Twilio act on ([`keyword`]).
//! Connectors, the dispatcher and the inbound pipeline all ask here, so the rules live once.

mod keywords;
mod segments;

pub use keywords::{Keyword, keyword};
pub use segments::{Encoding, Segments, segments};
