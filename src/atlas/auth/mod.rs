//! Authentication: which `Authorization` header each request carries, and
//! what a 401 lets a request try next. Digest is answered once and then
//! sent pre-emptively (`digest`); a service-account token is fetched once
//! per run and reused (`token`).

mod digest;
mod token;

use std::future::Future;

use reqwest::{StatusCode, Url};
use tokio::sync::MutexGuard;

pub use digest::Challenge;
use digest::DigestAuth;
use token::ServiceAccountAuth;

use super::answer::Answer;
use super::credentials::Credentials;
use super::error::ApiError;
use super::origin::CredentialSource;
use super::request::{Request, RequestAuth};
use super::run_secrets::RunSecrets;
use crate::secret::Secret;

/// The authentication of one run.
pub enum Auth {
    None,
    Digest(DigestAuth),
    ServiceAccount(ServiceAccountAuth),
}

/// What one attempt of a request is sent with.
pub struct Authorization {
    /// The `Authorization` header's value.
    pub header: Option<Secret>,
    /// The generation of the bearer token it carries.
    pub token: Option<u64>,
}

impl Auth {
    /// `base_url` is the Atlas the client speaks to: a service account's
    /// token comes from there; `from` is where the credentials came from.
    pub fn new(credentials: Credentials, base_url: &Url, from: Option<CredentialSource>) -> Auth {
        match credentials {
            Credentials::None => Auth::None,
            Credentials::ApiKey { public, private } => {
                Auth::Digest(DigestAuth::new(public, private))
            }
            Credentials::ServiceAccount { client_id, secret } => {
                Auth::ServiceAccount(ServiceAccountAuth::new(client_id, secret, base_url, from))
            }
        }
    }

    /// Holds an API request back while the first Digest challenge is being
    /// taken (see [`DigestAuth::first_request`]); the guard goes with the
    /// request that takes it, until it is answered.
    pub async fn first_request(&self, request: &Request) -> Option<MutexGuard<'_, ()>> {
        match (self, &request.auth) {
            (Auth::Digest(digest), RequestAuth::Api) => digest.first_request().await,
            _ => None,
        }
    }

    /// The header `request` goes out with. A service account's token is
    /// fetched first when none is fresh: `send` sends the token request,
    /// and the token joins `secrets`.
    pub async fn authorization<Sending>(
        &self,
        request: &Request,
        send: impl FnOnce(Request) -> Sending,
        secrets: &RunSecrets,
    ) -> Result<Authorization, ApiError>
    where
        Sending: Future<Output = Result<Answer, ApiError>>,
    {
        let (header, token) = match (&request.auth, self) {
            (RequestAuth::Basic(header), _) => (Some(header.clone()), None),
            (RequestAuth::Api, Auth::None) => (None, None),
            (RequestAuth::Api, Auth::Digest(digest)) => (
                digest
                    .authorization_for(request.method.as_str(), &request.url)
                    .map(Secret::new),
                None,
            ),
            (RequestAuth::Api, Auth::ServiceAccount(account)) => {
                let (header, generation) = account.authorization(send, secrets).await?;
                (Some(header), Some(generation))
            }
        };
        Ok(Authorization { header, token })
    }

    /// Any answer came back: a Digest server that did not challenge the
    /// request will challenge none.
    pub fn answered(&self, status: StatusCode) {
        if let Auth::Digest(digest) = self
            && status != StatusCode::UNAUTHORIZED
        {
            digest.answered_unchallenged();
        }
    }

    /// An answer other than a redirect came back to a request that carried
    /// the bearer token of generation `token`.
    pub fn served(&self, status: StatusCode, token: Option<u64>) {
        if let (Some(generation), Auth::ServiceAccount(account)) = (token, self)
            && status != StatusCode::UNAUTHORIZED
        {
            account.served(generation);
        }
    }

    /// Takes a fresh challenge or token after a 401; false when there is
    /// nothing new to try. `challenge` is the Digest challenge the 401
    /// carried, `used` the generation of the token refused.
    pub async fn reauthenticate(&self, challenge: Option<Challenge>, used: Option<u64>) -> bool {
        match self {
            Auth::None => false,
            Auth::Digest(digest) => match challenge {
                Some(challenge) => {
                    digest.accept(challenge);
                    true
                }
                None => false,
            },
            Auth::ServiceAccount(account) => account.refused(used).await,
        }
    }
}
