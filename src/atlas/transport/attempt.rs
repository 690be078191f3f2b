//! One attempt of a request, in three steps: get ready (a slot in the
//! shared limit, the stop request, the first Digest challenge, pacing, the
//! `Authorization` header), the exchange and its log line, then what the
//! answer comes to.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::HeaderValue;
use reqwest::{StatusCode, Url};
use tokio::sync::MutexGuard;
use tokio_util::sync::CancellationToken;

use super::Transport;
use super::exchange::{Received, exchange};
use super::outcome::{Outcome, Sent, bucket_reading, sort};
use crate::atlas::answer::Answer;
use crate::atlas::error::ApiError;
use crate::atlas::failure::Failure;
use crate::atlas::limit::Slot;
use crate::atlas::pacing::Turn;
use crate::atlas::redact::Redactor;
use crate::atlas::request::{Request, RequestAuth};

/// Which attempt of a request this is, and what it may do.
#[derive(Clone, Copy)]
pub struct Attempt {
    /// 1 for the first.
    pub number: u32,
    /// A 401 may take fresh credentials (once per request).
    pub may_reauthenticate: bool,
    /// Not sent when a stop was requested first.
    pub stoppable: bool,
}

/// What one attempt came to, for the loop in `send`.
pub enum Attempted {
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

/// What an attempt holds while it is sent: its place in the limit, the
/// first Digest challenge's turn, its pacing turn, its authorization.
struct Ready<'a> {
    _slot: Option<Slot<'a>>,
    _first: Option<MutexGuard<'a, ()>>,
    turn: Option<Turn<'a>>,
    /// How long pacing held it back.
    paced: Duration,
    header: Option<HeaderValue>,
    /// The generation of the bearer token it carries.
    token: Option<u64>,
}

impl Transport {
    /// One attempt: get ready, send, and sort the answer into what the
    /// caller reads, what is worth another attempt and what is an error.
    pub(super) async fn attempt(
        &self,
        request: &Request,
        shown: &str,
        attempt: Attempt,
    ) -> Result<Attempted, ApiError> {
        let mut ready = self.ready(request, shown, attempt).await?;
        let started = Instant::now();
        let exchanged = exchange(&self.http, request, ready.header.take()).await;
        let elapsed = started.elapsed().as_millis();
        let note = if ready.paced.is_zero() {
            format!("attempt {}", attempt.number)
        } else {
            format!(
                "attempt {}, paced {} ms",
                attempt.number,
                ready.paced.as_millis()
            )
        };
        let received = match exchanged {
            Ok(received) => received,
            Err(failure) => {
                self.log(|| {
                    format!(
                        "{shown} failed after {elapsed} ms ({note}): {}",
                        failure.reason()
                    )
                });
                return Ok(Attempted::NoAnswer(failure));
            }
        };
        self.auth.answered(received.status);
        if let Some(turn) = ready.turn.take() {
            let throttled = received.status == StatusCode::TOO_MANY_REQUESTS;
            turn.answered(Instant::now(), bucket_reading(&received.headers), throttled);
        }
        self.log(|| format!("{shown} {} {elapsed} ms ({note})", received.status.as_u16()));
        self.settle(request, shown, attempt, received, ready.token)
            .await
    }

    /// Everything before the request is sent: a slot, the stop request,
    /// the first Digest challenge, pacing, the `Authorization` header.
    async fn ready(
        &self,
        request: &Request,
        shown: &str,
        attempt: Attempt,
    ) -> Result<Ready<'_>, ApiError> {
        let api = matches!(request.auth, RequestAuth::Api);
        // The token request is made by a request that holds a slot, for
        // it: taking a second slot would wait forever at `--concurrency 1`.
        let slot = if api {
            Some(self.limit.acquire().await)
        } else {
            None
        };
        let not_started = || ApiError::NotStarted {
            request: shown.to_owned(),
        };
        let stop = attempt.stoppable.then_some(&self.stop);
        if stop.is_some_and(CancellationToken::is_cancelled) {
            return Err(not_started());
        }
        let first = self.auth.first_request(request).await;
        // The token endpoint has a bucket of its own, which pacing does not
        // follow.
        let (turn, paced) = if api {
            match self.pacer.wait_turn(stop).await {
                Some((turn, paced)) => (Some(turn), paced),
                None => return Err(not_started()),
            }
        } else {
            (None, Duration::ZERO)
        };
        // Boxed: the token request goes through `send`, which makes this
        // attempt.
        let send = |token_request: Request| Box::pin(self.send(token_request));
        let authorization = self
            .auth
            .authorization(request, send, &self.secrets)
            .await?;
        // Credentials are checked in `Client::new` and tokens when fetched:
        // this refuses what slipped through, as what it is.
        let header = authorization
            .header
            .map(|value| {
                HeaderValue::from_str(value.expose()).map_err(|_| {
                    ApiError::Config(
                        "the credentials hold a character that cannot go in an HTTP header"
                            .to_owned(),
                    )
                })
            })
            .transpose()?;
        // Each wait above (the first Digest challenge, a token, pacing) can
        // outlast a stop request: a write that was not sent yet is not sent.
        if stop.is_some_and(CancellationToken::is_cancelled) {
            return Err(not_started());
        }
        Ok(Ready {
            _slot: slot,
            _first: first,
            turn,
            paced,
            header,
            token: authorization.token,
        })
    }

    /// What the answer `received` comes to (see [`sort`]), and what it
    /// changes: the concurrency limit, the credentials after a 401.
    async fn settle(
        &self,
        request: &Request,
        shown: &str,
        attempt: Attempt,
        received: Received,
        token: Option<u64>,
    ) -> Result<Attempted, ApiError> {
        let Received {
            status,
            headers,
            body,
        } = received;
        let answer = Answer {
            status,
            request: shown.to_owned(),
            redactor: self.answer_redactor(request),
            body,
        };
        let sent = Sent {
            url: &request.url,
            token_request: matches!(request.auth, RequestAuth::Basic(_)),
        };
        // Only a 401 is sorted by its body.
        let error_code = (status == StatusCode::UNAUTHORIZED)
            .then(|| answer.error().error_code)
            .flatten();
        let outcome = sort(
            &sent,
            status,
            &headers,
            error_code.as_deref(),
            SystemTime::now(),
        );
        if !matches!(outcome, Outcome::Redirected { .. }) {
            self.auth.served(status, token);
        }
        match outcome {
            Outcome::Redirected { location } => Ok(Attempted::Redirected { status, location }),
            Outcome::Answered => {
                if status.is_success() {
                    self.limit.on_success();
                }
                Ok(Attempted::Answered(answer))
            }
            Outcome::Unauthorized { challenge } => {
                if attempt.may_reauthenticate && self.auth.reauthenticate(challenge, token).await {
                    return Ok(Attempted::Reauthenticated);
                }
                Err(ApiError::Unauthorized {
                    request: shown.to_owned(),
                    credentials: self.credential_kind,
                    from: self.credentials_from.clone(),
                })
            }
            Outcome::Forbidden => Err(ApiError::Forbidden {
                request: shown.to_owned(),
                detail: answer.detail(),
                write: request.is_write(),
                credentials: self.credential_kind,
            }),
            Outcome::Throttled { retry_after } => {
                self.limit.on_throttled();
                Ok(Attempted::Busy {
                    answer,
                    retry_after,
                })
            }
            Outcome::Failing { retry_after } => Ok(Attempted::Busy {
                answer,
                retry_after,
            }),
        }
    }

    /// The run's secrets and those `request` carried: one shared snapshot
    /// for a request that carried none.
    fn answer_redactor(&self, request: &Request) -> Arc<Redactor> {
        let run = self.secrets.snapshot();
        if request.secrets.is_empty() {
            run
        } else {
            Arc::new(run.and(&request.secrets))
        }
    }
}
