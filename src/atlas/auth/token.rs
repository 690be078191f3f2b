//! A service account's bearer token: fetched once per run with the OAuth
//! client-credentials grant, shared by every request, fetched again when it
//! expires or Atlas stops taking it.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use base64::Engine;
use reqwest::header::HeaderValue;
use reqwest::{Method, Url};
use serde_json::Value;

use crate::atlas::answer::Answer;
use crate::atlas::error::ApiError;
use crate::atlas::origin::CredentialSource;
use crate::atlas::redact::Redactor;
use crate::atlas::request::{Request, RequestAuth};
use crate::atlas::run_secrets::RunSecrets;
use crate::secret::Secret;

/// How long a token lives when Atlas's answer does not say.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);

/// A bearer token and when to stop using it.
#[derive(Clone)]
pub struct Token {
    pub value: Secret,
    pub refresh_at: Instant,
    /// 1 for the first token of a run, 2 for the next, ...
    pub generation: u64,
}

impl Token {
    /// A token is refreshed a minute before Atlas says it expires.
    pub fn new(value: Secret, expires_in: Duration, generation: u64) -> Self {
        let margin = Duration::from_secs(60).min(expires_in / 2);
        Token {
            value,
            refresh_at: Instant::now() + expires_in - margin,
            generation,
        }
    }

    pub fn is_fresh(&self) -> bool {
        Instant::now() < self.refresh_at
    }

    fn header(&self) -> Secret {
        Secret::new(format!("Bearer {}", self.value.expose()))
    }
}

/// The service account of one run; the token is fetched under the lock so
/// that parallel requests share one token request.
pub struct ServiceAccountAuth {
    client_id: String,
    secret: Secret,
    /// `/api/oauth/token` of the Atlas the client speaks to.
    token_url: Url,
    /// Where the account came from, for a failed token request's hint.
    from: Option<CredentialSource>,
    token: tokio::sync::Mutex<Option<Token>>,
    /// Tokens fetched so far.
    fetched: AtomicU64,
    /// The latest generation that got an answer other than 401.
    served_up_to: AtomicU64,
}

impl ServiceAccountAuth {
    pub fn new(
        client_id: String,
        secret: Secret,
        base_url: &Url,
        from: Option<CredentialSource>,
    ) -> Self {
        let mut token_url = base_url.clone();
        if let Ok(mut path) = token_url.path_segments_mut() {
            path.pop_if_empty().extend(["api", "oauth", "token"]);
        }
        ServiceAccountAuth {
            client_id,
            secret,
            token_url,
            from,
            token: tokio::sync::Mutex::new(None),
            fetched: AtomicU64::new(0),
            served_up_to: AtomicU64::new(0),
        }
    }

    /// The `Authorization` value of an API request and the generation of
    /// the token it carries, fetching a token first when none is fresh:
    /// `send` sends the token request, and the token is redacted from then
    /// on as one of `secrets`.
    pub async fn authorization<Sending>(
        &self,
        send: impl FnOnce(Request) -> Sending,
        secrets: &RunSecrets,
    ) -> Result<(Secret, u64), ApiError>
    where
        Sending: Future<Output = Result<Answer, ApiError>>,
    {
        let mut token = self.token.lock().await;
        if let Some(current) = token.as_ref().filter(|t| t.is_fresh()) {
            return Ok((current.header(), current.generation));
        }
        let fresh = self.fetch(send, secrets).await?;
        let authorization = (fresh.header(), fresh.generation);
        *token = Some(fresh);
        Ok(authorization)
    }

    /// Whether a request whose token of generation `used` was refused with
    /// 401 may try again with another one.
    pub async fn refused(&self, used: Option<u64>) -> bool {
        let mut token = self.token.lock().await;
        match (token.as_ref(), used) {
            // Another request has already replaced the token refused: try
            // the new one.
            (None, _) => true,
            (Some(current), Some(used)) if current.generation != used => true,
            // A token that served requests and is now refused has expired
            // or been revoked: fetch a new one, once for every request that
            // saw it refused. A token refused before it served anything
            // means the account itself is refused: a new token would be
            // refused too.
            (Some(_), Some(used)) if self.has_served(used) => {
                *token = None;
                true
            }
            _ => false,
        }
    }

    /// The token of `generation` got an answer other than 401.
    pub fn served(&self, generation: u64) {
        self.served_up_to.fetch_max(generation, Ordering::Relaxed);
    }

    /// Whether the token of `generation` ever got an answer other than 401.
    fn has_served(&self, generation: u64) -> bool {
        self.served_up_to.load(Ordering::Relaxed) >= generation
    }

    /// The generation of the token being fetched.
    fn next_generation(&self) -> u64 {
        self.fetched.fetch_add(1, Ordering::Relaxed) + 1
    }

    fn basic_authorization(&self) -> Secret {
        let pair = format!("{}:{}", self.client_id, self.secret.expose());
        Secret::new(format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(pair)
        ))
    }

    fn refusal(&self, reason: impl Into<String>) -> ApiError {
        ApiError::Token {
            from: self.from.clone(),
            reason: reason.into(),
        }
    }

    async fn fetch<Sending>(
        &self,
        send: impl FnOnce(Request) -> Sending,
        secrets: &RunSecrets,
    ) -> Result<Token, ApiError>
    where
        Sending: Future<Output = Result<Answer, ApiError>>,
    {
        let request = Request {
            method: Method::POST,
            url: self.token_url.clone(),
            body: Some(b"grant_type=client_credentials".to_vec()),
            content_type: "application/x-www-form-urlencoded",
            accept: "application/json",
            auth: RequestAuth::Basic(self.basic_authorization()),
            secrets: Redactor::default(),
            stoppable: false,
        };
        let answer = send(request).await?;
        if !answer.status.is_success() {
            return Err(self.refusal(format!(
                "Atlas answered {}{}",
                answer.status,
                answer
                    .detail()
                    .map_or_else(String::new, |d| format!(": {d}"))
            )));
        }
        // Not quoted when it is not JSON: what a token endpoint answers may
        // be a token in another shape, which no redactor knows yet.
        let body: Value = serde_json::from_slice(&answer.body).map_err(|_| {
            self.refusal(format!(
                "the answer is not JSON ({} bytes, not shown: it may hold a token)",
                answer.body.len()
            ))
        })?;
        let token = body
            .get("access_token")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| self.refusal("the answer has no `access_token`"))?;
        let expires_in = body
            .get("expires_in")
            .and_then(Value::as_u64)
            .map_or(DEFAULT_LIFETIME, Duration::from_secs);
        if HeaderValue::from_str(&format!("Bearer {token}")).is_err() {
            return Err(self.refusal(
                "the token Atlas returned holds a character that cannot go in an HTTP header",
            ));
        }
        let token = Secret::new(token);
        secrets.add_credential(&token);
        Ok(Token::new(
            token,
            expires_in.max(Duration::from_secs(1)),
            self.next_generation(),
        ))
    }
}
