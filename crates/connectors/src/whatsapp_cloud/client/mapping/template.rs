//! The `template` content kind: name, language and the parameters of each component, named
//! (`parameter_name`) or positional.

use switchboard_domain::content as domain;

use super::super::super::send::{
    ButtonSubType, Component, Currency, DateTime, Language, Parameter, ParameterValue, Template,
};
use super::media;

pub(super) fn template(t: &domain::Template) -> Option<Template> {
    let components = t
        .components
        .iter()
        .map(|c| {
            Some(match c {
                domain::TemplateComponent::Header { parameters } => Component::Header {
                    parameters: parameters.iter().map(parameter).collect::<Option<_>>()?,
                },
                domain::TemplateComponent::Body { parameters } => Component::Body {
                    parameters: parameters.iter().map(parameter).collect::<Option<_>>()?,
                },
                domain::TemplateComponent::Button {
                    sub_type,
                    index,
                    parameters,
                } => Component::Button {
                    sub_type: match sub_type {
                        domain::ButtonSubType::QuickReply => ButtonSubType::QuickReply,
                        domain::ButtonSubType::Url => ButtonSubType::Url,
                        domain::ButtonSubType::CopyCode => ButtonSubType::CopyCode,
                    },
                    index: index.to_string(),
                    parameters: parameters.iter().map(parameter).collect::<Option<_>>()?,
                },
            })
        })
        .collect::<Option<_>>()?;
    Some(Template {
        name: t.name.clone(),
        language: Language {
            code: t.language.clone(),
            policy: None,
        },
        components,
    })
}

fn parameter(p: &domain::TemplateParameter) -> Option<Parameter> {
    use domain::TemplateParameter as P;
    let (parameter_name, value) = match p {
        P::Text {
            text,
            parameter_name,
        } => (
            parameter_name.clone(),
            ParameterValue::Text { text: text.clone() },
        ),
        P::Currency {
            fallback_value,
            code,
            amount_1000,
        } => (
            None,
            ParameterValue::Currency {
                currency: Currency {
                    fallback_value: fallback_value.clone(),
                    code: code.clone(),
                    amount_1000: *amount_1000,
                },
            },
        ),
        P::DateTime { fallback_value } => (
            None,
            ParameterValue::DateTime {
                date_time: DateTime {
                    fallback_value: fallback_value.clone(),
                },
            },
        ),
        P::Image(m) => (None, ParameterValue::Image { image: media(m)? }),
        P::Video(m) => (None, ParameterValue::Video { video: media(m)? }),
        P::Document(m) => (
            None,
            ParameterValue::Document {
                document: media(m)?,
            },
        ),
        P::Payload { payload } => (
            None,
            ParameterValue::Payload {
                payload: payload.clone(),
            },
        ),
        P::CouponCode { coupon_code } => (
            None,
            ParameterValue::CouponCode {
                coupon_code: coupon_code.clone(),
            },
        ),
    };
    Some(Parameter {
        parameter_name,
        value,
    })
}
