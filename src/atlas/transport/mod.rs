//! The transport: sends one request to Atlas, attempt after attempt, until
//! it is answered or the retry policy gives up on 429s, 5xx answers or
//! dropped connections; follows the redirects of a read (`redirect`). One
//! attempt is in `attempt`, the HTTP exchange in `exchange`, and what an
//! answer makes of an attempt in `outcome` (pure).

mod attempt;
mod exchange;
mod outcome;
mod redirect;

use std::sync::Arc;
use std::time::Duration;

use reqwest::{StatusCode, Url};
use tokio_util::sync::CancellationToken;

use super::answer::Answer;
use super::auth::Auth;
use super::credentials::{CredentialKind, Credentials};
use super::error::{ApiError, LongWait};
use super::limit::AdaptiveLimit;
use super::origin::CredentialSource;
use super::pacing::{Pacer, PacingStats};
use super::redact::Redactor;
use super::request::Request;
use super::retry::RetryPolicy;
use super::run_secrets::RunSecrets;
use super::settings::{ClientSettings, RequestLog};
use attempt::{Attempt, Attempted};

pub struct Transport {
    http: reqwest::Client,
    auth: Auth,
    credential_kind: CredentialKind,
    credentials_from: Option<CredentialSource>,
    limit: AdaptiveLimit,
    pacer: Pacer,
    retry: RetryPolicy,
    request_timeout: Duration,
    log: Option<RequestLog>,
    /// The credentials, and each bearer token once fetched: redacted from
    /// everything a server sends back.
    secrets: RunSecrets,
    stop: CancellationToken,
}

impl Transport {
    /// A transport to the Atlas at `base_url` with `credentials`, checked
    /// already; `from` is where they came from.
    pub fn new(
        base_url: &Url,
        credentials: Credentials,
        from: Option<CredentialSource>,
        settings: ClientSettings,
    ) -> Result<Transport, ApiError> {
        install_crypto_provider();
        let http = reqwest::Client::builder()
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.request_timeout)
            .user_agent(concat!("tether/", env!("CARGO_PKG_VERSION")))
            // Redirects are followed in `send`, as `redirect` allows.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|err| ApiError::Config(format!("the HTTP client cannot start: {err}")))?;
        Ok(Transport {
            http,
            credential_kind: credentials.kind(),
            secrets: RunSecrets::new(&credentials),
            auth: Auth::new(credentials, base_url, from.clone()),
            credentials_from: from,
            limit: AdaptiveLimit::new(settings.concurrency),
            pacer: Pacer::new(settings.pacing),
            retry: settings.retry,
            request_timeout: settings.request_timeout,
            log: settings.log,
            stop: settings.stop,
        })
    }

    pub fn credential_kind(&self) -> CredentialKind {
        self.credential_kind
    }

    /// The concurrency limit in force now (lower after throttling).
    pub fn current_concurrency(&self) -> usize {
        self.limit.current()
    }

    /// How much pacing has slowed this client down so far.
    pub fn pacing_stats(&self) -> PacingStats {
        self.pacer.stats()
    }

    /// The credentials and every bearer token of the run, as of now.
    pub fn redactor(&self) -> Arc<Redactor> {
        self.secrets.snapshot()
    }

    /// Sends one request: attempts until one is answered, or until the
    /// retry policy gives up on 429s, 5xx answers or dropped connections.
    pub async fn send(&self, mut request: Request) -> Result<Answer, ApiError> {
        let shown = request.shown();
        let mut waited = Duration::ZERO;
        let mut number = 1u32;
        let mut reauthenticated = false;
        let mut redirects = 0u32;
        loop {
            let attempt = Attempt {
                number,
                may_reauthenticate: !reauthenticated,
                // Only a write's first attempt may be held back by a stop:
                // once it was sent, the write is seen through.
                stoppable: request.stoppable && number == 1 && !reauthenticated && redirects == 0,
            };
            let delay = match self.attempt(&request, &shown, attempt).await? {
                Attempted::Answered(answer) => return Ok(answer),
                Attempted::Redirected { status, location } => {
                    let to = location.as_ref().map(redirect::origin_of);
                    match redirect::follow(&request.method, &request.url, location, redirects) {
                        // The same attempt at the new address, signed for it.
                        Ok(next) => {
                            request.url = next;
                            redirects += 1;
                            continue;
                        }
                        Err(refusal) => {
                            return Err(ApiError::Redirected {
                                request: shown,
                                status: redirect::status_text(status),
                                to,
                                refusal,
                            });
                        }
                    }
                }
                // Fresh credentials: the same attempt again, at once.
                Attempted::Reauthenticated => {
                    reauthenticated = true;
                    continue;
                }
                Attempted::Busy {
                    answer,
                    retry_after,
                } => match self.retry.delay(number, retry_after, waited) {
                    Some(delay) => delay,
                    None => {
                        return Err(self.gave_up(shown, &answer, retry_after, number, waited));
                    }
                },
                Attempted::NoAnswer(failure) => {
                    let delay = failure
                        .is_retryable()
                        .then(|| self.retry.delay(number, None, waited))
                        .flatten();
                    match delay {
                        Some(delay) => delay,
                        None => {
                            return Err(failure.into_error(
                                &request.url,
                                &shown,
                                self.request_timeout,
                                number,
                            ));
                        }
                    }
                }
            };
            waited += delay;
            tokio::time::sleep(delay).await;
            number += 1;
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

    fn log(&self, line: impl FnOnce() -> String) {
        if let Some(log) = &self.log {
            log(&line());
        }
    }
}

/// rustls needs one process-wide crypto provider; tether uses ring.
fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
