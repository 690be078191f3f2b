//! Which redirects are followed: a read's, within the origin it was sent
//! to, a few times at most. reqwest's own policy cannot see the method,
//! re-sends a 307/308 body wherever it points, and a Digest `Authorization`
//! is signed for one URI, so the transport follows them itself.

use reqwest::{Method, StatusCode, Url};

use crate::atlas::error::RedirectRefusal;

/// Redirects of one read followed at most.
pub const MAX_REDIRECTS: u32 = 10;

/// Where a request of `method` to `from`, redirected `followed` times
/// already, goes next for a redirect to `location`; or why it does not.
pub fn follow(
    method: &Method,
    from: &Url,
    location: Option<Url>,
    followed: u32,
) -> Result<Url, RedirectRefusal> {
    if method != Method::GET {
        return Err(RedirectRefusal::Write);
    }
    match location {
        Some(to) if to.origin() == from.origin() => {
            if followed >= MAX_REDIRECTS {
                Err(RedirectRefusal::TooMany(MAX_REDIRECTS))
            } else {
                Ok(to)
            }
        }
        _ => Err(RedirectRefusal::OtherOrigin {
            within: origin_of(from),
        }),
    }
}

/// `scheme://host[:port]` of a URL: never a path, a query or credentials.
pub fn origin_of(url: &Url) -> String {
    let origin = url.origin();
    if origin.is_tuple() {
        origin.ascii_serialization()
    } else {
        format!("a `{}:` address", url.scheme())
    }
}

/// `302 Found`: the code and its standard reason, never the server's words.
pub fn status_text(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).expect("a URL")
    }

    #[test]
    fn a_read_follows_only_within_its_origin_and_only_so_often() {
        let from = url("https://cloud.example/api/a");
        let next = url("https://cloud.example/api/b");
        assert_eq!(
            follow(&Method::GET, &from, Some(next.clone()), 0),
            Ok(next.clone())
        );
        assert_eq!(
            follow(&Method::GET, &from, Some(next), MAX_REDIRECTS),
            Err(RedirectRefusal::TooMany(MAX_REDIRECTS))
        );
        let within = RedirectRefusal::OtherOrigin {
            within: "https://cloud.example".to_owned(),
        };
        for elsewhere in [
            "http://cloud.example/api/b",
            "https://cloud.example:8443/api/b",
            "https://evil.example/api/b",
        ] {
            assert_eq!(
                follow(&Method::GET, &from, Some(url(elsewhere)), 0),
                Err(within.clone()),
                "{elsewhere}"
            );
        }
        assert_eq!(follow(&Method::GET, &from, None, 0), Err(within));
    }

    #[test]
    fn a_write_is_never_redirected() {
        let from = url("https://cloud.example/api/a");
        for method in [Method::PUT, Method::POST, Method::DELETE] {
            assert_eq!(
                follow(&method, &from, Some(from.clone()), 0),
                Err(RedirectRefusal::Write)
            );
        }
    }

    #[test]
    fn origins_and_statuses_are_shown_without_the_servers_words() {
        assert_eq!(
            origin_of(&url("https://user:pw@cloud.example:8443/p?q=1")),
            "https://cloud.example:8443"
        );
        assert_eq!(origin_of(&url("data:text/plain,x")), "a `data:` address");
        assert_eq!(status_text(StatusCode::FOUND), "302 Found");
        assert_eq!(status_text(StatusCode::from_u16(399).unwrap()), "399");
    }
}
