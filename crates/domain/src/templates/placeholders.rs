//! Finding `{{…}}` variables in template text, with their character offsets (Meta counts
//! characters, not bytes, so findings point where a person would count).

/// One `{{key}}` in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    /// What stands between the braces, as written.
    pub key: String,
    /// Character offset of the first `{`.
    pub start: usize,
    /// Character offset just past the last `}`.
    pub end: usize,
}

impl Placeholder {
    /// `{{3}}`: its number.
    pub fn number(&self) -> Option<usize> {
        if self.key.is_empty() || !self.key.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        self.key.parse().ok()
    }

    /// `{{first_name}}`: lowercase letters, digits and `_`, starting with a letter.
    pub fn is_named(&self) -> bool {
        let mut bytes = self.key.bytes();
        bytes.next().is_some_and(|b| b.is_ascii_lowercase())
            && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    }
}

/// Every `{{…}}` in `text`, in order. An unclosed `{{` is not a placeholder.
pub fn placeholders(text: &str) -> Vec<Placeholder> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < chars.len() {
        if chars[i] == '{' && chars[i + 1] == '{' {
            let close = (i + 2..chars.len().saturating_sub(1))
                .find(|&j| chars[j] == '}' && chars[j + 1] == '}');
            if let Some(j) = close {
                out.push(Placeholder {
                    key: chars[i + 2..j].iter().collect(),
                    start: i,
                    end: j + 2,
                });
                i = j + 2;
                continue;
            }
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_keys_and_character_offsets() {
        let found = placeholders("Hé {{1}}, {{first_name}} {{ 2 }} {{open");
        let keys: Vec<(&str, usize, usize)> = found
            .iter()
            .map(|p| (p.key.as_str(), p.start, p.end))
            .collect();
        assert_eq!(keys, [("1", 3, 8), ("first_name", 10, 24), (" 2 ", 25, 32)]);
        assert_eq!(found[0].number(), Some(1));
        assert!(found[1].is_named() && found[1].number().is_none());
        assert!(!found[2].is_named() && found[2].number().is_none());
    }
}
