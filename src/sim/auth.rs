//! Who may call: HTTP Digest with API keys (realm `MMS Public API`, MD5,
//! qop `auth`, expiring nonces, `stale=true`, `nc` replay checks), bearer
//! tokens from `POST /api/oauth/token` for service accounts, or nobody
//! checked at all.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::assumptions::NcPolicy;
use super::errors::{ApiError, json_response};

pub const REALM: &str = "MMS Public API";

/// What a credential may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Role {
    /// Project Owner: reads and writes.
    Owner,
    /// Project Read Only: writes answer 403.
    ReadOnly,
}

/// Who made a request, as Atlas records it in the project's events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    /// A programmatic API key, by its public key.
    ApiKey(String),
    /// A service account, by its client id.
    ServiceAccount(String),
}

/// An authenticated request's caller: what it may do, and who it is
/// (nobody known when credentials are not checked).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    pub role: Role,
    pub actor: Option<Actor>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AuthMode {
    /// Every request is accepted as an owner.
    #[default]
    None,
    /// Digest or bearer required on `/api/atlas/...`.
    Required,
}

/// A programmatic API key (Digest user = public key, password = private key),
/// as the state file lists it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApiKey {
    pub public_key: String,
    pub private_key: String,
    pub role: Role,
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKey")
            .field("public_key", &self.public_key)
            .field("private_key", &"<redacted>")
            .field("role", &self.role)
            .finish()
    }
}

/// A service account (Basic `client_id:client_secret` on the token endpoint),
/// as the state file lists it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceAccount {
    pub client_id: String,
    pub client_secret: String,
    pub role: Role,
}

impl fmt::Debug for ServiceAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceAccount")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("role", &self.role)
            .finish()
    }
}

#[derive(Debug)]
struct NonceState {
    expires: Instant,
    seen: HashSet<u32>,
    highest: u32,
}

pub struct Authenticator {
    mode: AuthMode,
    api_keys: HashMap<String, ApiKey>,
    accounts: HashMap<String, ServiceAccount>,
    nonce_lifetime: Duration,
    token_lifetime: Duration,
    nc_policy: NcPolicy,
    nonces: Mutex<HashMap<String, NonceState>>,
    /// Bearer token → (role, client id, expiry).
    tokens: Mutex<HashMap<String, (Role, String, Instant)>>,
}

// Bearer tokens are credentials: never shown.
impl fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authenticator")
            .field("mode", &self.mode)
            .field("api_keys", &self.api_keys.values().collect::<Vec<_>>())
            .field("accounts", &self.accounts.values().collect::<Vec<_>>())
            .field("nonce_lifetime", &self.nonce_lifetime)
            .field("token_lifetime", &self.token_lifetime)
            .finish_non_exhaustive()
    }
}

/// Why a request was refused; turned into a 401 with a fresh challenge.
#[derive(Debug)]
enum Refusal {
    Unauthorized,
    Stale,
}

fn md5_hex(text: &str) -> String {
    let digest = Md5::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses `k=v, k="v, with comma"` pairs of a Digest header.
pub fn parse_params(text: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let Some(eq) = rest.find('=') else { break };
        let key = rest[..eq]
            .trim()
            .trim_start_matches(',')
            .trim()
            .to_ascii_lowercase();
        rest = rest[eq + 1..].trim_start();
        let value;
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut end = None;
            let mut escaped = false;
            for (i, c) in quoted.char_indices() {
                match c {
                    '\\' if !escaped => escaped = true,
                    '"' if !escaped => {
                        end = Some(i);
                        break;
                    }
                    _ => escaped = false,
                }
            }
            let Some(end) = end else { break };
            value = quoted[..end].replace("\\\"", "\"");
            rest = quoted[end + 1..].trim_start();
        } else {
            let end = rest.find(',').unwrap_or(rest.len());
            value = rest[..end].trim().to_owned();
            rest = &rest[end..];
        }
        rest = rest.trim_start_matches(',').trim_start();
        out.insert(key, value);
    }
    out
}

impl Authenticator {
    pub fn new(
        mode: AuthMode,
        api_keys: Vec<ApiKey>,
        accounts: Vec<ServiceAccount>,
        nonce_lifetime: Duration,
        token_lifetime: Duration,
        nc_policy: NcPolicy,
    ) -> Self {
        Authenticator {
            mode,
            api_keys: api_keys
                .into_iter()
                .map(|k| (k.public_key.clone(), k))
                .collect(),
            accounts: accounts
                .into_iter()
                .map(|a| (a.client_id.clone(), a))
                .collect(),
            nonce_lifetime,
            token_lifetime,
            nc_policy,
            nonces: Mutex::new(HashMap::new()),
            tokens: Mutex::new(HashMap::new()),
        }
    }

    pub fn api_keys(&self) -> impl Iterator<Item = &ApiKey> {
        self.api_keys.values()
    }

    pub fn service_accounts(&self) -> impl Iterator<Item = &ServiceAccount> {
        self.accounts.values()
    }

    /// The caller, or the 401 answer to send.
    pub fn authenticate(
        &self,
        method: &str,
        uri: &str,
        headers: &HeaderMap,
        rng: &Mutex<fastrand::Rng>,
    ) -> Result<Caller, Box<Response>> {
        if self.mode == AuthMode::None {
            return Ok(Caller {
                role: Role::Owner,
                actor: None,
            });
        }
        let value = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let refusal = if let Some(params) = strip_scheme(value, "Digest") {
            match self.check_digest(method, uri, &parse_params(params)) {
                Ok((role, public_key)) => {
                    return Ok(Caller {
                        role,
                        actor: Some(Actor::ApiKey(public_key)),
                    });
                }
                Err(refusal) => refusal,
            }
        } else if let Some(token) = strip_scheme(value, "Bearer") {
            match self.check_bearer(token.trim()) {
                Some((role, client_id)) => {
                    return Ok(Caller {
                        role,
                        actor: Some(Actor::ServiceAccount(client_id)),
                    });
                }
                None => Refusal::Unauthorized,
            }
        } else {
            Refusal::Unauthorized
        };
        Err(Box::new(
            self.challenge(matches!(refusal, Refusal::Stale), rng),
        ))
    }

    fn check_bearer(&self, token: &str) -> Option<(Role, String)> {
        let tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        match tokens.get(token) {
            Some((role, client_id, expires)) if *expires > Instant::now() => {
                Some((*role, client_id.clone()))
            }
            _ => None,
        }
    }

    fn check_digest(
        &self,
        method: &str,
        uri: &str,
        p: &HashMap<String, String>,
    ) -> Result<(Role, String), Refusal> {
        let get = |k: &str| p.get(k).map(String::as_str).ok_or(Refusal::Unauthorized);
        let (user, nonce, digest_uri, response) = (
            get("username")?,
            get("nonce")?,
            get("uri")?,
            get("response")?,
        );
        let (qop, nc_text, cnonce) = (get("qop")?, get("nc")?, get("cnonce")?);
        if get("realm")? != REALM
            || qop != "auth"
            || !matches!(p.get("algorithm").map(String::as_str), None | Some("MD5"))
            || digest_uri != uri
        {
            return Err(Refusal::Unauthorized);
        }
        let key = self.api_keys.get(user).ok_or(Refusal::Unauthorized)?;
        let ha1 = md5_hex(&format!("{user}:{REALM}:{}", key.private_key));
        let ha2 = md5_hex(&format!("{method}:{digest_uri}"));
        let expected = md5_hex(&format!("{ha1}:{nonce}:{nc_text}:{cnonce}:{qop}:{ha2}"));
        if expected != response {
            return Err(Refusal::Unauthorized);
        }
        let nc = u32::from_str_radix(nc_text, 16).map_err(|_| Refusal::Unauthorized)?;
        let mut nonces = self.nonces.lock().unwrap_or_else(|e| e.into_inner());
        // The digest is right: a nonce we no longer know (expired, or never
        // ours) is "stale", so the client retries with the new one.
        let Some(state) = nonces.get_mut(nonce) else {
            return Err(Refusal::Stale);
        };
        if state.expires <= Instant::now() {
            nonces.remove(nonce);
            return Err(Refusal::Stale);
        }
        let replay = match self.nc_policy {
            NcPolicy::Unique => state.seen.contains(&nc),
            NcPolicy::Increasing => nc <= state.highest,
        };
        if replay || nc == 0 {
            return Err(Refusal::Unauthorized);
        }
        state.seen.insert(nc);
        state.highest = state.highest.max(nc);
        Ok((key.role, key.public_key.clone()))
    }

    fn challenge(&self, stale: bool, rng: &Mutex<fastrand::Rng>) -> Response {
        let nonce: String = {
            let mut rng = rng.lock().unwrap_or_else(|e| e.into_inner());
            (0..32)
                .map(|_| char::from_digit(rng.u32(0..16), 16).unwrap_or('0'))
                .collect()
        };
        let now = Instant::now();
        {
            let mut nonces = self.nonces.lock().unwrap_or_else(|e| e.into_inner());
            if nonces.len() > 10_000 {
                nonces.retain(|_, s| s.expires > now);
            }
            nonces.insert(
                nonce.clone(),
                NonceState {
                    expires: now + self.nonce_lifetime,
                    seen: HashSet::new(),
                    highest: 0,
                },
            );
        }
        let value = format!(
            "Digest realm=\"{REALM}\", domain=\"\", nonce=\"{nonce}\", algorithm=MD5, qop=\"auth\", stale={stale}"
        );
        let mut error = ApiError::unauthorized();
        if let Ok(value) = HeaderValue::from_str(&value) {
            error = error.header(header::WWW_AUTHENTICATE, value);
        }
        error.into_response()
    }

    /// `POST /api/oauth/token`: Basic client credentials and
    /// `grant_type=client_credentials` give a bearer token. Error bodies follow
    /// RFC 6749 (Atlas's are unverified).
    pub fn issue_token(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        rng: &Mutex<fastrand::Rng>,
    ) -> Response {
        let oauth_error = |status: StatusCode, error: &str, description: &str| {
            json_response(
                status,
                &json!({"error": error, "error_description": description}),
            )
        };
        let form = String::from_utf8_lossy(body);
        let grant = form
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == "grant_type")
            .map(|(_, v)| v);
        if grant != Some("client_credentials") {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "grant_type must be client_credentials.",
            );
        }
        let credentials = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| strip_scheme(v, "Basic"))
            .and_then(|b64| {
                base64::engine::general_purpose::STANDARD
                    .decode(b64.trim())
                    .ok()
            })
            .and_then(|raw| String::from_utf8(raw).ok());
        let account = credentials.as_deref().and_then(|c| {
            let (id, secret) = c.split_once(':')?;
            let account = self.accounts.get(id)?;
            (account.client_secret == secret).then_some((account.role, account.client_id.clone()))
        });
        let Some((role, client_id)) = account else {
            let mut response = oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "Invalid client credentials.",
            );
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"MMS Public API\""),
            );
            return response;
        };
        let token: String = {
            let mut rng = rng.lock().unwrap_or_else(|e| e.into_inner());
            (0..48).map(|_| rng.alphanumeric()).collect()
        };
        let now = Instant::now();
        {
            let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
            if tokens.len() > 10_000 {
                tokens.retain(|_, (_, _, expires)| *expires > now);
            }
            tokens.insert(token.clone(), (role, client_id, now + self.token_lifetime));
        }
        let body = json!({
            "access_token": token,
            "expires_in": self.token_lifetime.as_secs(),
            "token_type": "Bearer",
        });
        let mut response = json_response(StatusCode::OK, &body);
        response.headers_mut().insert(
            HeaderName::from_static("cache-control"),
            HeaderValue::from_static("no-store"),
        );
        response
    }
}

fn strip_scheme<'a>(value: &'a str, scheme: &str) -> Option<&'a str> {
    let (head, rest) = value.split_at_checked(scheme.len())?;
    (head.eq_ignore_ascii_case(scheme) && rest.starts_with(' ')).then_some(rest)
}
