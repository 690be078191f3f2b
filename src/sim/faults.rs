//! Injected faults: latency with jitter, a token-bucket rate limit, 500/503
//! answers, dropped connections. Decisions come from one seeded PRNG so a
//! sequential test sees the same faults on every run.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{HeaderName, HeaderValue, header};

use super::errors::ApiError;

/// Atlas's token bucket: every API request takes a token; an empty bucket
/// answers 429 `RATE_LIMITED_TOKEN_BUCKET` with `Retry-After`. Answers carry
/// `RateLimit-Limit` (the capacity) and `RateLimit-Remaining` (the tokens
/// left once this request took its own, counted when it took it). Atlas
/// leaves open, and this reads: tokens come back continuously, and a refused
/// request takes none.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RateLimit {
    /// Bucket size: requests that may burst.
    pub capacity: u32,
    /// Tokens added per `period`.
    pub refill: u32,
    pub period: Duration,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Faults {
    /// Added to every answer.
    pub latency: Duration,
    /// Plus a uniform random extra in `0..=jitter`.
    pub jitter: Duration,
    pub rate_limit: Option<RateLimit>,
    /// The bucket limits, but answers do not say so: Atlas does not always
    /// send the `RateLimit-*` headers.
    pub omit_rate_limit_headers: bool,
    /// Share of requests (0.0..=1.0) answered 500 `UNEXPECTED_ERROR`.
    pub error_500_rate: f64,
    /// Share of requests answered 503.
    pub error_503_rate: f64,
    /// Share of requests whose connection is closed without an answer.
    pub drop_rate: f64,
    /// A written integration stays invisible to GETs (they keep seeing the
    /// previous value) for this long.
    pub read_after_write_delay: Duration,
    /// Projects (by id) whose writes always answer 500: a project that is
    /// broken on Atlas's side, for partial-failure tests.
    pub failing_projects: Vec<String>,
    /// Integration types (`VICTOR_OPS`) whose POST and PUT, in any project,
    /// answer 400 `INVALID_INTEGRATION_SETTINGS`: a provider that rejects
    /// the settings, for tests of what apply does after a refused write.
    pub refused_types: Vec<String>,
    /// Endpoints answered 403 (as for a key that lacks the role, or an IP
    /// not on its access list), by path template after the version, such
    /// as `groups/{groupId}/events`; any version.
    pub forbidden: Vec<String>,
}

/// What the fault layer decided for one request.
#[derive(Debug)]
pub enum Verdict {
    Pass,
    Drop,
    Fail(ApiError),
}

/// Headers for the answer, whatever it turns out to be.
pub type Headers = Vec<(HeaderName, HeaderValue)>;

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

#[derive(Debug)]
pub struct Injector {
    faults: Faults,
    bucket: Mutex<Bucket>,
    retry_after_503: Option<u64>,
}

impl Injector {
    pub fn new(faults: Faults, retry_after_503: Option<u64>) -> Self {
        let tokens = faults.rate_limit.map_or(0.0, |r| f64::from(r.capacity));
        Injector {
            faults,
            bucket: Mutex::new(Bucket {
                tokens,
                last: Instant::now(),
            }),
            retry_after_503,
        }
    }

    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    pub fn delay(&self, rng: &mut fastrand::Rng) -> Duration {
        let jitter = self.faults.jitter.as_micros() as u64;
        let extra = if jitter == 0 { 0 } else { rng.u64(0..=jitter) };
        self.faults.latency + Duration::from_micros(extra)
    }

    /// Whether the endpoint of `template` (a matched path template) is
    /// one of `forbidden`.
    pub fn forbids(&self, template: &str) -> bool {
        self.faults.forbidden.iter().any(|endpoint| {
            template
                .strip_prefix("/api/atlas/")
                .and_then(|rest| rest.split_once('/'))
                .is_some_and(|(_, path)| path == endpoint.trim_matches('/'))
        })
    }

    /// Whether a write to `path` goes to one of `failing_projects`.
    pub fn fails_write(&self, method: &str, path: &str) -> bool {
        super::counters::WRITE_METHODS.contains(&method)
            && self
                .faults
                .failing_projects
                .iter()
                .any(|id| path.contains(&format!("/groups/{id}/")))
    }

    /// The type of `refused_types` that a POST or PUT to `path` writes.
    pub fn refused_type(&self, method: &str, path: &str) -> Option<&str> {
        if !matches!(method, "POST" | "PUT") {
            return None;
        }
        let (_, kind) = path.trim_end_matches('/').rsplit_once("/integrations/")?;
        self.faults
            .refused_types
            .iter()
            .find(|refused| refused.as_str() == kind)
            .map(String::as_str)
    }

    /// `endpoint` names the endpoint set in the 429 text; `limited` says
    /// whether the request draws from the token bucket (the Atlas API does;
    /// the token endpoint does not). With the verdict, the bucket's headers.
    pub fn decide(
        &self,
        rng: &mut fastrand::Rng,
        endpoint: &str,
        limited: bool,
    ) -> (Verdict, Headers) {
        if self.faults.drop_rate > 0.0 && rng.f64() < self.faults.drop_rate {
            return (Verdict::Drop, Vec::new());
        }
        let mut headers = Vec::new();
        if let Some(limit) = self.faults.rate_limit.filter(|_| limited) {
            let taken = self.take(limit);
            if !self.faults.omit_rate_limit_headers {
                let remaining = taken.unwrap_or(0);
                headers = bucket_headers(limit, remaining);
            }
            if let Err(wait) = taken {
                return (Verdict::Fail(rate_limited(limit, wait, endpoint)), headers);
            }
        }
        let roll = rng.f64();
        if roll < self.faults.error_500_rate {
            return (Verdict::Fail(ApiError::unexpected()), headers);
        }
        if roll < self.faults.error_500_rate + self.faults.error_503_rate {
            let mut error = ApiError::service_unavailable();
            if let Some(secs) = self.retry_after_503 {
                error = error.header(header::RETRY_AFTER, HeaderValue::from(secs));
            }
            return (Verdict::Fail(error), headers);
        }
        (Verdict::Pass, headers)
    }

    /// Takes one token: the whole tokens left; or the seconds until one is
    /// available.
    fn take(&self, limit: RateLimit) -> Result<u64, u64> {
        let mut bucket = self.bucket.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let per_sec = f64::from(limit.refill) / limit.period.as_secs_f64().max(1e-9);
        let elapsed = now.duration_since(bucket.last).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_sec).min(f64::from(limit.capacity));
        bucket.last = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(bucket.tokens.floor() as u64)
        } else if per_sec <= 0.0 {
            Err(limit.period.as_secs().max(1))
        } else {
            Err((((1.0 - bucket.tokens) / per_sec).ceil() as u64).max(1))
        }
    }
}

/// `RateLimit-Limit` and `RateLimit-Remaining`.
fn bucket_headers(limit: RateLimit, remaining: u64) -> Headers {
    vec![
        (
            HeaderName::from_static("ratelimit-limit"),
            HeaderValue::from(limit.capacity),
        ),
        (
            HeaderName::from_static("ratelimit-remaining"),
            HeaderValue::from(remaining),
        ),
    ]
}

fn rate_limited(limit: RateLimit, wait: u64, endpoint: &str) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::TOO_MANY_REQUESTS,
        "RATE_LIMITED_TOKEN_BUCKET",
        format!(
            "Rate limit exceeded for {endpoint}. Please retry after {wait} seconds. \
             Request capacity: {}. Refill rate: {} per {} seconds.",
            limit.capacity,
            limit.refill,
            limit.period.as_secs()
        ),
    )
    .header(header::RETRY_AFTER, HeaderValue::from(wait))
}
