//! Which contacts a caller restricted to channels sees: those with an identity on one of its
//! channels. An unrestricted caller sees every contact of its organization.

use std::collections::BTreeMap;

use switchboard_domain::ContactId;
use switchboard_store::{Contact, ContactFilter, Page, PageRequest};

use crate::{Core, CoreError, CoreResult, Principal};

impl Core {
    /// The contact, or `NotFound` when it has no identity on the caller's channels (exactly as
    /// for a contact of another organization).
    pub(super) async fn visible_contact(
        &self,
        p: &Principal,
        id: ContactId,
    ) -> CoreResult<Contact> {
        let contact = self.store.get_contact(p.org(), id).await?;
        if p.channel_ids().is_empty() {
            return Ok(contact);
        }
        let identities = self.store.list_identities(p.org(), id).await?;
        if identities.iter().any(|i| p.may_use_channel(i.channel_id)) {
            Ok(contact)
        } else {
            Err(CoreError::NotFound)
        }
    }

    /// One page of contacts the caller may see. A restricted caller's page is the union of the
    /// per-channel listings: each is ascending by id from the same cursor, so merging them and
    /// keeping the first `limit` ids gives a page that never skips or repeats a contact.
    pub(super) async fn list_visible_contacts(
        &self,
        p: &Principal,
        filter: ContactFilter,
        page: PageRequest,
    ) -> CoreResult<Page<Contact>> {
        let own = p.channel_ids();
        if own.is_empty() {
            return Ok(self.store.list_contacts(p.org(), &filter, page).await?);
        }
        let channels = match filter.channel {
            Some(c) if p.may_use_channel(c) => vec![c],
            Some(_) => {
                return Ok(Page {
                    items: Vec::new(),
                    next: None,
                });
            }
            None => own.to_vec(),
        };
        let mut merged: BTreeMap<uuid::Uuid, Contact> = BTreeMap::new();
        let mut more = false;
        for channel in channels {
            let f = ContactFilter {
                channel: Some(channel),
                ..filter.clone()
            };
            let sub = self.store.list_contacts(p.org(), &f, page).await?;
            more |= sub.next.is_some();
            merged.extend(sub.items.into_iter().map(|c| (c.id.0, c)));
        }
        let limit = page.limit as usize;
        more |= merged.len() > limit;
        let items: Vec<Contact> = merged.into_values().take(limit).collect();
        let next = if more {
            items.last().map(|c| c.id.0)
        } else {
            None
        };
        Ok(Page { items, next })
    }
}
