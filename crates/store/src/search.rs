//! Full-text search over message texts (PRODUCT §5). The user's query never reaches a database
//! as syntax: [`SearchQuery::parse`] keeps only its words (runs of letters and digits), and each
//! backend turns those words into its own query language, every word a prefix that must match
//! (SQLite FTS5 `"word"*`, PostgreSQL `'word':*`). Diacritics and case are ignored on both sides.

use switchboard_domain::{ChannelId, ConversationId, Direction, OrgId};

use crate::{Message, Page, PageRequest, Result};

/// At most this many words are searched; more are a mistake or an attack, not a search.
pub const MAX_QUERY_WORDS: usize = 16;
/// A query longer than this (in characters) is refused before it is cut into words.
pub const MAX_QUERY_CHARS: usize = 500;
/// A longer word is cut to this many characters (still a prefix of what it was).
pub const MAX_WORD_CHARS: usize = 64;

/// A search query reduced to its words: lower-case, letters and digits only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    words: Vec<String>,
}

/// Why a query cannot be searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("the query has no words to search for (letters or digits)")]
    Empty,
    #[error("the query is longer than {MAX_QUERY_CHARS} characters")]
    TooLong,
    #[error("the query has more than {MAX_QUERY_WORDS} words")]
    TooManyWords,
}

impl SearchQuery {
    /// Cuts `raw` into words at every character that is neither a letter nor a digit, so quotes,
    /// stars, parentheses and operators of any query language simply separate words.
    pub fn parse(raw: &str) -> Result<Self, QueryError> {
        if raw.chars().count() > MAX_QUERY_CHARS {
            return Err(QueryError::TooLong);
        }
        let mut words: Vec<String> = Vec::new();
        for word in raw.split(|c: char| !c.is_alphanumeric()) {
            if word.is_empty() {
                continue;
            }
            let word: String = word.chars().take(MAX_WORD_CHARS).collect::<String>();
            let word = word.to_lowercase();
            if !words.contains(&word) {
                words.push(word);
            }
        }
        if words.is_empty() {
            return Err(QueryError::Empty);
        }
        if words.len() > MAX_QUERY_WORDS {
            return Err(QueryError::TooManyWords);
        }
        Ok(Self { words })
    }

    /// The words, in query order, without repeats.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// The FTS5 query: each word a quoted phrase prefix, all required (`"ada"* "love"*`). Words
    /// hold only letters and digits, so the quotes can never be closed early.
    pub fn fts5(&self) -> String {
        let quoted: Vec<String> = self.words.iter().map(|w| format!("\"{w}\"*")).collect();
        quoted.join(" ")
    }

    /// The PostgreSQL `to_tsquery` text: each word a quoted prefix, all required
    /// (`'ada':* & 'love':*`). Letters and digits only, so no operator can slip in.
    pub fn tsquery(&self) -> String {
        let quoted: Vec<String> = self.words.iter().map(|w| format!("'{w}':*")).collect();
        quoted.join(" & ")
    }
}

/// Which messages a search may return, besides matching the words; values are bound, never
/// spliced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageSearch {
    pub query: SearchQuery,
    pub channel: Option<ChannelId>,
    pub conversation: Option<ConversationId>,
    pub direction: Option<Direction>,
    /// Only these channels (a caller restricted to channels); `None` means all.
    pub only_channels: Option<Vec<ChannelId>>,
}

#[async_trait::async_trait]
pub trait SearchStore: Send + Sync {
    /// The organization's messages whose text holds every word of the query (as a prefix),
    /// newest first (descending id); `page.after` continues below that id.
    async fn search_messages(
        &self,
        org: OrgId,
        search: &MessageSearch,
        page: PageRequest,
    ) -> Result<Page<Message>>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_only_whatever_the_syntax() {
        let q = SearchQuery::parse(r#"  "Ada*  NEAR(love, 3) ' OR 1=1 -- "#).unwrap();
        assert_eq!(q.words(), ["ada", "near", "love", "3", "or", "1"]);
        assert_eq!(q.fts5(), r#""ada"* "near"* "love"* "3"* "or"* "1"*"#);
        assert_eq!(
            q.tsquery(),
            "'ada':* & 'near':* & 'love':* & '3':* & 'or':* & '1':*"
        );
    }

    #[test]
    fn letters_of_any_script_are_words() {
        let q = SearchQuery::parse("Café naïve 東京 Ωμέγα").unwrap();
        assert_eq!(q.words(), ["café", "naïve", "東京", "ωμέγα"]);
    }

    #[test]
    fn nothing_to_search_is_refused() {
        for raw in ["", "   ", "\"", "*", "' -- ()", "NEAR(", "\u{0}"] {
            let got = SearchQuery::parse(raw);
            let expected = if raw == "NEAR(" {
                Ok(vec!["near".to_owned()])
            } else {
                Err(QueryError::Empty)
            };
            assert_eq!(got.map(|q| q.words().to_vec()), expected, "{raw:?}");
        }
    }

    #[test]
    fn limits() {
        assert_eq!(
            SearchQuery::parse(&"a".repeat(MAX_QUERY_CHARS + 1)),
            Err(QueryError::TooLong)
        );
        let many: Vec<String> = (0..=MAX_QUERY_WORDS).map(|i| format!("w{i}")).collect();
        assert_eq!(
            SearchQuery::parse(&many.join(" ")),
            Err(QueryError::TooManyWords)
        );
        let long = SearchQuery::parse(&"x".repeat(MAX_WORD_CHARS + 10)).unwrap();
        assert_eq!(long.words()[0].chars().count(), MAX_WORD_CHARS);
    }
}
