//! One CSV row of an import: its cells read into contact fields (every value checked with the
//! same rules as the API), and its unique keys. A refused row becomes a [`RejectedRow`] naming
//! the column and a stable code.

use std::collections::BTreeMap;

use csv::StringRecord;
use switchboard_domain::OrgId;
use switchboard_store::{Contact, ContactKey};

use super::RejectedRow;
use super::file::{Column, Target};
use crate::CoreError;
use crate::contacts::ContactFields;
use crate::contacts::csv_cells::unescape;
use crate::contacts::fields;

/// A row that passed its own checks (it may still clash with others or with stored contacts).
#[derive(Debug, Clone)]
pub(super) struct ParsedRow {
    /// As a spreadsheet numbers it: the header is row 1.
    pub row: u64,
    /// Phone, then e-mail, then external id: the order contacts are matched in.
    pub keys: Vec<ContactKey>,
    /// Every mapped, non-empty cell; tags are kept apart (they add to a contact's tags).
    pub fields: ContactFields,
    pub tags: Vec<String>,
}

impl ParsedRow {
    /// The fields to apply to `base` (a new contact, or the stored one being updated).
    pub fn fields_for(&self, base: &Contact) -> ContactFields {
        let mut f = self.fields.clone();
        if !self.tags.is_empty() {
            let mut tags = base.tags.clone();
            tags.extend(self.tags.iter().cloned());
            f.tags = Some(Some(tags));
        }
        f
    }
}

/// The key as text, to compare rows with each other and with stored contacts.
pub(super) fn key_text(k: &ContactKey) -> String {
    match k {
        ContactKey::Phone(p) => format!("phone:{}", p.as_str()),
        ContactKey::Email(e) => format!("email:{}", e.as_str().to_lowercase()),
        ContactKey::ExternalId(x) => format!("external_id:{x}"),
    }
}

pub(super) fn key_field(k: &ContactKey) -> &'static str {
    match k {
        ContactKey::Phone(_) => "phone",
        ContactKey::Email(_) => "email",
        ContactKey::ExternalId(_) => "external_id",
    }
}

/// The CSV header of the column mapped to contact field `field` (as `CoreError::Validation`
/// names it), for the report.
pub(super) fn column_of(columns: &[Column], field: &str) -> Option<String> {
    columns
        .iter()
        .find(|c| target_field(&c.target) == field)
        .map(|c| c.header.clone())
}

fn target_field(t: &Target) -> &'static str {
    match t {
        Target::Name => "name",
        Target::Phone => "phone",
        Target::Email => "email",
        Target::ExternalId => "external_id",
        Target::Address => "address",
        Target::Birthdate => "birthdate",
        Target::Language => "language",
        Target::Notes => "notes",
        Target::Tags => "tags",
        Target::Attribute(..) => "attributes",
    }
}

/// A refusal from applying fields, as a report line.
pub(super) fn rejected(row: u64, columns: &[Column], e: CoreError) -> RejectedRow {
    match e {
        CoreError::Validation { field, message } => RejectedRow {
            row,
            column: column_of(columns, &field),
            code: invalid_code(&field),
            detail: message,
        },
        other => RejectedRow {
            row,
            column: None,
            code: "invalid_row",
            detail: other.to_string(),
        },
    }
}

fn invalid_code(field: &str) -> &'static str {
    match field {
        "name" => "invalid_name",
        "phone" => "invalid_phone",
        "email" => "invalid_email",
        "external_id" => "invalid_external_id",
        "address" => "invalid_address",
        "birthdate" => "invalid_birthdate",
        "language" => "invalid_language",
        "notes" => "invalid_notes",
        "tags" => "invalid_tags",
        _ => "invalid_attribute",
    }
}

pub(super) fn parse(
    org: OrgId,
    columns: &[Column],
    header_len: usize,
    record: &StringRecord,
    row: u64,
) -> Result<ParsedRow, RejectedRow> {
    if record.len() > header_len {
        return Err(RejectedRow {
            row,
            column: None,
            code: "malformed_row",
            detail: format!(
                "the row has {} cells but the header only {header_len}",
                record.len()
            ),
        });
    }
    let mut f = ContactFields::default();
    let mut keys = Vec::new();
    let mut tags = Vec::new();
    let mut attributes = BTreeMap::new();
    for col in columns {
        let cell = unescape(record.get(col.index).unwrap_or_default().trim()).trim();
        if cell.is_empty() {
            continue;
        }
        let bad = |e: CoreError| rejected(row, columns, e);
        let set = || Some(Some(cell.to_owned()));
        match &col.target {
            Target::Name => f.name = set(),
            Target::Address => f.address = set(),
            Target::Birthdate => f.birthdate = set(),
            Target::Language => f.language = set(),
            Target::Notes => f.notes = set(),
            Target::Phone => {
                // Spreadsheets drop a number's leading `+`: digits alone are taken as E.164.
                let with_plus = if cell.starts_with('+') {
                    cell.to_owned()
                } else {
                    format!("+{cell}")
                };
                let phone = fields::phone(&with_plus).map_err(bad)?;
                f.phone = Some(Some(phone.as_str().to_owned()));
                keys.push(ContactKey::Phone(phone));
            }
            Target::Email => {
                let email = fields::email(cell).map_err(bad)?;
                f.email = Some(Some(email.as_str().to_owned()));
                keys.push(ContactKey::Email(email));
            }
            Target::ExternalId => {
                let ext = fields::external_id(cell).map_err(bad)?;
                f.external_id = Some(Some(ext.clone()));
                keys.push(ContactKey::ExternalId(ext));
            }
            Target::Tags => tags.extend(
                cell.split(['|', ','])
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned),
            ),
            Target::Attribute(key, ty) => {
                let value = ty.read(cell).map_err(|expected| RejectedRow {
                    row,
                    column: Some(col.header.clone()),
                    code: "invalid_attribute",
                    detail: format!("`{cell}` is not {expected} (attribute `{key}`)"),
                })?;
                attributes.insert(key.clone(), value);
            }
        }
    }
    if keys.is_empty() {
        return Err(RejectedRow {
            row,
            column: None,
            code: "no_identifier",
            detail: "the row has no phone, e-mail or external id to match a contact by".into(),
        });
    }
    keys.sort_by_key(|k| match k {
        ContactKey::Phone(_) => 0,
        ContactKey::Email(_) => 1,
        ContactKey::ExternalId(_) => 2,
    });
    if !attributes.is_empty() {
        f.attributes = Some(Some(attributes));
    }
    let parsed = ParsedRow {
        row,
        keys,
        fields: f,
        tags,
    };
    // Every value checked now, on a scratch contact, so the report lists the row even in a dry run.
    let mut scratch = Contact::new(org, switchboard_domain::now());
    parsed
        .fields_for(&scratch.clone())
        .apply(&mut scratch)
        .map_err(|e| rejected(row, columns, e))?;
    Ok(parsed)
}
