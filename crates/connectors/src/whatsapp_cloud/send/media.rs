//! The media object of sends (image, video, audio, document, sticker, and media headers and
//! template parameters): exactly one of an uploaded `id` or a public `link`.

use serde::{Deserialize, Serialize};

/// A media object: exactly one source, plus caption (image, video, document) and filename
/// (document). Reading refuses a body with both `id` and `link`, or neither.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawMedia")]
pub struct Media {
    /// `id` or `link`.
    #[serde(flatten)]
    pub source: MediaSource,
    /// Up to 1024 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// Documents only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
}

impl Media {
    /// A media object with no caption or filename.
    pub fn new(source: MediaSource) -> Self {
        Self {
            source,
            caption: None,
            filename: None,
        }
    }
}

/// The media object as written, before checking it names exactly one source.
#[derive(Deserialize)]
struct RawMedia {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    link: Option<String>,
    #[serde(default)]
    caption: Option<String>,
    #[serde(default)]
    filename: Option<String>,
}

impl TryFrom<RawMedia> for Media {
    type Error = &'static str;

    fn try_from(raw: RawMedia) -> Result<Self, Self::Error> {
        let source = match (raw.id, raw.link) {
            (Some(id), None) => MediaSource::Id(id),
            (None, Some(link)) => MediaSource::Link(link),
            _ => return Err("media needs exactly one of `id` and `link`"),
        };
        Ok(Self {
            source,
            caption: raw.caption,
            filename: raw.filename,
        })
    }
}

/// Where the media comes from; the enum makes "both" and "neither" unrepresentable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaSource {
    /// An uploaded media id.
    Id(String),
    /// A public URL Meta downloads.
    Link(String),
}
