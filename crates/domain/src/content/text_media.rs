//! Text and media content: a text body with optional link preview, and the five media kinds
//! (image, video, audio, document, sticker) that point at an uploaded media id or a public URL.

use super::validate::{Checker, Rule, at};

/// WhatsApp's cap on a text message body, the strictest of our channels.
pub const MAX_TEXT_BODY: usize = 4096;
/// WhatsApp's cap on an image, video or document caption.
pub const MAX_CAPTION: usize = 1024;
/// Media ids are opaque provider or Switchboard ids; this bound only keeps garbage out.
const MAX_MEDIA_ID: usize = 256;
/// Common file systems cap a file name at 255 bytes; recipients save documents under this name.
const MAX_FILENAME: usize = 255;

/// A plain text message.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub body: String,
    /// Ask the channel to render a preview of the first link in `body`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub preview_url: bool,
}

impl Text {
    pub(crate) fn check(&self, c: &mut Checker) {
        c.text("body", &self.body, MAX_TEXT_BODY);
    }
}

/// A media attachment: exactly one of `media_id` (uploaded earlier) or `url` (fetched by the
/// provider). `caption` is allowed on images, videos and documents; `filename` on documents.
/// The same shape serves interactive headers and template parameters, where captions are refused.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Media {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
}

/// Where a media attachment's bytes come from, once validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaSource<'a> {
    Id(&'a str),
    Url(&'a str),
}

/// What a place that holds media lets it carry besides its source.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MediaRules {
    pub caption: Option<&'static str>,
    pub filename: Option<&'static str>,
}

impl MediaRules {
    /// `reason` strings say why a caption or filename is refused where it is.
    pub(crate) const fn new(caption: Option<&'static str>, filename: Option<&'static str>) -> Self {
        Self { caption, filename }
    }
}

impl Media {
    /// The source, when exactly one of `media_id` and `url` is set.
    pub fn source(&self) -> Option<MediaSource<'_>> {
        match (&self.media_id, &self.url) {
            (Some(id), None) => Some(MediaSource::Id(id)),
            (None, Some(url)) => Some(MediaSource::Url(url)),
            _ => None,
        }
    }

    /// Checks the source and refuses a caption or filename where `rules` carries a reason.
    pub(crate) fn check(&self, c: &mut Checker, base: &str, rules: MediaRules) {
        match (&self.media_id, &self.url) {
            (Some(id), None) => c.text(&at(base, "media_id"), id, MAX_MEDIA_ID),
            (None, Some(url)) => c.http_url(&at(base, "url"), url),
            _ => c.fail(
                base,
                Rule::ExactlyOneOf {
                    fields: ["media_id", "url"],
                },
            ),
        }
        match (rules.caption, &self.caption) {
            (Some(reason), Some(_)) => c.fail(at(base, "caption"), Rule::NotAllowed { reason }),
            (None, caption) => c.opt_text(&at(base, "caption"), caption.as_deref(), MAX_CAPTION),
            (Some(_), None) => {}
        }
        match (rules.filename, &self.filename) {
            (Some(reason), Some(_)) => c.fail(at(base, "filename"), Rule::NotAllowed { reason }),
            (None, name) => c.opt_text(&at(base, "filename"), name.as_deref(), MAX_FILENAME),
            (Some(_), None) => {}
        }
    }
}

const NO_FILENAME: &str = "only documents carry a file name";

/// The rules for each media kind sent as a message of its own.
pub(crate) const IMAGE_OR_VIDEO: MediaRules = MediaRules::new(None, Some(NO_FILENAME));
pub(crate) const DOCUMENT: MediaRules = MediaRules::new(None, None);
pub(crate) const AUDIO: MediaRules =
    MediaRules::new(Some("audio cannot carry a caption"), Some(NO_FILENAME));
pub(crate) const STICKER: MediaRules =
    MediaRules::new(Some("stickers cannot carry a caption"), Some(NO_FILENAME));
