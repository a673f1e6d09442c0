//! Interactive and template send bodies serialise to exactly the JSON of PROVIDERS §1.2–1.3.

use serde_json::json;
use switchboard_connectors::whatsapp_cloud::send::*;

fn wire(request: &SendRequest) -> serde_json::Value {
    let value = serde_json::to_value(request).unwrap();
    let back: SendRequest = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(&back, request, "the JSON reads back into the same request");
    value
}

fn text(t: &str) -> InteractiveText {
    InteractiveText { text: t.into() }
}

#[test]
fn reply_buttons() {
    let interactive = Interactive::Button {
        header: Some(Header::Text {
            text: "Delivery".into(),
        }),
        body: text("When should we deliver?"),
        footer: Some(text("Reply with a button")),
        action: ButtonAction {
            buttons: vec![
                ReplyButton::reply("slot_am", "Morning"),
                ReplyButton::reply("slot_pm", "Afternoon"),
            ],
        },
    };
    let request = SendRequest::new("447700900123", MessageBody::Interactive { interactive });
    assert_eq!(
        wire(&request),
        json!({"messaging_product":"whatsapp","to":"447700900123","type":"interactive",
 "interactive":{"type":"button",
  "header":{"type":"text","text":"Delivery"},
  "body":{"text":"When should we deliver?"},
  "footer":{"text":"Reply with a button"},
  "action":{"buttons":[
    {"type":"reply","reply":{"id":"slot_am","title":"Morning"}},
    {"type":"reply","reply":{"id":"slot_pm","title":"Afternoon"}}]}}})
    );
}

#[test]
fn list() {
    let interactive = Interactive::List {
        header: None,
        body: text("Pick a topic"),
        footer: None,
        action: ListAction {
            button: "Topics".into(),
            sections: vec![ListSection {
                title: Some("Orders".into()),
                rows: vec![ListRow {
                    id: "ord_status".into(),
                    title: "Order status".into(),
                    description: Some("Where is my parcel?".into()),
                }],
            }],
        },
    };
    let request = SendRequest::new("447700900123", MessageBody::Interactive { interactive });
    assert_eq!(
        wire(&request),
        json!({"messaging_product":"whatsapp","to":"447700900123","type":"interactive",
 "interactive":{"type":"list","body":{"text":"Pick a topic"},
  "action":{"button":"Topics","sections":[
    {"title":"Orders","rows":[{"id":"ord_status","title":"Order status","description":"Where is my parcel?"}]}]}}})
    );
}

#[test]
fn cta_url() {
    let interactive = Interactive::CtaUrl {
        header: None,
        body: text("Track your parcel."),
        footer: None,
        action: CtaUrlAction::new("Track", "https://example.com/t/7"),
    };
    let request = SendRequest::new("447700900123", MessageBody::Interactive { interactive });
    assert_eq!(
        wire(&request)["interactive"],
        json!({"type":"cta_url","body":{"text":"Track your parcel."},"action":{"name":"cta_url","parameters":{"display_text":"Track","url":"https://example.com/t/7"}}})
    );
}

#[test]
fn image_header() {
    let interactive = Interactive::Button {
        header: Some(Header::Image {
            image: Media::new(MediaSource::Link("https://files.example.com/p.jpg".into())),
        }),
        body: text("Like it?"),
        footer: None,
        action: ButtonAction {
            buttons: vec![ReplyButton::reply("yes", "Yes")],
        },
    };
    let request = SendRequest::new("447700900123", MessageBody::Interactive { interactive });
    assert_eq!(
        wire(&request)["interactive"]["header"],
        json!({"type":"image","image":{"link":"https://files.example.com/p.jpg"}})
    );
}

fn order_ready() -> Template {
    Template {
        name: "order_ready".into(),
        language: Language {
            code: "en_GB".into(),
            policy: None,
        },
        components: vec![
            Component::Header {
                parameters: vec![Parameter {
                    parameter_name: None,
                    value: ParameterValue::Image {
                        image: Media::new(MediaSource::Link(
                            "https://files.example.com/p.jpg".into(),
                        )),
                    },
                }],
            },
            Component::Body {
                parameters: vec![Parameter::text("Ada"), Parameter::text("7")],
            },
            Component::Button {
                sub_type: ButtonSubType::Url,
                index: "0".into(),
                parameters: vec![Parameter::text("7")],
            },
            Component::Button {
                sub_type: ButtonSubType::QuickReply,
                index: "1".into(),
                parameters: vec![Parameter {
                    parameter_name: None,
                    value: ParameterValue::Payload {
                        payload: "STOP_PROMOS".into(),
                    },
                }],
            },
        ],
    }
}

#[test]
fn template_with_components() {
    let request = SendRequest::new(
        "447700900123",
        MessageBody::Template {
            template: order_ready(),
        },
    );
    assert_eq!(
        wire(&request),
        json!({"messaging_product":"whatsapp","to":"447700900123","type":"template",
 "template":{"name":"order_ready","language":{"code":"en_GB"},
  "components":[
   {"type":"header","parameters":[{"type":"image","image":{"link":"https://files.example.com/p.jpg"}}]},
   {"type":"body","parameters":[{"type":"text","text":"Ada"},{"type":"text","text":"7"}]},
   {"type":"button","sub_type":"url","index":"0","parameters":[{"type":"text","text":"7"}]},
   {"type":"button","sub_type":"quick_reply","index":"1","parameters":[{"type":"payload","payload":"STOP_PROMOS"}]}]}})
    );
}

#[test]
fn named_parameters_and_coupon_code() {
    let named = Parameter {
        parameter_name: Some("first_name".into()),
        value: ParameterValue::Text { text: "Ada".into() },
    };
    assert_eq!(
        serde_json::to_value(&named).unwrap(),
        json!({"type":"text","text":"Ada","parameter_name":"first_name"})
    );
    let coupon = Parameter {
        parameter_name: None,
        value: ParameterValue::CouponCode {
            coupon_code: "SAVE10".into(),
        },
    };
    assert_eq!(
        serde_json::to_value(&coupon).unwrap(),
        json!({"type":"coupon_code","coupon_code":"SAVE10"})
    );
}

#[test]
fn template_components_accept_upper_case_and_numeric_index() {
    let component: Component = serde_json::from_value(json!(
        {"type":"BUTTON","sub_type":"QUICK_REPLY","index":1,"parameters":[{"type":"payload","payload":"P"}]}
    ))
    .unwrap();
    let Component::Button {
        sub_type, index, ..
    } = component
    else {
        panic!("a button component");
    };
    assert_eq!((sub_type, index.as_str()), (ButtonSubType::QuickReply, "1"));
}
