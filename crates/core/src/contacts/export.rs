//! CSV export of contacts (PRODUCT §3): fixed columns, then one column per attribute key present
//! in the exported contacts (typed, see `csv_cells`), each cell guarded against spreadsheet
//! formulas. The file is written page by page: [`Core::export_columns`] reads the contacts once
//! to learn the attribute columns (keeping only the keys), then the caller streams
//! [`Core::export_page`]s through [`ExportColumns::rows`]. An attribute key first written
//! between the two reads has no column in that file (the header is already sent); every other
//! value is exported.

use std::collections::BTreeMap;

use switchboard_domain::Scope;
use switchboard_store::{Contact, ContactFilter, Page, PageRequest};
use uuid::Uuid;

use super::csv_cells::{AttrType, escape};
use crate::{Core, CoreResult, Principal};

/// The columns every export starts with, in order.
pub const FIXED_COLUMNS: [&str; 13] = [
    "id",
    "name",
    "phone",
    "email",
    "external_id",
    "address",
    "birthdate",
    "language",
    "notes",
    "tags",
    "blocked",
    "created_at",
    "updated_at",
];

/// The columns of one export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportColumns {
    /// Attribute keys in name order, with the type their column is written as.
    attributes: Vec<(String, AttrType)>,
}

impl ExportColumns {
    /// The header line.
    pub fn header(&self) -> Vec<u8> {
        let mut cells: Vec<String> = FIXED_COLUMNS.iter().map(|c| (*c).to_owned()).collect();
        cells.extend(self.attributes.iter().map(|(k, t)| t.header(k)));
        line(cells.iter().map(String::as_str))
    }

    /// The lines of `contacts`.
    pub fn rows(&self, contacts: &[Contact]) -> Vec<u8> {
        let mut out = Vec::new();
        for c in contacts {
            out.extend(self.row(c));
        }
        out
    }

    fn row(&self, c: &Contact) -> Vec<u8> {
        let date = time::macros::format_description!("[year]-[month]-[day]");
        let ts = |t: time::OffsetDateTime| {
            t.format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default()
        };
        let mut cells: Vec<String> = vec![
            c.id.0.to_string(),
            c.name.clone().unwrap_or_default(),
            c.phone
                .as_ref()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
            c.email
                .as_ref()
                .map(|e| e.as_str().to_owned())
                .unwrap_or_default(),
            c.external_id.clone().unwrap_or_default(),
            c.address.clone().unwrap_or_default(),
            c.birthdate
                .and_then(|d| d.format(date).ok())
                .unwrap_or_default(),
            c.language.clone().unwrap_or_default(),
            c.notes.clone().unwrap_or_default(),
            c.tags.join("|"),
            c.blocked.to_string(),
            ts(c.created_at),
            ts(c.updated_at),
        ];
        for (key, t) in &self.attributes {
            cells.push(
                c.attributes
                    .get(key)
                    .map(|v| t.write(v))
                    .unwrap_or_default(),
            );
        }
        let escaped: Vec<_> = cells.iter().map(|s| escape(s)).collect();
        line(escaped.iter().map(|s| s.as_ref()))
    }
}

/// One CSV line (quoted where needed, `\n`-terminated).
fn line<'a>(cells: impl Iterator<Item = &'a str>) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = w.write_record(cells);
    w.into_inner().unwrap_or_default()
}

/// How many contacts each export read fetches.
const EXPORT_PAGE: u32 = PageRequest::MAX_LIMIT;

impl Core {
    /// The columns for exporting the contacts `filter` selects (as the caller sees them).
    pub async fn export_columns(
        &self,
        p: &Principal,
        filter: &ContactFilter,
    ) -> CoreResult<ExportColumns> {
        let mut types: BTreeMap<String, AttrType> = BTreeMap::new();
        let mut after = None;
        loop {
            let page = self.export_page(p, filter, after).await?;
            for c in &page.items {
                for (k, v) in &c.attributes {
                    let t = AttrType::of(v);
                    types
                        .entry(k.clone())
                        .and_modify(|have| {
                            if *have != t {
                                *have = AttrType::Json;
                            }
                        })
                        .or_insert(t);
                }
            }
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        Ok(ExportColumns {
            attributes: types.into_iter().collect(),
        })
    }

    /// One page of the export, after the contact id `after`.
    pub async fn export_page(
        &self,
        p: &Principal,
        filter: &ContactFilter,
        after: Option<Uuid>,
    ) -> CoreResult<Page<Contact>> {
        p.require(Scope::ContactsRead)?;
        if let Some((name, _)) = &filter.attribute {
            super::fields::attribute_name("attr", name)?;
        }
        let page = PageRequest {
            after,
            limit: EXPORT_PAGE,
        };
        self.list_visible_contacts(p, filter.clone(), page).await
    }
}
