//! The Atlas client against small scripted servers on loopback that answer
//! what Atlas never should: redirects, echoed credentials, huge or binary
//! errors, odd `Retry-After` values.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

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

fn group() -> GroupId {
    PROD.parse().expect("a valid id")
}

fn config(base: &str, credentials: Credentials) -> ClientConfig {
    let mut config = ClientConfig::new(
        base_url(Some(base), |_| None).expect("a valid base URL"),
        credentials,
    );
    config.retry = RetryPolicy {
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

fn pager_duty(key: &str) -> Integration {
    let pd = spec(IntegrationType::PagerDuty);
    Integration {
        kind: IntegrationType::PagerDuty,
        fields: vec![(
            pd.field("serviceKey").expect("field"),
            FieldValue::Secret(Secret::new(key)),
        )],
    }
}

/// An error as a user reads it: the message, then what to do.
fn shown(err: &ApiError) -> String {
    format!("{err}\nhint: {}", err.hint())
}

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
    assert!(other.seen().is_empty(), "{:?}", other.seen());
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
    let err = Client::new(config(&atlas.base, credentials))
        .expect("client")
        .list_integrations(&group())
        .await
        .expect_err("another origin");
    let message = shown(&err);
    assert!(message.contains("answered 302"), "{message}");
    assert!(
        message.contains(&format!("to {}", other.base)),
        "names where it pointed: {message}"
    );
    assert!(
        message.contains("follows a redirect of a read only within"),
        "{message}"
    );
    assert!(other.seen().is_empty(), "{:?}", other.seen());
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
    assert_eq!(seen.len(), 2, "{seen:?}");
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
    let err = client(&atlas.base)
        .list_integrations(&group())
        .await
        .expect_err("a loop");
    let message = shown(&err);
    assert!(message.contains("redirect"), "{message}");
    assert!(atlas.seen().len() <= 11, "{}", atlas.seen().len());
}
