//! The whole-file checks of a CSV import, done before any row is looked at: size, encoding,
//! delimiter, header and the column mapping. Any failure refuses the file (422) with its own
//! code, and nothing is written.

use std::collections::{BTreeMap, HashSet};

use csv::StringRecord;

use crate::contacts::csv_cells::AttrType;
use crate::contacts::fields::attribute_name;
use crate::{CoreError, CoreResult};

/// Big enough for 100,000 contacts with a dozen columns; small enough to hold in memory while
/// the rows are checked.
pub(super) const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
pub(super) const MAX_ROWS: usize = 100_000;

/// Where a mapped column's cells go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Target {
    Name,
    Phone,
    Email,
    ExternalId,
    Address,
    Birthdate,
    Language,
    Notes,
    Tags,
    Attribute(String, AttrType),
}

/// A CSV column the mapping uses.
#[derive(Debug, Clone)]
pub(super) struct Column {
    pub index: usize,
    pub header: String,
    pub target: Target,
}

/// A file that passed the checks: its mapped columns and its data records, in file order, each
/// with its row number as a spreadsheet shows it (the header is row 1; a blank line is a row; a
/// quoted cell's line breaks are not).
#[derive(Debug)]
pub(super) struct CheckedFile {
    pub columns: Vec<Column>,
    pub header_len: usize,
    pub records: Vec<(u64, StringRecord)>,
}

/// Line breaks inside a record's cells: lines of the file that are not rows of the sheet.
fn inner_breaks(r: &StringRecord) -> u64 {
    r.iter().map(|c| c.matches('\n').count() as u64).sum()
}

/// The file line a record starts on. The reader's position is where it started reading, before
/// the blank lines it skips; a spreadsheet shows those as rows, so they are counted back in.
fn line_of(text: &str, r: &StringRecord) -> u64 {
    let Some(pos) = r.position() else { return 0 };
    let blanks = text
        .as_bytes()
        .get(usize::try_from(pos.byte()).unwrap_or(usize::MAX)..)
        .unwrap_or_default()
        .iter()
        .take_while(|b| matches!(b, b'\n' | b'\r'))
        .filter(|b| **b == b'\n')
        .count();
    pos.line() + blanks as u64
}

fn refuse(code: &'static str, field: &str, message: impl Into<String>) -> CoreError {
    CoreError::unprocessable(code, field, message)
}

pub(super) fn check(
    bytes: &[u8],
    delimiter: Option<&str>,
    mapping: &str,
) -> CoreResult<CheckedFile> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(refuse(
            "csv_too_large",
            "file",
            format!("the file is larger than {MAX_FILE_BYTES} bytes"),
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = 1 + bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        refuse(
            "csv_invalid_utf8",
            "file",
            format!("the file is not UTF-8 text (line {line}); save it as CSV UTF-8"),
        )
    })?;
    if text.contains('\0') {
        return Err(refuse(
            "csv_malformed",
            "file",
            "the file holds NUL bytes: it is not CSV text",
        ));
    }
    let delimiter = match delimiter.map(str::trim) {
        None | Some("") => detect(text),
        Some(",") => b',',
        Some(";") => b';',
        Some(other) => {
            return Err(CoreError::validation(
                "delimiter",
                format!("`{other}` is not a delimiter; use `,` or `;`"),
            ));
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) if h.iter().any(|c| !c.trim().is_empty()) => h,
        Some(Err(e)) => return Err(refuse("csv_malformed", "file", e.to_string())),
        _ => {
            return Err(refuse(
                "csv_no_header",
                "file",
                "the file has no header row",
            ));
        }
    };
    let headers: Vec<String> = header.iter().map(|h| h.trim().to_owned()).collect();
    let columns = map_columns(&headers, mapping)?;
    let mut data = Vec::new();
    let header_line = line_of(text, &header);
    let mut breaks = inner_breaks(&header);
    for record in records {
        let record = record.map_err(|e| refuse("csv_malformed", "file", e.to_string()))?;
        let row = 1 + line_of(text, &record).saturating_sub(header_line + breaks);
        breaks += inner_breaks(&record);
        if data.len() == MAX_ROWS {
            return Err(refuse(
                "csv_too_large",
                "file",
                format!("the file has more than {MAX_ROWS} rows; split it"),
            ));
        }
        data.push((row, record));
    }
    Ok(CheckedFile {
        columns,
        header_len: headers.len(),
        records: data,
    })
}

/// `;` when the header line has more of them than commas (spreadsheets in locales whose decimal
/// separator is the comma write `;`), else `,`.
fn detect(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or_default();
    let count = |d: char| first.chars().filter(|c| *c == d).count();
    if count(';') > count(',') { b';' } else { b',' }
}

fn map_columns(headers: &[String], mapping: &str) -> CoreResult<Vec<Column>> {
    let mapping: BTreeMap<String, String> = serde_json::from_str(mapping).map_err(|_| {
        refuse(
            "mapping_invalid",
            "mapping",
            "the mapping must be a JSON object of CSV header to target, e.g. {\"Mobile\": \"phone\"}",
        )
    })?;
    let mut columns = Vec::new();
    let mut targets_seen = HashSet::new();
    for (header, target) in mapping {
        let field = format!("mapping.{header}");
        let Some(index) = headers.iter().position(|h| *h == header) else {
            return Err(refuse(
                "mapping_unknown_column",
                &field,
                format!("the file has no column `{header}`"),
            ));
        };
        if headers.iter().filter(|h| **h == header).count() > 1 {
            return Err(refuse(
                "csv_duplicate_header",
                &field,
                format!("the file has several columns named `{header}`"),
            ));
        }
        let Some(target) = parse_target(target.trim())? else {
            continue;
        };
        let name = format!("{target:?}");
        let key = match &target {
            Target::Attribute(k, _) => format!("attributes.{k}"),
            _ => name,
        };
        if !targets_seen.insert(key) {
            return Err(refuse(
                "mapping_duplicate_target",
                &field,
                format!("two columns are mapped to the same target as `{header}`"),
            ));
        }
        columns.push(Column {
            index,
            header,
            target,
        });
    }
    if !columns
        .iter()
        .any(|c| matches!(c.target, Target::Phone | Target::Email | Target::ExternalId))
    {
        return Err(refuse(
            "mapping_no_identifier",
            "mapping",
            "map at least one column to `phone`, `email` or `external_id`: rows are matched by them",
        ));
    }
    columns.sort_by_key(|c| c.index);
    Ok(columns)
}

/// `None` for `ignore`.
fn parse_target(t: &str) -> CoreResult<Option<Target>> {
    Ok(Some(match t {
        "ignore" => return Ok(None),
        "name" => Target::Name,
        "phone" => Target::Phone,
        "email" => Target::Email,
        "external_id" => Target::ExternalId,
        "address" => Target::Address,
        "birthdate" => Target::Birthdate,
        "language" => Target::Language,
        "notes" => Target::Notes,
        "tags" => Target::Tags,
        _ => {
            let unknown = || {
                refuse(
                    "mapping_unknown_target",
                    "mapping",
                    format!(
                        "`{t}` is not a target; use name, phone, email, external_id, address, \
                         birthdate, language, notes, tags, attributes.<key>[:string|number|boolean|json] or ignore"
                    ),
                )
            };
            let rest = t.strip_prefix("attributes.").ok_or_else(unknown)?;
            let (key, ty) = match rest.split_once(':') {
                Some((k, ty)) => (k, AttrType::parse(ty).ok_or_else(unknown)?),
                None => (rest, AttrType::String),
            };
            attribute_name("mapping", key).map_err(|_| unknown())?;
            Target::Attribute(key.to_owned(), ty)
        }
    }))
}
