//! Who a message is with: the identity (channel, address), its contact, and its conversation,
//! found or created inside the messaging paths' transaction. Known ones come back from one
//! indexed look-up per batch; only new ones cost a few statements each.
//!
//! Concurrent batches creating the same identity or conversation meet on the unique indexes
//! (`identity_address`, `conversation_identity`): the later insert waits for the earlier
//! transaction, does nothing, and reads the committed row instead.

use std::collections::HashMap;

use sqlx::PgConnection;
use switchboard_domain::{
    ChannelId, ChannelKind, ContactId, ConversationId, ConversationStatus, IdentityId, OrgId,
    Priority, Timestamp,
};
use switchboard_store::{Contact, Conversation, Event, Result, other_phone_kind, phone_of_address};
use uuid::Uuid;

use crate::errors::{corrupt, db};

/// One counterpart of a channel, resolved.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Party {
    pub identity: IdentityId,
    pub contact: ContactId,
    pub conversation: ConversationId,
    /// The conversation's status before this change.
    pub status: ConversationStatus,
    pub new_conversation: bool,
}

/// Someone a batch talks with: their address, and the profile name an inbound message gave.
pub(crate) struct Counterpart<'a> {
    pub address: &'a str,
    pub profile_name: Option<&'a str>,
}

/// Resolves every counterpart (distinct addresses) to a party, creating identities, contacts and
/// conversations as needed; their `*.created` events go into `created`, by address. The conversations
/// are locked until the transaction ends, so the caller's updates of them cannot interleave with
/// another batch's.
pub(crate) async fn parties(
    conn: &mut PgConnection,
    org: OrgId,
    channel: ChannelId,
    kind: ChannelKind,
    counterparts: &[Counterpart<'_>],
    now: Timestamp,
    created: &mut HashMap<String, Vec<Event>>,
) -> Result<HashMap<String, Party>> {
    let addresses: Vec<&str> = counterparts.iter().map(|c| c.address).collect();
    let mut identities: HashMap<String, (Uuid, Uuid)> = sqlx::query_as(
        "SELECT address, id, contact_id FROM identities
         WHERE channel_id = $1 AND address = ANY($2)",
    )
    .bind(channel.0)
    .bind(&addresses)
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?
    .into_iter()
    .map(|(address, id, contact): (String, Uuid, Uuid)| (address, (id, contact)))
    .collect();
    // New ones are made in address order: two batches creating the same identities take their
    // index locks in one order, and so wait for each other instead of deadlocking.
    let mut missing: Vec<&Counterpart> = counterparts
        .iter()
        .filter(|c| !identities.contains_key(c.address))
        .collect();
    missing.sort_unstable_by_key(|c| c.address);
    for c in missing {
        let events = created.entry(c.address.to_owned()).or_default();
        let found = create_identity(&mut *conn, org, channel, kind, c, now, events).await?;
        identities.insert(c.address.to_owned(), found);
    }

    // Locked in id order, so two batches sharing conversations never wait on each other in turn.
    let mut identity_ids: Vec<Uuid> = identities.values().map(|(id, _)| *id).collect();
    identity_ids.sort_unstable();
    let mut conversations: HashMap<Uuid, (Uuid, String)> = sqlx::query_as(
        "SELECT identity_id, id, status FROM conversations
         WHERE channel_id = $1 AND identity_id = ANY($2)
         ORDER BY id
         FOR UPDATE",
    )
    .bind(channel.0)
    .bind(&identity_ids)
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?
    .into_iter()
    .map(|(identity, id, status): (Uuid, Uuid, String)| (identity, (id, status)))
    .collect();

    let mut parties = HashMap::with_capacity(identities.len());
    // Missing conversations are made in identity order, for the same reason as above.
    let mut identities: Vec<(String, (Uuid, Uuid))> = identities.into_iter().collect();
    identities.sort_unstable_by_key(|(_, (identity, _))| *identity);
    for (address, (identity, contact)) in identities {
        let (conversation, status, new_conversation) = match conversations.remove(&identity) {
            Some((id, status)) => {
                let status = ConversationStatus::parse(&status)
                    .ok_or_else(|| corrupt("conversation status", &status))?;
                (ConversationId(id), status, false)
            }
            None => {
                let events = created.entry(address.clone()).or_default();
                create_conversation(&mut *conn, org, channel, identity, contact, now, events)
                    .await?
            }
        };
        parties.insert(
            address,
            Party {
                identity: IdentityId(identity),
                contact: ContactId(contact),
                conversation,
                status,
                new_conversation,
            },
        );
    }
    Ok(parties)
}

/// A new identity for `c`: on phone kinds it joins the contact with that phone (across SMS and
/// WhatsApp only when the organization links them), otherwise (or when there is none) a new
/// contact is made. Returns (identity id, contact id).
async fn create_identity(
    conn: &mut PgConnection,
    org: OrgId,
    channel: ChannelId,
    kind: ChannelKind,
    c: &Counterpart<'_>,
    now: Timestamp,
    events: &mut Vec<Event>,
) -> Result<(Uuid, Uuid)> {
    let phone = phone_of_address(kind, c.address);
    let holder = match &phone {
        Some(p) => phone_holder(conn, org, p.as_str(), kind).await?,
        None => None,
    };
    let mut contact = Contact::new(org, now);
    let (contact_id, created) = match holder {
        Some((id, true)) => (id, None),
        _ => {
            // A holder it may not join keeps the phone (unique per organization): none here.
            if holder.is_none() {
                contact.phone = phone;
            }
            contact.name = c.profile_name.map(str::to_owned);
            insert_contact(conn, &contact, now).await?
        }
    };

    let identity: Option<Uuid> = sqlx::query_scalar(
        "INSERT INTO identities (id, org_id, contact_id, channel_id, address, profile_name,
                                 created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
         ON CONFLICT (channel_id, address) DO NOTHING
         RETURNING id",
    )
    .bind(IdentityId::new().0)
    .bind(org.0)
    .bind(contact_id)
    .bind(channel.0)
    .bind(c.address)
    .bind(c.profile_name)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db)?;
    if let Some(identity) = identity {
        if created.is_some() {
            events.push(Event::contact_created(&contact, Some(channel)));
        }
        return Ok((identity, contact_id));
    }
    // Another transaction made this identity first: use it, and undo our contact if we made one.
    if let Some(ours) = created {
        sqlx::query("DELETE FROM contacts WHERE id = $1")
            .bind(ours)
            .execute(&mut *conn)
            .await
            .map_err(db)?;
    }
    sqlx::query_as("SELECT id, contact_id FROM identities WHERE channel_id = $1 AND address = $2")
        .bind(channel.0)
        .bind(c.address)
        .fetch_one(&mut *conn)
        .await
        .map_err(db)
}

/// The contact holding `phone`, and whether a new identity of `kind` may join it: always when
/// the organization links SMS and WhatsApp, else only if it has no identity on the other kind.
async fn phone_holder(
    conn: &mut PgConnection,
    org: OrgId,
    phone: &str,
    kind: ChannelKind,
) -> Result<Option<(Uuid, bool)>> {
    let other = other_phone_kind(kind).map_or("", |k| k.as_str());
    sqlx::query_as(
        "SELECT c.id, o.link_sms_and_whatsapp OR NOT EXISTS (
                 SELECT 1 FROM identities i JOIN channels ch ON ch.id = i.channel_id
                 WHERE i.contact_id = c.id AND ch.kind = $3)
         FROM contacts c JOIN orgs o ON o.id = c.org_id
         WHERE c.org_id = $1 AND c.phone = $2",
    )
    .bind(org.0)
    .bind(phone)
    .bind(other)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db)
}

/// Inserts `contact` unless another transaction just made the contact of its phone: returns the
/// contact's id and, when this call made it, that id again.
async fn insert_contact(
    conn: &mut PgConnection,
    contact: &Contact,
    now: Timestamp,
) -> Result<(Uuid, Option<Uuid>)> {
    let phone = contact.phone.as_ref().map(|p| p.as_str());
    let created: Option<Uuid> = sqlx::query_scalar(
        "INSERT INTO contacts (id, org_id, name, phone, search_key, created_at, updated_at)
         SELECT $1, $2, $3, $4, $6, $5, $5
         WHERE $4::text IS NULL
            OR NOT EXISTS (SELECT 1 FROM contacts WHERE org_id = $2 AND phone = $4)
         ON CONFLICT DO NOTHING
         RETURNING id",
    )
    .bind(contact.id.0)
    .bind(contact.org_id.0)
    .bind(contact.name.as_deref())
    .bind(phone)
    .bind(now)
    .bind(crate::contact_rows::search_key(contact))
    .fetch_optional(&mut *conn)
    .await
    .map_err(db)?;
    let id = match created {
        Some(id) => id,
        None => sqlx::query_scalar("SELECT id FROM contacts WHERE org_id = $1 AND phone = $2")
            .bind(contact.org_id.0)
            .bind(phone)
            .fetch_one(&mut *conn)
            .await
            .map_err(db)?,
    };
    Ok((id, created))
}

/// The identity's conversation, made now (open) unless a concurrent batch just made it; locked
/// either way. Returns (id, status before this change, whether it is new).
async fn create_conversation(
    conn: &mut PgConnection,
    org: OrgId,
    channel: ChannelId,
    identity: Uuid,
    contact: Uuid,
    now: Timestamp,
    events: &mut Vec<Event>,
) -> Result<(ConversationId, ConversationStatus, bool)> {
    let conversation = Conversation {
        id: ConversationId::new(),
        org_id: org,
        channel_id: channel,
        contact_id: ContactId(contact),
        identity_id: IdentityId(identity),
        status: ConversationStatus::Open,
        snoozed_until: None,
        priority: Priority::None,
        assignee: None,
        team: None,
        last_message_at: None,
        last_message_preview: None,
        last_inbound_at: None,
        unread_count: 0,
        created_at: now,
        updated_at: now,
    };
    let created: Option<Uuid> = sqlx::query_scalar(
        "INSERT INTO conversations (id, org_id, channel_id, contact_id, identity_id, status,
                                    priority, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
         ON CONFLICT (channel_id, identity_id) DO NOTHING
         RETURNING id",
    )
    .bind(conversation.id.0)
    .bind(org.0)
    .bind(channel.0)
    .bind(contact)
    .bind(identity)
    .bind(conversation.status.as_str())
    .bind(conversation.priority.as_str())
    .bind(now)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db)?;
    if created.is_some() {
        events.push(Event::conversation_created(&conversation));
        return Ok((conversation.id, conversation.status, true));
    }
    let (id, status): (Uuid, String) = sqlx::query_as(
        "SELECT id, status FROM conversations WHERE channel_id = $1 AND identity_id = $2
         FOR UPDATE",
    )
    .bind(channel.0)
    .bind(identity)
    .fetch_one(&mut *conn)
    .await
    .map_err(db)?;
    let status = ConversationStatus::parse(&status)
        .ok_or_else(|| corrupt("conversation status", &status))?;
    Ok((ConversationId(id), status, false))
}
