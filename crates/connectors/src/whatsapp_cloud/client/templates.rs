//! Template management on the WhatsApp Business Account (PROVIDERS §1.3): list with paging,
//! create with examples, delete by name (and id). The Graph style works on
//! `/{waba-id}/message_templates`; the BSP style on `/v1/configs/templates`.

use async_trait::async_trait;
use http::Method;
use serde_json::{Value, json};

use super::{ApiStyle, WhatsAppCloud, call, expect_success};
use crate::outbound::{SendAction, SendError};
use crate::templates::{
    ButtonSpec, ComponentSpec, CreatedTemplate, Examples, MediaHeaderFormat, NewTemplate,
    ParameterFormat, TemplateInfo, TemplateManager, TemplatePage,
};

/// The fields a listing asks for: everything the hub shows and checks sends against.
const LIST_FIELDS: &str =
    "id,name,language,status,category,parameter_format,components,rejected_reason";

#[async_trait]
impl TemplateManager for WhatsAppCloud {
    async fn list_templates(
        &self,
        limit: u32,
        after: Option<&str>,
    ) -> Result<TemplatePage, SendError> {
        let mut url = self.endpoints.templates().map_err(config_error)?;
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("limit", &limit.max(1).to_string());
            match self.endpoints.style() {
                ApiStyle::Graph => {
                    q.append_pair("fields", LIST_FIELDS);
                    if let Some(after) = after {
                        q.append_pair("after", after);
                    }
                }
                // 360dialog pages by offset; our cursor is that offset.
                ApiStyle::Bsp => {
                    q.append_pair("offset", after.unwrap_or("0"));
                }
            }
        }
        let answer = call::exchange(self.request(Method::GET, url), call::MAX_JSON_BODY).await?;
        let body: Value = call::decode(&answer)?;
        // Graph lists under `data`; 360dialog-style BSPs under `waba_templates`.
        let items = body
            .get("data")
            .or_else(|| body.get("waba_templates"))
            .and_then(Value::as_array)
            .ok_or_else(|| {
                SendError::local(SendAction::Retry, call::BAD_RESPONSE, "no template list")
                    .with_body(answer.status, &answer.body)
            })?;
        let templates = items.iter().filter_map(template_info).collect();
        let next_cursor = next_cursor(&body, items.len());
        Ok(TemplatePage {
            templates,
            next_cursor,
        })
    }

    async fn create_template(&self, template: &NewTemplate) -> Result<CreatedTemplate, SendError> {
        let url = self.endpoints.templates().map_err(config_error)?;
        let request = self.request(Method::POST, url).json(&create_body(template));
        let answer = call::exchange(request, call::MAX_JSON_BODY).await?;
        let body: Value = call::decode(&answer)?;
        let id = string(body.get("id")).ok_or_else(|| {
            SendError::local(
                SendAction::Retry,
                call::BAD_RESPONSE,
                "created without an id",
            )
            .with_body(answer.status, &answer.body)
        })?;
        Ok(CreatedTemplate {
            id,
            status: string(body.get("status")).unwrap_or_else(|| "PENDING".to_owned()),
            category: string(body.get("category"))
                .unwrap_or_else(|| template.category.as_str().to_owned()),
        })
    }

    async fn delete_template(&self, name: &str, id: Option<&str>) -> Result<(), SendError> {
        let url = self
            .endpoints
            .template_delete(name, id)
            .map_err(config_error)?;
        expect_success(self.request(Method::DELETE, url)).await
    }
}

/// Graph gives `paging.next` only when there is a next page, and the cursor is `after`; a BSP
/// gives `offset` and `total`, and the next page starts where this one ends.
fn next_cursor(body: &Value, page_len: usize) -> Option<String> {
    if let Some(paging) = body.get("paging") {
        return paging
            .get("next")
            .filter(|n| !n.is_null())
            .and(paging.pointer("/cursors/after"))
            .and_then(Value::as_str)
            .map(str::to_owned);
    }
    let offset = body.get("offset").and_then(Value::as_u64)?;
    let total = body.get("total").and_then(Value::as_u64)?;
    let next = offset.saturating_add(page_len as u64);
    (page_len > 0 && next < total).then(|| next.to_string())
}

fn config_error(e: super::ConfigError) -> SendError {
    SendError::local(SendAction::Rejected, "channel_misconfigured", e.to_string())
}

/// A string field; Graph writes some ids as numbers.
fn string(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// One listed template; an entry without id, name or status is skipped (it cannot be used).
fn template_info(v: &Value) -> Option<TemplateInfo> {
    Some(TemplateInfo {
        id: string(v.get("id"))?,
        name: string(v.get("name"))?,
        language: string(v.get("language")).unwrap_or_default(),
        status: string(v.get("status"))?,
        category: string(v.get("category")),
        parameter_format: string(v.get("parameter_format")),
        rejected_reason: string(v.get("rejected_reason")).filter(|r| r != "NONE"),
        components: v.get("components").cloned().unwrap_or(Value::Null),
    })
}

/// The create body in Meta's format.
pub(super) fn create_body(t: &NewTemplate) -> Value {
    json!({
        "name": t.name,
        "language": t.language,
        "category": t.category.as_str(),
        "parameter_format": match t.parameter_format {
            ParameterFormat::Positional => "POSITIONAL",
            ParameterFormat::Named => "NAMED",
        },
        "components": t.components.iter().map(component).collect::<Vec<_>>(),
    })
}

fn component(c: &ComponentSpec) -> Value {
    match c {
        ComponentSpec::TextHeader { text, example } => {
            let mut v = json!({"type": "HEADER", "format": "TEXT", "text": text});
            if let Some(e) = example {
                v["example"] = match e {
                    Examples::Positional(values) => json!({"header_text": values}),
                    Examples::Named(pairs) => json!({"header_text_named_params": named(pairs)}),
                };
            }
            v
        }
        ComponentSpec::MediaHeader {
            format,
            example_handle,
        } => {
            let format = match format {
                MediaHeaderFormat::Image => "IMAGE",
                MediaHeaderFormat::Video => "VIDEO",
                MediaHeaderFormat::Document => "DOCUMENT",
            };
            let mut v = json!({"type": "HEADER", "format": format});
            if let Some(handle) = example_handle {
                v["example"] = json!({"header_handle": [handle]});
            }
            v
        }
        ComponentSpec::LocationHeader => json!({"type": "HEADER", "format": "LOCATION"}),
        ComponentSpec::Body { text, example } => {
            let mut v = json!({"type": "BODY", "text": text});
            if let Some(e) = example {
                v["example"] = match e {
                    // One list per example set; Meta takes a list of lists.
                    Examples::Positional(values) => json!({"body_text": [values]}),
                    Examples::Named(pairs) => json!({"body_text_named_params": named(pairs)}),
                };
            }
            v
        }
        ComponentSpec::Footer { text } => json!({"type": "FOOTER", "text": text}),
        ComponentSpec::Buttons(buttons) => json!({
            "type": "BUTTONS",
            "buttons": buttons.iter().map(button).collect::<Vec<_>>(),
        }),
    }
}

fn named(pairs: &[(String, String)]) -> Vec<Value> {
    pairs
        .iter()
        .map(|(name, example)| json!({"param_name": name, "example": example}))
        .collect()
}

fn button(b: &ButtonSpec) -> Value {
    match b {
        ButtonSpec::QuickReply { text } => json!({"type": "QUICK_REPLY", "text": text}),
        ButtonSpec::Url { text, url, example } => {
            let mut v = json!({"type": "URL", "text": text, "url": url});
            if let Some(e) = example {
                v["example"] = json!([e]);
            }
            v
        }
        ButtonSpec::PhoneNumber { text, phone_number } => {
            json!({"type": "PHONE_NUMBER", "text": text, "phone_number": phone_number})
        }
        ButtonSpec::CopyCode { example } => json!({"type": "COPY_CODE", "example": example}),
        ButtonSpec::Otp { otp_type, text } => {
            let mut v = json!({"type": "OTP", "otp_type": otp_type});
            if let Some(t) = text {
                v["text"] = json!(t);
            }
            v
        }
    }
}

#[cfg(test)]
mod tests;
