//! Message templates (PRODUCT §7): linted before anything else, submitted to the provider
//! through the channel's connector, listed, synced back from the provider, deleted there and
//! here; their review arrives by webhook (applied by the ingest). A send or a preview checks its
//! parameters against the stored components with the same checker ([`fit`]).

mod provider;
mod sync;

use serde_json::json;
use switchboard_connectors::{Connector, SendError, TemplateManager};
use switchboard_domain::content::{Template as TemplateSend, TemplateComponent};
use switchboard_domain::templates::{
    Component, Finding, Rendered, TemplateSpec, TemplateStatus, fit, has_errors, lint,
};
use switchboard_domain::{ChannelId, Scope, TemplateId};
use switchboard_store::{Channel, Effects, Page, PageRequest, Template, TemplateFilter};

use crate::{Core, CoreError, CoreResult, Principal, audit};

pub use sync::Synced;

/// A created template and the linter's warnings (errors refuse the create).
#[derive(Debug, Clone)]
pub struct CreatedTemplate {
    pub template: Template,
    pub warnings: Vec<Finding>,
}

impl Core {
    /// The linter's findings, on demand; nothing is stored or sent.
    pub fn lint_template(&self, p: &Principal, spec: &TemplateSpec) -> CoreResult<Vec<Finding>> {
        p.require(Scope::TemplatesRead)?;
        Ok(lint(spec))
    }

    /// Lints `spec` (errors refuse it with `template_invalid`), stores it as a draft (claiming
    /// its name and language on the channel), submits it to the provider, and records it
    /// `pending` with the provider's id. A refused submission removes the draft again.
    pub async fn create_template(
        &self,
        p: &Principal,
        channel: ChannelId,
        spec: TemplateSpec,
    ) -> CoreResult<CreatedTemplate> {
        p.require(Scope::TemplatesManage)?;
        let channel = self.channel_for(p, channel).await?;
        let findings = lint(&spec);
        if has_errors(&findings) {
            return Err(CoreError::TemplateInvalid(findings));
        }
        let connector = self.connector(&channel).await?;
        let manager = managed(&channel, connector.as_ref())?;
        let now = switchboard_domain::now();
        let mut t = Template {
            id: TemplateId::new(),
            org_id: p.org(),
            channel_id: channel.id,
            name: spec.name.clone(),
            language: spec.language.clone(),
            category: spec.category,
            parameter_format: spec.parameter_format,
            components: serde_json::to_value(&spec.components).map_err(CoreError::internal)?,
            status: TemplateStatus::Draft,
            provider_template_id: None,
            rejection_reason: None,
            quality: None,
            created_at: now,
            updated_at: now,
        };
        self.store.create_template(&t, &Effects::none()).await?;
        let created = match manager
            .create_template(&provider::new_template(&spec))
            .await
        {
            Ok(c) => c,
            Err(e) => {
                self.store
                    .delete_template(t.org_id, t.id, &Effects::none())
                    .await?;
                return Err(submission_failed(e));
            }
        };
        t.provider_template_id = Some(created.id);
        // The provider may already have decided (a BSP answering APPROVED at once).
        t.status = match TemplateStatus::parse(&created.status) {
            Some(TemplateStatus::Draft) | None => TemplateStatus::Pending,
            Some(s) => s,
        };
        t.updated_at = switchboard_domain::now();
        let effects = audit::effects(
            p,
            "template.created",
            "template",
            t.id,
            json!({ "channel_id": t.channel_id, "name": t.name, "language": t.language }),
        );
        self.store.update_template(&t, &effects).await?;
        let warnings = findings;
        Ok(CreatedTemplate {
            template: t,
            warnings,
        })
    }

    pub async fn list_templates(
        &self,
        p: &Principal,
        mut filter: TemplateFilter,
        page: PageRequest,
    ) -> CoreResult<Page<Template>> {
        p.require(Scope::TemplatesRead)?;
        if !p.channel_ids().is_empty() {
            filter.only = Some(p.channel_ids().to_vec());
        }
        Ok(self.store.list_templates(p.org(), &filter, page).await?)
    }

    /// `NotFound` for other organizations' templates and channels the caller may not use.
    pub async fn get_template(&self, p: &Principal, id: TemplateId) -> CoreResult<Template> {
        p.require(Scope::TemplatesRead)?;
        let t = self.store.get_template(p.org(), id).await?;
        if !p.may_use_channel(t.channel_id) {
            return Err(CoreError::NotFound);
        }
        Ok(t)
    }

    /// Deletes the template at the provider (this language only, by its id), then here.
    pub async fn delete_template(&self, p: &Principal, id: TemplateId) -> CoreResult<()> {
        p.require(Scope::TemplatesManage)?;
        let t = self.get_template(p, id).await?;
        if let Some(provider_id) = &t.provider_template_id {
            let channel = self.channel_for(p, t.channel_id).await?;
            let connector = self.connector(&channel).await?;
            managed(&channel, connector.as_ref())?
                .delete_template(&t.name, Some(provider_id))
                .await
                .map_err(submission_failed)?;
        }
        let effects = audit::effects(
            p,
            "template.deleted",
            "template",
            t.id,
            json!({ "channel_id": t.channel_id, "name": t.name, "language": t.language }),
        );
        self.store.delete_template(p.org(), id, &effects).await?;
        Ok(())
    }

    /// The message `parameters` would make of template `id`; 422 naming each missing or extra
    /// parameter when they do not fit.
    pub async fn preview_template(
        &self,
        p: &Principal,
        id: TemplateId,
        parameters: &[TemplateComponent],
    ) -> CoreResult<Rendered> {
        let t = self.get_template(p, id).await?;
        let Some(spec) = spec_of(&t) else {
            return Err(CoreError::unprocessable(
                "template_unreadable",
                "id",
                "the provider's components of this template are not understood, so it cannot be previewed",
            ));
        };
        fit(&spec, parameters).map_err(CoreError::TemplateParameters)
    }

    /// Before a template send is queued: when the organization has the template (channel,
    /// name, language), it must be approved and the parameters must fit its components.
    /// Templates the hub does not know are left to the provider to judge.
    pub(crate) async fn check_template_send(
        &self,
        channel: &Channel,
        send: &TemplateSend,
    ) -> CoreResult<()> {
        let Some(t) = self
            .store
            .find_template(channel.org_id, channel.id, &send.name, &send.language)
            .await?
        else {
            return Ok(());
        };
        if t.status != TemplateStatus::Approved {
            return Err(CoreError::TemplateNotApproved {
                name: t.name,
                language: t.language,
                status: t.status,
            });
        }
        match spec_of(&t) {
            Some(spec) => fit(&spec, &send.components)
                .map(|_| ())
                .map_err(CoreError::TemplateParameters),
            None => Ok(()),
        }
    }
}

/// The stored template as a spec, when its components are in the hub's shape.
fn spec_of(t: &Template) -> Option<TemplateSpec> {
    let components: Vec<Component> = serde_json::from_value(t.components.clone()).ok()?;
    Some(TemplateSpec {
        name: t.name.clone(),
        language: t.language.clone(),
        category: t.category,
        parameter_format: t.parameter_format,
        components,
    })
}

/// The channel's template management; refused for protocols without it.
fn managed<'a>(channel: &Channel, c: &'a dyn Connector) -> CoreResult<&'a dyn TemplateManager> {
    c.templates().ok_or_else(|| {
        CoreError::unprocessable(
            "templates_unsupported",
            "channel_id",
            format!("`{}` channels have no message templates", channel.protocol),
        )
    })
}

fn submission_failed(e: SendError) -> CoreError {
    CoreError::TemplateProvider {
        code: e.code,
        message: e.provider_text,
    }
}
