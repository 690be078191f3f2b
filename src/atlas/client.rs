//! The one seam through which tether speaks HTTP to Atlas: authentication,
//! API versions, pagination, retries and the shared concurrency limit.

use std::error::Error;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_TYPE, DATE, HeaderMap, HeaderValue, LOCATION, RETRY_AFTER,
    WWW_AUTHENTICATE,
};
use reqwest::{Method, StatusCode, Url};
use serde_json::Value;

use super::access::CredentialSource;
use super::auth::{Challenge, DigestAuth, ServiceAccountAuth, Token};
use super::credentials::Credentials;
use super::error::{ApiError, ConnectionFailure, LongWait, RedirectRefusal};
use super::limit::AdaptiveLimit;
use super::listing::Listing;
use super::pacing::{BucketReading, Pacer, PacingStats, Turn};
use super::redact::Redactor;
use super::retry::{RetryPolicy, parse_retry_after};
use super::server_text::{MAX_SHOWN_BYTES, server_text};
use super::version::ApiVersion;
use super::wire::{self, AlertConfig, ChangeEvent, ErrorBody};
use crate::model::{FieldValue, GroupId, Integration, IntegrationType, LiveIntegrations, Project};
use crate::secret::Secret;

/// Atlas's largest page.
const ITEMS_PER_PAGE: usize = 500;
/// Larger answers are refused; Atlas's are a few kilobytes.
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
/// Redirects of one read followed at most, all within the base URL's origin.
const MAX_REDIRECTS: u32 = 10;
/// A request held back by pacing asks again at least this often: it then
/// sees a better estimate, or a stop request (a plain flag, polled).
const PACING_RECHECK: Duration = Duration::from_millis(50);

/// Receives one line per request for `-v`: method, path, status, time,
/// attempt and any pacing wait. Never a header or a body.
pub type RequestLog = Arc<dyn Fn(&str) + Send + Sync>;

pub struct ClientConfig {
    pub base_url: Url,
    pub api: ApiVersion,
    pub credentials: Credentials,
    /// Requests in flight at most; lowered for a while when Atlas throttles.
    pub concurrency: usize,
    pub retry: RetryPolicy,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    pub log: Option<RequestLog>,
    /// Once set, a write (PUT, POST or DELETE) that has not sent its first
    /// attempt yet is not sent: it ends in [`ApiError::NotStarted`]. The
    /// flag is read after the write has its concurrency slot and before
    /// anything is sent (a token request included), and all through a
    /// pacing wait; a write already sent is finished, retries included.
    /// Reads are not affected.
    pub stop: Option<Arc<AtomicBool>>,
    /// Slow down before Atlas's token bucket is empty, from the
    /// `RateLimit-*` headers of its answers (see `pacing`). Off, only 429s
    /// slow a run down: benchmarks compare the two.
    pub pacing: bool,
    /// Where `credentials` came from, so that a refusal's hint names what
    /// to check; unknown, it names every variable tether reads.
    pub credentials_from: Option<CredentialSource>,
}

impl ClientConfig {
    pub fn new(base_url: Url, credentials: Credentials) -> Self {
        ClientConfig {
            base_url,
            api: ApiVersion::default(),
            credentials,
            concurrency: 16,
            retry: RetryPolicy::default(),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            log: None,
            stop: None,
            pacing: true,
            credentials_from: None,
        }
    }
}

enum AuthState {
    None,
    Digest(DigestAuth),
    ServiceAccount(ServiceAccountAuth),
}

/// What became of a DELETE.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deletion {
    Deleted,
    /// Atlas had no such integration: the goal is met all the same.
    AlreadyAbsent,
}

pub struct Client {
    http: reqwest::Client,
    base_url: Url,
    api: ApiVersion,
    auth: AuthState,
    credential_kind: super::credentials::CredentialKind,
    credentials_from: Option<CredentialSource>,
    limit: AdaptiveLimit,
    pacer: Pacer,
    retry: RetryPolicy,
    request_timeout: Duration,
    log: Option<RequestLog>,
    /// The credentials, and each bearer token once fetched: redacted from
    /// everything a server sends back.
    secrets: std::sync::Mutex<Redactor>,
    stop: Option<Arc<AtomicBool>>,
}

/// How one request authenticates.
enum RequestAuth {
    Api,
    /// Basic client credentials, for the token endpoint.
    Basic(Secret),
}

struct Request {
    method: Method,
    url: Url,
    body: Option<Vec<u8>>,
    content_type: &'static str,
    accept: &'static str,
    auth: RequestAuth,
    /// The secrets the body carries, to redact from what comes back.
    secrets: Redactor,
    /// The first request of a write: not sent once the stop flag is up.
    stoppable: bool,
}

/// An answer the caller interprets: a success, or a 4xx other than 401,
/// 403 and 429.
struct Answer {
    status: StatusCode,
    body: Vec<u8>,
    request: String,
    /// The secrets this request could see echoed.
    redactor: Redactor,
}

/// Bytes of an unreadable answer quoted in its error.
const PREVIEW_BYTES: usize = 40;

impl Answer {
    /// Atlas's error fields as sent, for decisions; never shown as is.
    fn error(&self) -> ErrorBody {
        ErrorBody::parse(&self.body)
    }

    /// Server text made fit for a message (see [`server_text`]).
    fn shown(&self, text: impl AsRef<[u8]>) -> String {
        server_text(text, &self.redactor, MAX_SHOWN_BYTES)
    }

    /// Atlas's `detail`, fit to show.
    fn detail(&self) -> Option<String> {
        self.error().detail.map(|d| self.shown(d))
    }

    /// An answer whose shape tether does not expect; `reason` may quote it.
    fn invalid(&self, reason: impl AsRef<[u8]>) -> ApiError {
        ApiError::InvalidResponse {
            request: self.request.clone(),
            reason: self.shown(reason),
        }
    }

    fn json(&self) -> Result<Value, ApiError> {
        serde_json::from_slice(&self.body).map_err(|err| ApiError::InvalidResponse {
            request: self.request.clone(),
            reason: format!(
                "not JSON ({err}); it begins `{}`",
                server_text(&self.body, &self.redactor, PREVIEW_BYTES)
            ),
        })
    }

    fn rejected(&self) -> ApiError {
        let error = self.error();
        ApiError::Rejected {
            request: self.request.clone(),
            status: self.status.as_u16(),
            error_code: error.error_code.map(|c| self.shown(c)),
            detail: error.detail.map(|d| self.shown(d)),
        }
    }
}

impl Client {
    pub fn new(config: ClientConfig) -> Result<Client, ApiError> {
        config.credentials.check()?;
        install_crypto_provider();
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .user_agent(concat!("tether/", env!("CARGO_PKG_VERSION")))
            // Redirects are handled in `send`: reqwest's policy cannot see
            // the method, re-sends a 307/308 body wherever it points, and a
            // Digest `Authorization` is signed for one URI.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|err| ApiError::Config(format!("the HTTP client cannot start: {err}")))?;
        let credential_kind = config.credentials.kind();
        let mut secrets = Redactor::default();
        match &config.credentials {
            Credentials::None => {}
            Credentials::ApiKey { private, .. } => secrets.credential(private),
            // The client id is an identifier, never redacted; the Basic
            // value `client_id:secret` is found as base64 holding the secret.
            Credentials::ServiceAccount { secret, .. } => secrets.credential(secret),
        }
        let auth = match config.credentials {
            Credentials::None => AuthState::None,
            Credentials::ApiKey { public, private } => {
                AuthState::Digest(DigestAuth::new(public, private))
            }
            Credentials::ServiceAccount { client_id, secret } => {
                AuthState::ServiceAccount(ServiceAccountAuth::new(client_id, secret))
            }
        };
        Ok(Client {
            http,
            base_url: config.base_url,
            api: config.api,
            auth,
            credential_kind,
            credentials_from: config.credentials_from,
            limit: AdaptiveLimit::new(config.concurrency),
            pacer: Pacer::new(config.pacing),
            retry: config.retry,
            request_timeout: config.request_timeout,
            log: config.log,
            secrets: std::sync::Mutex::new(secrets),
            stop: config.stop,
        })
    }

    pub fn api(&self) -> ApiVersion {
        self.api
    }

    /// The concurrency limit in force now (lower after throttling).
    pub fn current_concurrency(&self) -> usize {
        self.limit.current()
    }

    /// How much pacing has slowed this client down so far.
    pub fn pacing_stats(&self) -> PacingStats {
        self.pacer.stats()
    }

    fn api_url(&self, segments: &[&str], query: &[(&str, String)]) -> Url {
        self.url_at(self.api, segments, query)
    }

    /// A URL of the API generation `api`, whatever the client's.
    fn url_at(&self, api: ApiVersion, segments: &[&str], query: &[(&str, String)]) -> Url {
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

    fn api_request(&self, method: Method, url: Url, body: Option<&Value>) -> Request {
        self.request_at(self.api, method, url, body)
    }

    /// A request with the media types of the API generation `api`.
    fn request_at(
        &self,
        api: ApiVersion,
        method: Method,
        url: Url,
        body: Option<&Value>,
    ) -> Request {
        Request {
            method,
            url,
            body: body.map(|b| serde_json::to_vec(b).expect("a JSON value serializes")),
            content_type: api.media_type(),
            accept: api.media_type(),
            auth: RequestAuth::Api,
            secrets: Redactor::default(),
            stoppable: false,
        }
    }

    /// Server text made fit for a message, for an error that has no
    /// [`Answer`] at hand (see [`server_text`]).
    fn shown(&self, text: impl AsRef<[u8]>) -> String {
        server_text(text, &self.redactor(), MAX_SHOWN_BYTES)
    }

    /// The credentials and every bearer token of the run.
    fn redactor(&self) -> Redactor {
        self.secrets
            .lock()
            .map_or_else(|_| Redactor::default(), |r| r.clone())
    }

    /// Every item of a paginated list, following `pageNum` until a short page.
    async fn list_all(&self, segments: &[&str]) -> Result<Vec<Value>, ApiError> {
        self.list_all_at(self.api, segments).await
    }

    /// [`Client::list_all`] on the API generation `api`.
    async fn list_all_at(
        &self,
        api: ApiVersion,
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
            let answer = self
                .send(self.request_at(api, Method::GET, url, None))
                .await?;
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

    fn not_found_or_rejected(&self, answer: &Answer, segments: &[&str]) -> ApiError {
        let error = answer.error();
        match (answer.status, error.error_code.as_deref(), segments) {
            (StatusCode::NOT_FOUND, Some("GROUP_NOT_FOUND"), ["groups", group, ..]) => {
                ApiError::GroupNotFound {
                    group: (*group).to_owned(),
                    credentials: self.credential_kind,
                }
            }
            _ => answer.rejected(),
        }
    }

    /// Every integration of a project, in one GET.
    pub async fn list_integrations(&self, group: &GroupId) -> Result<LiveIntegrations, ApiError> {
        let segments = ["groups", group.as_str(), "integrations"];
        let results = self.list_all(&segments).await?;
        wire::live_integrations(&results).map_err(|reason| ApiError::InvalidResponse {
            request: format!("GET /groups/{group}/integrations"),
            reason: self.shown(reason),
        })
    }

    /// Replaces one integration (PUT; POST when Atlas says the type is not
    /// configured); returns the project's integrations as Atlas lists them
    /// after the write.
    pub async fn put_integration(
        &self,
        group: &GroupId,
        integration: &Integration,
    ) -> Result<LiveIntegrations, ApiError> {
        self.write_integration(group, integration, Method::PUT)
            .await
    }

    /// Adds one integration the plan found absent (POST; PUT when Atlas says
    /// it exists); returns the project's integrations after the write.
    pub async fn create_integration(
        &self,
        group: &GroupId,
        integration: &Integration,
    ) -> Result<LiveIntegrations, ApiError> {
        self.write_integration(group, integration, Method::POST)
            .await
    }

    /// Both versions document POST as "add" (409 when the type exists) and
    /// PUT as a write of an existing type (whether PUT creates an absent one
    /// is unverified): each falls back to the other on the answer that says
    /// it was the wrong one.
    async fn write_integration(
        &self,
        group: &GroupId,
        integration: &Integration,
        first: Method,
    ) -> Result<LiveIntegrations, ApiError> {
        let kind = integration.kind;
        let segments = ["groups", group.as_str(), "integrations", kind.as_str()];
        let unsupported = wire::unsupported_fields(integration, self.api);
        if let Some(&field) = unsupported.first() {
            return Err(ApiError::NeedsV2 { kind, field });
        }
        let body = wire::integration_body(integration, self.api);
        let mut secrets = Redactor::default();
        for (_, value) in &integration.fields {
            if let FieldValue::Secret(secret) = value {
                secrets.sent(secret);
            }
        }
        let request = |method| Request {
            secrets: secrets.clone(),
            ..self.api_request(method, self.api_url(&segments, &[]), Some(&body))
        };
        let put = || request(Method::PUT);
        let mut answer = self
            .send(Request {
                stoppable: true,
                ..request(first.clone())
            })
            .await?;
        if first == Method::PUT && is_not_configured(&answer) {
            answer = self.send(request(Method::POST)).await?;
        }
        // The type exists: created by someone else since the plan, or by a
        // POST that Atlas saw before a dropped connection. PUT it now.
        if answer.status == StatusCode::CONFLICT {
            answer = self.send(put()).await?;
        }
        if !answer.status.is_success() {
            return Err(self.not_found_or_rejected(&answer, &segments));
        }
        let envelope = answer.json()?;
        wire::results(&envelope)
            .and_then(wire::live_integrations)
            .map_err(|reason| answer.invalid(reason))
    }

    pub async fn delete_integration(
        &self,
        group: &GroupId,
        kind: IntegrationType,
    ) -> Result<Deletion, ApiError> {
        let segments = ["groups", group.as_str(), "integrations", kind.as_str()];
        let url = self.api_url(&segments, &[]);
        let answer = self
            .send(Request {
                stoppable: true,
                ..self.api_request(Method::DELETE, url, None)
            })
            .await?;
        if answer.status.is_success() {
            Ok(Deletion::Deleted)
        } else if is_not_configured(&answer) {
            Ok(Deletion::AlreadyAbsent)
        } else {
            Err(self.not_found_or_rejected(&answer, &segments))
        }
    }

    pub async fn project(&self, id: &GroupId) -> Result<Project, ApiError> {
        let segments = ["groups", id.as_str()];
        let answer = self
            .send(self.api_request(Method::GET, self.api_url(&segments, &[]), None))
            .await?;
        if !answer.status.is_success() {
            return Err(self.not_found_or_rejected(&answer, &segments));
        }
        self.read_project(&answer)
    }

    pub async fn project_by_name(&self, name: &str) -> Result<Project, ApiError> {
        let url = self.api_url(&["groups", "byName", name], &[]);
        let answer = self.send(self.api_request(Method::GET, url, None)).await?;
        if answer.status.is_success() {
            return self.read_project(&answer);
        }
        let code = answer.error().error_code;
        match (answer.status, code.as_deref()) {
            (StatusCode::NOT_FOUND, _) | (_, Some("NOT_IN_GROUP")) => {
                Err(ApiError::ProjectNameNotFound {
                    name: name.to_owned(),
                    credentials: self.credential_kind,
                })
            }
            _ => Err(answer.rejected()),
        }
    }

    /// The project's latest integration events (`INTEGRATION_CONFIGURED`,
    /// `INTEGRATION_REMOVED`) since `since` (ISO 8601, UTC), newest first:
    /// one request for one page of at most `limit`. Always through the v2
    /// API (its versioned media type), whatever the client's generation.
    pub async fn integration_events(
        &self,
        group: &GroupId,
        since: &str,
        limit: usize,
    ) -> Result<Vec<ChangeEvent>, ApiError> {
        let segments = ["groups", group.as_str(), "events"];
        let url = self.url_at(
            ApiVersion::V2,
            &segments,
            &[
                ("eventType", "INTEGRATION_CONFIGURED".to_owned()),
                ("eventType", "INTEGRATION_REMOVED".to_owned()),
                ("minDate", since.to_owned()),
                ("pageNum", "1".to_owned()),
                ("itemsPerPage", limit.max(1).to_string()),
                ("includeCount", "false".to_owned()),
            ],
        );
        let answer = self
            .send(self.request_at(ApiVersion::V2, Method::GET, url, None))
            .await?;
        if !answer.status.is_success() {
            return Err(self.not_found_or_rejected(&answer, &segments));
        }
        let envelope = answer.json()?;
        let results = wire::results(&envelope).map_err(|reason| answer.invalid(reason))?;
        results
            .iter()
            .take(limit)
            .map(|item| wire::change_event(item, &|text| answer.shown(text)))
            .collect::<Result<_, _>>()
            .map_err(|reason| answer.invalid(reason))
    }

    /// Every alert configuration of the project (all pages), as far as
    /// tether reads them: never a notification's credential. Always through
    /// the v2 API.
    pub async fn alert_configs(&self, group: &GroupId) -> Result<Vec<AlertConfig>, ApiError> {
        let segments = ["groups", group.as_str(), "alertConfigs"];
        let items = self.list_all_at(ApiVersion::V2, &segments).await?;
        items
            .iter()
            .map(|item| wire::alert_config(item, &|text| self.shown(text)))
            .collect::<Result<_, _>>()
            .map_err(|reason| ApiError::InvalidResponse {
                request: format!("GET /groups/{group}/alertConfigs"),
                reason: self.shown(reason),
            })
    }

    /// Every project of an organization.
    /// How many projects the credentials can see: one cheap read (a page of
    /// one, with the total), for `tether whoami`.
    pub async fn visible_projects(&self) -> Result<u64, ApiError> {
        let url = self.api_url(
            &["groups"],
            &[
                ("itemsPerPage", "1".to_owned()),
                ("includeCount", "true".to_owned()),
            ],
        );
        let answer = self.send(self.api_request(Method::GET, url, None)).await?;
        if !answer.status.is_success() {
            return Err(answer.rejected());
        }
        let envelope = answer.json()?;
        envelope
            .get("totalCount")
            .and_then(Value::as_u64)
            .ok_or_else(|| answer.invalid("the answer has no `totalCount`"))
    }

    pub async fn org_projects(&self, org_id: &str) -> Result<Vec<Project>, ApiError> {
        let items = self.list_all(&["orgs", org_id, "groups"]).await?;
        items
            .iter()
            .map(|item| {
                wire::project(item).map_err(|reason| ApiError::InvalidResponse {
                    request: format!("GET /orgs/{org_id}/groups"),
                    reason: self.shown(reason),
                })
            })
            .collect()
    }

    /// The id of every organization the credentials can see (`GET /orgs`,
    /// all pages), in Atlas's order. An id that is not one is refused: it
    /// would go into the next URL.
    pub async fn organizations(&self) -> Result<Vec<GroupId>, ApiError> {
        let items = self.list_all(&["orgs"]).await?;
        items
            .iter()
            .map(|item| {
                let id = item
                    .get("id")
                    .and_then(Value::as_str)
                    .ok_or_else(|| "an organization has no `id`".to_owned())?;
                id.parse::<GroupId>().map_err(|reason| {
                    format!(
                        "an organization id `{}` is not valid: {reason}",
                        self.shown(id)
                    )
                })
            })
            .collect::<Result<_, String>>()
            .map_err(|reason| ApiError::InvalidResponse {
                request: "GET /orgs".to_owned(),
                reason,
            })
    }

    fn read_project(&self, answer: &Answer) -> Result<Project, ApiError> {
        wire::project(&answer.json()?).map_err(|reason| answer.invalid(reason))
    }

    /// The `Authorization` header of an API request, answering the service
    /// account's token first when needed.
    /// With the header, the generation of the bearer token it carries.
    async fn authorization(
        &self,
        method: &Method,
        url: &Url,
    ) -> Result<(Option<String>, Option<u64>), ApiError> {
        match &self.auth {
            AuthState::None => Ok((None, None)),
            AuthState::Digest(digest) => {
                let uri = match url.query() {
                    Some(query) => format!("{}?{query}", url.path()),
                    None => url.path().to_owned(),
                };
                Ok((digest.authorization(method.as_str(), &uri), None))
            }
            AuthState::ServiceAccount(account) => {
                let mut token = account.token.lock().await;
                if let Some(current) = token.as_ref().filter(|t| t.is_fresh()) {
                    let header = format!("Bearer {}", current.value.expose());
                    return Ok((Some(header), Some(current.generation)));
                }
                let fresh = self.fetch_token(account).await?;
                let header = format!("Bearer {}", fresh.value.expose());
                let generation = fresh.generation;
                *token = Some(fresh);
                Ok((Some(header), Some(generation)))
            }
        }
    }

    async fn fetch_token(&self, account: &ServiceAccountAuth) -> Result<Token, ApiError> {
        let mut url = self.base_url.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(["api", "oauth", "token"]);
        }
        let request = Request {
            method: Method::POST,
            url,
            body: Some(b"grant_type=client_credentials".to_vec()),
            content_type: "application/x-www-form-urlencoded",
            accept: "application/json",
            auth: RequestAuth::Basic(Secret::new(account.basic_authorization())),
            secrets: Redactor::default(),
            stoppable: false,
        };
        let answer = Box::pin(self.send(request)).await?;
        if !answer.status.is_success() {
            return Err(ApiError::Token {
                from: self.credentials_from.clone(),
                reason: format!(
                    "Atlas answered {}{}",
                    answer.status,
                    answer
                        .detail()
                        .map_or_else(String::new, |d| format!(": {d}"))
                ),
            });
        }
        let body = answer.json()?;
        let token = body
            .get("access_token")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ApiError::Token {
                from: self.credentials_from.clone(),
                reason: "the answer has no `access_token`".to_owned(),
            })?;
        let expires_in = body
            .get("expires_in")
            .and_then(Value::as_u64)
            .unwrap_or(3600);
        if HeaderValue::from_str(&format!("Bearer {token}")).is_err() {
            return Err(ApiError::Token {
                from: self.credentials_from.clone(),
                reason: "the token Atlas returned holds a character that cannot go in an HTTP \
                    header"
                    .to_owned(),
            });
        }
        let token = Secret::new(token);
        if let Ok(mut secrets) = self.secrets.lock() {
            secrets.credential(&token);
        }
        Ok(Token::new(
            token,
            Duration::from_secs(expires_in.max(1)),
            account.next_generation(),
        ))
    }

    fn log(&self, line: impl FnOnce() -> String) {
        if let Some(log) = &self.log {
            log(&line());
        }
    }

    /// Sends one request: attempts until one is answered, or until the
    /// retry policy gives up on 429s, 5xx answers or dropped connections.
    async fn send(&self, mut request: Request) -> Result<Answer, ApiError> {
        let shown = format!("{} {}", request.method, request.url.path());
        let mut waited = Duration::ZERO;
        let mut attempt = 1u32;
        let mut reauthenticated = false;
        let mut redirects = 0u32;
        loop {
            // Only a write's first attempt may be held back by the stop
            // flag: once it was sent, the write is seen through.
            let first = request.stoppable && attempt == 1 && !reauthenticated && redirects == 0;
            let delay = match self
                .send_once(&request, &shown, attempt, !reauthenticated, first)
                .await?
            {
                Outcome::Answered(answer) => return Ok(answer),
                Outcome::Redirected { status, location } => {
                    let refusal = if request.method != Method::GET {
                        RedirectRefusal::Write
                    } else if location
                        .as_ref()
                        .is_none_or(|to| to.origin() != request.url.origin())
                    {
                        RedirectRefusal::OtherOrigin {
                            within: origin_of(&request.url),
                        }
                    } else if redirects >= MAX_REDIRECTS {
                        RedirectRefusal::TooMany(MAX_REDIRECTS)
                    } else {
                        // Same origin, a read: the same attempt at the new
                        // address, signed for it.
                        if let Some(to) = location {
                            request.url = to;
                        }
                        redirects += 1;
                        continue;
                    };
                    return Err(ApiError::Redirected {
                        request: shown,
                        status: status_text(status),
                        to: location.as_ref().map(origin_of),
                        refusal,
                    });
                }
                // Fresh credentials: the same attempt again, at once.
                Outcome::Reauthenticated => {
                    reauthenticated = true;
                    continue;
                }
                Outcome::Busy {
                    answer,
                    retry_after,
                } => match self.retry.delay(attempt, retry_after, waited) {
                    Some(delay) => delay,
                    None => {
                        return Err(self.gave_up(shown, &answer, retry_after, attempt, waited));
                    }
                },
                Outcome::NoAnswer(failure) => {
                    let delay = failure
                        .retryable
                        .then(|| self.retry.delay(attempt, None, waited))
                        .flatten();
                    match delay {
                        Some(delay) => delay,
                        None => {
                            return Err(self.connection_error(
                                &request.url,
                                &shown,
                                failure,
                                attempt,
                            ));
                        }
                    }
                }
            };
            waited += delay;
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// One attempt, within the shared limit: authorize, send, and sort the
    /// answer into what the caller reads, what is worth another attempt and
    /// what is an error. A 401 takes fresh credentials when `may_reauthenticate`.
    async fn send_once(
        &self,
        request: &Request,
        shown: &str,
        attempt: u32,
        may_reauthenticate: bool,
        stoppable: bool,
    ) -> Result<Outcome, ApiError> {
        // The token request is made by a request that holds a slot, for
        // it: taking a second slot would wait forever at `--concurrency 1`.
        let _slot = match request.auth {
            RequestAuth::Api => Some(self.limit.acquire().await),
            RequestAuth::Basic(_) => None,
        };
        let not_started = || ApiError::NotStarted {
            request: shown.to_owned(),
        };
        if stoppable && self.stop_requested() {
            return Err(not_started());
        }
        // The first Digest request takes the challenge; the others wait for
        // it rather than each taking one of their own.
        // Once the first answer is in (a challenge, or none asked), those
        // that waited go on together.
        let _handshake = match &self.auth {
            AuthState::Digest(digest)
                if matches!(request.auth, RequestAuth::Api) && !digest.settled() =>
            {
                let guard = digest.handshake.lock().await;
                (!digest.settled()).then_some(guard)
            }
            _ => None,
        };
        // The token endpoint has a bucket of its own, which pacing does not
        // follow.
        let (turn, paced) = match request.auth {
            RequestAuth::Api => match self.paced_turn(stoppable).await {
                Some((turn, paced)) => (Some(turn), paced),
                None => return Err(not_started()),
            },
            RequestAuth::Basic(_) => (None, Duration::ZERO),
        };
        let (authorization, token) = match &request.auth {
            RequestAuth::Api => self.authorization(&request.method, &request.url).await?,
            RequestAuth::Basic(header) => (Some(header.expose().to_owned()), None),
        };
        // Credentials are checked in `Client::new` and tokens when fetched:
        // this refuses what slipped through, as what it is.
        let authorization = authorization
            .map(|value| {
                HeaderValue::from_str(&value).map_err(|_| {
                    ApiError::Config(
                        "the credentials hold a character that cannot go in an HTTP header"
                            .to_owned(),
                    )
                })
            })
            .transpose()?;
        let started = Instant::now();
        let outcome = self.exchange(request, authorization).await;
        let elapsed = started.elapsed().as_millis();
        let attempt_note = || {
            if paced.is_zero() {
                format!("attempt {attempt}")
            } else {
                format!("attempt {attempt}, paced {} ms", paced.as_millis())
            }
        };
        let (status, headers, body) = match outcome {
            Ok(answered) => {
                if let AuthState::Digest(digest) = &self.auth
                    && answered.0 != StatusCode::UNAUTHORIZED
                {
                    digest.answered_unchallenged();
                }
                if let Some(turn) = turn {
                    let throttled = answered.0 == StatusCode::TOO_MANY_REQUESTS;
                    turn.answered(Instant::now(), bucket_reading(&answered.1), throttled);
                }
                answered
            }
            Err(failure) => {
                self.log(|| {
                    format!(
                        "{shown} failed after {elapsed} ms ({}): {}",
                        attempt_note(),
                        failure.reason
                    )
                });
                return Ok(Outcome::NoAnswer(failure));
            }
        };
        self.log(|| {
            format!(
                "{shown} {} {elapsed} ms ({})",
                status.as_u16(),
                attempt_note()
            )
        });
        if status.is_redirection()
            && let Some(location) = headers.get(LOCATION)
        {
            let location = location
                .to_str()
                .ok()
                .and_then(|to| request.url.join(to).ok());
            return Ok(Outcome::Redirected { status, location });
        }
        let answer = Answer {
            status,
            body,
            request: shown.to_owned(),
            redactor: self.redactor().and(&request.secrets),
        };
        if let (Some(generation), AuthState::ServiceAccount(account)) = (token, &self.auth)
            && status != StatusCode::UNAUTHORIZED
        {
            account.served(generation);
        }
        match status {
            StatusCode::UNAUTHORIZED => {
                if answer.error().error_code.as_deref() == Some("NOT_IN_GROUP")
                    || matches!(request.auth, RequestAuth::Basic(_))
                {
                    return Ok(Outcome::Answered(answer));
                }
                if may_reauthenticate && self.reauthenticate(&headers, token).await {
                    return Ok(Outcome::Reauthenticated);
                }
                Err(ApiError::Unauthorized {
                    request: shown.to_owned(),
                    credentials: self.credential_kind,
                    from: self.credentials_from.clone(),
                })
            }
            StatusCode::FORBIDDEN => Err(ApiError::Forbidden {
                request: shown.to_owned(),
                detail: answer.detail(),
                write: request.method != Method::GET,
                credentials: self.credential_kind,
            }),
            StatusCode::TOO_MANY_REQUESTS => {
                self.limit.on_throttled();
                Ok(Outcome::Busy {
                    retry_after: header_retry_after(&headers),
                    answer,
                })
            }
            StatusCode::INTERNAL_SERVER_ERROR
            | StatusCode::BAD_GATEWAY
            | StatusCode::SERVICE_UNAVAILABLE
            | StatusCode::GATEWAY_TIMEOUT => Ok(Outcome::Busy {
                retry_after: header_retry_after(&headers),
                answer,
            }),
            _ => {
                if status.is_success() {
                    self.limit.on_success();
                }
                Ok(Outcome::Answered(answer))
            }
        }
    }

    fn stop_requested(&self) -> bool {
        self.stop
            .as_ref()
            .is_some_and(|stop| stop.load(Ordering::SeqCst))
    }

    /// Waits until pacing lets the request go: its turn, and how long it
    /// waited. `None` when it is `stoppable` and a stop came first.
    async fn paced_turn(&self, stoppable: bool) -> Option<(Turn<'_>, Duration)> {
        let since = Instant::now();
        let mut waited = false;
        loop {
            match self.pacer.try_turn(Instant::now(), since) {
                Ok(turn) => {
                    let paced = if waited {
                        since.elapsed()
                    } else {
                        Duration::ZERO
                    };
                    if waited {
                        self.pacer.waited(paced);
                    }
                    return Some((turn, paced));
                }
                Err(wait) => {
                    if stoppable && self.stop_requested() {
                        return None;
                    }
                    if !waited {
                        self.pacer.held_back();
                        waited = true;
                    }
                    tokio::time::sleep(wait.min(PACING_RECHECK)).await;
                }
            }
        }
    }

    /// The error for a request still throttled or failing on Atlas's side
    /// when the retry policy gives up.
    fn gave_up(
        &self,
        shown: String,
        answer: &Answer,
        retry_after: Option<Duration>,
        attempts: u32,
        waited: Duration,
    ) -> ApiError {
        let budget = self.retry.max_total_wait;
        let long_wait = retry_after
            .filter(|asked| waited.saturating_add(*asked) > budget)
            .map(|asked| LongWait {
                asked,
                left: budget.saturating_sub(waited),
                budget,
            });
        if answer.status == StatusCode::TOO_MANY_REQUESTS {
            ApiError::Throttled {
                request: shown,
                attempts,
                long_wait,
            }
        } else {
            ApiError::ServerError {
                request: shown,
                status: answer.status.as_u16(),
                attempts,
                detail: answer.detail(),
                long_wait,
            }
        }
    }

    /// Takes a fresh challenge or token after a 401; false when there is
    /// nothing new to try. `used` is the generation of the token refused.
    async fn reauthenticate(&self, headers: &HeaderMap, used: Option<u64>) -> bool {
        match &self.auth {
            AuthState::None => false,
            AuthState::Digest(digest) => {
                let challenge = headers
                    .get_all(WWW_AUTHENTICATE)
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .find_map(Challenge::parse);
                match challenge {
                    Some(challenge) => {
                        digest.accept(challenge);
                        true
                    }
                    None => false,
                }
            }
            AuthState::ServiceAccount(account) => {
                let mut token = account.token.lock().await;
                match (token.as_ref(), used) {
                    // Another request has already replaced the token
                    // refused: try the new one.
                    (None, _) => true,
                    (Some(current), Some(used)) if current.generation != used => true,
                    // A token that served requests and is now refused has
                    // expired or been revoked: fetch a new one, once for
                    // every request that saw it refused. A token refused
                    // before it served anything means the account itself is
                    // refused: a new token would be refused too.
                    (Some(_), Some(used)) if account.has_served(used) => {
                        *token = None;
                        true
                    }
                    _ => false,
                }
            }
        }
    }

    async fn exchange(
        &self,
        request: &Request,
        authorization: Option<HeaderValue>,
    ) -> Result<(StatusCode, HeaderMap, Vec<u8>), Failure> {
        let mut builder = self
            .http
            .request(request.method.clone(), request.url.clone())
            .header(ACCEPT, request.accept);
        if let Some(mut value) = authorization {
            value.set_sensitive(true);
            builder = builder.header(AUTHORIZATION, value);
        }
        if let Some(body) = &request.body {
            builder = builder
                .header(CONTENT_TYPE, request.content_type)
                .body(body.clone());
        }
        let mut response = builder.send().await.map_err(Failure::from_reqwest)?;
        let status = response.status();
        let headers = response.headers().clone();
        let too_large = || Failure {
            reason: format!("the answer is larger than {} MiB", MAX_BODY_BYTES >> 20),
            retryable: false,
            kind: ConnectionFailure::Other,
            timeout: false,
            too_large: true,
        };
        if response
            .content_length()
            .is_some_and(|n| n > MAX_BODY_BYTES as u64)
        {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(Failure::from_reqwest)? {
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok((status, headers, body))
    }

    fn connection_error(
        &self,
        url: &Url,
        shown: &str,
        failure: Failure,
        attempts: u32,
    ) -> ApiError {
        if failure.too_large {
            return ApiError::InvalidResponse {
                request: shown.to_owned(),
                reason: format!("{}; Atlas's answers are a few kilobytes", failure.reason),
            };
        }
        if failure.timeout {
            return ApiError::Timeout {
                request: shown.to_owned(),
                timeout: self.request_timeout,
                attempts,
            };
        }
        let mut origin = url.clone();
        origin.set_path("");
        origin.set_query(None);
        ApiError::Connection {
            url: origin.as_str().trim_end_matches('/').to_owned(),
            reason: failure.reason,
            kind: failure.kind,
        }
    }
}

/// `scheme://host[:port]` of a URL: never a path, a query or credentials.
fn origin_of(url: &Url) -> String {
    let origin = url.origin();
    if origin.is_tuple() {
        origin.ascii_serialization()
    } else {
        format!("a `{}:` address", url.scheme())
    }
}

/// `302 Found`: the code and its standard reason, never the server's words.
fn status_text(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

fn is_not_configured(answer: &Answer) -> bool {
    answer.status == StatusCode::NOT_FOUND
        && answer.error().error_code.as_deref() == Some("INTEGRATION_NOT_CONFIGURED")
}

/// The bucket as the answer's `RateLimit-Limit` and `RateLimit-Remaining`
/// describe it; `None` without them or when they cannot be read.
fn bucket_reading(headers: &HeaderMap) -> Option<BucketReading> {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    BucketReading::parse(text("ratelimit-limit"), text("ratelimit-remaining"))
}

fn header_retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    parse_retry_after(text(RETRY_AFTER)?, text(DATE), SystemTime::now())
}

/// What one attempt came to.
enum Outcome {
    /// An answer for the caller: a success, or a 4xx it interprets.
    Answered(Answer),
    /// A 401 after which fresh credentials were taken: worth the same
    /// attempt again.
    Reauthenticated,
    /// A 3xx with a `Location`, resolved against the request's URL
    /// (`None` when it is not a URL).
    Redirected {
        status: StatusCode,
        location: Option<Url>,
    },
    /// A 429 or a 5xx: worth another attempt, after `retry_after` at least.
    Busy {
        answer: Answer,
        retry_after: Option<Duration>,
    },
    /// No HTTP answer.
    NoAnswer(Failure),
}

/// A request that got no HTTP answer.
struct Failure {
    reason: String,
    retryable: bool,
    kind: ConnectionFailure,
    timeout: bool,
    /// An answer came, larger than tether reads: not the network's fault.
    too_large: bool,
}

impl Failure {
    fn from_reqwest(err: reqwest::Error) -> Failure {
        let err = err.without_url();
        // The deepest cause says what went wrong ("Connection refused");
        // the layers above it ("error sending request: client error") do not.
        let root_cause = causes(&err)
            .last()
            .map_or_else(|| err.to_string(), ToString::to_string);
        let timeout = err.is_timeout();
        let connecting = err.is_connect();
        // reqwest marks every failure of its resolver, whatever the
        // resolver's own error says.
        let kind = if err.is_dns() {
            ConnectionFailure::Dns
        } else {
            kind_of(&err, connecting)
        };
        // A connection that could not be made will not be made by retrying
        // at once; one that was reset or closed mid-answer, or timed out, may.
        let retryable = timeout || !connecting;
        let reason = if timeout {
            "timed out".to_owned()
        } else if !connecting && kind == ConnectionFailure::Other {
            "the connection was closed before Atlas answered".to_owned()
        } else {
            root_cause
        };
        Failure {
            reason,
            retryable,
            kind,
            timeout,
            too_large: false,
        }
    }
}

/// The causes of an error, outermost first, itself left out.
fn causes<'e>(err: &'e (dyn Error + 'static)) -> impl Iterator<Item = &'e (dyn Error + 'static)> {
    std::iter::successors(err.source(), |&cause| cause.source())
}

/// A cause, and the errors it wraps when it is an `io::Error`:
/// `io::Error::source` skips the error it wraps, and a TLS failure arrives
/// as a rustls error inside one or two `io::Error`s.
fn unwrapped<'e>(
    cause: &'e (dyn Error + 'static),
) -> impl Iterator<Item = &'e (dyn Error + 'static)> {
    std::iter::successors(Some(cause), |&cause| {
        let inner = cause.downcast_ref::<io::Error>()?.get_ref()?;
        Some(inner as &(dyn Error + 'static))
    })
}

/// Which failure the types in the error's causes show; `connecting` when it
/// happened before the request was sent. The messages are not read.
fn kind_of(err: &(dyn Error + 'static), connecting: bool) -> ConnectionFailure {
    for cause in causes(err).flat_map(unwrapped) {
        // Any rustls error: a bad certificate, an alert, or an answer that
        // is not TLS at all (plain HTTP behind an `https://` URL).
        if cause.is::<rustls::Error>() {
            return ConnectionFailure::Tls;
        }
        if let Some(io) = cause.downcast_ref::<io::Error>() {
            match io.kind() {
                io::ErrorKind::ConnectionRefused => return ConnectionFailure::Refused,
                // While a connection is made, only the TLS handshake (and a
                // proxy's tunnel for it) talks over an open TCP connection:
                // the server hung up on the handshake.
                io::ErrorKind::UnexpectedEof
                | io::ErrorKind::ConnectionReset
                | io::ErrorKind::ConnectionAborted
                    if connecting =>
                {
                    return ConnectionFailure::Tls;
                }
                _ => {}
            }
        }
    }
    ConnectionFailure::Other
}

/// rustls needs one process-wide crypto provider; tether uses ring.
fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

#[cfg(test)]
mod tests {
    use std::fmt;

    use super::*;
    use crate::model::{FieldValue, spec};

    /// A layer above `0`, as reqwest and hyper stack their errors.
    #[derive(Debug)]
    struct Layer(Box<dyn Error + Send + Sync>);

    impl fmt::Display for Layer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("client error (Connect)")
        }
    }

    impl Error for Layer {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            Some(&*self.0)
        }
    }

    fn layered(cause: impl Into<Box<dyn Error + Send + Sync>>) -> Layer {
        Layer(Box::new(Layer(cause.into())))
    }

    /// As tokio-rustls hands a rustls error on, and reqwest's connector then
    /// wraps it again.
    fn from_rustls(err: rustls::Error) -> Layer {
        layered(io::Error::other(io::Error::new(
            io::ErrorKind::InvalidData,
            err,
        )))
    }

    #[test]
    fn connection_failures_are_told_apart_by_type_not_by_words() {
        use ConnectionFailure::{Other, Refused, Tls};
        let refused = layered(io::Error::from(io::ErrorKind::ConnectionRefused));
        assert_eq!(kind_of(&refused, true), Refused);
        let certificate = from_rustls(rustls::Error::InvalidCertificate(
            rustls::CertificateError::UnknownIssuer,
        ));
        assert_eq!(kind_of(&certificate, true), Tls);
        let not_tls = from_rustls(rustls::Error::InvalidMessage(
            rustls::InvalidMessage::InvalidContentType,
        ));
        assert_eq!(kind_of(&not_tls, true), Tls);
        let hung_up = layered(io::Error::other(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "tls handshake eof",
        )));
        assert_eq!(kind_of(&hung_up, true), Tls);
        assert_eq!(kind_of(&hung_up, false), Other, "closed mid-answer");
        let reset = layered(io::Error::from(io::ErrorKind::ConnectionReset));
        assert_eq!(kind_of(&reset, true), Tls);
        assert_eq!(kind_of(&reset, false), Other, "reset mid-answer");
        let words = layered(io::Error::other(
            "dns lookup refused: tls handshake certificate",
        ));
        assert_eq!(kind_of(&words, true), Other);
    }

    #[test]
    fn a_refused_secret_quoted_by_atlas_is_masked() {
        let pd = spec(IntegrationType::PagerDuty);
        let integration = Integration {
            kind: IntegrationType::PagerDuty,
            fields: vec![(
                pd.field("serviceKey").expect("field"),
                FieldValue::Secret(Secret::new("quoted-secret-value-1234")),
            )],
        };
        let mut redactor = Redactor::default();
        for (_, value) in &integration.fields {
            if let FieldValue::Secret(secret) = value {
                redactor.sent(secret);
            }
        }
        let answer = Answer {
            status: StatusCode::BAD_REQUEST,
            body: br#"{"detail": "serviceKey quoted-secret-value-1234 is invalid"}"#.to_vec(),
            request: "PUT /x".into(),
            redactor,
        };
        let shown = answer.rejected().to_string();
        assert!(!shown.contains("quoted-secret-value"), "{shown}");
        assert!(shown.contains("********************1234"), "{shown}");
    }
}
