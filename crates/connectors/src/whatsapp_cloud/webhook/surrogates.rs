//! Repairs `\uD83D`-style escapes of half a UTF-16 surrogate pair, which serde_json refuses.
//!
//! A client can cut an emoji in half (a truncated profile name or caption) and Meta passes the
//! escape through. Refusing the body would lose every good message beside the odd string, and
//! Meta would redeliver the same bytes for days, so each lone half becomes `\uFFFD` (the
//! replacement character) and the rest parses. Only called after a first parse failed, so valid
//! bodies pay nothing.

/// The body with every unpaired surrogate escape replaced, or `None` when it has none.
pub(super) fn repair_lone_surrogates(raw: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(raw.len());
    let mut changed = false;
    let mut i = 0;
    while i < raw.len() {
        if raw[i] != b'\\' {
            out.push(raw[i]);
            i += 1;
            continue;
        }
        match escape_unit(raw, i) {
            Some(unit) if is_high(unit) => {
                if escape_unit(raw, i + 6).is_some_and(is_low) {
                    out.extend_from_slice(&raw[i..i + 12]);
                    i += 12;
                } else {
                    out.extend_from_slice(br"\ufffd");
                    changed = true;
                    i += 6;
                }
            }
            Some(unit) if is_low(unit) => {
                // A low half here has no high half before it: paired ones were copied above.
                out.extend_from_slice(br"\ufffd");
                changed = true;
                i += 6;
            }
            Some(_) => {
                out.extend_from_slice(&raw[i..i + 6]);
                i += 6;
            }
            None => {
                // Any other escape (`\"`, `\\`, `\n`...): copy it whole so that an escaped
                // backslash followed by `u` is never read as a `\u` escape.
                let end = (i + 2).min(raw.len());
                out.extend_from_slice(&raw[i..end]);
                i = end;
            }
        }
    }
    changed.then_some(out)
}

/// The UTF-16 unit of a `\uXXXX` escape starting at `at`, if there is one.
fn escape_unit(raw: &[u8], at: usize) -> Option<u16> {
    let esc = raw.get(at..at + 6)?;
    if esc[0] != b'\\' || esc[1] != b'u' {
        return None;
    }
    let hex = std::str::from_utf8(&esc[2..]).ok()?;
    u16::from_str_radix(hex, 16).ok()
}

fn is_high(unit: u16) -> bool {
    (0xD800..=0xDBFF).contains(&unit)
}

fn is_low(unit: u16) -> bool {
    (0xDC00..=0xDFFF).contains(&unit)
}

#[cfg(test)]
mod tests {
    use super::repair_lone_surrogates as repair;

    fn text(b: &[u8]) -> String {
        String::from_utf8(b.to_vec()).unwrap()
    }

    #[test]
    fn lone_halves_become_replacement_characters() {
        let fixed = repair(br#"{"a":"cut \ud83d","b":"\udc00x"}"#).unwrap();
        assert_eq!(text(&fixed), r#"{"a":"cut \ufffd","b":"\ufffdx"}"#);
        let v: serde_json::Value = serde_json::from_slice(&fixed).unwrap();
        assert_eq!(v["a"], "cut \u{fffd}");
    }

    #[test]
    fn pairs_other_escapes_and_escaped_backslashes_are_left_alone() {
        assert_eq!(
            repair(br#"{"a":"\ud83d\ude00 \u00e9 \n \" \\ud83d"}"#),
            None
        );
        // A high half followed by a second high half: both are lone.
        let fixed = repair(br#""\ud83d\ud83d""#).unwrap();
        assert_eq!(text(&fixed), r#""\ufffd\ufffd""#);
        // A truncated escape at the end is left for the JSON parser to refuse.
        assert_eq!(repair(br#""\ud8"#), None);
    }
}
