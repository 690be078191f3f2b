//! A request that got no HTTP answer tether can use, and which failure it
//! was: told apart by the types in the error's causes, never its words.

use std::error::Error;
use std::io;
use std::time::Duration;

use reqwest::Url;

use super::error::{ApiError, ConnectionFailure};

/// Larger answers are refused; Atlas's are a few kilobytes.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

#[derive(Debug)]
pub enum Failure {
    /// The connection could not be made: retrying at once will not make it.
    Unreachable {
        reason: String,
        kind: ConnectionFailure,
    },
    /// The connection broke before the whole answer came: another attempt
    /// may get it.
    Broken {
        reason: String,
        kind: ConnectionFailure,
    },
    /// No answer in time: another attempt may get one.
    TimedOut,
    /// An answer came, larger than tether reads: not the network's fault,
    /// and the same on every attempt.
    TooLarge,
}

impl Failure {
    pub fn from_reqwest(err: reqwest::Error) -> Failure {
        let err = err.without_url();
        if err.is_timeout() {
            return Failure::TimedOut;
        }
        // The deepest cause says what went wrong ("Connection refused");
        // the layers above it ("error sending request: client error") do not.
        let root_cause = causes(&err)
            .last()
            .map_or_else(|| err.to_string(), ToString::to_string);
        let connecting = err.is_connect();
        // reqwest marks every failure of its resolver, whatever the
        // resolver's own error says.
        let kind = if err.is_dns() {
            ConnectionFailure::Dns
        } else {
            kind_of(&err, connecting)
        };
        if connecting {
            Failure::Unreachable {
                reason: root_cause,
                kind,
            }
        } else {
            let reason = if kind == ConnectionFailure::Other {
                "the connection was closed before Atlas answered".to_owned()
            } else {
                root_cause
            };
            Failure::Broken { reason, kind }
        }
    }

    /// Whether another attempt may fare better.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Failure::Broken { .. } | Failure::TimedOut)
    }

    /// What went wrong, for the request log.
    pub fn reason(&self) -> String {
        match self {
            Failure::Unreachable { reason, .. } | Failure::Broken { reason, .. } => reason.clone(),
            Failure::TimedOut => "timed out".to_owned(),
            Failure::TooLarge => too_large(),
        }
    }

    /// The error of `request` (`PUT /api/...`) to `url`, which ended in this
    /// failure after `attempts` attempts of at most `timeout` each.
    pub fn into_error(
        self,
        url: &Url,
        request: &str,
        timeout: Duration,
        attempts: u32,
    ) -> ApiError {
        match self {
            Failure::TooLarge => ApiError::InvalidResponse {
                request: request.to_owned(),
                reason: format!("{}; Atlas's answers are a few kilobytes", too_large()),
            },
            Failure::TimedOut => ApiError::Timeout {
                request: request.to_owned(),
                timeout,
                attempts,
            },
            Failure::Unreachable { reason, kind } | Failure::Broken { reason, kind } => {
                let mut origin = url.clone();
                origin.set_path("");
                origin.set_query(None);
                ApiError::Connection {
                    url: origin.as_str().trim_end_matches('/').to_owned(),
                    reason,
                    kind,
                }
            }
        }
    }
}

fn too_large() -> String {
    format!("the answer is larger than {} MiB", MAX_BODY_BYTES >> 20)
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

#[cfg(test)]
mod tests {
    use std::fmt;

    use super::*;

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
    fn only_a_broken_connection_or_a_timeout_is_worth_another_attempt() {
        let reason = || "x".to_owned();
        let kind = ConnectionFailure::Other;
        assert!(
            Failure::Broken {
                reason: reason(),
                kind
            }
            .is_retryable()
        );
        assert!(Failure::TimedOut.is_retryable());
        assert!(
            !Failure::Unreachable {
                reason: reason(),
                kind
            }
            .is_retryable()
        );
        assert!(!Failure::TooLarge.is_retryable());
    }

    #[test]
    fn a_failure_names_the_origin_never_the_path_or_query() {
        let url = Url::parse("https://cloud.example:8443/api/atlas/v2/groups?name=secret-name")
            .expect("a URL");
        let failure = Failure::Unreachable {
            reason: "Connection refused".to_owned(),
            kind: ConnectionFailure::Refused,
        };
        match failure.into_error(&url, "GET /api", Duration::from_secs(1), 1) {
            ApiError::Connection { url, kind, .. } => {
                assert_eq!(url, "https://cloud.example:8443");
                assert_eq!(kind, ConnectionFailure::Refused);
            }
            other => panic!("{other:?}"),
        }
    }
}
