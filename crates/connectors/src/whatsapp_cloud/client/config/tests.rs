//! URLs per style, escaping of ids, the BSP download host swap, and refused configs.

use super::*;

fn graph() -> Endpoints {
    Endpoints::new(&WhatsAppCloudConfig::graph(
        "http://h:1/",
        "109",
        "100",
        "t",
    ))
    .unwrap()
}

fn bsp() -> Endpoints {
    Endpoints::new(&WhatsAppCloudConfig::bsp(
        "https://bsp.test/api",
        "109",
        "k",
    ))
    .unwrap()
}

#[test]
fn graph_urls_carry_version_and_ids() {
    let e = graph();
    assert_eq!(e.messages().as_str(), "http://h:1/v21.0/109/messages");
    assert_eq!(e.media_upload().as_str(), "http://h:1/v21.0/109/media");
    assert_eq!(e.media("77").as_str(), "http://h:1/v21.0/77");
    assert_eq!(
        e.templates().unwrap().as_str(),
        "http://h:1/v21.0/100/message_templates"
    );
    assert_eq!(
        e.template_delete("order ready", Some("5"))
            .unwrap()
            .as_str(),
        "http://h:1/v21.0/100/message_templates?name=order+ready&hsm_id=5"
    );
}

#[test]
fn bsp_urls_hang_off_the_base() {
    let e = bsp();
    assert_eq!(e.messages().as_str(), "https://bsp.test/api/messages");
    assert_eq!(e.media("77").as_str(), "https://bsp.test/api/77");
    assert_eq!(
        e.template_delete("x", None).unwrap().as_str(),
        "https://bsp.test/api/v1/configs/templates/x"
    );
}

#[test]
fn ids_cannot_escape_their_path_segment() {
    let url = graph().media("../../109/messages?x=1");
    assert_eq!(url.path(), "/v21.0/..%2F..%2F109%2Fmessages%3Fx=1");
    assert!(url.query().is_none());
}

#[test]
fn bsp_downloads_are_fetched_from_the_bsp_host() {
    let url = bsp()
        .download("https://lookaside.test:8443/m/1?x=2")
        .unwrap();
    assert_eq!(url.as_str(), "https://bsp.test/m/1?x=2");
    let url = graph().download("https://lookaside.test/m/1").unwrap();
    assert_eq!(url.as_str(), "https://lookaside.test/m/1");
    assert!(graph().download("file:///etc/passwd").is_none());
    assert!(graph().download("not a url").is_none());
}

#[test]
fn bad_configs_are_refused() {
    let mut c = WhatsAppCloudConfig::graph("ftp://h", "1", "2", "t");
    assert!(matches!(Endpoints::new(&c), Err(ConfigError::BaseUrl(_))));
    c.base_url = "http://h".into();
    c.phone_number_id.clear();
    assert_eq!(
        Endpoints::new(&c).unwrap_err(),
        ConfigError::Empty("phone_number_id")
    );
}
