//! The client of Atlas's API that the rest of tether uses: its settings,
//! the URLs of one API generation, pagination, and the shared transport.
//! The endpoints it calls are in `endpoints`; how a request is sent, in
//! `transport`.

use reqwest::{Method, StatusCode, Url};
use serde_json::Value;

use super::answer::Answer;
use super::credentials::{CredentialKind, Credentials};
use super::error::ApiError;
use super::listing::Listing;
use super::origin::CredentialSource;
use super::pacing::PacingStats;
use super::request::Request;
use super::server_text::{MAX_SHOWN_BYTES, server_text};
use super::settings::ClientSettings;
use super::transport::Transport;
use super::version::ApiVersion;
use super::wire;
use crate::model::Project;

/// Atlas's largest page.
const ITEMS_PER_PAGE: usize = 500;

/// Which Atlas, as whom, and how.
pub struct ClientConfig {
    pub base_url: Url,
    pub credentials: Credentials,
    /// Where `credentials` came from, so that a refusal's hint names what
    /// to check; unknown, it names every variable tether reads.
    pub credentials_from: Option<CredentialSource>,
    pub settings: ClientSettings,
}

impl ClientConfig {
    /// The Atlas at `base_url` as `credentials`, with the default settings.
    pub fn new(base_url: Url, credentials: Credentials) -> Self {
        ClientConfig {
            base_url,
            credentials,
            credentials_from: None,
            settings: ClientSettings::default(),
        }
    }
}

pub struct Client {
    transport: Transport,
    base_url: Url,
    api: ApiVersion,
}

impl Client {
    pub fn new(config: ClientConfig) -> Result<Client, ApiError> {
        config.credentials.check()?;
        let api = config.settings.api;
        let transport = Transport::new(
            &config.base_url,
            config.credentials,
            config.credentials_from,
            config.settings,
        )?;
        Ok(Client {
            transport,
            base_url: config.base_url,
            api,
        })
    }

    pub fn api(&self) -> ApiVersion {
        self.api
    }

    /// The Atlas this client speaks to.
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// The concurrency limit in force now (lower after throttling).
    pub fn current_concurrency(&self) -> usize {
        self.transport.current_concurrency()
    }

    /// How much pacing has slowed this client down so far.
    pub fn pacing_stats(&self) -> PacingStats {
        self.transport.pacing_stats()
    }

    pub(super) fn credential_kind(&self) -> CredentialKind {
        self.transport.credential_kind()
    }

    pub(super) fn api_url(&self, segments: &[&str], query: &[(&str, String)]) -> Url {
        self.url_at(self.api, segments, query)
    }

    /// A URL of the API generation `api`, whatever the client's.
    pub(super) fn url_at(
        &self,
        api: ApiVersion,
        segments: &[&str],
        query: &[(&str, String)],
    ) -> Url {
        let mut url = self.base_url.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(api.prefix()).extend(segments);
        }
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        url
    }

    pub(super) fn api_request(&self, method: Method, url: Url, body: Option<&Value>) -> Request {
        Request::api(self.api, method, url, body)
    }

    pub(super) async fn send(&self, request: Request) -> Result<Answer, ApiError> {
        self.transport.send(request).await
    }

    /// Server text made fit for a message, for an error that has no
    /// [`Answer`] at hand (see [`server_text`]).
    pub(super) fn shown(&self, text: impl AsRef<[u8]>) -> String {
        server_text(text, &self.transport.redactor(), MAX_SHOWN_BYTES)
    }

    /// Every item of a paginated list, following `pageNum` until a short page.
    pub(super) async fn list_all(&self, segments: &[&str]) -> Result<Vec<Value>, ApiError> {
        self.list_all_at(self.api, segments).await
    }

    /// [`Client::list_all`] on the API generation `api`.
    pub(super) async fn list_all_at(
        &self,
        api: ApiVersion,
        segments: &[&str],
    ) -> Result<Vec<Value>, ApiError> {
        self.list_pages(api, api.media_type(), segments).await
    }

    /// [`Client::list_all`] on the API generation `api` with the media type
    /// `media`.
    pub(super) async fn list_pages(
        &self,
        api: ApiVersion,
        media: &'static str,
        segments: &[&str],
    ) -> Result<Vec<Value>, ApiError> {
        let mut listing = Listing::default();
        for page in 1usize.. {
            let url = self.url_at(
                api,
                segments,
                &[
                    ("pageNum", page.to_string()),
                    ("itemsPerPage", ITEMS_PER_PAGE.to_string()),
                ],
            );
            let request = Request {
                content_type: media,
                accept: media,
                ..Request::api(api, Method::GET, url, None)
            };
            let answer = self.send(request).await?;
            if !answer.status.is_success() {
                return Err(self.not_found_or_rejected(&answer, segments));
            }
            let envelope = answer.json()?;
            let results = wire::results(&envelope).map_err(|reason| answer.invalid(reason))?;
            listing.add(answer.body.len(), results).map_err(|reason| {
                ApiError::InvalidResponse {
                    request: format!("GET /{}", segments.join("/")),
                    reason,
                }
            })?;
            if results.len() < ITEMS_PER_PAGE {
                break;
            }
        }
        Ok(listing.into_items())
    }

    pub(super) fn not_found_or_rejected(&self, answer: &Answer, segments: &[&str]) -> ApiError {
        let error = answer.error();
        match (answer.status, error.error_code.as_deref(), segments) {
            (StatusCode::NOT_FOUND, Some("GROUP_NOT_FOUND"), ["groups", group, ..]) => {
                ApiError::GroupNotFound {
                    group: (*group).to_owned(),
                    credentials: self.credential_kind(),
                }
            }
            _ => answer.rejected(),
        }
    }

    pub(super) fn read_project(&self, answer: &Answer) -> Result<Project, ApiError> {
        wire::project(&answer.json()?).map_err(|reason| answer.invalid(reason))
    }
}
