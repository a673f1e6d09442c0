//! How to reach one WhatsApp number: the API host and style (Meta's Graph API or a BSP that speaks
//! the Cloud API format behind its own host, 360dialog style), credentials, and the URLs built
//! from them. Also the shared HTTP client every connector uses.

use std::time::Duration;

use switchboard_domain::Secret;
use url::Url;

/// Meta's current stable Graph API version when this was written.
pub const DEFAULT_API_VERSION: &str = "v21.0";
/// 360dialog's header name for its API key.
pub const DEFAULT_BSP_KEY_HEADER: &str = "D360-API-KEY";

/// Connecting to a healthy provider takes milliseconds; five seconds means it is down, and the
/// job is better retried than left hanging.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Whole-request cap: sends answer in well under a second, but media up to 100 MB needs time.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Keep idle connections a while so bursts of sends reuse TLS sessions.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// The one outbound HTTP client the hub shares between all connectors: rustls, timeouts and
/// connection pooling. Redirects are not followed: a BSP's API key travels in a custom header,
/// which a redirect to another host would carry along, and provider APIs do not redirect.
pub fn http_client() -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .use_rustls_tls()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .pool_idle_timeout(POOL_IDLE_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
}

/// Which URL layout and auth the API behind `base_url` uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiStyle {
    /// Meta: `{base}/{version}/{phone_number_id}/messages`, templates on the WABA.
    Graph,
    /// A BSP: `{base}/messages`, `{base}/media`, templates at `{base}/v1/configs/templates`.
    Bsp,
}

/// The credential sent with every request.
#[derive(Debug, Clone)]
pub enum Auth {
    /// `Authorization: Bearer {token}` (Meta).
    Bearer(Secret),
    /// `{header}: {key}` (a BSP's API key).
    ApiKey {
        /// The header name, e.g. `D360-API-KEY`.
        header: String,
        /// The key.
        key: Secret,
    },
}

/// Everything needed to talk to one WhatsApp number.
#[derive(Debug, Clone)]
pub struct WhatsAppCloudConfig {
    /// `https://graph.facebook.com`-like root, or the BSP's root, or the sandbox's.
    pub base_url: String,
    /// Graph style only, e.g. `v21.0`.
    pub api_version: String,
    /// The number's Graph id.
    pub phone_number_id: String,
    /// The business account id, needed for templates in the Graph style.
    pub waba_id: Option<String>,
    /// The credential.
    pub auth: Auth,
    /// Signs inbound webhooks (`X-Hub-Signature-256`).
    pub app_secret: Secret,
    /// The token of the GET verification handshake.
    pub verify_token: Secret,
    /// The URL layout.
    pub style: ApiStyle,
}

impl WhatsAppCloudConfig {
    /// Meta's Graph API with a Bearer token and the default API version.
    pub fn graph(
        base_url: impl Into<String>,
        phone_number_id: impl Into<String>,
        waba_id: impl Into<String>,
        access_token: impl Into<String>,
    ) -> Self {
        Self {
            base_url: base_url.into(),
            api_version: DEFAULT_API_VERSION.to_owned(),
            phone_number_id: phone_number_id.into(),
            waba_id: Some(waba_id.into()),
            auth: Auth::Bearer(Secret::new(access_token.into())),
            app_secret: Secret::new(String::new()),
            verify_token: Secret::new(String::new()),
            style: ApiStyle::Graph,
        }
    }

    /// A 360dialog-style BSP with its API key in `D360-API-KEY`.
    pub fn bsp(
        base_url: impl Into<String>,
        phone_number_id: impl Into<String>,
        api_key: impl Into<String>,
    ) -> Self {
        Self {
            base_url: base_url.into(),
            api_version: DEFAULT_API_VERSION.to_owned(),
            phone_number_id: phone_number_id.into(),
            waba_id: None,
            auth: Auth::ApiKey {
                header: DEFAULT_BSP_KEY_HEADER.to_owned(),
                key: Secret::new(api_key.into()),
            },
            app_secret: Secret::new(String::new()),
            verify_token: Secret::new(String::new()),
            style: ApiStyle::Bsp,
        }
    }

    /// Sets the webhook secrets (app secret and verify token).
    pub fn with_webhook_secrets(
        mut self,
        app_secret: impl Into<String>,
        verify_token: impl Into<String>,
    ) -> Self {
        self.app_secret = Secret::new(app_secret.into());
        self.verify_token = Secret::new(verify_token.into());
        self
    }
}

/// Why a configuration cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The base URL does not parse or is not http(s).
    #[error("base_url {0:?} is not an http(s) URL")]
    BaseUrl(String),
    /// An auth header name or value that HTTP cannot carry.
    #[error("the auth header cannot be sent: {0}")]
    AuthHeader(String),
    /// An empty id where one is needed.
    #[error("{0} is empty")]
    Empty(&'static str),
}

/// The URLs of one configured number, with ids escaped as path segments (a media id from a
/// webhook must never be able to climb to another endpoint).
#[derive(Debug, Clone)]
pub(crate) struct Endpoints {
    base: Url,
    style: ApiStyle,
    version: String,
    phone_number_id: String,
    waba_id: Option<String>,
}

impl Endpoints {
    pub(crate) fn new(config: &WhatsAppCloudConfig) -> Result<Self, ConfigError> {
        let base = Url::parse(&config.base_url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
            .ok_or_else(|| ConfigError::BaseUrl(config.base_url.clone()))?;
        if config.phone_number_id.is_empty() {
            return Err(ConfigError::Empty("phone_number_id"));
        }
        Ok(Self {
            base,
            style: config.style,
            version: config.api_version.clone(),
            phone_number_id: config.phone_number_id.clone(),
            waba_id: config.waba_id.clone().filter(|w| !w.is_empty()),
        })
    }

    /// `{base}[/{version}]/{segments…}`: the version prefix only in the Graph style.
    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty();
            if self.style == ApiStyle::Graph {
                path.push(&self.version);
            }
            path.extend(segments);
        }
        url
    }

    /// The URL layout in use.
    pub(crate) fn style(&self) -> ApiStyle {
        self.style
    }

    /// Where sends, mark-read and typing go.
    pub(crate) fn messages(&self) -> Url {
        match self.style {
            ApiStyle::Graph => self.url(&[&self.phone_number_id, "messages"]),
            ApiStyle::Bsp => self.url(&["messages"]),
        }
    }

    /// Where uploads go.
    pub(crate) fn media_upload(&self) -> Url {
        match self.style {
            ApiStyle::Graph => self.url(&[&self.phone_number_id, "media"]),
            ApiStyle::Bsp => self.url(&["media"]),
        }
    }

    /// `GET` (lookup) and `DELETE` of one media id.
    pub(crate) fn media(&self, media_id: &str) -> Url {
        self.url(&[media_id])
    }

    /// Where templates are listed and created.
    pub(crate) fn templates(&self) -> Result<Url, ConfigError> {
        match self.style {
            ApiStyle::Graph => {
                let waba = self
                    .waba_id
                    .as_deref()
                    .ok_or(ConfigError::Empty("waba_id"))?;
                Ok(self.url(&[waba, "message_templates"]))
            }
            ApiStyle::Bsp => Ok(self.url(&["v1", "configs", "templates"])),
        }
    }

    /// Where one template is deleted: by query on the WABA (Graph), by path (BSP).
    pub(crate) fn template_delete(&self, name: &str, id: Option<&str>) -> Result<Url, ConfigError> {
        match self.style {
            ApiStyle::Graph => {
                let mut url = self.templates()?;
                url.query_pairs_mut().append_pair("name", name);
                if let Some(id) = id {
                    url.query_pairs_mut().append_pair("hsm_id", id);
                }
                Ok(url)
            }
            ApiStyle::Bsp => Ok(self.url(&["v1", "configs", "templates", name])),
        }
    }

    /// The URL a media download is fetched from. A BSP hands out its upstream's URL but serves the
    /// file itself, so its scheme, host and port are replaced with the base URL's.
    pub(crate) fn download(&self, provider_url: &str) -> Option<Url> {
        let mut url = Url::parse(provider_url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.has_host())?;
        if self.style == ApiStyle::Bsp {
            url.set_scheme(self.base.scheme()).ok()?;
            url.set_host(self.base.host_str()).ok()?;
            url.set_port(self.base.port()).ok()?;
        }
        Some(url)
    }
}

#[cfg(test)]
mod tests;
