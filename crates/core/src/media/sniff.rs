//! What a file is by its first bytes ("magic numbers"), so a declared MIME type is checked
//! against the content: a PNG sent as `image/jpeg`, or a text file sent as an image, is refused
//! before a provider refuses it (or a customer's phone fails to open it).

/// How many leading bytes the checks need (WebP's animation flag sits at byte 20, an Ogg
/// stream's codec name at byte 28).
pub const HEAD_LEN: usize = 64;

/// The container or format recognised from the head of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    Jpeg,
    Png,
    /// `animated` when the VP8X header says so (stickers have two size limits).
    Webp {
        animated: bool,
    },
    /// An ISO base media file (MP4, M4A); `three_gp` for a 3GPP brand.
    IsoMedia {
        three_gp: bool,
    },
    /// An Ogg stream; `opus` when its first packet is an Opus header.
    Ogg {
        opus: bool,
    },
    Amr,
    /// MPEG audio (MP3), with or without an ID3 tag.
    Mpeg,
    /// AAC in ADTS frames.
    Aac,
    Pdf,
    /// A ZIP archive: the Office Open XML formats (docx, xlsx, pptx).
    Zip,
    /// The legacy Office compound file (doc, xls, ppt).
    Ole,
    /// No binary signature, valid UTF-8 and no control characters besides whitespace.
    Text,
    Unknown,
}

/// Recognises `head` (the first [`HEAD_LEN`] bytes, or the whole file when shorter).
pub fn sniff(head: &[u8]) -> Sniffed {
    let at = |offset: usize, magic: &[u8]| head.get(offset..offset + magic.len()) == Some(magic);
    if at(0, &[0xFF, 0xD8, 0xFF]) {
        Sniffed::Jpeg
    } else if at(0, b"\x89PNG\r\n\x1a\n") {
        Sniffed::Png
    } else if at(0, b"RIFF") && at(8, b"WEBP") {
        // VP8X (extended format) carries the animation flag, bit 1 of its first byte.
        let animated = at(12, b"VP8X") && head.get(20).is_some_and(|f| f & 0x02 != 0);
        Sniffed::Webp { animated }
    } else if at(4, b"ftyp") {
        Sniffed::IsoMedia {
            three_gp: at(8, b"3gp") || at(8, b"3g2"),
        }
    } else if at(0, b"OggS") {
        Sniffed::Ogg {
            opus: at(28, b"OpusHead"),
        }
    } else if at(0, b"#!AMR") {
        Sniffed::Amr
    } else if at(0, b"%PDF-") {
        Sniffed::Pdf
    } else if at(0, b"PK\x03\x04") {
        Sniffed::Zip
    } else if at(0, &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Sniffed::Ole
    } else if at(0, b"ID3") {
        Sniffed::Mpeg
    } else if let [0xFF, second, ..] = head
        && second & 0xE0 == 0xE0
    {
        // A frame sync: layer bits 00 mean AAC's ADTS, anything else an MPEG audio layer.
        if second & 0x06 == 0 {
            Sniffed::Aac
        } else {
            Sniffed::Mpeg
        }
    } else if looks_like_text(head) {
        Sniffed::Text
    } else {
        Sniffed::Unknown
    }
}

/// UTF-8 (a character cut by the end of the head is fine) without NUL or other control
/// characters besides tab, line feed, form feed and carriage return.
fn looks_like_text(head: &[u8]) -> bool {
    let valid = match std::str::from_utf8(head) {
        Ok(s) => s,
        // Cut inside a character at the end: the part before it must be valid.
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return false,
    };
    !head.is_empty()
        && valid
            .chars()
            .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\x0c' | '\r'))
}

/// Whether a file that sniffs as `sniffed` may be declared as `mime`.
pub fn matches(mime: &str, sniffed: Sniffed) -> bool {
    match mime {
        "image/jpeg" => sniffed == Sniffed::Jpeg,
        "image/png" => sniffed == Sniffed::Png,
        "image/webp" => matches!(sniffed, Sniffed::Webp { .. }),
        "video/mp4" | "audio/mp4" => sniffed == Sniffed::IsoMedia { three_gp: false },
        "video/3gpp" => matches!(sniffed, Sniffed::IsoMedia { .. }),
        // WhatsApp plays only Opus in Ogg.
        "audio/ogg" => sniffed == Sniffed::Ogg { opus: true },
        "audio/amr" => sniffed == Sniffed::Amr,
        "audio/mpeg" => sniffed == Sniffed::Mpeg,
        "audio/aac" => sniffed == Sniffed::Aac,
        "application/pdf" => sniffed == Sniffed::Pdf,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        | "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        | "application/vnd.openxmlformats-officedocument.presentationml.presentation" => {
            sniffed == Sniffed::Zip
        }
        "application/msword" | "application/vnd.ms-excel" | "application/vnd.ms-powerpoint" => {
            sniffed == Sniffed::Ole
        }
        "text/plain" | "text/csv" => sniffed == Sniffed::Text,
        _ => false,
    }
}

/// The MIME type a file most likely is, for uploads that declare none (or a generic one).
pub fn guess(sniffed: Sniffed) -> Option<&'static str> {
    Some(match sniffed {
        Sniffed::Jpeg => "image/jpeg",
        Sniffed::Png => "image/png",
        Sniffed::Webp { .. } => "image/webp",
        Sniffed::IsoMedia { three_gp: true } => "video/3gpp",
        Sniffed::IsoMedia { three_gp: false } => "video/mp4",
        Sniffed::Ogg { .. } => "audio/ogg",
        Sniffed::Amr => "audio/amr",
        Sniffed::Mpeg => "audio/mpeg",
        Sniffed::Aac => "audio/aac",
        Sniffed::Pdf => "application/pdf",
        Sniffed::Text => "text/plain",
        Sniffed::Zip | Sniffed::Ole | Sniffed::Unknown => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    #[test]
    fn formats_are_told_apart_by_their_first_bytes() {
        assert_eq!(sniff(PNG), Sniffed::Png);
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), Sniffed::Jpeg);
        assert_eq!(
            sniff(b"\0\0\0\x18ftypmp42"),
            Sniffed::IsoMedia { three_gp: false }
        );
        assert_eq!(
            sniff(b"\0\0\0\x18ftyp3gp4"),
            Sniffed::IsoMedia { three_gp: true }
        );
        assert_eq!(sniff(b"%PDF-1.7\n"), Sniffed::Pdf);
        assert_eq!(sniff(b"ID3\x04\0"), Sniffed::Mpeg);
        assert_eq!(sniff(&[0xFF, 0xFB, 0x90]), Sniffed::Mpeg);
        assert_eq!(sniff(&[0xFF, 0xF1, 0x50]), Sniffed::Aac);
        assert_eq!(sniff(b"#!AMR\n"), Sniffed::Amr);
        assert_eq!(sniff("hello, wörld\r\n".as_bytes()), Sniffed::Text);
        assert_eq!(sniff(b"hello\0world"), Sniffed::Unknown);
        assert_eq!(sniff(b""), Sniffed::Unknown);
    }

    #[test]
    fn webp_animation_and_ogg_opus_are_read_from_their_headers() {
        let mut still = b"RIFF\0\0\0\0WEBPVP8 ".to_vec();
        still.resize(32, 0);
        assert_eq!(sniff(&still), Sniffed::Webp { animated: false });
        let mut animated = b"RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0".to_vec();
        animated.push(0x02);
        animated.resize(32, 0);
        assert_eq!(sniff(&animated), Sniffed::Webp { animated: true });
        let mut ogg = b"OggS".to_vec();
        ogg.resize(28, 0);
        ogg.extend_from_slice(b"OpusHead");
        assert_eq!(sniff(&ogg), Sniffed::Ogg { opus: true });
    }

    #[test]
    fn a_declared_type_must_match_the_content() {
        assert!(matches("image/png", Sniffed::Png));
        assert!(
            !matches("image/jpeg", Sniffed::Png),
            "a PNG declared as JPEG"
        );
        assert!(
            !matches("image/jpeg", Sniffed::Text),
            "text declared as an image"
        );
        assert!(matches("text/plain", Sniffed::Text));
        assert!(!matches("audio/ogg", Sniffed::Ogg { opus: false }));
        assert!(!matches("application/x-unknown", Sniffed::Unknown));
    }

    #[test]
    fn text_cut_inside_a_character_is_still_text() {
        let s = "déjà vu".as_bytes();
        assert_eq!(sniff(&s[..2]), Sniffed::Text);
    }
}
