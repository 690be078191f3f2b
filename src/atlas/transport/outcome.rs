//! What an answer's status and headers make of an attempt: pure, so that
//! every status and every hostile header is tested without a server.

use std::time::{Duration, SystemTime};

use reqwest::header::{DATE, HeaderMap, LOCATION, RETRY_AFTER, WWW_AUTHENTICATE};
use reqwest::{StatusCode, Url};

use crate::atlas::auth::Challenge;
use crate::atlas::pacing::BucketReading;
use crate::atlas::retry::parse_retry_after;

/// What the answer to one attempt comes to.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// For the caller: a success, or an answer it interprets (a 404, a
    /// 409, a 3xx without a `Location`, ...).
    Answered,
    /// A 3xx with a `Location`, resolved against the request's URL
    /// (`None` when it is not a URL).
    Redirected {
        location: Option<Url>,
    },
    /// A 401 that fresh credentials may answer, with the Digest challenge
    /// it carries when it carries one.
    Unauthorized {
        challenge: Option<Challenge>,
    },
    Forbidden,
    /// A 429: another attempt, after `retry_after` at least.
    Throttled {
        retry_after: Option<Duration>,
    },
    /// A 5xx that says Atlas is failing or busy: another attempt, after
    /// `retry_after` at least.
    Failing {
        retry_after: Option<Duration>,
    },
}

/// The attempt the answer belongs to.
pub struct Sent<'a> {
    pub url: &'a Url,
    /// A token request: its 401 is the caller's to read.
    pub token_request: bool,
}

/// Sorts an answer of `status` with `headers` (and Atlas's `errorCode`,
/// when its body has one) to `sent`. `now` reads a `Retry-After` date
/// when the answer has no `Date` of its own.
pub fn sort(
    sent: &Sent<'_>,
    status: StatusCode,
    headers: &HeaderMap,
    error_code: Option<&str>,
    now: SystemTime,
) -> Outcome {
    if status.is_redirection()
        && let Some(location) = headers.get(LOCATION)
    {
        let location = location.to_str().ok().and_then(|to| sent.url.join(to).ok());
        return Outcome::Redirected { location };
    }
    match status {
        // `NOT_IN_GROUP`: the credentials are good, the project is not
        // theirs; the caller says which project.
        StatusCode::UNAUTHORIZED if error_code == Some("NOT_IN_GROUP") || sent.token_request => {
            Outcome::Answered
        }
        StatusCode::UNAUTHORIZED => Outcome::Unauthorized {
            challenge: digest_challenge(headers),
        },
        StatusCode::FORBIDDEN => Outcome::Forbidden,
        StatusCode::TOO_MANY_REQUESTS => Outcome::Throttled {
            retry_after: retry_after(headers, now),
        },
        StatusCode::INTERNAL_SERVER_ERROR
        | StatusCode::BAD_GATEWAY
        | StatusCode::SERVICE_UNAVAILABLE
        | StatusCode::GATEWAY_TIMEOUT => Outcome::Failing {
            retry_after: retry_after(headers, now),
        },
        _ => Outcome::Answered,
    }
}

/// The bucket as the answer's `RateLimit-Limit` and `RateLimit-Remaining`
/// describe it; `None` without them or when they cannot be read.
pub fn bucket_reading(headers: &HeaderMap) -> Option<BucketReading> {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    BucketReading::parse(text("ratelimit-limit"), text("ratelimit-remaining"))
}

/// The first `WWW-Authenticate` value that is a Digest challenge.
fn digest_challenge(headers: &HeaderMap) -> Option<Challenge> {
    headers
        .get_all(WWW_AUTHENTICATE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(Challenge::parse)
}

fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    parse_retry_after(text(RETRY_AFTER)?, text(DATE), now)
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn url() -> Url {
        Url::parse("https://cloud.example/api/atlas/v2/groups/x").expect("a URL")
    }

    fn headers(pairs: &[(&'static str, &[u8])]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                *name,
                HeaderValue::from_bytes(value).expect("a header value"),
            );
        }
        map
    }

    fn sorted(status: u16, pairs: &[(&'static str, &[u8])]) -> Outcome {
        sort_with(status, pairs, None, false)
    }

    fn sort_with(
        status: u16,
        pairs: &[(&'static str, &[u8])],
        error_code: Option<&str>,
        token_request: bool,
    ) -> Outcome {
        let url = url();
        let sent = Sent {
            url: &url,
            token_request,
        };
        let status = StatusCode::from_u16(status).expect("a status");
        sort(
            &sent,
            status,
            &headers(pairs),
            error_code,
            SystemTime::now(),
        )
    }

    #[test]
    fn successes_and_the_4xx_a_caller_reads_are_answered() {
        for status in [200, 201, 202, 204, 400, 404, 409, 410, 422] {
            assert_eq!(sorted(status, &[]), Outcome::Answered, "{status}");
        }
    }

    #[test]
    fn a_redirect_resolves_its_location_against_the_request() {
        assert_eq!(
            sorted(307, &[("location", b"/api/atlas/v2/other?x=1")]),
            Outcome::Redirected {
                location: Some(Url::parse("https://cloud.example/api/atlas/v2/other?x=1").unwrap())
            }
        );
        assert_eq!(
            sorted(302, &[("location", b"https://elsewhere.example/")]),
            Outcome::Redirected {
                location: Some(Url::parse("https://elsewhere.example/").unwrap())
            }
        );
        // Without a `Location`, a 3xx is an answer the caller refuses.
        assert_eq!(sorted(304, &[]), Outcome::Answered);
    }

    #[test]
    fn a_401_carries_its_digest_challenge_when_it_has_one() {
        let challenge = br#"Digest realm="MMS Public API", nonce="n1", qop="auth""#;
        match sorted(401, &[("www-authenticate", challenge)]) {
            Outcome::Unauthorized {
                challenge: Some(challenge),
            } => assert_eq!(challenge.nonce, "n1"),
            other => panic!("{other:?}"),
        }
        assert_eq!(sorted(401, &[]), Outcome::Unauthorized { challenge: None });
        // Another scheme first, then Digest: the Digest one is taken.
        match sorted(
            401,
            &[
                ("www-authenticate", b"Bearer realm=\"x\""),
                ("www-authenticate", br#"Digest realm="r", nonce="n2""#),
            ],
        ) {
            Outcome::Unauthorized {
                challenge: Some(challenge),
            } => assert_eq!(challenge.nonce, "n2"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_401_for_another_project_or_to_a_token_request_is_the_callers() {
        assert_eq!(
            sort_with(401, &[], Some("NOT_IN_GROUP"), false),
            Outcome::Answered
        );
        assert_eq!(sort_with(401, &[], None, true), Outcome::Answered);
    }

    #[test]
    fn a_403_is_forbidden() {
        assert_eq!(sorted(403, &[]), Outcome::Forbidden);
    }

    #[test]
    fn a_429_is_throttled_for_retry_after_seconds_or_until_its_date() {
        assert_eq!(
            sorted(429, &[("retry-after", b"7")]),
            Outcome::Throttled {
                retry_after: Some(Duration::from_secs(7))
            }
        );
        assert_eq!(
            sorted(
                429,
                &[
                    ("retry-after", b"Wed, 21 Oct 2015 07:28:30 GMT"),
                    ("date", b"Wed, 21 Oct 2015 07:28:00 GMT"),
                ]
            ),
            Outcome::Throttled {
                retry_after: Some(Duration::from_secs(30))
            }
        );
        assert_eq!(sorted(429, &[]), Outcome::Throttled { retry_after: None });
    }

    #[test]
    fn the_5xx_of_a_busy_atlas_are_failing_and_others_are_answered() {
        for status in [500, 502, 503, 504] {
            assert_eq!(
                sorted(status, &[("retry-after", b"2")]),
                Outcome::Failing {
                    retry_after: Some(Duration::from_secs(2))
                },
                "{status}"
            );
        }
        assert_eq!(sorted(501, &[]), Outcome::Answered);
    }

    #[test]
    fn hostile_headers_are_ignored_not_trusted() {
        // Not UTF-8, not a number, negative, not a date: no wait asked.
        for value in [&b"\xff\xfe"[..], b"soon", b"-5", b"NaN", b"Thu, 99 Foo"] {
            assert_eq!(
                sorted(429, &[("retry-after", value)]),
                Outcome::Throttled { retry_after: None },
                "{value:?}"
            );
        }
        // A `Location` that is not a URL: a redirect to nowhere, refused
        // by the caller.
        assert_eq!(
            sorted(302, &[("location", b"http://[::1")]),
            Outcome::Redirected { location: None }
        );
        assert_eq!(
            sorted(302, &[("location", b"\xff/next")]),
            Outcome::Redirected { location: None }
        );
        // A challenge that is not Digest, or without a nonce, or not UTF-8.
        for value in [
            &b"Basic realm=\"x\""[..],
            b"Digest realm=\"r\"",
            b"Digest \xff",
        ] {
            assert_eq!(
                sorted(401, &[("www-authenticate", value)]),
                Outcome::Unauthorized { challenge: None },
                "{value:?}"
            );
        }
        // Bucket headers that do not describe a bucket.
        let garbage = headers(&[("ratelimit-limit", b"-1"), ("ratelimit-remaining", b"x")]);
        assert_eq!(bucket_reading(&garbage), None);
        let more_than_limit =
            headers(&[("ratelimit-limit", b"10"), ("ratelimit-remaining", b"11")]);
        assert_eq!(bucket_reading(&more_than_limit), None);
        let fine = headers(&[("ratelimit-limit", b"10"), ("ratelimit-remaining", b"3")]);
        assert_eq!(
            bucket_reading(&fine),
            Some(BucketReading {
                limit: 10,
                remaining: 3
            })
        );
    }
}
