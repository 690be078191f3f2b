//! Starting simulators and calling them: a small blocking client with its
//! own Digest implementation (the simulator's is not reused on purpose).

use std::collections::HashMap;
use std::time::Duration;

use md5::{Digest, Md5};
use reqwest::blocking::Client as Http;
use reqwest::header::HeaderMap;
use serde_json::Value;
use tether::sim::{self, SimHandle, StateFile, V2_MEDIA_TYPE};

use crate::common::{Sim, SimBuilder};

pub const PROD: &str = "65f1a2b3c4d5e6f7a8b9c0d1";
pub const STAGING: &str = "65f1a2b3c4d5e6f7a8b9c0d2";
pub const SEARCH: &str = "65f1a2b3c4d5e6f7a8b9c0d3";
pub const SANDBOX: &str = "65f1a2b3c4d5e6f7a8b9c0d4";
pub const ORG_A: &str = "6600000000000000000000aa";
pub const ORG_B: &str = "6600000000000000000000bb";
pub const OWNER: (&str, &str) = ("abcdefgh", "11111111-2222-4333-8444-555555555555");
pub const READ_ONLY: (&str, &str) = ("readonly", "66666666-7777-4888-9999-000000000000");
pub const SA: (&str, &str) = (
    "mdb_sa_id_6600000000000000000000aa",
    "mdb_sa_sk_Zm9vYmFyYmF6cXV4cXV1eGNvcmdl",
);

pub fn example_state() -> StateFile {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/sim-state.yaml");
    StateFile::load(std::path::Path::new(path)).expect("the example state loads")
}

/// The simulator with the example state, to set up further.
pub fn example() -> SimBuilder {
    Sim::builder().state(example_state())
}

/// The example state, no credentials required.
pub fn open() -> SimHandle {
    example().start()
}

/// [`open`], and a client for it.
pub fn open_with_client() -> (SimHandle, Client) {
    let sim = open();
    let client = Client::new(&sim);
    (sim, client)
}

/// What the example state, no credentials required, answers a GET of
/// `path`, checked to be a 200.
pub fn open_get(path: &str) -> Reply {
    let reply = Client::new(&open()).get(path);
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply
}

/// The example state, credentials required.
pub fn guarded() -> SimHandle {
    example().auth_required().start()
}

pub fn v1(path: &str) -> String {
    format!("/api/atlas/v1.0{path}")
}

pub fn v2(path: &str) -> String {
    format!("/api/atlas/v2{path}")
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn content_type(&self) -> &str {
        self.header("content-type").unwrap_or("")
    }
}

pub enum Auth {
    None,
    Digest {
        user: String,
        password: String,
        nonce: Option<String>,
        nc: u32,
    },
    Bearer(String),
}

pub struct Client {
    pub base: String,
    pub http: Http,
    pub auth: Auth,
}

pub fn md5_hex(text: &str) -> String {
    Md5::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// An `Authorization: Digest ...` value (RFC 7616, MD5, qop=auth).
pub fn digest_header(
    method: &str,
    uri: &str,
    user: &str,
    password: &str,
    nonce: &str,
    nc: u32,
) -> String {
    let cnonce = "0a4f113b";
    let nc = format!("{nc:08x}");
    let ha1 = md5_hex(&format!("{user}:{}:{password}", sim::REALM));
    let ha2 = md5_hex(&format!("{method}:{uri}"));
    let response = md5_hex(&format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"));
    format!(
        "Digest username=\"{user}\", realm=\"{}\", nonce=\"{nonce}\", uri=\"{uri}\", \
         algorithm=MD5, qop=auth, nc={nc}, cnonce=\"{cnonce}\", response=\"{response}\"",
        sim::REALM
    )
}

/// The parameters of a `WWW-Authenticate: Digest ...` challenge.
pub fn challenge(reply: &Reply) -> HashMap<String, String> {
    let value = reply
        .header("www-authenticate")
        .expect("a WWW-Authenticate header");
    let params = value.strip_prefix("Digest ").expect("a Digest challenge");
    params
        .split(", ")
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.trim_matches('"').to_owned()))
        .collect()
}

/// reqwest is built with `rustls-no-provider`: pick ring once per process.
fn install_crypto_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

impl Client {
    pub fn new(handle: &SimHandle) -> Self {
        install_crypto_provider();
        Client {
            base: handle.base_url(),
            http: Http::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .expect("a client"),
            auth: Auth::None,
        }
    }

    pub fn digest(handle: &SimHandle, (user, password): (&str, &str)) -> Self {
        Client {
            auth: Auth::Digest {
                user: user.into(),
                password: password.into(),
                nonce: None,
                nc: 0,
            },
            ..Client::new(handle)
        }
    }

    /// One request as given: the headers are the caller's, a body is sent
    /// as JSON.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<&[u8]>,
        headers: &[(&str, &str)],
    ) -> reqwest::Result<Reply> {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_vec());
        }
        let response = request.send()?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text()?;
        Ok(Reply {
            status,
            headers,
            text,
        })
    }

    /// One request with no credentials but `headers`, and the v2 `Accept`
    /// on a v2 path.
    pub fn raw(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> reqwest::Result<Reply> {
        let mut all = Vec::with_capacity(headers.len() + 1);
        if path.starts_with("/api/atlas/v2") {
            all.push(("accept", V2_MEDIA_TYPE));
        }
        all.extend_from_slice(headers);
        let body = body.map(Value::to_string);
        self.request(method, path, body.as_deref().map(str::as_bytes), &all)
    }

    /// The `Authorization` the next request carries: the bearer token, or
    /// Digest once a nonce is known (counting it), or none.
    pub fn authorization(&mut self, method: &str, path: &str) -> Option<String> {
        match &mut self.auth {
            Auth::None => None,
            Auth::Bearer(token) => Some(format!("Bearer {token}")),
            Auth::Digest {
                user,
                password,
                nonce: Some(nonce),
                nc,
            } => {
                *nc += 1;
                Some(digest_header(method, path, user, password, nonce, *nc))
            }
            Auth::Digest { nonce: None, .. } => None,
        }
    }

    /// Takes the nonce of a Digest challenge (a 401 that carries one) when
    /// the client answers Digest; then says whether to send again: the
    /// first challenge, or a stale nonce. `None` when there was none.
    pub fn take_challenge(&mut self, reply: &Reply) -> Option<bool> {
        if reply.status == 401
            && let Auth::Digest { nonce, nc, .. } = &mut self.auth
            && reply.header("www-authenticate").is_some()
        {
            let fresh = challenge(reply).get("nonce").cloned();
            let retry = nonce.is_none() || challenge(reply)["stale"] == "true";
            *nonce = fresh;
            *nc = 0;
            return Some(retry);
        }
        None
    }

    /// One call, answering a Digest challenge (pre-emptively once a nonce is
    /// known, re-challenged on 401).
    pub fn call(&mut self, method: &str, path: &str, body: Option<&Value>) -> Reply {
        for _ in 0..2 {
            let auth = self.authorization(method, path);
            let headers: Vec<(&str, &str)> = auth
                .as_deref()
                .map(|a| vec![("authorization", a)])
                .unwrap_or_default();
            let reply = self.raw(method, path, body, &headers).expect("an answer");
            if self.take_challenge(&reply) == Some(true) {
                continue;
            }
            return reply;
        }
        panic!("the Digest challenge was not accepted twice in a row");
    }

    pub fn get(&mut self, path: &str) -> Reply {
        self.call("GET", path, None)
    }

    pub fn post(&mut self, path: &str, body: &Value) -> Reply {
        self.call("POST", path, Some(body))
    }

    pub fn put(&mut self, path: &str, body: &Value) -> Reply {
        self.call("PUT", path, Some(body))
    }

    pub fn delete(&mut self, path: &str) -> Reply {
        self.call("DELETE", path, None)
    }

    /// The v1.0 list of the project `group`'s integrations, as JSON.
    pub fn integrations_v1(&mut self, group: &str) -> Value {
        self.get(&v1(&format!("/groups/{group}/integrations")))
            .json()
    }
}

/// The `key` of each item of the array `list` that has it as a string.
pub fn strings<'a>(list: &'a Value, key: &str) -> Vec<&'a str> {
    list.as_array()
        .expect("an array")
        .iter()
        .filter_map(|item| item[key].as_str())
        .collect()
}

/// The integration of `type` in a list envelope.
pub fn pick<'a>(envelope: &'a Value, kind: &str) -> Option<&'a Value> {
    envelope["results"]
        .as_array()?
        .iter()
        .find(|i| i["type"] == kind)
}

pub fn types(envelope: &Value) -> Vec<String> {
    envelope["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|i| i["type"].as_str().unwrap_or("").to_owned())
        .collect()
}

pub fn is_atlas_id(value: &Value) -> bool {
    value.as_str().is_some_and(|s| {
        s.len() == 24
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// Asserts an Atlas error answer: status, body and `X-Error-Code`.
pub fn assert_error(reply: &Reply, status: u16, code: &str, detail: &str) {
    assert_eq!(reply.status, status, "{}", reply.text);
    assert_eq!(reply.content_type(), "application/json");
    assert_eq!(reply.header("x-error-code"), Some(code));
    let body = reply.json();
    assert_eq!(body["error"], status);
    assert_eq!(body["errorCode"], code);
    assert_eq!(body["detail"], detail);
    assert!(body["parameters"].is_array());
    assert_eq!(
        body["reason"],
        reqwest::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("")
    );
    let keys: Vec<&String> = body.as_object().expect("an object").keys().collect();
    assert_eq!(
        keys,
        ["detail", "error", "errorCode", "parameters", "reason"]
    );
}
