//! Who is calling: the Graph API's Bearer token against the account owning the object in the
//! path, or the BSP (360dialog-style) `D360-API-KEY` header that names the number by itself.

use std::sync::Arc;

use axum::http::HeaderMap;
use subtle::ConstantTimeEq as _;

use crate::config::WhatsAppAccount;
use crate::graph_error::GraphError;
use crate::state::AppState;

/// The BSP-style API key header.
pub(crate) const API_KEY_HEADER: &str = "D360-API-KEY";

/// Which kind of object a Graph path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Object {
    /// `/{phone-number-id}/…`
    PhoneNumber,
    /// `/{waba-id}/…`
    Waba,
}

impl AppState {
    /// The account of the number with this id.
    pub(crate) fn account_by_number(&self, phone_number_id: &str) -> Option<Arc<WhatsAppAccount>> {
        self.accounts
            .read()
            .iter()
            .find(|a| a.phone_number_id == phone_number_id)
            .cloned()
    }

    /// Checks a Graph call on `object_id`: the Bearer token must be one of the sandbox's tokens
    /// (else 190, 401), and an account reached by that token must own the object (else 100/33).
    /// For a WABA the first of its numbers the token reaches is returned.
    pub(crate) fn authenticate_graph(
        &self,
        headers: &HeaderMap,
        object: Object,
        object_id: &str,
        method: &str,
    ) -> Result<Arc<WhatsAppAccount>, GraphError> {
        let token = bearer(headers).ok_or_else(GraphError::bad_token)?;
        let accounts = self.accounts.read();
        let holds = |a: &Arc<WhatsAppAccount>| {
            bool::from(a.access_token.as_bytes().ct_eq(token.as_bytes()))
        };
        if !accounts.iter().any(holds) {
            return Err(GraphError::bad_token());
        }
        accounts
            .iter()
            .filter(|a| holds(a))
            .find(|a| match object {
                Object::PhoneNumber => a.phone_number_id == object_id,
                Object::Waba => a.waba_id == object_id,
            })
            .cloned()
            .ok_or_else(|| GraphError::unknown_object(object_id, method))
    }

    /// Checks a BSP-style call: `D360-API-KEY` must be an account's key, which names the number.
    pub(crate) fn authenticate_bsp(
        &self,
        headers: &HeaderMap,
    ) -> Result<Arc<WhatsAppAccount>, GraphError> {
        let key = headers
            .get(API_KEY_HEADER)
            .and_then(|v| v.to_str().ok())
            .filter(|k| !k.is_empty())
            .ok_or_else(GraphError::bad_token)?;
        self.accounts
            .read()
            .iter()
            .find(|a| {
                a.api_key
                    .as_deref()
                    .is_some_and(|k| bool::from(k.as_bytes().ct_eq(key.as_bytes())))
            })
            .cloned()
            .ok_or_else(GraphError::bad_token)
    }

    /// Either style: a `D360-API-KEY` header means BSP, anything else is checked as Graph.
    /// Object-less BSP paths (`/messages`, `/media`) pass `None`.
    pub(crate) fn authenticate(
        &self,
        headers: &HeaderMap,
        object: Object,
        object_id: Option<&str>,
        method: &str,
    ) -> Result<Arc<WhatsAppAccount>, GraphError> {
        match object_id {
            Some(id) if !headers.contains_key(API_KEY_HEADER) => {
                self.authenticate_graph(headers, object, id, method)
            }
            _ => self.authenticate_bsp(headers),
        }
    }
}

/// The token of `Authorization: Bearer <token>` (scheme case-insensitive).
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Checks the `{version}` path segment: `v` then digits, a dot, digits (e.g. `v21.0`).
pub(crate) fn check_version(version: &str) -> Result<(), GraphError> {
    let ok = version.strip_prefix('v').is_some_and(|rest| {
        rest.split_once('.').is_some_and(|(major, minor)| {
            !major.is_empty()
                && !minor.is_empty()
                && major.bytes().all(|b| b.is_ascii_digit())
                && minor.bytes().all(|b| b.is_ascii_digit())
        })
    });
    if ok {
        Ok(())
    } else {
        Err(GraphError::invalid_parameter(format!(
            "Unknown path components: /{version}"
        )))
    }
}
