//! Finding and exporting messages: full-text search over the organization's messages (newest
//! first, the caller's channels only) and a conversation's whole transcript ([`transcript`]),
//! which is audited as an export of customer data (PRODUCT §1).

pub mod transcript;

use switchboard_domain::{ChannelId, ConversationId, Direction, Scope};
use switchboard_store::{Message, MessageSearch, Page, PageRequest, SearchQuery};

use crate::{Core, CoreError, CoreResult, Principal};

pub use transcript::{Transcript, TranscriptAuthor, TranscriptEntry, TranscriptFormat};

/// A search as the caller gives it; every filter optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchRequest {
    /// The words to find; anything but letters and digits only separates them.
    pub q: String,
    pub channel: Option<ChannelId>,
    pub conversation: Option<ConversationId>,
    pub direction: Option<Direction>,
}

impl Core {
    /// Messages whose text holds every word of `q` (each as a prefix, case and accents ignored),
    /// newest first. A caller restricted to channels finds only messages on those; naming another
    /// channel or conversation finds nothing, as for another organization's.
    pub async fn search_messages(
        &self,
        p: &Principal,
        request: SearchRequest,
        page: PageRequest,
    ) -> CoreResult<Page<Message>> {
        p.require(Scope::MessagesRead)?;
        let query = SearchQuery::parse(&request.q)
            .map_err(|e| CoreError::validation("q", e.to_string()))?;
        let own = p.channel_ids();
        let search = MessageSearch {
            query,
            channel: request.channel,
            conversation: request.conversation,
            direction: request.direction,
            only_channels: (!own.is_empty()).then(|| own.to_vec()),
        };
        Ok(self.store.search_messages(p.org(), &search, page).await?)
    }
}
