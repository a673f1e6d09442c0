//! Identities: a contact's address on each channel, listed by contact, and resolved inside
//! ingest and outbound acceptance: the identity of (channel, address) is found, or created with
//! its contact. On kinds whose addresses are phone numbers a new identity joins the contact that
//! already has that phone, across SMS and WhatsApp only when the organization links them.

use rusqlite::{Connection, OptionalExtension, Row, params};
use switchboard_domain::{ChannelId, ChannelKind, ContactId, IdentityId, OrgId, Timestamp};
use switchboard_store::{Contact, Identity, Result, other_phone_kind, phone_of_address};

use crate::codec::{get_ts, get_uuid, ms};
use crate::contacts;
use crate::error::DbResult;

/// The identity of an address on a channel.
pub(crate) const IDENTITY_BY_ADDRESS: &str = "SELECT id, contact_id, profile_name FROM identities
                                              WHERE channel_id = ?1 AND address = ?2";

/// The contact that has a phone, and whether a new identity of a phone kind may join it: always
/// when the organization links SMS and WhatsApp, else only if it has no identity on the other
/// kind (?3).
pub(crate) const CONTACT_BY_PHONE: &str = "SELECT c.id, o.link_sms_and_whatsapp OR NOT EXISTS (
         SELECT 1 FROM identities i JOIN channels ch ON ch.id = i.channel_id
         WHERE i.contact_id = c.id AND ch.kind = ?3)
     FROM contacts c JOIN orgs o ON o.id = c.org_id
     WHERE c.org_id = ?1 AND c.phone = ?2";

/// Who an address on a channel is.
pub(crate) struct Resolved {
    pub identity: IdentityId,
    pub contact: ContactId,
    /// The contact made for this address, when there was none.
    pub new_contact: Option<Contact>,
}

/// Where the identity lives and who is asking.
pub(crate) struct Lookup<'a> {
    pub org: OrgId,
    pub channel: ChannelId,
    pub kind: ChannelKind,
    pub address: &'a str,
    /// The platform's name for them (inbound only): refreshes the identity, names a nameless
    /// contact.
    pub profile_name: Option<&'a str>,
    pub now: Timestamp,
}

pub(crate) fn resolve(conn: &Connection, q: &Lookup<'_>) -> Result<Resolved> {
    let now = ms(q.now);
    let found = conn
        .prepare_cached(IDENTITY_BY_ADDRESS)
        .db()?
        .query_row(params![q.channel.0.as_bytes(), q.address], |r| {
            Ok((
                get_uuid(r, 0)?,
                get_uuid(r, 1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })
        .optional()
        .db()?;
    if let Some((id, contact, profile)) = found {
        let (identity, contact) = (IdentityId(id), ContactId(contact));
        if let Some(name) = q.profile_name.filter(|n| Some(*n) != profile.as_deref()) {
            conn.prepare_cached(
                "UPDATE identities SET profile_name = ?2, updated_at = ?3 WHERE id = ?1",
            )
            .db()?
            .execute(params![identity.0.as_bytes(), name, now])
            .db()?;
            contacts::set_name_if_missing(conn, q.org, contact, name, q.now)?;
        }
        return Ok(Resolved {
            identity,
            contact,
            new_contact: None,
        });
    }

    let phone = phone_of_address(q.kind, q.address);
    let other = other_phone_kind(q.kind).map_or("", |k| k.as_str());
    let holder = match &phone {
        Some(p) => conn
            .prepare_cached(CONTACT_BY_PHONE)
            .db()?
            .query_row(params![q.org.0.as_bytes(), p.as_str(), other], |r| {
                Ok((ContactId(get_uuid(r, 0)?), r.get::<_, bool>(1)?))
            })
            .optional()
            .db()?,
        None => None,
    };
    let (existing, phone) = match holder {
        Some((id, true)) => (Some(id), phone),
        // The phone stays with its contact (it is unique per organization); this one has none.
        Some((_, false)) => (None, None),
        None => (None, phone),
    };
    let (contact, new_contact) = match existing {
        Some(id) => {
            if let Some(name) = q.profile_name {
                contacts::set_name_if_missing(conn, q.org, id, name, q.now)?;
            }
            (id, None)
        }
        None => {
            let mut c = Contact::new(q.org, q.now);
            c.name = q.profile_name.map(str::to_owned);
            c.phone = phone;
            contacts::insert(conn, &c)?;
            (c.id, Some(c))
        }
    };
    let identity = IdentityId::new();
    conn.prepare_cached(
        "INSERT INTO identities (id, org_id, contact_id, channel_id, address, profile_name,
                                 created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
    )
    .db()?
    .execute(params![
        identity.0.as_bytes(),
        q.org.0.as_bytes(),
        contact.0.as_bytes(),
        q.channel.0.as_bytes(),
        q.address,
        q.profile_name,
        now
    ])
    .db()?;
    Ok(Resolved {
        identity,
        contact,
        new_contact,
    })
}

/// The contact of an address on a channel of an organization.
pub(crate) const CONTACT_OF_ADDRESS: &str =
    "SELECT contact_id FROM identities WHERE channel_id = ?1 AND address = ?2 AND org_id = ?3";

/// The contact of an address on a channel of `org`.
pub(crate) fn contact_of(
    conn: &Connection,
    org: OrgId,
    channel: ChannelId,
    address: &str,
) -> Result<ContactId> {
    conn.prepare_cached(CONTACT_OF_ADDRESS)
        .db()?
        .query_row(
            params![channel.0.as_bytes(), address, org.0.as_bytes()],
            |r| get_uuid(r, 0),
        )
        .db()
        .map(ContactId)
}

fn identity_from_row(row: &Row<'_>) -> rusqlite::Result<Identity> {
    Ok(Identity {
        id: IdentityId(get_uuid(row, 0)?),
        org_id: OrgId(get_uuid(row, 1)?),
        contact_id: ContactId(get_uuid(row, 2)?),
        channel_id: ChannelId(get_uuid(row, 3)?),
        address: row.get(4)?,
        profile_name: row.get(5)?,
        created_at: get_ts(row, 6)?,
        updated_at: get_ts(row, 7)?,
    })
}

/// A contact's identities, ascending by id; `NotFound` for a contact not in `org`.
pub(crate) fn of_contact(
    conn: &Connection,
    org: OrgId,
    contact: ContactId,
) -> Result<Vec<Identity>> {
    conn.prepare_cached("SELECT 1 FROM contacts WHERE id = ?1 AND org_id = ?2")
        .db()?
        .query_row(params![contact.0.as_bytes(), org.0.as_bytes()], |_| Ok(()))
        .db()?;
    conn.prepare_cached(
        "SELECT id, org_id, contact_id, channel_id, address, profile_name, created_at,
                updated_at
         FROM identities WHERE contact_id = ?1 AND org_id = ?2 ORDER BY id",
    )
    .db()?
    .query_map(
        params![contact.0.as_bytes(), org.0.as_bytes()],
        identity_from_row,
    )
    .db()?
    .collect::<rusqlite::Result<Vec<_>>>()
    .db()
}
