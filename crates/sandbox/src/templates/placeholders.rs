//! Template placeholders: `{{1}}`, `{{2}}`… (positional) or `{{first_name}}` (named), found in
//! component texts and checked as Meta checks them on creation.

/// The placeholders of one text, in order of first appearance, deduplicated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Found {
    Positional(Vec<u32>),
    Named(Vec<String>),
}

impl Found {
    pub(super) fn count(&self) -> usize {
        match self {
            Self::Positional(v) => v.len(),
            Self::Named(v) => v.len(),
        }
    }
}

/// Finds the placeholders of `text` for a template whose format is NAMED or not; `where_` names
/// the component in errors. Positional ones must be `1..=n` without gaps; the two kinds never mix.
pub(super) fn find(text: &str, named: bool, where_: &str) -> Result<Found, String> {
    let mut positional = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            return Err(format!("{where_} has an unclosed placeholder"));
        };
        let inner = after[..close].trim();
        rest = &after[close + 2..];
        if !inner.is_empty() && inner.bytes().all(|b| b.is_ascii_digit()) {
            let n: u32 = inner
                .parse()
                .map_err(|_| format!("{where_} has an invalid placeholder {{{{{inner}}}}}"))?;
            if !positional.contains(&n) {
                positional.push(n);
            }
        } else if is_param_name(inner) {
            if !names.iter().any(|x| x == inner) {
                names.push(inner.to_owned());
            }
        } else {
            return Err(format!(
                "{where_} has an invalid placeholder {{{{{inner}}}}}: use {{{{1}}}}, {{{{2}}}}… \
                 or, with parameter_format NAMED, lowercase names with letters, digits and _"
            ));
        }
    }
    match (named, positional.is_empty(), names.is_empty()) {
        (_, false, false) => Err(format!("{where_} mixes positional and named placeholders")),
        (true, false, _) => Err(format!(
            "{where_} uses positional placeholders but parameter_format is NAMED"
        )),
        (false, _, false) => Err(format!(
            "{where_} uses named placeholders: set parameter_format to NAMED"
        )),
        (true, _, _) => Ok(Found::Named(names)),
        (false, _, _) => {
            let mut sorted = positional.clone();
            sorted.sort_unstable();
            let contiguous = sorted.iter().zip(1u32..).all(|(n, want)| *n == want);
            if !contiguous {
                return Err(format!(
                    "{where_} placeholders must be sequential, starting at {{{{1}}}}"
                ));
            }
            Ok(Found::Positional(positional))
        }
    }
}

/// A named parameter: starts with a lowercase letter; lowercase letters, digits and `_`.
fn is_param_name(s: &str) -> bool {
    s.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positional_must_be_contiguous() {
        assert_eq!(
            find("Hi {{1}}, order {{2}} ({{1}})", false, "BODY"),
            Ok(Found::Positional(vec![1, 2]))
        );
        assert!(find("Hi {{2}}", false, "BODY").is_err());
        assert!(find("Hi {{1}} {{3}}", false, "BODY").is_err());
        assert_eq!(
            find("no params", false, "BODY"),
            Ok(Found::Positional(vec![]))
        );
    }

    #[test]
    fn named_and_mixing() {
        assert_eq!(
            find("Hi {{first_name}}, {{order_id}}", true, "BODY"),
            Ok(Found::Named(vec!["first_name".into(), "order_id".into()]))
        );
        assert!(find("Hi {{first_name}}", false, "BODY").is_err());
        assert!(find("Hi {{1}}", true, "BODY").is_err());
        assert!(find("Hi {{1}} {{x}}", true, "BODY").is_err());
        assert!(find("Hi {{First}}", true, "BODY").is_err());
        assert!(find("Hi {{1", false, "BODY").is_err());
    }
}
