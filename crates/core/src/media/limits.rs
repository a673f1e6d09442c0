//! Which files a channel can carry: per media kind, the MIME types and the largest size
//! (PROVIDERS §1.7 for WhatsApp). An upload without a channel gets the generic rules (any of the
//! known types, up to [`MAX_UPLOAD`]); the channel's own rules are applied again when it is sent.

use switchboard_domain::ChannelKind;
use switchboard_store::MediaKind;

use super::sniff::{self, Sniffed};
use crate::{CoreError, CoreResult};

const KB: u64 = 1024;
const MB: u64 = 1024 * KB;

/// The largest file Switchboard keeps (WhatsApp's document limit, the largest of any kind).
pub const MAX_UPLOAD: u64 = 100 * MB;

const IMAGE: &[&str] = &["image/jpeg", "image/png"];
const VIDEO: &[&str] = &["video/mp4", "video/3gpp"];
const AUDIO: &[&str] = &[
    "audio/aac",
    "audio/amr",
    "audio/mpeg",
    "audio/mp4",
    "audio/ogg",
];
const DOCUMENT: &[&str] = &[
    "text/plain",
    "text/csv",
    "application/pdf",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
];
const STICKER: &[&str] = &["image/webp"];

/// What a file is, as far as the limits care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFacts<'a> {
    pub kind: MediaKind,
    pub mime: &'a str,
    pub size: u64,
    pub sniffed: Sniffed,
}

/// The MIME types a kind accepts (the same on every channel so far).
pub fn types_of(kind: MediaKind) -> &'static [&'static str] {
    match kind {
        MediaKind::Image => IMAGE,
        MediaKind::Video => VIDEO,
        MediaKind::Audio => AUDIO,
        MediaKind::Document => DOCUMENT,
        MediaKind::Sticker => STICKER,
    }
}

/// The largest file of this kind (and animation) on a channel of `channel` kind; `None` for an
/// upload without a channel.
pub fn max_size(channel: Option<ChannelKind>, kind: MediaKind, animated: bool) -> u64 {
    match channel {
        Some(ChannelKind::Whatsapp) => match kind {
            MediaKind::Image => 5 * MB,
            MediaKind::Video | MediaKind::Audio => 16 * MB,
            MediaKind::Document => 100 * MB,
            MediaKind::Sticker if animated => 500 * KB,
            MediaKind::Sticker => 100 * KB,
        },
        // Twilio MMS: 5 MB for images, 500 KB for any other type.
        Some(ChannelKind::Sms) => match kind {
            MediaKind::Image => 5 * MB,
            _ => 500 * KB,
        },
        _ => MAX_UPLOAD,
    }
}

/// The kind a MIME type is sent as when the client names none.
pub fn infer_kind(mime: &str) -> MediaKind {
    MediaKind::ALL
        .into_iter()
        .find(|k| types_of(*k).contains(&mime))
        .unwrap_or(MediaKind::Document)
}

/// The MIME type to record: the declared one (lower-cased, parameters dropped), or the one the
/// content shows when the client declared nothing useful.
pub fn effective_mime(declared: Option<&str>, sniffed: Sniffed) -> CoreResult<String> {
    let declared = declared
        .map(|m| {
            m.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|m| !m.is_empty() && m != "application/octet-stream");
    match declared {
        Some(m) => Ok(m),
        None => sniff::guess(sniffed)
            .map(str::to_owned)
            .ok_or_else(|| unsupported("the file's type is not recognised; declare it")),
    }
}

/// Refuses a file the channel (or, without one, Switchboard) cannot carry as `kind`.
pub fn check(channel: Option<ChannelKind>, f: &FileFacts<'_>) -> CoreResult<()> {
    let allowed = types_of(f.kind);
    if !allowed.contains(&f.mime) {
        return Err(unsupported(format!(
            "`{}` files cannot be sent as {}; accepted: {}",
            f.mime,
            f.kind.as_str(),
            allowed.join(", ")
        )));
    }
    if !sniff::matches(f.mime, f.sniffed) {
        return Err(unsupported(format!(
            "the file's content is not `{}` (its first bytes say otherwise)",
            f.mime
        )));
    }
    let animated = matches!(f.sniffed, Sniffed::Webp { animated: true });
    let limit = max_size(channel, f.kind, animated);
    if f.size > limit {
        return Err(CoreError::MediaTooLarge {
            size: f.size,
            limit,
        });
    }
    Ok(())
}

fn unsupported(why: impl Into<String>) -> CoreError {
    CoreError::UnsupportedMediaType(why.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(kind: MediaKind, mime: &str, size: u64, sniffed: Sniffed) -> FileFacts<'_> {
        FileFacts {
            kind,
            mime,
            size,
            sniffed,
        }
    }

    #[test]
    fn whatsapp_limits_are_per_kind_and_generic_ones_are_wider() {
        let wa = Some(ChannelKind::Whatsapp);
        let png = |size| facts(MediaKind::Image, "image/png", size, Sniffed::Png);
        assert!(check(wa, &png(5 * MB)).is_ok());
        let e = check(wa, &png(5 * MB + 1)).unwrap_err();
        assert_eq!(e.code(), "media_too_large");
        assert!(check(None, &png(5 * MB + 1)).is_ok(), "no channel: 100 MB");
        assert!(check(None, &png(MAX_UPLOAD + 1)).is_err());
        let still = facts(
            MediaKind::Sticker,
            "image/webp",
            200 * KB,
            Sniffed::Webp { animated: false },
        );
        assert!(check(wa, &still).is_err());
        let moving = FileFacts {
            sniffed: Sniffed::Webp { animated: true },
            ..still
        };
        assert!(check(wa, &moving).is_ok());
    }

    #[test]
    fn types_must_fit_the_kind_and_the_content() {
        let wa = Some(ChannelKind::Whatsapp);
        let e = check(wa, &facts(MediaKind::Image, "image/jpeg", 10, Sniffed::Png)).unwrap_err();
        assert_eq!(e.code(), "unsupported_media_type");
        let e = check(
            wa,
            &facts(
                MediaKind::Image,
                "image/webp",
                10,
                Sniffed::Webp { animated: false },
            ),
        );
        assert!(e.is_err(), "webp is a sticker on WhatsApp");
        assert!(
            check(
                wa,
                &facts(MediaKind::Document, "text/plain", 10, Sniffed::Text)
            )
            .is_ok()
        );
    }

    #[test]
    fn kinds_and_types_are_inferred() {
        assert_eq!(infer_kind("image/png"), MediaKind::Image);
        assert_eq!(infer_kind("image/webp"), MediaKind::Sticker);
        assert_eq!(infer_kind("audio/ogg"), MediaKind::Audio);
        assert_eq!(infer_kind("application/pdf"), MediaKind::Document);
        assert_eq!(
            effective_mime(Some("Image/PNG; q=1"), Sniffed::Jpeg).unwrap(),
            "image/png"
        );
        assert_eq!(effective_mime(None, Sniffed::Png).unwrap(), "image/png");
        assert_eq!(
            effective_mime(Some("application/octet-stream"), Sniffed::Pdf).unwrap(),
            "application/pdf"
        );
        assert!(effective_mime(None, Sniffed::Unknown).is_err());
    }
}
