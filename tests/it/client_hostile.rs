//! The Atlas client against small scripted servers on loopback that answer
//! what Atlas never should: redirects, echoed credentials, huge or binary
//! errors, odd `Retry-After` values.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use tether::CancellationToken;
use tether::atlas::{ApiError, Client, ClientConfig, Credentials, RetryPolicy, base_url};
use tether::model::{FieldValue, GroupId, Integration, IntegrationType, spec};
use tether::secret::Secret;

const PROD: &str = "65f1a2b3c4d5e6f7a8b9c0d1";
const LIST_PATH: &str = "/api/atlas/v1.0/groups/65f1a2b3c4d5e6f7a8b9c0d1/integrations";
const PD_KEY: &str = "9f3c2a7e5b1d4c8fa0e6b2d4c8f10022";
const EMPTY_LIST: &[u8] = br#"{"results":[],"totalCount":0}"#;

/// One request as the server read it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    /// Path and query.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the server answers.
pub struct Reply {
    status: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    pub fn new(status: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status: status.to_owned(),
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.into(),
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
}

type Handler = dyn Fn(&Seen) -> Reply + Send + Sync;

/// A server on an ephemeral loopback port that records every request and
/// answers each with `handler`, one connection per request.
pub struct Server {
    pub base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    pub fn start(handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        let handler: Arc<Handler> = Arc::new(handler);
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let record = Arc::clone(&record);
                let handler = Arc::clone(&handler);
                thread::spawn(move || serve_one(stream, &*handler, &record));
            }
        });
        Server { base, seen }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("lock").clone()
    }
}

fn serve_one(mut stream: TcpStream, handler: &Handler, record: &Mutex<Vec<Seen>>) {
    let mut data = Vec::new();
    let mut buffer = [0u8; 8192];
    let head_end = loop {
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(n) => data.extend_from_slice(&buffer[..n]),
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or("").split(' ');
    let method = first.next().unwrap_or("").to_owned();
    let target = first.next().unwrap_or("").to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let length = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = data[head_end + 4..].to_vec();
    while body.len() < length {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => body.extend_from_slice(&buffer[..n]),
        }
    }
    let seen = Seen {
        method,
        target,
        headers,
        body,
    };
    let reply = handler(&seen);
    record.lock().expect("lock").push(seen);
    let mut out = format!("HTTP/1.1 {}\r\n", reply.status);
    for (name, value) in &reply.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        reply.body.len()
    ));
    let _ = stream.write_all(out.as_bytes());
    let _ = stream.write_all(&reply.body);
}

pub fn group() -> GroupId {
    PROD.parse().expect("a valid id")
}

pub fn config(base: &str, credentials: Credentials) -> ClientConfig {
    let mut config = ClientConfig::new(
        base_url(Some(base), |_| None).expect("a valid base URL"),
        credentials,
    );
    config.settings.retry = RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        max_total_wait: Duration::from_secs(10),
    };
    config
}

fn client(base: &str) -> Client {
    Client::new(config(base, Credentials::None)).expect("the client builds")
}

/// What the client says when its listing of the project's integrations
/// from `atlas` with `credentials` fails, as `expected` says it must.
async fn listing_refused(atlas: &Server, credentials: Credentials, expected: &str) -> String {
    let err = Client::new(config(&atlas.base, credentials))
        .expect("the client builds")
        .list_integrations(&group())
        .await
        .expect_err(expected);
    shown(&err)
}

use crate::client::{pager_duty, shown};

// --- Redirects ---------------------------------------------------------

/// A server that would take anything sent to it, and says so.
fn elsewhere() -> Server {
    Server::start(|_| Reply::new("200 OK", EMPTY_LIST))
}

#[tokio::test]
async fn a_redirected_write_is_not_followed_and_its_body_goes_nowhere() {
    let other = elsewhere();
    for status in [
        "301 Moved Permanently",
        "302 Found",
        "303 See Other",
        "307 Temporary Redirect",
        "308 Permanent Redirect",
    ] {
        let target = format!("{}/steal", other.base);
        let atlas = Server::start(move |_| Reply::new(status, "").header("Location", &target));
        let err = client(&atlas.base)
            .put_integration(&group(), &pager_duty(PD_KEY))
            .await
            .expect_err("a redirect is not a success");
        let message = shown(&err);
        let code = &status[..3];
        assert!(
            message.contains(&format!("answered {code}")),
            "{status}: {message}"
        );
        assert!(
            message.contains("tether does not follow redirects of writes"),
            "{status}: {message}"
        );
        assert!(!message.contains("connection"), "{status}: {message}");
        assert!(!message.contains(PD_KEY), "{status}: {message}");
        let seen = atlas.seen();
        assert_eq!(seen.len(), 1, "{status}: one PUT, not repeated");
        assert_eq!(seen[0].method, "PUT");
        assert!(seen[0].header("content-type").is_some());
        assert!(String::from_utf8_lossy(&seen[0].body).contains(PD_KEY));
    }
    assert!(other.seen().is_empty(), "{:?}", requests(&other));
}

#[tokio::test]
async fn a_read_redirected_to_another_origin_is_refused() {
    let other = elsewhere();
    let target = format!("{}{LIST_PATH}", other.base);
    let atlas = Server::start(move |_| Reply::new("302 Found", "").header("Location", &target));
    let credentials = Credentials::ApiKey {
        public: "pubkey01".into(),
        private: Secret::new("private-key-0000-secret-7f3a"),
    };
    let message = listing_refused(&atlas, credentials, "another origin").await;
    crate::common::assert_contains(&message, "answered 302");
    assert!(
        message.contains(&format!("to {}", other.base)),
        "names where it pointed: {message}"
    );
    crate::common::assert_contains(&message, "follows a redirect of a read only within");
    assert!(other.seen().is_empty(), "{:?}", requests(&other));
}

#[tokio::test]
async fn a_read_redirected_within_its_origin_is_followed() {
    let atlas = Server::start(|seen| {
        if seen.target.starts_with("/moved") {
            Reply::new("200 OK", EMPTY_LIST)
        } else {
            Reply::new("307 Temporary Redirect", "").header("Location", "/moved?pageNum=1")
        }
    });
    let live = client(&atlas.base)
        .list_integrations(&group())
        .await
        .expect("followed");
    assert!(live.known.is_empty());
    let seen = atlas.seen();
    assert_eq!(seen.len(), 2, "{:?}", requests(&atlas));
    assert_eq!(seen[1].target, "/moved?pageNum=1");
}

#[tokio::test]
async fn a_redirect_loop_on_a_read_ends() {
    let atlas = Server::start(|seen| {
        let next = if seen.target.starts_with("/a") {
            "/b"
        } else {
            "/a"
        };
        Reply::new("302 Found", "").header("Location", next)
    });
    let message = listing_refused(&atlas, Credentials::None, "a loop").await;
    crate::common::assert_contains(&message, "redirect");
    assert!(atlas.seen().len() <= 11, "{}", atlas.seen().len());
}

// --- Server text: capped and escaped ------------------------------------

/// True when `message` holds no raw control character but newline and tab.
fn printable(message: &str) -> bool {
    !message
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
}

#[tokio::test]
async fn an_error_of_megabytes_is_cut_and_control_characters_are_escaped() {
    let huge = format!("\u{1b}[2J\u{1b}]0;owned\u{7}{}\0end", "A".repeat(5 << 20));
    let body = serde_json::json!({
        "errorCode": format!("CODE\u{1b}[31m{}", "E".repeat(1 << 20)),
        "detail": huge,
    })
    .to_string();
    for status in [
        "400 Bad Request",
        "403 Forbidden",
        "500 Internal Server Error",
    ] {
        let body = body.clone();
        let atlas = Server::start(move |_| Reply::new(status, body.clone()));
        let err = client(&atlas.base)
            .put_integration(&group(), &pager_duty(PD_KEY))
            .await
            .expect_err("refused");
        let message = shown(&err);
        assert!(
            message.len() < 8 * 1024,
            "{status}: {} bytes",
            message.len()
        );
        assert!(printable(&message), "{status}: {message:?}");
        assert!(message.contains("\\u{1b}[2J"), "{status}: {message}");
        assert!(message.contains("bytes more)"), "{status}: {message}");
    }
}

#[tokio::test]
async fn an_answer_that_is_not_json_is_quoted_escaped() {
    let atlas = Server::start(|_| Reply::new("200 OK", "\u{1b}[31m<html>\0 proxy login</html>"));
    let message = listing_refused(&atlas, Credentials::None, "not JSON").await;
    assert!(printable(&message), "{message:?}");
    crate::common::assert_contains(&message, "it begins `\\u{1b}[31m<html>\\u{0} proxy");
}

#[tokio::test]
async fn an_answer_over_the_size_cap_is_said_so_not_blamed_on_the_network() {
    let atlas = Server::start(|_| Reply::new("200 OK", vec![b' '; 17 << 20]));
    let message = listing_refused(&atlas, Credentials::None, "too large").await;
    crate::common::assert_contains(&message, "larger than 16 MiB");
    crate::common::assert_lacks(&message, "connection");
    crate::common::assert_lacks(&message, "network");
    assert_eq!(atlas.seen().len(), 1, "not retried");
}

// --- Secrets a server echoes ---------------------------------------------

const CLIENT_ID: &str = "mdb_sa_id_01";
const CLIENT_SECRET: &str = "mdb_sa_sk_client-secret-value-91c2";
const TOKEN: &str = "tok-bearer-7d1e9a0c55b2f4e8aa01";
const PRIVATE_KEY: &str = "private-key-0000-secret-7f3a";
/// A desired secret with characters that JSON and URLs escape.
const HOOK_SECRET: &str = "wh/Sec\"ret+value 9b8c7d6e5f40022";
/// What a service-account client knows once it has its token.
const SA_SECRETS: &[&str] = &[CLIENT_SECRET, TOKEN];

fn service_account() -> Credentials {
    Credentials::ServiceAccount {
        client_id: CLIENT_ID.into(),
        secret: Secret::new(CLIENT_SECRET),
    }
}

fn percent(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn json(text: &str) -> String {
    serde_json::to_string(text).expect("a string serializes")
}

fn b64(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text)
}

fn basic() -> String {
    b64(&format!("{CLIENT_ID}:{CLIENT_SECRET}"))
}

/// Every form of every secret a hostile server can echo: what it was sent,
/// the desired secret, and `known`, the credentials the client holds (a
/// server cannot echo a credential the client never had).
fn echoes(seen: &Seen, known: &[&str]) -> String {
    let body = String::from_utf8_lossy(&seen.body).into_owned();
    let mut lines = vec![
        format!("auth: {}", seen.header("authorization").unwrap_or("")),
        format!("body: {body}"),
        format!("json: {}", json(&body)),
        format!("url: {}", percent(&body)),
        format!("upper: {}", body.to_uppercase()),
        format!("hook: {HOOK_SECRET} {}", json(HOOK_SECRET)),
        format!(
            "hook url: {} form {}",
            percent(HOOK_SECRET),
            percent(HOOK_SECRET).replace("%20", "+").to_lowercase()
        ),
        format!("hook upper: {}", HOOK_SECRET.to_uppercase()),
        format!("hook part: {}", &HOOK_SECRET[4..16]),
    ];
    for secret in known {
        lines.push(format!(
            "known: {secret} {} {} {} part {} base64 {}",
            secret.to_uppercase(),
            json(secret),
            percent(secret),
            &secret[2..12],
            b64(secret),
        ));
    }
    if known.contains(&CLIENT_SECRET) {
        lines.push(format!("basic: Basic {} {}", basic(), percent(&basic())));
    }
    lines.join("\n")
}

/// A server that hands out `TOKEN`, and answers everything else with
/// `status` and an error whose detail echoes every secret it can.
fn echoing(status: &'static str, known: &'static [&'static str]) -> Server {
    Server::start(move |seen| {
        if seen.target == "/api/oauth/token" {
            return Reply::new(
                "200 OK",
                format!(r#"{{"access_token":"{TOKEN}","expires_in":3600}}"#),
            );
        }
        let detail = echoes(seen, known);
        Reply::new(
            status,
            serde_json::json!({"errorCode": "ECHO", "detail": detail}).to_string(),
        )
    })
}

/// Fails when `message` holds any form of a secret in `secrets`: a
/// fragment as long as the redaction threshold in any letter case, or the
/// whole percent-encoded, JSON-escaped or base64 form.
fn assert_no_secret(message: &str, secrets: &[&str]) {
    let lower = message.to_lowercase();
    for secret in secrets {
        let len = tether::atlas::fragment_len(secret.len());
        for window in secret.as_bytes().windows(len) {
            let window = String::from_utf8_lossy(window).to_lowercase();
            assert!(!lower.contains(&window), "`{window}` in:\n{message}");
        }
        for form in [percent(secret), json(secret), b64(secret)] {
            assert!(
                !lower.contains(&form.to_lowercase()),
                "`{form}` in:\n{message}"
            );
        }
    }
}

fn hook() -> Integration {
    let webhook = spec(IntegrationType::Webhook);
    Integration {
        kind: IntegrationType::Webhook,
        fields: vec![
            (
                webhook.field("url").expect("field"),
                FieldValue::Text("https://hooks.example.com/in".into()),
            ),
            (
                webhook.field("secret").expect("field"),
                FieldValue::Secret(Secret::new(HOOK_SECRET)),
            ),
        ],
    }
}

#[tokio::test]
async fn secrets_echoed_in_an_error_are_redacted_in_every_form() {
    for status in [
        "400 Bad Request",
        "403 Forbidden",
        "409 Conflict",
        "503 Service Unavailable",
    ] {
        let atlas = echoing(status, SA_SECRETS);
        let err = Client::new(config(&atlas.base, service_account()))
            .expect("client")
            .put_integration(&group(), &hook())
            .await
            .expect_err("refused");
        let message = shown(&err);
        assert_no_secret(&message, &[CLIENT_SECRET, TOKEN, HOOK_SECRET, &basic()]);
        assert!(message.contains("[redacted]"), "{status}: {message}");
        let seen = atlas.seen();
        assert!(
            String::from_utf8_lossy(&seen[1].body).contains("Sec\\\"ret"),
            "the secret was sent"
        );
    }
}

#[tokio::test]
async fn credentials_echoed_to_a_read_are_redacted() {
    let atlas = echoing("403 Forbidden", SA_SECRETS);
    let message = listing_refused(&atlas, service_account(), "refused").await;
    assert_no_secret(&message, &[CLIENT_SECRET, TOKEN, &basic()]);
    let atlas = echoing("403 Forbidden", &[PRIVATE_KEY]);
    let key = Credentials::ApiKey {
        public: "pubkey01".into(),
        private: Secret::new(PRIVATE_KEY),
    };
    let message = listing_refused(&atlas, key, "refused").await;
    assert_no_secret(&message, &[PRIVATE_KEY]);
}

#[tokio::test]
async fn a_token_endpoint_that_echoes_the_basic_credentials() {
    let atlas = Server::start(|seen| {
        Reply::new(
            "401 Unauthorized",
            serde_json::json!({"detail": echoes(seen, &[CLIENT_SECRET])}).to_string(),
        )
    });
    let message = listing_refused(&atlas, service_account(), "refused").await;
    crate::common::assert_contains(&message, "token request failed");
    assert_no_secret(&message, &[CLIENT_SECRET, &basic()]);
}

#[tokio::test]
async fn an_answer_that_is_not_json_and_quotes_the_token() {
    let atlas = Server::start(|seen| {
        if seen.target == "/api/oauth/token" {
            return Reply::new(
                "200 OK",
                format!(r#"{{"access_token":"{TOKEN}","expires_in":3600}}"#),
            );
        }
        Reply::new("200 OK", format!("<p>{TOKEN}</p>"))
    });
    let message = listing_refused(&atlas, service_account(), "not JSON").await;
    crate::common::assert_contains(&message, "it begins `<p>[redacted]");
    assert_no_secret(&message, &[TOKEN]);
}

#[tokio::test]
async fn a_token_endpoint_that_answers_a_token_in_another_shape_is_not_quoted() {
    let atlas = Server::start(|seen| {
        if seen.target == "/api/oauth/token" {
            return Reply::new("200 OK", format!("access_token={TOKEN}&expires_in=3600"));
        }
        Reply::new("200 OK", EMPTY_LIST)
    });
    let message = listing_refused(&atlas, service_account(), "not JSON").await;
    crate::common::assert_contains(&message, "not JSON");
    assert_no_secret(&message, &[TOKEN, &TOKEN[..8], CLIENT_SECRET]);
}

// --- Retry-After ---------------------------------------------------------

#[tokio::test]
async fn retry_after_as_an_http_date_is_waited_relative_to_the_server_clock() {
    // The server's clock is years behind: the wait is the difference of the
    // two dates it sent, not the date against this machine's clock.
    let busy = Arc::new(Mutex::new(true));
    let first = Arc::clone(&busy);
    let throttling = Server::start(move |_| {
        let mut first = first.lock().expect("lock");
        if std::mem::take(&mut *first) {
            Reply::new("429 Too Many Requests", "{}")
                .header("Date", "Wed, 21 Oct 2015 07:28:00 GMT")
                .header("Retry-After", "Wed, 21 Oct 2015 07:28:01 GMT")
        } else {
            Reply::new("200 OK", EMPTY_LIST)
        }
    });
    let started = Instant::now();
    client(&throttling.base)
        .list_integrations(&group())
        .await
        .expect("served after the wait");
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(950), "{waited:?}");
    assert!(waited < Duration::from_secs(5), "{waited:?}");
    assert_eq!(throttling.seen().len(), 2);
}

#[tokio::test]
async fn a_wait_longer_than_the_budget_stops_at_once_and_says_how_long() {
    for status in ["429 Too Many Requests", "503 Service Unavailable"] {
        let atlas =
            Server::start(move |_| Reply::new(status, "{}").header("Retry-After", "999999"));
        let started = Instant::now();
        let err = client(&atlas.base)
            .list_integrations(&group())
            .await
            .expect_err("too long a wait");
        assert!(started.elapsed() < Duration::from_secs(2));
        assert_eq!(atlas.seen().len(), 1, "{status}: no retry");
        let message = shown(&err);
        assert!(
            message.contains(
                "Atlas asked to wait 999999 s, longer than tether waits for one request (10 s)"
            ),
            "{status}: {message}"
        );
        assert!(message.contains("run again later"), "{status}: {message}");
    }
}

#[tokio::test]
async fn malformed_rate_limit_headers_are_ignored() {
    const MALFORMED: [(&str, &str); 9] = [
        ("ten", "5"),
        ("100", "-1"),
        ("100", "1.5"),
        ("10", "11"),
        ("0", "0"),
        ("", ""),
        ("100, 100;w=60", "0"),
        ("5", "0x1"),
        ("99999999999", "0"),
    ];
    let next = Arc::new(Mutex::new(0usize));
    let atlas = Server::start(move |_| {
        let mut next = next.lock().expect("lock");
        let (limit, remaining) = MALFORMED[*next % MALFORMED.len()];
        *next += 1;
        Reply::new("200 OK", EMPTY_LIST)
            .header("RateLimit-Limit", limit)
            .header("RateLimit-Remaining", remaining)
    });
    let client = client(&atlas.base);
    for _ in 0..3 * MALFORMED.len() {
        client.list_integrations(&group()).await.expect("served");
    }
    let stats = client.pacing_stats();
    assert_eq!(stats.paced_requests, 0, "{stats:?}");
    assert_eq!(stats.refill_per_second, None);
    assert_eq!(atlas.seen().len(), 3 * MALFORMED.len());
}

// --- Credentials and headers -----------------------------------------------

#[tokio::test]
async fn a_public_key_that_cannot_go_in_a_header_is_a_credentials_error() {
    let atlas = Server::start(|_| {
        Reply::new("401 Unauthorized", "{}").header(
            "WWW-Authenticate",
            r#"Digest realm="MMS Public API", nonce="n1", qop="auth""#,
        )
    });
    for public in ["pub\nkey", "pub\u{7f}key", "pübkey"] {
        let key = Credentials::ApiKey {
            public: public.into(),
            private: Secret::new(PRIVATE_KEY),
        };
        let message = match Client::new(config(&atlas.base, key)) {
            Err(err) => shown(&err),
            Ok(client) => shown(
                &client
                    .list_integrations(&group())
                    .await
                    .expect_err("refused"),
            ),
        };
        assert!(message.contains("public API key"), "{public:?}: {message}");
        assert!(message.contains("HTTP header"), "{public:?}: {message}");
        assert!(!message.contains("connection"), "{public:?}: {message}");
        assert!(!message.contains(public), "{public:?}: {message}");
    }
}

#[tokio::test]
async fn a_token_that_cannot_go_in_a_header_is_a_token_error() {
    let atlas = Server::start(|_| {
        Reply::new(
            "200 OK",
            r#"{"access_token":"tok\nen-value-0123456789","expires_in":3600}"#,
        )
    });
    let message = listing_refused(&atlas, service_account(), "unusable token").await;
    crate::common::assert_contains(&message, "token request failed");
    crate::common::assert_contains(&message, "HTTP header");
    crate::common::assert_lacks(&message, "connection");
    crate::common::assert_lacks(&message, "en-value-0123");
    assert_eq!(atlas.seen().len(), 1, "only the token request was sent");
}

/// The parameters of a Digest header, quoted strings unescaped (RFC 7616).
fn digest_params(header: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = header.strip_prefix("Digest ").expect("a Digest header");
    while let Some(eq) = rest.find('=') {
        let key = rest[..eq].trim().trim_start_matches(',').trim().to_owned();
        rest = &rest[eq + 1..];
        let mut value = String::new();
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next().map(|(_, c)| c)),
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    c => value.push(c),
                }
            }
            rest = &quoted[end..];
        } else {
            let end = rest.find(',').unwrap_or(rest.len());
            value = rest[..end].trim().to_owned();
            rest = &rest[end..];
        }
        out.push((key, value));
    }
    out
}

#[tokio::test]
async fn a_public_key_with_quotes_is_escaped_in_the_digest_header() {
    let atlas = Server::start(|seen| match seen.header("authorization") {
        None => Reply::new("401 Unauthorized", "{}").header(
            "WWW-Authenticate",
            r#"Digest realm="MMS \"Public\" API", nonce="n\"1", qop="auth""#,
        ),
        Some(_) => Reply::new("200 OK", EMPTY_LIST),
    });
    let key = Credentials::ApiKey {
        public: r#"pub"key\01"#.into(),
        private: Secret::new(PRIVATE_KEY),
    };
    Client::new(config(&atlas.base, key))
        .expect("client")
        .list_integrations(&group())
        .await
        .expect("answered");
    let seen = atlas.seen();
    let header = seen[1].header("authorization").expect("sent");
    let params = digest_params(header);
    let get = |k: &str| {
        params
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(get("username"), Some(r#"pub"key\01"#), "{header}");
    assert_eq!(get("realm"), Some(r#"MMS "Public" API"#), "{header}");
    assert_eq!(get("nonce"), Some(r#"n"1"#), "{header}");
    assert_eq!(get("qop"), Some("auth"), "{header}");
    assert_eq!(params.len(), 9, "{header}");
}

// --- Service-account tokens after a 401 ------------------------------------

/// Hands out `tok-1`, `tok-2`, ... and accepts on the API only tokens
/// numbered above `revoked` (shared, so a test can revoke).
fn token_server(revoked: Arc<Mutex<u32>>) -> Server {
    let issued = Arc::new(Mutex::new(0u32));
    Server::start(move |seen| {
        if seen.target == "/api/oauth/token" {
            let mut issued = issued.lock().expect("lock");
            *issued += 1;
            return Reply::new(
                "200 OK",
                format!(r#"{{"access_token":"tok-{issued}","expires_in":3600}}"#),
            );
        }
        let number = seen
            .header("authorization")
            .and_then(|a| a.strip_prefix("Bearer tok-"))
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or(0);
        if number > *revoked.lock().expect("lock") {
            Reply::new("200 OK", EMPTY_LIST)
        } else {
            Reply::new("401 Unauthorized", r#"{"errorCode":"UNAUTHORIZED"}"#)
        }
    })
}

/// What was asked, for failure messages: never a header or a body.
fn requests(server: &Server) -> Vec<String> {
    server
        .seen()
        .iter()
        .map(|s| format!("{} {}", s.method, s.target))
        .collect()
}

fn token_requests(server: &Server) -> usize {
    server
        .seen()
        .iter()
        .filter(|s| s.target == "/api/oauth/token")
        .count()
}

#[tokio::test]
async fn a_fresh_token_refused_is_not_fetched_again() {
    let server = token_server(Arc::new(Mutex::new(u32::MAX)));
    let client = Client::new(config(&server.base, service_account())).expect("client");
    for _ in 0..3 {
        let err = client
            .list_integrations(&group())
            .await
            .expect_err("refused");
        assert!(matches!(err, ApiError::Unauthorized { .. }), "{err:?}");
    }
    assert_eq!(token_requests(&server), 1, "{:?}", requests(&server));
    assert_eq!(server.seen().len(), 4, "one token, then one GET per call");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_refused_after_it_worked_is_fetched_once_for_all_requests() {
    let revoked = Arc::new(Mutex::new(0u32));
    let server = token_server(Arc::clone(&revoked));
    let client = Arc::new(Client::new(config(&server.base, service_account())).expect("client"));
    client
        .list_integrations(&group())
        .await
        .expect("tok-1 works");
    *revoked.lock().expect("lock") = 1;
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let client = Arc::clone(&client);
        calls.spawn(async move { client.list_integrations(&group()).await });
    }
    while let Some(result) = calls.join_next().await {
        result.expect("task").expect("served with tok-2");
    }
    assert_eq!(token_requests(&server), 2, "{:?}", requests(&server));
}

// --- A stop request ----------------------------------------------------------

#[tokio::test]
async fn a_write_already_sent_is_finished_when_a_stop_is_requested() {
    let stop = CancellationToken::new();
    let request = stop.clone();
    let atlas = Server::start(move |seen| {
        if seen.method == "PUT" && !request.is_cancelled() {
            request.cancel();
            // The stop comes while the first attempt is in flight.
            Reply::new("503 Service Unavailable", "{}").header("Retry-After", "0")
        } else {
            Reply::new("200 OK", EMPTY_LIST)
        }
    });
    let mut config = config(&atlas.base, Credentials::None);
    config.settings.stop = stop;
    Client::new(config)
        .expect("client")
        .put_integration(&group(), &pager_duty(PD_KEY))
        .await
        .expect("the retry is sent and succeeds");
    assert_eq!(requests(&atlas).len(), 2, "{:?}", requests(&atlas));
}

/// With API-key credentials against a server that never asks for a Digest
/// challenge (`tether sim --no-auth`), requests still go out side by side:
/// only the first waits to see whether a challenge comes. The server holds
/// each answer until 4 requests are in flight at once (or 2 s pass) and
/// records the most it saw.
#[tokio::test]
async fn without_a_challenge_requests_still_run_in_parallel() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let in_flight = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let server = {
        let (in_flight, most) = (Arc::clone(&in_flight), Arc::clone(&most));
        Server::start(move |_| {
            let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            let waited = Instant::now();
            while in_flight.load(Ordering::SeqCst) < 4 && waited.elapsed() < Duration::from_secs(2)
            {
                thread::sleep(Duration::from_millis(5));
            }
            most.fetch_max(in_flight.load(Ordering::SeqCst), Ordering::SeqCst);
            in_flight.fetch_sub(1, Ordering::SeqCst);
            Reply::new("200 OK", r#"{"results": [], "totalCount": 0}"#)
        })
    };
    let client = Arc::new(
        Client::new(config(
            &server.base,
            Credentials::ApiKey {
                public: "public-key".to_owned(),
                private: Secret::new("private-key-never-challenged"),
            },
        ))
        .expect("client"),
    );
    let reads: Vec<_> = (0..8)
        .map(|_| {
            let client = Arc::clone(&client);
            tokio::spawn(async move { client.list_integrations(&group()).await })
        })
        .collect();
    for read in reads {
        read.await.expect("joins").expect("an empty list");
    }
    assert!(
        most.load(Ordering::SeqCst) >= 4,
        "at most {} requests were in flight together",
        most.load(Ordering::SeqCst)
    );
}

// --- Listings that never end ---------------------------------------------

/// A server whose every page is full (500 items of `item`): the listing
/// never ends by itself.
fn paging_forever(item: serde_json::Value) -> Server {
    let results: Vec<serde_json::Value> = vec![item; 500];
    let page =
        serde_json::json!({ "results": results, "totalCount": 1_000_000_000u64 }).to_string();
    Server::start(move |_| Reply::new("200 OK", page.clone()))
}

/// Checks that `listing` fails well before a minute is out, naming the
/// listing (`GET path`) and its cap (`more than {cap}`).
async fn stopped_at_cap<T: std::fmt::Debug>(
    listing: impl Future<Output = Result<T, ApiError>>,
    path: &str,
    cap: &str,
) {
    let err = tokio::time::timeout(Duration::from_secs(60), listing)
        .await
        .expect("ends well before a minute")
        .expect_err("a listing past the cap");
    let message = shown(&err);
    assert!(
        message.contains(&format!("`GET {path}`")),
        "names the listing: {message}"
    );
    crate::common::assert_contains(
        &message,
        &format!("more than {cap}, the most tether takes from one listing"),
    );
}

#[tokio::test]
async fn an_organization_that_pages_projects_without_end_stops_at_the_item_cap() {
    let org = "6600000000000000000000aa";
    let atlas = paging_forever(serde_json::json!({
        "id": PROD, "name": "payments-prod", "orgId": org,
    }));
    let started = Instant::now();
    let client = client(&atlas.base);
    let path = format!("/orgs/{org}/groups");
    stopped_at_cap(client.org_projects(org), &path, "100000 items").await;
    let pages = atlas.seen().len();
    assert!(pages <= 201, "{pages} pages read");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn alert_configurations_that_page_without_end_stop_at_the_byte_cap() {
    let atlas = paging_forever(serde_json::json!({
        "id": "6600000000000000000000bb",
        "eventTypeName": "OUTSIDE_METRIC_THRESHOLD",
        "padding": "x".repeat(20_000),
    }));
    let (client, group) = (client(&atlas.base), group());
    let path = format!("/groups/{PROD}/alertConfigs");
    stopped_at_cap(client.alert_configs(&group), &path, "64 MiB").await;
    let pages = atlas.seen().len();
    assert!(pages <= 8, "{pages} pages of 10 MB read");
}
