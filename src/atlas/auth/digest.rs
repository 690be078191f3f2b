//! HTTP Digest for an API key pair, with as few round trips as possible:
//! the first challenge is answered once, then every request is signed
//! pre-emptively with a growing nonce count.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use md5::{Digest as _, Md5};
use reqwest::Url;
use tokio::sync::MutexGuard;

use crate::secret::Secret;

/// A Digest challenge from a `WWW-Authenticate` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Challenge {
    pub realm: String,
    pub nonce: String,
    pub opaque: Option<String>,
    pub qop_auth: bool,
    pub stale: bool,
}

impl Challenge {
    /// Parses `Digest realm="..", nonce="..", qop="auth", ...`; `None` for
    /// other schemes or a challenge without a nonce.
    pub fn parse(header: &str) -> Option<Challenge> {
        let rest = header.trim().strip_prefix("Digest")?.trim_start();
        let mut realm = None;
        let mut nonce = None;
        let mut opaque = None;
        let mut qop_auth = false;
        let mut stale = false;
        for (key, value) in params(rest) {
            match key.to_ascii_lowercase().as_str() {
                "realm" => realm = Some(value),
                "nonce" => nonce = Some(value),
                "opaque" => opaque = Some(value),
                "qop" => qop_auth = value.split(',').any(|q| q.trim() == "auth"),
                "stale" => stale = value.eq_ignore_ascii_case("true"),
                _ => {}
            }
        }
        Some(Challenge {
            realm: realm.unwrap_or_default(),
            nonce: nonce?,
            opaque,
            qop_auth,
            stale,
        })
    }
}

/// `key=value` and `key="quoted, \"value\""` pairs separated by commas;
/// a backslash in a quoted value escapes the character after it.
fn params(mut rest: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    loop {
        rest = rest.trim_start_matches([' ', ',']);
        let Some(eq) = rest.find('=') else {
            return out;
        };
        let key = rest[..eq].trim().to_owned();
        rest = &rest[eq + 1..];
        let value = if let Some(quoted) = rest.strip_prefix('"') {
            let mut value = String::new();
            let mut end = quoted.len();
            let mut chars = quoted.char_indices();
            while let Some((at, c)) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next().map(|(_, c)| c)),
                    '"' => {
                        end = at + 1;
                        break;
                    }
                    c => value.push(c),
                }
            }
            rest = &quoted[end..];
            value
        } else {
            let end = rest.find(',').unwrap_or(rest.len());
            let value = rest[..end].trim().to_owned();
            rest = &rest[end..];
            value
        };
        out.push((key, value));
    }
}

/// A quoted-string of RFC 7616 (and RFC 9110): `"` and `\` escaped with
/// a backslash. The hashes use the value itself.
fn quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

fn md5_hex(input: &str) -> String {
    let digest = Md5::digest(input.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The Digest state of one run: the last challenge and its nonce count.
pub struct DigestAuth {
    username: String,
    password: Secret,
    session: Mutex<Option<(Challenge, u32)>>,
    /// Held while the first challenge is answered, so that parallel first
    /// requests wait for it instead of each drawing a challenge of its own.
    handshake: tokio::sync::Mutex<()>,
    /// A request was answered without a challenge.
    unchallenged: AtomicBool,
}

impl DigestAuth {
    pub fn new(username: String, password: Secret) -> Self {
        DigestAuth {
            username,
            password,
            session: Mutex::new(None),
            handshake: tokio::sync::Mutex::new(()),
            unchallenged: AtomicBool::new(false),
        }
    }

    pub fn has_session(&self) -> bool {
        self.session.lock().is_ok_and(|s| s.is_some())
    }

    /// Whether requests may go out side by side: a challenge was answered,
    /// or the server answered without asking for one (a server with no
    /// credentials, such as `tether sim --no-auth`), and then none will come
    /// first.
    pub fn settled(&self) -> bool {
        self.unchallenged.load(Ordering::SeqCst) || self.has_session()
    }

    /// Until requests may go out side by side, the first one takes the
    /// challenge and the others wait for it rather than each taking one of
    /// their own: the guard of the request that goes first, held until it
    /// is answered. Once the first answer is in (a challenge, or none asked),
    /// those that waited go on together.
    pub async fn first_request(&self) -> Option<MutexGuard<'_, ()>> {
        if self.settled() {
            return None;
        }
        let guard = self.handshake.lock().await;
        (!self.settled()).then_some(guard)
    }

    /// The server answered a request without a challenge.
    pub fn answered_unchallenged(&self) {
        self.unchallenged.store(true, Ordering::SeqCst);
    }

    pub fn accept(&self, challenge: Challenge) {
        if let Ok(mut session) = self.session.lock() {
            *session = Some((challenge, 0));
        }
    }

    /// The `Authorization` header of a request to `url`, signed for its
    /// path and query; `None` before the first challenge.
    pub fn authorization_for(&self, method: &str, url: &Url) -> Option<String> {
        let uri = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        };
        self.authorization(method, &uri)
    }

    /// The `Authorization` header for the next request, with the next nonce
    /// count; `None` before the first challenge.
    fn authorization(&self, method: &str, uri: &str) -> Option<String> {
        let (challenge, nc) = {
            let mut session = self.session.lock().ok()?;
            let (challenge, nc) = session.as_mut()?;
            *nc += 1;
            (challenge.clone(), *nc)
        };
        let ha1 = md5_hex(&format!(
            "{}:{}:{}",
            self.username,
            challenge.realm,
            self.password.expose()
        ));
        let ha2 = md5_hex(&format!("{method}:{uri}"));
        let nc = format!("{nc:08x}");
        let cnonce = format!("{:016x}", fastrand::u64(..));
        let mut header = format!(
            "Digest username={}, realm={}, nonce={}, uri={}, algorithm=MD5",
            quoted(&self.username),
            quoted(&challenge.realm),
            quoted(&challenge.nonce),
            quoted(uri)
        );
        let response = if challenge.qop_auth {
            header.push_str(&format!(", qop=auth, nc={nc}, cnonce=\"{cnonce}\""));
            md5_hex(&format!(
                "{ha1}:{}:{nc}:{cnonce}:auth:{ha2}",
                challenge.nonce
            ))
        } else {
            md5_hex(&format!("{ha1}:{}:{ha2}", challenge.nonce))
        };
        header.push_str(&format!(", response=\"{response}\""));
        if let Some(opaque) = &challenge.opaque {
            header.push_str(&format!(", opaque={}", quoted(opaque)));
        }
        Some(header)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_atlas_challenges() {
        let c = Challenge::parse(
            r#"Digest realm="MMS Public API", domain="", nonce="abc/def+==", algorithm=MD5, qop="auth", stale=false"#,
        )
        .unwrap();
        assert_eq!(c.realm, "MMS Public API");
        assert_eq!(c.nonce, "abc/def+==");
        assert!(c.qop_auth && !c.stale);
        let stale =
            Challenge::parse(r#"Digest realm="r", nonce="n", qop="auth,auth-int", stale=true"#)
                .unwrap();
        assert!(stale.stale && stale.qop_auth);
        assert!(Challenge::parse("Basic realm=\"x\"").is_none());
        let escaped = Challenge::parse(r#"Digest realm="a \"b\" \\c", nonce="n,1""#).unwrap();
        assert_eq!(escaped.realm, r#"a "b" \c"#);
        assert_eq!(escaped.nonce, "n,1");
    }

    #[test]
    fn quoted_values_are_escaped() {
        assert_eq!(quoted(r#"pub"key\x"#), r#""pub\"key\\x""#);
        assert_eq!(quoted("plain"), "\"plain\"");
    }

    #[test]
    fn rfc_2617_example_response() {
        // The worked example of RFC 2617 section 3.5.
        let auth = DigestAuth::new("Mufasa".into(), Secret::new("Circle Of Life"));
        auth.accept(Challenge {
            realm: "testrealm@host.com".into(),
            nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093".into(),
            opaque: Some("5ccc069c403ebaf9f0171e9517f40e41".into()),
            qop_auth: true,
            stale: false,
        });
        let header = auth.authorization("GET", "/dir/index.html").unwrap();
        assert!(header.contains("nc=00000001"));
        let cnonce = header
            .split("cnonce=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let ha1 = md5_hex("Mufasa:testrealm@host.com:Circle Of Life");
        let ha2 = md5_hex("GET:/dir/index.html");
        let expected = md5_hex(&format!(
            "{ha1}:dcd98b7102dd2f0e8b11d0f600bfb0c093:00000001:{cnonce}:auth:{ha2}"
        ));
        assert!(header.contains(&format!("response=\"{expected}\"")));
        assert!(!header.contains("Circle Of Life"));
        let second = auth.authorization("GET", "/dir/index.html").unwrap();
        assert!(second.contains("nc=00000002"));
    }
}
