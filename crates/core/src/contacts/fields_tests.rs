//! Unit tests of contact field validation: normalization, clearing, and the field each refusal names.

use super::*;
use serde_json::json;
use switchboard_domain::OrgId;

fn contact() -> Contact {
    Contact::new(OrgId::new(), switchboard_domain::now())
}

fn field_of(e: CoreError) -> String {
    match e {
        CoreError::Validation { field, .. } => field,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn fields_are_normalized_and_cleared() {
    let mut c = contact();
    ContactFields {
        name: Some(Some("  Ana  ".into())),
        phone: Some(Some("+44 7700 900-123".into())),
        email: Some(Some("Ana@Example.COM".into())),
        birthdate: Some(Some("1990-02-28".into())),
        language: Some(Some("en-GB".into())),
        tags: Some(Some(vec!["vip".into(), " vip ".into(), "new".into()])),
        attributes: Some(Some(BTreeMap::from([("plan".into(), json!("gold"))]))),
        ..Default::default()
    }
    .apply(&mut c)
    .unwrap();
    assert_eq!(c.name.as_deref(), Some("Ana"));
    assert_eq!(c.phone.as_ref().map(|p| p.as_str()), Some("+447700900123"));
    assert_eq!(
        c.email.as_ref().map(|e| e.as_str()),
        Some("ana@example.com")
    );
    assert_eq!(c.tags, vec!["vip", "new"]);
    ContactFields {
        name: Some(None),
        attributes: Some(Some(BTreeMap::from([("plan".into(), json!(null))]))),
        tags: Some(None),
        ..Default::default()
    }
    .apply(&mut c)
    .unwrap();
    assert_eq!(c.name, None);
    assert!(c.attributes.is_empty() && c.tags.is_empty());
    assert_eq!(c.language.as_deref(), Some("en-GB"), "untouched");
}

#[test]
fn bad_values_name_their_field() {
    let cases = [
        ContactFields {
            phone: Some(Some("07700 900123".into())),
            ..Default::default()
        },
        ContactFields {
            email: Some(Some("nope".into())),
            ..Default::default()
        },
        ContactFields {
            birthdate: Some(Some("28/02/1990".into())),
            ..Default::default()
        },
        ContactFields {
            language: Some(Some("english!".into())),
            ..Default::default()
        },
        ContactFields {
            tags: Some(Some(vec!["".into()])),
            ..Default::default()
        },
        ContactFields {
            attributes: Some(Some(BTreeMap::from([("bad name".into(), json!(1))]))),
            ..Default::default()
        },
        ContactFields {
            name: Some(Some("x".repeat(MAX_NAME + 1))),
            ..Default::default()
        },
    ];
    let fields: Vec<String> = cases
        .into_iter()
        .map(|f| field_of(f.apply(&mut contact()).unwrap_err()))
        .collect();
    assert_eq!(
        fields,
        [
            "phone",
            "email",
            "birthdate",
            "language",
            "tags",
            "attributes",
            "name"
        ]
    );
}
