//! SMS segment counting (3GPP TS 23.038 / 23.040). A body that fits the GSM 7-bit alphabet costs
//! one septet per character (two for the extension table's `^{}\[~]|€` and form feed) and travels
//! in 160 septets, or 153 per part once it needs a concatenation header; anything else is sent as
//! UCS-2 in UTF-16 code units, 70 in one message or 67 per part. An escape pair or a surrogate pair
//! is never split across parts, as handsets and carriers pack them.

/// The alphabet a body is sent in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    /// GSM 03.38 7-bit default alphabet with its extension table.
    Gsm7,
    /// UTF-16 (UCS-2 as carriers call it).
    Ucs2,
}

/// What a body costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Segments {
    pub encoding: Encoding,
    /// Septets (GSM-7) or UTF-16 code units (UCS-2).
    pub units: u32,
    /// Messages the carrier bills; at least 1 (an empty body still goes as one message).
    pub count: u32,
}

/// The GSM 03.38 basic character set (the escape 0x1B excluded: it is not a character to type).
const BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The extension table: each costs an escape septet plus its own.
const EXTENSION: &str = "^{}\\[~]|€\u{c}";

const GSM7_SINGLE: u32 = 160;
const GSM7_PART: u32 = 153;
const UCS2_SINGLE: u32 = 70;
const UCS2_PART: u32 = 67;

/// Septets `c` costs in GSM-7, or `None` when it is not in the alphabet.
fn septets(c: char) -> Option<u32> {
    if BASIC.contains(c) {
        Some(1)
    } else if EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// Counts the segments of `body`.
///
/// ```
/// use switchboard_domain::sms::{segments, Encoding};
/// let s = segments("Your code is 4821");
/// assert_eq!((s.encoding, s.count), (Encoding::Gsm7, 1));
/// assert_eq!(segments("Grüße 👋").encoding, Encoding::Ucs2);
/// ```
pub fn segments(body: &str) -> Segments {
    let gsm: Option<Vec<u32>> = body.chars().map(septets).collect();
    match gsm {
        Some(costs) => pack(Encoding::Gsm7, &costs, GSM7_SINGLE, GSM7_PART),
        None => {
            let costs: Vec<u32> = body.chars().map(|c| c.len_utf16() as u32).collect();
            pack(Encoding::Ucs2, &costs, UCS2_SINGLE, UCS2_PART)
        }
    }
}

/// Packs characters of the given costs into parts of `part` units, never splitting one.
fn pack(encoding: Encoding, costs: &[u32], single: u32, part: u32) -> Segments {
    let units: u32 = costs.iter().sum();
    if units <= single {
        return Segments {
            encoding,
            units,
            count: 1,
        };
    }
    let (mut count, mut used) = (1, 0);
    for &cost in costs {
        if used + cost > part {
            count += 1;
            used = 0;
        }
        used += cost;
    }
    Segments {
        encoding,
        units,
        count,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(body: &str) -> (Encoding, u32, u32) {
        let s = segments(body);
        (s.encoding, s.units, s.count)
    }

    #[test]
    fn gsm7_fits_160_then_153_per_part() {
        assert_eq!(count(""), (Encoding::Gsm7, 0, 1));
        assert_eq!(count(&"a".repeat(160)), (Encoding::Gsm7, 160, 1));
        assert_eq!(count(&"a".repeat(161)), (Encoding::Gsm7, 161, 2));
        assert_eq!(count(&"a".repeat(306)), (Encoding::Gsm7, 306, 2));
        assert_eq!(count(&"a".repeat(307)), (Encoding::Gsm7, 307, 3));
        // The basic table's accented letters and Greek capitals are still one septet.
        assert_eq!(
            count("Ça coûte 5€"),
            (Encoding::Ucs2, 11, 1),
            "û is not GSM"
        );
        assert_eq!(count("Ça va, Δ@£"), (Encoding::Gsm7, 10, 1));
    }

    #[test]
    fn extension_characters_cost_two_and_are_not_split() {
        assert_eq!(count("{}"), (Encoding::Gsm7, 4, 1));
        assert_eq!(count(&"€".repeat(80)), (Encoding::Gsm7, 160, 1));
        assert_eq!(count(&"€".repeat(81)), (Encoding::Gsm7, 162, 2));
        // 152 plain septets then a €: the pair cannot straddle the 153 boundary.
        let body = format!("{}€{}", "a".repeat(152), "a".repeat(10));
        assert_eq!(count(&body), (Encoding::Gsm7, 164, 2));
        let body = format!("{}€{}", "a".repeat(152), "a".repeat(150));
        // Part one: 152 (the € moves on); part two: 2 + 150 = 152.
        assert_eq!(count(&body), (Encoding::Gsm7, 304, 2));
        let body = format!("{}€{}", "a".repeat(152), "a".repeat(152));
        assert_eq!(count(&body), (Encoding::Gsm7, 306, 3));
    }

    #[test]
    fn anything_else_is_ucs2_at_70_then_67() {
        assert_eq!(count(&"é".repeat(70)), (Encoding::Gsm7, 70, 1), "é is GSM");
        assert_eq!(count(&"ж".repeat(70)), (Encoding::Ucs2, 70, 1));
        assert_eq!(count(&"ж".repeat(71)), (Encoding::Ucs2, 71, 2));
        assert_eq!(count(&"ж".repeat(134)), (Encoding::Ucs2, 134, 2));
        assert_eq!(count(&"ж".repeat(135)), (Encoding::Ucs2, 135, 3));
        // One emoji turns a GSM body into UCS-2; it is two code units.
        assert_eq!(count("hi 👋"), (Encoding::Ucs2, 5, 1));
        assert_eq!(count(&"👋".repeat(35)), (Encoding::Ucs2, 70, 1));
        // 66 units then an emoji: the surrogate pair moves to the next part.
        let body = format!("{}👋", "ж".repeat(66));
        assert_eq!(
            count(&format!("{body}{}", "ж".repeat(3))),
            (Encoding::Ucs2, 71, 2)
        );
    }
}
