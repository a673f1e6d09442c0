//! The template store: every WABA's templates in creation order, with the duplicate check and
//! the status changes reviews and the control API make.

use parking_lot::Mutex;
use serde_json::{Map, Value, json};

use super::TemplateSummary;
use super::validate::Checked;
use crate::config::{SandboxConfig, TemplateReview};
use crate::graph_error::GraphError;
use crate::ids;

/// One template.
#[derive(Debug, Clone)]
pub(crate) struct Template {
    pub id: String,
    /// Creation order, for cursors.
    pub seq: u64,
    pub waba_id: String,
    pub name: String,
    pub language: String,
    pub category: String,
    pub status: String,
    /// Set on rejection.
    pub rejected_reason: Option<String>,
    pub components: Value,
    /// Bumped by every edit, so a review of an older version does not decide the new one.
    pub revision: u64,
    /// The last quality score forced through the control API.
    pub quality: String,
    pub summary: TemplateSummary,
}

impl Template {
    /// The template object Graph answers.
    pub(crate) fn object(&self) -> Value {
        let mut o = Map::new();
        o.insert("name".into(), json!(self.name));
        o.insert(
            "parameter_format".into(),
            json!(self.summary.parameter_format),
        );
        o.insert("components".into(), self.components.clone());
        o.insert("language".into(), json!(self.language));
        o.insert("status".into(), json!(self.status));
        o.insert("category".into(), json!(self.category));
        if let Some(reason) = &self.rejected_reason {
            o.insert("rejected_reason".into(), json!(reason));
        }
        o.insert("id".into(), json!(self.id));
        Value::Object(o)
    }
}

/// Templates per WABA.
pub(crate) struct Templates {
    pub(super) review: TemplateReview,
    list: Mutex<(u64, Vec<Template>)>,
}

impl Templates {
    pub(crate) fn new(config: &SandboxConfig) -> Self {
        Self {
            review: config.whatsapp.templates.clone(),
            list: Mutex::new((0, Vec::new())),
        }
    }

    /// The template `name` in `language` on this WABA.
    pub(crate) fn lookup(
        &self,
        waba_id: &str,
        name: &str,
        language: &str,
    ) -> Option<TemplateSummary> {
        let list = self.list.lock();
        list.1
            .iter()
            .find(|t| t.waba_id == waba_id && t.name == name && t.language == language)
            .map(|t| {
                let mut summary = t.summary.clone();
                summary.id.clone_from(&t.id);
                summary.status.clone_from(&t.status);
                summary
            })
    }

    /// Adds a PENDING template; a name already used in this language is Meta's 100/2388023.
    pub(super) fn create(
        &self,
        waba_id: &str,
        name: String,
        language: String,
        category: String,
        checked: Checked,
    ) -> Result<Template, GraphError> {
        let mut list = self.list.lock();
        let taken = list
            .1
            .iter()
            .any(|t| t.waba_id == waba_id && t.name == name && t.language == language);
        if taken {
            let mut err = GraphError::invalid_parameter(format!(
                "Content in this language already exists: there is already {language} content \
                 for the template {name}. Create a new template, or edit the existing one."
            ));
            err.subcode = Some(2_388_023);
            return Err(err);
        }
        list.0 += 1;
        let template = Template {
            id: ids::numeric_id(),
            seq: list.0,
            waba_id: waba_id.to_owned(),
            name,
            language,
            category,
            status: "PENDING".to_owned(),
            rejected_reason: None,
            components: checked.components,
            revision: 0,
            quality: "UNKNOWN".to_owned(),
            summary: checked.summary,
        };
        list.1.push(template.clone());
        Ok(template)
    }

    pub(crate) fn by_id(&self, id: &str) -> Option<Template> {
        self.list.lock().1.iter().find(|t| t.id == id).cloned()
    }

    /// The WABA's templates after cursor `after_seq`, filtered, in creation order.
    pub(super) fn list(&self, waba_id: &str, keep: impl Fn(&Template) -> bool) -> Vec<Template> {
        let list = self.list.lock();
        list.1
            .iter()
            .filter(|t| t.waba_id == waba_id && keep(t))
            .cloned()
            .collect()
    }

    /// New components (and maybe category): back to PENDING for another review.
    pub(super) fn edit(
        &self,
        id: &str,
        checked: Checked,
        category: Option<String>,
    ) -> Option<Template> {
        let mut list = self.list.lock();
        let t = list.1.iter_mut().find(|t| t.id == id)?;
        t.components = checked.components;
        t.summary = checked.summary;
        if let Some(category) = category {
            t.summary.category.clone_from(&category);
            t.category = category;
        }
        t.status = "PENDING".to_owned();
        t.rejected_reason = None;
        t.revision += 1;
        Some(t.clone())
    }

    /// Sets a status; with `revision`, only if the template was not edited since.
    pub(super) fn set_status(
        &self,
        id: &str,
        status: &str,
        rejected_reason: Option<String>,
        revision: Option<u64>,
    ) -> Option<Template> {
        let mut list = self.list.lock();
        let t = list.1.iter_mut().find(|t| t.id == id)?;
        if revision.is_some_and(|r| r != t.revision || t.status != "PENDING") {
            return None;
        }
        t.status = status.to_owned();
        t.rejected_reason = rejected_reason;
        Some(t.clone())
    }

    /// Sets the quality score; answers the template and the score it had before.
    pub(super) fn set_quality(&self, id: &str, score: &str) -> Option<(Template, String)> {
        let mut list = self.list.lock();
        let t = list.1.iter_mut().find(|t| t.id == id)?;
        let previous = std::mem::replace(&mut t.quality, score.to_owned());
        Some((t.clone(), previous))
    }

    /// Deletes every language of `name` on the WABA, or only the one with `hsm_id`; answers how
    /// many were deleted.
    pub(super) fn delete(&self, waba_id: &str, name: &str, hsm_id: Option<&str>) -> usize {
        let mut list = self.list.lock();
        let before = list.1.len();
        list.1.retain(|t| {
            !(t.waba_id == waba_id && t.name == name && hsm_id.is_none_or(|h| t.id == h))
        });
        before - list.1.len()
    }
}
