//! The tenant-isolation replay (see `docs/tenant-isolation.md`). Every request a test makes as its
//! organization's owner is recorded; `assert_tenant_isolation()` replays each successful one with
//! another organization's owner key and checks that it sees nothing: a path naming one of the first
//! organization's ids answers 404 `not_found`, a listing shows none of its ids, and afterwards every
//! read of the first organization answers exactly as before (nothing of it changed).

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::Value;
use uuid::Uuid;

use crate::{Auth, TestApp};

/// One request made as the test organization's owner, and its answer.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: Method,
    pub path: String,
    pub body: Option<Value>,
    pub status: u16,
    pub response: Value,
}

impl TestApp {
    pub(crate) fn record(&self, r: Recorded) {
        self.recorded.lock().push(r);
    }

    /// Replays every recorded request as another organization; see the module docs.
    /// Creating requests on collections (`POST /v1/teams`) are not replayed: they only add to the
    /// other organization, which the reads replayed before and after would not notice anyway.
    pub async fn assert_tenant_isolation(&self) {
        let recorded: Vec<Recorded> = self.recorded.lock().clone();
        let replayable: Vec<&Recorded> = recorded
            .iter()
            .filter(|r| (200..300).contains(&r.status) && !r.path.starts_with("/v1/auth/"))
            .collect();
        assert!(
            !replayable.is_empty(),
            "the test recorded no successful request to replay"
        );
        let mut ours: BTreeSet<String> = BTreeSet::new();
        ours.insert(self.org.id.to_string());
        for r in &recorded {
            collect_ids(&r.response, &mut ours);
            ours.extend(path_ids(&r.path));
        }
        let reads: Vec<String> = replayable
            .iter()
            .filter(|r| r.method == Method::GET)
            .map(|r| r.path.clone())
            .collect();
        let before = self.snapshot(&reads).await;
        let other = self.other_org().await.key.clone();
        let mut replayed = 0;
        for r in &replayable {
            let names_ours = path_ids(&r.path).iter().any(|id| ours.contains(id));
            if !names_ours && r.method != Method::GET {
                continue;
            }
            let mut call = self
                .call(r.method.clone(), &r.path)
                .auth(Auth::Bearer(other.clone()));
            if let Some(body) = &r.body {
                call = call.json(body.clone());
            }
            let res = call.send().await;
            replayed += 1;
            if names_ours {
                assert_eq!(
                    (res.status, res.json["code"].as_str()),
                    (404, Some("not_found")),
                    "{} {} as another organization must answer 404 not_found, got: {}",
                    r.method,
                    r.path,
                    res.text
                );
            } else {
                assert!(
                    (200..300).contains(&res.status),
                    "{} {} as another organization: {}",
                    r.method,
                    r.path,
                    res.text
                );
                let mut seen = BTreeSet::new();
                collect_ids(&res.json, &mut seen);
                let leaked: Vec<_> = seen.intersection(&ours).collect();
                assert!(
                    leaked.is_empty(),
                    "{} {} showed another organization ids {leaked:?}: {}",
                    r.method,
                    r.path,
                    res.text
                );
            }
        }
        assert!(replayed > 0, "nothing was replayed");
        let after = self.snapshot(&reads).await;
        assert_eq!(
            before, after,
            "the organization's data changed during the replay"
        );
    }

    /// Reads `paths` as the owner (unrecorded), without per-request bookkeeping fields.
    async fn snapshot(&self, paths: &[String]) -> Vec<(String, u16, Value)> {
        let mut out = Vec::new();
        for p in paths {
            let res = self
                .call(Method::GET, p)
                .auth(Auth::Bearer(self.org.key.clone()))
                .send()
                .await;
            let mut json = res.json;
            strip_volatile(&mut json);
            out.push((p.clone(), res.status, json));
        }
        out
    }
}

/// Every string in `v` that is a UUID.
fn collect_ids(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::String(s) => {
            if let Ok(id) = s.parse::<Uuid>() {
                out.insert(id.to_string());
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_ids(x, out)),
        Value::Object(o) => o.values().for_each(|x| collect_ids(x, out)),
        _ => {}
    }
}

/// Ids in the path proper; ids in the query string are filters of a listing, which answers an
/// empty list rather than 404.
fn path_ids(path: &str) -> Vec<String> {
    let path = path.split('?').next().unwrap_or_default();
    path.split('/')
        .filter_map(|seg| seg.parse::<Uuid>().ok())
        .map(|id| id.to_string())
        .collect()
}

/// Fields that change by merely reading (a key's last use, a signed link), which the replay must
/// not count.
fn strip_volatile(v: &mut Value) {
    match v {
        Value::Array(a) => a.iter_mut().for_each(strip_volatile),
        Value::Object(o) => {
            o.remove("last_used_at");
            o.remove("last_used_ip");
            // Signed media links are made fresh on every read.
            o.remove("url");
            o.remove("url_expires_at");
            o.values_mut().for_each(strip_volatile);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_found_in_paths_and_bodies() {
        let id = Uuid::now_v7();
        assert_eq!(
            path_ids(&format!("/v1/teams/{id}/members")),
            vec![id.to_string()]
        );
        let mut seen = BTreeSet::new();
        collect_ids(
            &serde_json::json!({ "data": [{ "id": id.to_string(), "name": "x" }] }),
            &mut seen,
        );
        assert!(seen.contains(&id.to_string()));
    }
}
