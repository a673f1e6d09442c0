//! What the CSV export writes into a cell and the import reads back, so that an exported file
//! imports to the same contacts: the guard against spreadsheet formulas and typed attribute
//! columns (`attributes.<key>[:string|number|boolean|json]`).

/// Cells a spreadsheet would run as a formula (or that start with a control it honours).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Prefixes `'` to a cell a spreadsheet would evaluate (`=1+1`, `+44...`, `-5`, `@x`), and to
/// one that already looks escaped (`'=x`, `''`) so that [`unescape`] gives back exactly `s`.
pub(crate) fn escape(s: &str) -> std::borrow::Cow<'_, str> {
    let mut chars = s.chars();
    let first = chars.next();
    let second = chars.next();
    let risky = first.is_some_and(|c| FORMULA_STARTS.contains(&c))
        || (first == Some('\'')
            && second.is_some_and(|c| c == '\'' || FORMULA_STARTS.contains(&c)));
    if risky {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

/// Undoes [`escape`]: a leading `'` before a formula start or another `'` is dropped (also
/// what a spreadsheet user types to keep `+44...` as text).
pub(crate) fn unescape(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(|c| c == '\'' || FORMULA_STARTS.contains(&c)) => rest,
        _ => s,
    }
}

/// The JSON type of an attribute column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttrType {
    String,
    Number,
    Boolean,
    /// Any JSON value, written as JSON text (objects, arrays, or keys whose types differ).
    Json,
}

impl AttrType {
    pub(crate) fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "string" => Self::String,
            "number" => Self::Number,
            "boolean" => Self::Boolean,
            "json" => Self::Json,
            _ => return None,
        })
    }

    pub(crate) fn of(v: &serde_json::Value) -> Self {
        match v {
            serde_json::Value::String(_) => Self::String,
            serde_json::Value::Number(_) => Self::Number,
            serde_json::Value::Bool(_) => Self::Boolean,
            _ => Self::Json,
        }
    }

    /// The export header of attribute `key` (a string column has no suffix).
    pub(crate) fn header(self, key: &str) -> String {
        match self {
            Self::String => format!("attributes.{key}"),
            Self::Number => format!("attributes.{key}:number"),
            Self::Boolean => format!("attributes.{key}:boolean"),
            Self::Json => format!("attributes.{key}:json"),
        }
    }

    /// How a value is written under this column.
    pub(crate) fn write(self, v: &serde_json::Value) -> String {
        match (self, v) {
            (Self::String, serde_json::Value::String(s)) => s.clone(),
            _ => v.to_string(),
        }
    }

    /// Reads a (non-empty) cell; `Err` says what was expected.
    pub(crate) fn read(self, cell: &str) -> Result<serde_json::Value, &'static str> {
        match self {
            Self::String => Ok(serde_json::Value::String(cell.to_owned())),
            Self::Number => cell
                .parse::<serde_json::Number>()
                .map(serde_json::Value::Number)
                .map_err(|_| "a number"),
            Self::Boolean => match cell.to_ascii_lowercase().as_str() {
                "true" | "yes" | "1" => Ok(serde_json::Value::Bool(true)),
                "false" | "no" | "0" => Ok(serde_json::Value::Bool(false)),
                _ => Err("true or false"),
            },
            Self::Json => serde_json::from_str(cell).map_err(|_| "JSON"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_round_trips_and_defuses_formulas() {
        for s in [
            "=1+1",
            "+447700900123",
            "-5",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "'=x",
            "''",
            "'",
            "'a",
            "plain",
            "",
            "a=b",
        ] {
            assert_eq!(unescape(&escape(s)), s, "{s:?}");
        }
        assert_eq!(escape("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(escape("+44"), "'+44");
        assert_eq!(escape("'a"), "'a");
        assert_eq!(unescape("'+44"), "+44");
    }

    #[test]
    fn typed_cells_read_back_what_was_written() {
        let cases = [
            (AttrType::String, serde_json::json!("gold")),
            (AttrType::Number, serde_json::json!(-2.5)),
            (AttrType::Boolean, serde_json::json!(true)),
            (AttrType::Json, serde_json::json!({"a": [1, "x"]})),
            (AttrType::Json, serde_json::json!("mixed")),
        ];
        for (t, v) in cases {
            assert_eq!(t.read(&t.write(&v)), Ok(v));
        }
        assert_eq!(AttrType::Number.read("abc"), Err("a number"));
    }
}
