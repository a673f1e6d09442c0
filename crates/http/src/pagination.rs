//! Cursor pagination: `?limit=1..200&cursor=<opaque>` in, `{"data": [...], "next_cursor": ...}`
//! out. The cursor is the last row's id, base64url-encoded so clients treat it as opaque.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use switchboard_store::{Page, PageRequest};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::ApiError;

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Rows per page, 1 to 200 (default 50).
    #[param(value_type = Option<u32>)]
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl PageParams {
    pub fn request(&self) -> Result<PageRequest, ApiError> {
        let limit = match self.limit.as_deref() {
            None => PageRequest::DEFAULT_LIMIT,
            Some(raw) => raw
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=PageRequest::MAX_LIMIT).contains(n))
                .ok_or_else(|| {
                    ApiError::validation(
                        "limit",
                        format!(
                            "`{raw}` is not a number from 1 to {}",
                            PageRequest::MAX_LIMIT
                        ),
                    )
                })?,
        };
        let after = match self.cursor.as_deref() {
            None | Some("") => None,
            Some(raw) => Some(decode_cursor(raw).ok_or_else(|| {
                ApiError::validation(
                    "cursor",
                    format!("`{raw}` is not a cursor this API gave out"),
                )
            })?),
        };
        Ok(PageRequest { after, limit })
    }
}

fn decode_cursor(raw: &str) -> Option<Uuid> {
    let bytes = URL_SAFE_NO_PAD.decode(raw).ok()?;
    Uuid::from_slice(&bytes).ok()
}

pub fn encode_cursor(id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(id.as_bytes())
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageOf<T: ToSchema> {
    pub data: Vec<T>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

impl<T: ToSchema> PageOf<T> {
    pub fn from_page<R>(page: Page<R>, view: impl Fn(R) -> T) -> Self {
        Self {
            data: page.items.into_iter().map(view).collect(),
            next_cursor: page.next.map(encode_cursor),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(limit: Option<&str>, cursor: Option<&str>) -> PageParams {
        PageParams {
            limit: limit.map(str::to_owned),
            cursor: cursor.map(str::to_owned),
        }
    }

    #[test]
    fn cursors_round_trip_and_bad_input_is_refused() {
        let id = Uuid::now_v7();
        let req = params(Some("10"), Some(&encode_cursor(id)))
            .request()
            .unwrap();
        assert_eq!(req.after, Some(id));
        assert_eq!(req.limit, 10);
        assert_eq!(params(None, None).request().unwrap().limit, 50);
        for (l, c) in [
            (Some("0"), None),
            (Some("201"), None),
            (Some("x"), None),
            (None, Some("!!")),
        ] {
            assert!(params(l, c).request().is_err(), "{l:?} {c:?}");
        }
    }
}
