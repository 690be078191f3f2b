//! How a client behaves, whatever Atlas it speaks to and whoever it is:
//! what the command line's options set, with the defaults they show.

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::retry::RetryPolicy;
use super::version::ApiVersion;

/// Requests in flight at most (`--concurrency`).
pub const DEFAULT_CONCURRENCY: u16 = 16;
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// One attempt of a request, its whole answer read.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Receives one line per request for `-v`: method, path, status, time,
/// attempt and any pacing wait. Never a header or a body.
pub type RequestLog = Arc<dyn Fn(&str) + Send + Sync>;

#[derive(Clone)]
pub struct ClientSettings {
    pub api: ApiVersion,
    /// Requests in flight at most; lowered for a while when Atlas throttles.
    pub concurrency: usize,
    pub retry: RetryPolicy,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    pub log: Option<RequestLog>,
    /// Once cancelled, a write (PUT, POST or DELETE) that has not sent its
    /// first attempt yet is not sent: it ends in
    /// [`ApiError::NotStarted`](super::ApiError::NotStarted). The token is
    /// read after the write has its concurrency slot and before anything is
    /// sent (a token request included), and all through a pacing wait; a
    /// write already sent is finished, retries included. Reads are not
    /// affected.
    pub stop: CancellationToken,
    /// Slow down before Atlas's token bucket is empty, from the
    /// `RateLimit-*` headers of its answers (see `pacing`). Off, only 429s
    /// slow a run down: benchmarks compare the two.
    pub pacing: bool,
}

impl Default for ClientSettings {
    fn default() -> Self {
        ClientSettings {
            api: ApiVersion::default(),
            concurrency: usize::from(DEFAULT_CONCURRENCY),
            retry: RetryPolicy::default(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            log: None,
            stop: CancellationToken::new(),
            pacing: true,
        }
    }
}
