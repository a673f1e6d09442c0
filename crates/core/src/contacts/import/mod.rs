//! CSV import of contacts (PRODUCT §3): a file, a mapping of its columns to contact fields, and
//! a report. Whole-file problems refuse the import before anything is written (`file`); then
//! every row is checked on its own (`rows`), matched to a stored contact by phone, then e-mail,
//! then external id, and written in chunks: one store transaction per chunk with each row atomic
//! inside it, so a broken row is reported and changes nothing while good rows are committed.
//! Rows of the same file may not share a phone, e-mail or external id (the later one is refused):
//! a file that names one person twice is ambiguous.

mod file;
mod rows;

use std::collections::HashMap;

use serde_json::json;
use switchboard_domain::ContactId;
use switchboard_store::{Contact, ContactKey, ContactWrite, Effects, Event, StoreError};

use super::require_write;
use crate::{Core, CoreResult, Principal, audit};
use rows::{ParsedRow, key_field, key_text};

/// Rows per store transaction: big enough that 100,000 rows are 100 transactions, small enough
/// that one chunk does not hold SQLite's single writer for long.
const CHUNK: usize = 1_000;

/// What to do with a row whose contact exists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OnDuplicate {
    Skip,
    #[default]
    Update,
}

#[derive(Debug, Clone, Default)]
pub struct ImportRequest {
    pub file: Vec<u8>,
    /// JSON: `{"CSV header": "target"}`.
    pub mapping: String,
    /// `,` or `;`; detected from the header line when absent.
    pub delimiter: Option<String>,
    pub on_duplicate: OnDuplicate,
    /// Check and count everything, write nothing.
    pub dry_run: bool,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Data rows in the file (the header not counted).
    pub rows: u64,
    pub created: u64,
    pub updated: u64,
    /// Rows that matched a contact already holding every value they carry.
    pub unchanged: u64,
    /// Rows that matched a contact with `on_duplicate = skip`.
    pub skipped: u64,
    /// In row order.
    pub rejected: Vec<RejectedRow>,
}

/// A refused row: nothing of it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    /// As a spreadsheet numbers it: the header is row 1, the first data row is row 2.
    pub row: u64,
    /// The CSV header of the offending column, when one is to blame.
    pub column: Option<String>,
    pub code: &'static str,
    pub detail: String,
}

impl Core {
    pub async fn import_contacts(
        &self,
        p: &Principal,
        mut req: ImportRequest,
    ) -> CoreResult<ImportReport> {
        require_write(p)?;
        // The file's bytes are not needed once its records are read: 20 MB less held meanwhile.
        let bytes = std::mem::take(&mut req.file);
        let checked = file::check(&bytes, req.delimiter.as_deref(), &req.mapping)?;
        drop(bytes);
        let mut report = ImportReport {
            rows: checked.records.len() as u64,
            ..ImportReport::default()
        };
        // Every key claimed by an earlier row of the file, with that row's number.
        let mut claimed: HashMap<String, u64> = HashMap::new();
        let mut good: Vec<ParsedRow> = Vec::new();
        for (row, record) in &checked.records {
            let row = *row;
            match rows::parse(p.org(), &checked.columns, checked.header_len, record, row) {
                Err(r) => report.rejected.push(r),
                Ok(parsed) => match parsed.keys.iter().find_map(|k| {
                    claimed
                        .get(&key_text(k))
                        .map(|first| (key_field(k), *first))
                }) {
                    Some((field, first)) => report.rejected.push(RejectedRow {
                        row,
                        column: rows::column_of(&checked.columns, field),
                        code: "duplicate_in_file",
                        detail: format!("row {first} has the same {field}"),
                    }),
                    None => {
                        for k in &parsed.keys {
                            claimed.insert(key_text(k), row);
                        }
                        good.push(parsed);
                    }
                },
            }
        }
        // Contacts matched by an earlier row: a second row for the same contact (through another
        // key) is as ambiguous as a repeated key, and would undo the first row's update.
        let mut matched: HashMap<ContactId, u64> = HashMap::new();
        for chunk in good.chunks(CHUNK) {
            let run = Run {
                columns: &checked.columns,
                req: &req,
            };
            self.import_chunk(p, run, chunk, &mut matched, &mut report)
                .await?;
        }
        report.rejected.sort_by_key(|r| r.row);
        if !req.dry_run {
            let effects = Effects::audit(audit::entry(
                p,
                "contact.imported",
                "contact",
                None,
                json!({
                    "rows": report.rows,
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "skipped": report.skipped,
                    "rejected": report.rejected.len(),
                }),
            ));
            self.store.write_contacts(p.org(), &[], &effects).await?;
        }
        Ok(report)
    }

    /// Matches a chunk's rows to stored contacts (one read) and writes them (one transaction).
    async fn import_chunk(
        &self,
        p: &Principal,
        Run { columns, req }: Run<'_>,
        chunk: &[ParsedRow],
        matched: &mut HashMap<ContactId, u64>,
        report: &mut ImportReport,
    ) -> CoreResult<()> {
        let keys: Vec<ContactKey> = chunk.iter().flat_map(|r| r.keys.clone()).collect();
        let found = self.store.find_contacts(p.org(), &keys).await?;
        let mut holder: HashMap<String, &Contact> = HashMap::new();
        for c in &found {
            let own = [
                c.phone.clone().map(ContactKey::Phone),
                c.email.clone().map(ContactKey::Email),
                c.external_id.clone().map(ContactKey::ExternalId),
            ];
            for k in own.iter().flatten() {
                holder.insert(key_text(k), c);
            }
        }
        let now = switchboard_domain::now();
        let mut writes: Vec<ContactWrite> = Vec::new();
        let mut written: Vec<&ParsedRow> = Vec::new();
        for r in chunk {
            let matches: Vec<(&ContactKey, &Contact)> = r
                .keys
                .iter()
                .filter_map(|k| holder.get(&key_text(k)).map(|c| (k, *c)))
                .collect();
            if let Some((k, other)) = matches.iter().find(|(_, c)| c.id != matches[0].1.id) {
                report.rejected.push(RejectedRow {
                    row: r.row,
                    column: rows::column_of(columns, key_field(k)),
                    code: "contact_exists",
                    detail: format!(
                        "the row's {} is contact {}'s but its {} is contact {}'s",
                        key_field(matches[0].0),
                        matches[0].1.id,
                        key_field(k),
                        other.id
                    ),
                });
                continue;
            }
            if let Some((_, c)) = matches.first() {
                if let Some(first) = matched.get(&c.id) {
                    report.rejected.push(RejectedRow {
                        row: r.row,
                        column: None,
                        code: "duplicate_in_file",
                        detail: format!("row {first} matched the same contact ({})", c.id),
                    });
                    continue;
                }
                matched.insert(c.id, r.row);
            }
            let write = match matches.first() {
                None => {
                    let mut c = Contact::new(p.org(), now);
                    if let Err(e) = r.fields_for(&c.clone()).apply(&mut c) {
                        report.rejected.push(rows::rejected(r.row, columns, e));
                        continue;
                    }
                    ContactWrite {
                        events: vec![Event::contact_created(&c, None)],
                        contact: c,
                        insert: true,
                    }
                }
                Some(_) if req.on_duplicate == OnDuplicate::Skip => {
                    report.skipped += 1;
                    continue;
                }
                Some((_, existing)) => {
                    let mut c = (*existing).clone();
                    if let Err(e) = r.fields_for(existing).apply(&mut c) {
                        report.rejected.push(rows::rejected(r.row, columns, e));
                        continue;
                    }
                    if c == **existing {
                        report.unchanged += 1;
                        continue;
                    }
                    c.updated_at = now;
                    ContactWrite {
                        events: Event::contact_updated(existing, &c).into_iter().collect(),
                        contact: c,
                        insert: false,
                    }
                }
            };
            writes.push(write);
            written.push(r);
        }
        let outcomes: Vec<Result<(), StoreError>> = if req.dry_run {
            writes.iter().map(|_| Ok(())).collect()
        } else {
            self.store
                .write_contacts(p.org(), &writes, &Effects::none())
                .await?
        };
        for ((w, r), outcome) in writes.iter().zip(written).zip(outcomes) {
            match outcome {
                Ok(()) if w.insert => report.created += 1,
                Ok(()) => report.updated += 1,
                Err(e) => report.rejected.push(write_refusal(r.row, columns, e)),
            }
        }
        Ok(())
    }
}

/// What every chunk of one import shares.
#[derive(Clone, Copy)]
struct Run<'a> {
    columns: &'a [file::Column],
    req: &'a ImportRequest,
}

/// A row the store refused (another import or caller took a key meanwhile, or the matched
/// contact was deleted).
fn write_refusal(row: u64, columns: &[file::Column], e: StoreError) -> RejectedRow {
    match super::conflict(e) {
        crate::CoreError::ContactExists { field, existing } => RejectedRow {
            row,
            column: rows::column_of(columns, field),
            code: "contact_exists",
            detail: format!("contact {existing} already has this {field}"),
        },
        crate::CoreError::NotFound => RejectedRow {
            row,
            column: None,
            code: "contact_gone",
            detail: "the matching contact was deleted during the import".into(),
        },
        other => RejectedRow {
            row,
            column: None,
            code: "write_failed",
            detail: other.to_string(),
        },
    }
}
