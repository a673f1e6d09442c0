//! Faithful text renderings of content SMS cannot carry: what a person reads on a phone that
//! shows only text, with nothing of the original's meaning left out.

use std::fmt::Write as _;

use switchboard_domain::content::{Contact, CtaUrl, Header, List, Location, ReplyButtons};

/// Name, address, coordinates and a maps link anyone's phone can open.
pub(super) fn location(l: &Location) -> String {
    let mut out = String::new();
    for line in [l.name.as_deref(), l.address.as_deref()]
        .into_iter()
        .flatten()
    {
        let _ = writeln!(out, "{}", line.trim());
    }
    let _ = write!(
        out,
        "📍 {lat}, {lon}\nhttps://maps.google.com/?q={lat},{lon}",
        lat = l.latitude,
        lon = l.longitude
    );
    out
}

/// One block per card: the name, then phones, e-mails, organization and web sites.
pub(super) fn contacts(cards: &[Contact]) -> String {
    let blocks: Vec<String> = cards
        .iter()
        .map(|c| {
            let mut lines = vec![c.name.formatted_name.clone()];
            for p in &c.phones {
                lines.push(labelled(p.label.as_deref(), &p.phone));
            }
            for e in &c.emails {
                lines.push(labelled(e.label.as_deref(), &e.email));
            }
            if let Some(org) = &c.org {
                let parts: Vec<&str> = [&org.title, &org.department, &org.company]
                    .into_iter()
                    .filter_map(|p| p.as_deref())
                    .collect();
                if !parts.is_empty() {
                    lines.push(parts.join(", "));
                }
            }
            for u in &c.urls {
                lines.push(labelled(u.label.as_deref(), &u.url));
            }
            lines.join("\n")
        })
        .collect();
    blocks.join("\n\n")
}

fn labelled(label: Option<&str>, value: &str) -> String {
    match label {
        Some(l) if !l.trim().is_empty() => format!("{value} ({})", l.trim().to_lowercase()),
        _ => value.to_owned(),
    }
}

fn header_text(header: Option<&Header>) -> Option<&str> {
    match header {
        Some(Header::Text { text }) => Some(text),
        _ => None,
    }
}

/// Paragraphs joined by blank lines, empty ones left out.
fn paragraphs<'a>(parts: impl IntoIterator<Item = Option<&'a str>>) -> String {
    parts
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// `1. Morning` lines under the body: the customer answers with the number or the words.
pub(super) fn reply_buttons(r: &ReplyButtons) -> String {
    let choices: Vec<String> = r
        .buttons
        .iter()
        .enumerate()
        .map(|(i, b)| format!("{}. {}", i + 1, b.title))
        .collect();
    let choices = choices.join("\n");
    paragraphs([
        header_text(r.header.as_ref()),
        Some(r.body.as_str()),
        Some(choices.as_str()),
        r.footer.as_deref(),
    ])
}

/// Rows numbered across sections, each section under its title.
pub(super) fn list(l: &List) -> String {
    let mut n = 0;
    let sections: Vec<String> = l
        .sections
        .iter()
        .map(|s| {
            let mut lines: Vec<String> = s.title.iter().cloned().collect();
            for row in &s.rows {
                n += 1;
                lines.push(match &row.description {
                    Some(d) => format!("{n}. {} – {d}", row.title),
                    None => format!("{n}. {}", row.title),
                });
            }
            lines.join("\n")
        })
        .collect();
    let sections = sections.join("\n\n");
    paragraphs([
        l.header.as_deref(),
        Some(l.body.as_str()),
        Some(sections.as_str()),
        l.footer.as_deref(),
    ])
}

/// The body, then the button's words and its link.
pub(super) fn cta_url(c: &CtaUrl) -> String {
    let link = format!("{}: {}", c.display_text, c.url);
    paragraphs([
        header_text(c.header.as_ref()),
        Some(c.body.as_str()),
        Some(link.as_str()),
        c.footer.as_deref(),
    ])
}
