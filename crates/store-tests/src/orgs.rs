//! Organizations: create, read, rename, list, and the installation-wide name rule.

use std::sync::Arc;

use switchboard_domain::OrgId;
use switchboard_store::{Org, OrgSettings, PageRequest, Store};

use crate::fixtures::{assert_conflict, assert_not_found, name, new_org, none, org};

pub async fn org_create_get_rename(s: Arc<dyn Store>) {
    let o = org();
    s.create_org(&o, &none()).await.expect("create org");
    assert_eq!(
        s.get_org(o.id).await.expect("get org"),
        o,
        "org round-trips"
    );

    let renamed = name("Renamed Org");
    s.rename_org(o.id, &renamed, &none()).await.expect("rename");
    let got = s.get_org(o.id).await.expect("get renamed org");
    assert_eq!(
        got,
        Org {
            name: renamed.clone(),
            ..o.clone()
        },
        "only the name changed"
    );

    // A rename to the same name in another case is the org's own name, not a conflict with itself.
    s.rename_org(o.id, &name("RENAMED org"), &none())
        .await
        .expect("change the case of its own name");
    assert_eq!(
        s.get_org(o.id).await.expect("get").name.as_str(),
        "RENAMED org"
    );
}

pub async fn org_settings_start_off_and_change_alone(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    assert_eq!(o.settings, OrgSettings::default());
    assert!(
        !s.get_org(o.id)
            .await
            .expect("org")
            .settings
            .link_sms_and_whatsapp
    );
    let other = new_org(&*s).await;

    let on = OrgSettings {
        link_sms_and_whatsapp: true,
    };
    s.update_org_settings(o.id, &on, &none())
        .await
        .expect("settings");
    let got = s.get_org(o.id).await.expect("org");
    assert_eq!(
        got,
        Org {
            settings: on,
            ..o.clone()
        },
        "only the settings changed"
    );
    assert_eq!(
        s.get_org(other.id).await.expect("other").settings,
        OrgSettings::default(),
        "another organization keeps its own"
    );
    assert_not_found(
        s.update_org_settings(OrgId::new(), &on, &none()).await,
        "unknown org",
    );
}

pub async fn org_unknown_is_not_found(s: Arc<dyn Store>) {
    new_org(&*s).await;
    assert_not_found(s.get_org(OrgId::new()).await, "get unknown org");
    assert_not_found(
        s.rename_org(OrgId::new(), &name("Ghost"), &none()).await,
        "rename unknown org",
    );
}

pub async fn org_names_are_unique_case_insensitively(s: Arc<dyn Store>) {
    let mut a = org();
    a.name = name("Acme Corp");
    s.create_org(&a, &none()).await.expect("create Acme");

    let mut b = org();
    b.name = name("ACME corp");
    assert_conflict(
        s.create_org(&b, &none()).await,
        "org_name",
        "same name, other case",
    );
    assert_not_found(s.get_org(b.id).await, "the refused org was not written");

    let c = new_org(&*s).await;
    assert_conflict(
        s.rename_org(c.id, &name("acme CORP"), &none()).await,
        "org_name",
        "rename onto another org's name",
    );
    assert_eq!(
        s.get_org(c.id).await.expect("get c"),
        c,
        "refused rename changed nothing"
    );

    // The name is free again once its holder is renamed.
    s.rename_org(a.id, &name("Acme Holdings"), &none())
        .await
        .expect("rename Acme");
    s.create_org(&b, &none())
        .await
        .expect("the old name is free");
}

pub async fn org_list_pages_ascending_by_id(s: Arc<dyn Store>) {
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(new_org(&*s).await.id);
    }
    // Created in id order, but check against the sorted list so the fixture cannot mislead.
    ids.sort();

    let p1 = s.list_orgs(PageRequest::first(2)).await.expect("page 1");
    assert_eq!(p1.items.iter().map(|o| o.id).collect::<Vec<_>>(), ids[..2]);
    assert_eq!(p1.next, Some(ids[1].0), "next is the last id of the page");

    let p2 = s
        .list_orgs(PageRequest {
            after: p1.next,
            limit: 2,
        })
        .await
        .expect("page 2");
    assert_eq!(p2.items.iter().map(|o| o.id).collect::<Vec<_>>(), ids[2..4]);
    assert_eq!(p2.next, Some(ids[3].0));

    let p3 = s
        .list_orgs(PageRequest {
            after: p2.next,
            limit: 2,
        })
        .await
        .expect("page 3");
    assert_eq!(p3.items.iter().map(|o| o.id).collect::<Vec<_>>(), ids[4..]);
    assert_eq!(p3.next, None, "last page has no next");

    // Exactly `limit` rows left: still the last page.
    let all = s.list_orgs(PageRequest::first(5)).await.expect("all");
    assert_eq!(all.items.len(), 5);
    assert_eq!(all.next, None, "a full last page has no next");
}

pub async fn names_compare_case_insensitively_beyond_ascii(s: Arc<dyn Store>) {
    // Pairs that are one name in two cases: Latin with umlauts, Cyrillic, and Greek, whose
    // lower-case sigma is `ς` at the end of a word and `σ` elsewhere.
    let pairs = [
        ("Ärzte Nord", "ÄRZTE NORD"),
        ("Москва Тур", "МОСКВА ТУР"),
        ("ΟΔΟΣ", "οδος"),
    ];
    for (first, second) in pairs {
        let mut a = org();
        a.name = name(first);
        s.create_org(&a, &none()).await.expect("create org");
        let mut b = org();
        b.name = name(second);
        assert_conflict(
            s.create_org(&b, &none()).await,
            "org_name",
            &format!("org {second:?} after {first:?}"),
        );
        let t = crate::fixtures::team(a.id, first);
        s.create_team(&t, &none()).await.expect("create team");
        assert_conflict(
            s.create_team(&crate::fixtures::team(a.id, second), &none())
                .await,
            "team_name",
            &format!("team {second:?} after {first:?}"),
        );
    }
}
