//! The plain message types (PROVIDERS §1.2): text, the five media kinds, location, contacts and
//! reaction, each checked key by key with Meta's limits.

use super::params::{Checked, Obj, http_url, invalid, malformed, max_chars, non_empty};
use crate::media::MediaStore;

/// Plain text body limit.
const TEXT_MAX: usize = 4096;
/// Media captions (image, video, document).
const CAPTION_MAX: usize = 1024;
/// Meta documents no limit for these; we cap them so a runaway client is told, not stored.
const FREE_TEXT_MAX: usize = 1024;
/// Contact cards per message: Meta documents none; the apps show at most a few hundred.
const CONTACTS_MAX: usize = 257;

/// `text`: body 1..=4096 chars, optional `preview_url`.
pub(crate) fn text(root: &Obj<'_>) -> Checked<()> {
    let text = root.req_obj("text")?;
    text.only(&["body", "preview_url"])?;
    text.req_text("body", TEXT_MAX)?;
    text.opt_bool("preview_url")?;
    Ok(())
}

/// Media ids a number may send: those uploaded to that number (as at Meta, an id from one
/// number's upload is not another number's to send).
pub(crate) struct MediaIds<'a> {
    /// The media store.
    pub store: &'a MediaStore,
    /// The sending number.
    pub phone_number_id: &'a str,
}

impl MediaIds<'_> {
    fn known(&self, id: &str) -> bool {
        self.store
            .lookup(id)
            .is_some_and(|m| m.phone_number_id == self.phone_number_id)
    }
}

/// `image`, `video`, `audio`, `document`, `sticker`: exactly one of `id` / `link`; captions on
/// image, video and document; `filename` on document.
pub(crate) fn media(root: &Obj<'_>, kind: &str, store: &MediaIds<'_>) -> Checked<()> {
    let media = root.req_obj(kind)?;
    let mut allowed = vec!["id", "link"];
    if matches!(kind, "image" | "video" | "document") {
        allowed.push("caption");
    }
    if kind == "document" {
        allowed.push("filename");
    }
    media.only(&allowed)?;
    match (media.opt_str("id")?, media.opt_str("link")?) {
        (Some(_), Some(_)) => {
            return Err(invalid(format!(
                "Param {} must have exactly one of id or link, not both",
                media.path()
            )));
        }
        (None, None) => {
            return Err(malformed(format!(
                "Param {} must have either id or link",
                media.path()
            )));
        }
        (Some(id), None) => {
            // Meta answers an id it never issued with a plain invalid-parameter error (100), not
            // the media upload error 131053 (that one comes later, in a failed status webhook,
            // when a link cannot be fetched).
            if !store.known(id) {
                return Err(malformed(format!(
                    "Param {} is not a valid media id: {id}",
                    media.at("id")
                )));
            }
        }
        (None, Some(link)) => http_url(&media.at("link"), link)?,
    }
    media.opt_text("caption", CAPTION_MAX)?;
    media.opt_text("filename", FREE_TEXT_MAX)?;
    Ok(())
}

/// `location`: latitude -90..=90, longitude -180..=180, optional name and address.
pub(crate) fn location(root: &Obj<'_>) -> Checked<()> {
    let loc = root.req_obj("location")?;
    loc.only(&["latitude", "longitude", "name", "address"])?;
    for (key, bound) in [("latitude", 90.0), ("longitude", 180.0)] {
        let v = loc.req_number(key)?;
        if !(-bound..=bound).contains(&v) {
            return Err(invalid(format!(
                "Param {} must be between -{bound} and {bound}",
                loc.at(key)
            )));
        }
    }
    loc.opt_text("name", FREE_TEXT_MAX)?;
    loc.opt_text("address", FREE_TEXT_MAX)?;
    Ok(())
}

/// `contacts`: cards whose `name` has `formatted_name` and one other part.
pub(crate) fn contacts(root: &Obj<'_>) -> Checked<()> {
    for card in root.objects("contacts", 1, CONTACTS_MAX)? {
        card.only(&[
            "name",
            "phones",
            "emails",
            "urls",
            "addresses",
            "org",
            "birthday",
        ])?;
        let name = card.req_obj("name")?;
        const PARTS: [&str; 5] = ["first_name", "last_name", "middle_name", "suffix", "prefix"];
        let mut keys = vec!["formatted_name"];
        keys.extend(PARTS);
        name.only(&keys)?;
        name.req_text("formatted_name", FREE_TEXT_MAX)?;
        let mut parts = 0;
        for part in PARTS {
            if name
                .opt_text(part, FREE_TEXT_MAX)?
                .is_some_and(|p| !p.trim().is_empty())
            {
                parts += 1;
            }
        }
        if parts == 0 {
            return Err(malformed(format!(
                "Param {} requires at least one of first_name, last_name, middle_name, suffix, prefix besides formatted_name",
                name.path()
            )));
        }
        list(&card, "phones", &["phone", "type", "wa_id"])?;
        list(&card, "emails", &["email", "type"])?;
        list(&card, "urls", &["url", "type"])?;
        let address_keys = [
            "street",
            "city",
            "state",
            "zip",
            "country",
            "country_code",
            "type",
        ];
        list(&card, "addresses", &address_keys)?;
        if let Some(org) = card.opt_obj("org")? {
            org.only(&["company", "department", "title"])?;
            for key in ["company", "department", "title"] {
                org.opt_text(key, FREE_TEXT_MAX)?;
            }
        }
        if let Some(birthday) = card.opt_str("birthday")?
            && !is_date(birthday)
        {
            return Err(invalid(format!(
                "Param {} must be a date as YYYY-MM-DD",
                card.at("birthday")
            )));
        }
    }
    Ok(())
}

/// An optional list of objects with only string fields from `keys`.
fn list(card: &Obj<'_>, key: &str, keys: &[&str]) -> Checked<()> {
    if !card.has(key) {
        return Ok(());
    }
    for item in card.objects(key, 0, 20)? {
        item.only(keys)?;
        for k in keys {
            item.opt_text(k, FREE_TEXT_MAX)?;
        }
    }
    Ok(())
}

fn is_date(s: &str) -> bool {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    s.len() == 10 && time::Date::parse(s, format).is_ok()
}

/// `reaction`: `message_id` and one emoji, or `""` to remove. Returns the message reacted to.
pub(crate) fn reaction<'a>(root: &Obj<'a>) -> Checked<&'a str> {
    let reaction = root.req_obj("reaction")?;
    reaction.only(&["message_id", "emoji"])?;
    let id = reaction.req_str("message_id")?;
    non_empty(&reaction.at("message_id"), id)?;
    max_chars(&reaction.at("message_id"), id, 256)?;
    let emoji = reaction.req_str("emoji")?;
    if !emoji.is_empty() && !is_one_emoji(emoji) {
        return Err(invalid(format!(
            "Param {} must be a single emoji, or empty to remove the reaction",
            reaction.at("emoji")
        )));
    }
    Ok(id)
}

/// Whether `s` is one emoji: one base pictograph (or a flag pair, or a keycap), with any
/// variation selectors, skin tones and tags, joined to further pictographs only by ZWJ.
fn is_one_emoji(s: &str) -> bool {
    let mut bases = 0;
    let mut after_zwj = false;
    let mut flag_half = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let cp = u32::from(c);
        match cp {
            0x200D => after_zwj = true,
            0xFE0E | 0xFE0F | 0x1F3FB..=0x1F3FF | 0xE0020..=0xE007F | 0x20E3 => {}
            0x1F1E6..=0x1F1FF if flag_half => flag_half = false,
            _ => {
                let keycap = (c.is_ascii_digit() || c == '#' || c == '*')
                    && chars.clone().any(|n| n == '\u{20E3}');
                let pictograph = cp >= 0xA9 && !c.is_alphanumeric() && !c.is_whitespace();
                if !(keycap || pictograph) {
                    return false;
                }
                if !after_zwj {
                    bases += 1;
                }
                after_zwj = false;
                flag_half = (0x1F1E6..=0x1F1FF).contains(&cp);
            }
        }
    }
    bases == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emoji() {
        for ok in ["👍", "❤️", "👨‍👩‍👧", "🇬🇧", "👍🏽", "1️⃣", "©"]
        {
            assert!(is_one_emoji(ok), "{ok}");
        }
        for bad in ["a", "👍👍", "🇬🇧🇫🇷", "ok", " ", "👍 ", "1"] {
            assert!(!is_one_emoji(bad), "{bad}");
        }
    }

    #[test]
    fn dates() {
        assert!(is_date("1815-12-10"));
        assert!(!is_date("1815-13-10"));
        assert!(!is_date("10/12/1815"));
    }
}
