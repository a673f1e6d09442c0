//! A shared location, and contact cards (a vCard-like subset: name, phones, e-mails,
//! organization, web sites).

use super::validate::{Checker, Rule, at, item};
use crate::{E164, Email};

/// WhatsApp sets no documented cap on a location's name and address; ours keeps one message
/// small and matches the caption limit.
const MAX_PLACE_TEXT: usize = 1024;
/// No channel documents a cap on cards per message; ours keeps one message small.
const MAX_CONTACTS: usize = 100;
/// Per-card field bound of our own, generous for any real name, number or address.
const MAX_FIELD: usize = 256;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Location {
    pub latitude: f64,
    pub longitude: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

impl Location {
    pub(crate) fn check(&self, c: &mut Checker) {
        if !(-90.0..=90.0).contains(&self.latitude) {
            c.fail("latitude", Rule::Range { min: -90, max: 90 });
        }
        if !(-180.0..=180.0).contains(&self.longitude) {
            c.fail(
                "longitude",
                Rule::Range {
                    min: -180,
                    max: 180,
                },
            );
        }
        c.opt_text("name", self.name.as_deref(), MAX_PLACE_TEXT);
        c.opt_text("address", self.address.as_deref(), MAX_PLACE_TEXT);
    }
}

/// One or more contact cards.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contacts {
    pub contacts: Vec<Contact>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: ContactName,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<ContactPhone>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<ContactEmail>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<ContactOrg>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub urls: Vec<ContactUrl>,
}

/// `formatted_name` is what recipients see. WhatsApp also wants one other part; a connector
/// that needs one can use `formatted_name` as `first_name`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactName {
    pub formatted_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suffix: Option<String>,
}

/// A phone as written on the card (`+44 7700 900456`), with an optional label such as `CELL`
/// and an optional WhatsApp id (digits without `+`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactPhone {
    pub phone: String,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wa_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactEmail {
    pub email: String,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactOrg {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactUrl {
    pub url: String,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl Contacts {
    pub(crate) fn check(&self, c: &mut Checker) {
        c.count("contacts", self.contacts.len(), 1, MAX_CONTACTS);
        for (i, card) in self.contacts.iter().enumerate() {
            check_card(c, &item("contacts", i), card);
        }
    }
}

fn check_card(c: &mut Checker, path: &str, card: &Contact) {
    let name = &card.name;
    let name_path = at(path, "name");
    c.text(
        &at(&name_path, "formatted_name"),
        &name.formatted_name,
        MAX_FIELD,
    );
    for (field, value) in [
        ("first_name", &name.first_name),
        ("last_name", &name.last_name),
        ("middle_name", &name.middle_name),
        ("prefix", &name.prefix),
        ("suffix", &name.suffix),
    ] {
        c.opt_text(&at(&name_path, field), value.as_deref(), MAX_FIELD);
    }
    for (i, p) in card.phones.iter().enumerate() {
        let p_path = item(&at(path, "phones"), i);
        c.text(&at(&p_path, "phone"), &p.phone, MAX_FIELD);
        c.opt_text(&at(&p_path, "type"), p.label.as_deref(), MAX_FIELD);
        if p.wa_id
            .as_deref()
            .is_some_and(|w| E164::parse_digits(w).is_err())
        {
            c.fail(
                at(&p_path, "wa_id"),
                Rule::Format {
                    expected: "phone digits without `+`",
                },
            );
        }
    }
    for (i, e) in card.emails.iter().enumerate() {
        let e_path = item(&at(path, "emails"), i);
        if Email::parse(&e.email).is_err() {
            c.fail(
                at(&e_path, "email"),
                Rule::Format {
                    expected: "an e-mail address",
                },
            );
        }
        c.opt_text(&at(&e_path, "type"), e.label.as_deref(), MAX_FIELD);
    }
    if let Some(org) = &card.org {
        let org_path = at(path, "org");
        for (field, value) in [
            ("company", &org.company),
            ("department", &org.department),
            ("title", &org.title),
        ] {
            c.opt_text(&at(&org_path, field), value.as_deref(), MAX_FIELD);
        }
    }
    for (i, u) in card.urls.iter().enumerate() {
        let u_path = item(&at(path, "urls"), i);
        c.http_url(&at(&u_path, "url"), &u.url);
        c.opt_text(&at(&u_path, "type"), u.label.as_deref(), MAX_FIELD);
    }
}
