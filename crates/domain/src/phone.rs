//! A phone number in E.164 form (`+` then 8 to 15 digits, the first not 0), parsed once at the
//! edge. `E164::parse` wants the `+`; `E164::parse_digits` is for WhatsApp ids, which are the same
//! digits without it. Spaces, dashes, dots and parentheses are stripped first.
//!
//! National numbers with a default region (`07700 900123` in GB) are not handled here: region-based
//! normalization comes with contacts, which know the organization's default region.

use std::fmt;

/// A valid E.164 number, stored with its leading `+`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct E164(String);

/// Why a string is not an E.164 number.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum PhoneError {
    #[error("phone number is empty")]
    Empty,
    #[error("phone number must start with `+` and the country code")]
    MissingPlus,
    #[error("phone number contains `{0}`, which is not a digit")]
    InvalidCharacter(char),
    #[error("phone number cannot start with 0 after the `+` (no country code starts with 0)")]
    LeadingZero,
    #[error("phone number has {0} digits; E.164 needs at least 8")]
    TooShort(usize),
    #[error("phone number has {0} digits; E.164 allows at most 15")]
    TooLong(usize),
}

/// E.164 caps a number at 15 digits including the country code.
const MAX_DIGITS: usize = 15;
/// The shortest numbers in service (some small countries) have 8 digits with the country code;
/// anything shorter is a typo or a short code, which E.164 does not cover.
const MIN_DIGITS: usize = 8;

impl E164 {
    /// Parses `+14155550123`, also written `+1 (415) 555-0123` or `+1.415.555.0123`.
    /// A number without `+` is refused: use [`E164::parse_digits`] where that form is expected.
    pub fn parse(raw: &str) -> Result<Self, PhoneError> {
        let cleaned = strip_separators(raw);
        if cleaned.is_empty() {
            return Err(PhoneError::Empty);
        }
        match cleaned.strip_prefix('+') {
            Some(digits) => Self::from_digits(digits),
            None => Err(PhoneError::MissingPlus),
        }
    }

    /// Parses digits without `+`, as WhatsApp writes its ids (`14155550123`). A leading `+` is
    /// tolerated too, so a caller never has to strip it first.
    pub fn parse_digits(raw: &str) -> Result<Self, PhoneError> {
        let cleaned = strip_separators(raw);
        if cleaned.is_empty() {
            return Err(PhoneError::Empty);
        }
        Self::from_digits(cleaned.strip_prefix('+').unwrap_or(&cleaned))
    }

    fn from_digits(digits: &str) -> Result<Self, PhoneError> {
        if let Some(bad) = digits.chars().find(|c| !c.is_ascii_digit()) {
            return Err(PhoneError::InvalidCharacter(bad));
        }
        if digits.starts_with('0') {
            return Err(PhoneError::LeadingZero);
        }
        let n = digits.len();
        if n < MIN_DIGITS {
            return Err(PhoneError::TooShort(n));
        }
        if n > MAX_DIGITS {
            return Err(PhoneError::TooLong(n));
        }
        Ok(Self(format!("+{digits}")))
    }

    /// The number with its `+`, as SMS providers want it: `+14155550123`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The digits without `+`, as WhatsApp wants them: `14155550123`.
    pub fn digits(&self) -> &str {
        &self.0[1..]
    }
}

fn strip_separators(raw: &str) -> String {
    raw.trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect()
}

impl fmt::Display for E164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for E164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "E164({})", self.0)
    }
}

impl std::str::FromStr for E164 {
    type Err = PhoneError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl<'de> serde::Deserialize<'de> for E164 {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        E164::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_with_plus_and_strips_separators() {
        for raw in [
            "+14155550123",
            " +1 415 555 0123 ",
            "+1 (415) 555-0123",
            "+1.415.555.0123",
        ] {
            let n = E164::parse(raw).unwrap();
            assert_eq!(n.as_str(), "+14155550123", "{raw}");
            assert_eq!(n.digits(), "14155550123", "{raw}");
        }
    }

    #[test]
    fn digits_only_form_needs_parse_digits() {
        assert_eq!(E164::parse("14155550123"), Err(PhoneError::MissingPlus));
        let n = E164::parse_digits("14155550123").unwrap();
        assert_eq!(n.as_str(), "+14155550123");
        assert_eq!(
            E164::parse_digits("+447700900123").unwrap().digits(),
            "447700900123"
        );
    }

    #[test]
    fn refuses_bad_numbers_with_the_reason() {
        assert_eq!(E164::parse(""), Err(PhoneError::Empty));
        assert_eq!(E164::parse(" - "), Err(PhoneError::Empty));
        assert_eq!(E164::parse("+0441234567"), Err(PhoneError::LeadingZero));
        assert_eq!(E164::parse("+1234567"), Err(PhoneError::TooShort(7)));
        assert_eq!(
            E164::parse("+1234567890123456"),
            Err(PhoneError::TooLong(16))
        );
        assert_eq!(
            E164::parse("+1415555O123"),
            Err(PhoneError::InvalidCharacter('O'))
        );
        assert_eq!(
            E164::parse("+1+4155550123"),
            Err(PhoneError::InvalidCharacter('+'))
        );
        assert_eq!(
            E164::parse_digits("04155550123"),
            Err(PhoneError::LeadingZero)
        );
    }

    #[test]
    fn boundaries_of_length_are_inclusive() {
        assert!(E164::parse("+12345678").is_ok());
        assert!(E164::parse("+123456789012345").is_ok());
    }

    #[test]
    fn serde_round_trips_and_validates() {
        let n: E164 = serde_json::from_str("\"+44 7700 900123\"").unwrap();
        assert_eq!(serde_json::to_string(&n).unwrap(), "\"+447700900123\"");
        assert!(serde_json::from_str::<E164>("\"447700900123\"").is_err());
    }

    proptest! {
        #[test]
        fn parse_never_panics_and_output_is_canonical(raw in ".{0,40}") {
            if let Ok(n) = E164::parse(&raw) {
                prop_assert_eq!(E164::parse(n.as_str()).unwrap(), n.clone());
                prop_assert_eq!(E164::parse_digits(n.digits()).unwrap(), n);
            }
            let _ = E164::parse_digits(&raw);
        }
    }
}
