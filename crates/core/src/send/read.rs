//! Reading messages back: one message, and a conversation's messages oldest first. A caller
//! limited to some channels sees messages of other channels exactly as another organization's:
//! not found.

use switchboard_domain::{ConversationId, MessageId, Scope};
use switchboard_store::{Message, Page, PageRequest};

use crate::{Core, CoreError, CoreResult, Principal};

impl Core {
    pub async fn get_message(&self, who: &Principal, id: MessageId) -> CoreResult<Message> {
        who.require(Scope::MessagesRead)?;
        let message = self.store.get_message(who.org(), id).await?;
        if !who.may_use_channel(message.channel_id) {
            return Err(CoreError::NotFound);
        }
        Ok(message)
    }

    /// A conversation's messages, oldest first.
    pub async fn conversation_messages(
        &self,
        who: &Principal,
        conversation: ConversationId,
        page: PageRequest,
    ) -> CoreResult<Page<Message>> {
        who.require(Scope::MessagesRead)?;
        let org = who.org();
        let found = self.store.get_conversation(org, conversation).await?;
        if !who.may_use_channel(found.channel_id) {
            return Err(CoreError::NotFound);
        }
        Ok(self.store.list_messages(org, conversation, page).await?)
    }
}
