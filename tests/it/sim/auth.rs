//! Digest (API keys), service-account bearer tokens, roles.

use std::time::Duration;

use serde_json::json;
use tether::sim::{Assumptions, NcPolicy, SimHandle};

use super::helpers::*;

fn integrations() -> String {
    v1(&format!("/groups/{PROD}/integrations"))
}

#[test]
fn without_credentials_the_answer_is_a_digest_challenge() {
    let sim = guarded();
    let reply = Client::new(&sim).get(&integrations());
    assert_error(
        &reply,
        401,
        "UNAUTHORIZED",
        "You are not authorized for this resource.",
    );
    let params = challenge(&reply);
    assert_eq!(params["realm"], "MMS Public API");
    assert_eq!(params["qop"], "auth");
    assert_eq!(params["algorithm"], "MD5");
    assert_eq!(params["stale"], "false");
    assert_eq!(params["nonce"].len(), 32);
}

#[test]
fn digest_with_the_right_key_reads_and_writes() {
    let sim = guarded();
    let mut client = Client::digest(&sim, OWNER);
    assert_eq!(client.get(&integrations()).status, 200);
    let reply = client.put(
        &v1(&format!("/groups/{SANDBOX}/integrations/PAGER_DUTY")),
        &json!({"type": "PAGER_DUTY", "serviceKey": "0123456789abcdef"}),
    );
    assert_eq!(reply.status, 200);
    // One challenge, then pre-emptive: GET (401 + 200), PUT (200).
    let counts = sim.counters();
    assert_eq!(counts.status(401), 1);
    assert_eq!(counts.status(200), 2);
}

#[test]
fn wrong_password_or_unknown_user_is_401() {
    let sim = guarded();
    for creds in [(OWNER.0, "wrong"), ("nobody", OWNER.1)] {
        let mut client = Client::digest(&sim, creds);
        let reply = client.get(&integrations());
        assert_error(
            &reply,
            401,
            "UNAUTHORIZED",
            "You are not authorized for this resource.",
        );
        assert_eq!(challenge(&reply)["stale"], "false");
    }
}

#[test]
fn a_read_only_key_reads_but_cannot_write() {
    let sim = guarded();
    let mut client = Client::digest(&sim, READ_ONLY);
    assert_eq!(client.get(&integrations()).status, 200);
    let path = v1(&format!("/groups/{PROD}/integrations/PAGER_DUTY"));
    let expected = "Current user is not authorized to perform this action.";
    assert_error(
        &client.put(&path, &json!({"type": "PAGER_DUTY", "serviceKey": "k"})),
        403,
        "USER_UNAUTHORIZED",
        expected,
    );
    assert_error(&client.delete(&path), 403, "USER_UNAUTHORIZED", expected);
    assert_eq!(client.get(&path).status, 200);
}

fn first_nonce(client: &Client, path: &str) -> String {
    let reply = client.raw("GET", path, None, &[]).expect("an answer");
    challenge(&reply)["nonce"].clone()
}

/// A GET of `path` as the owner key, answered by hand: `password`, the
/// Digest `uri`, `nonce` and `nc` are the caller's.
fn digest_get(
    client: &Client,
    path: &str,
    (uri, password): (&str, &str),
    nonce: &str,
    nc: u32,
) -> Reply {
    let header = digest_header("GET", uri, OWNER.0, password, nonce, nc);
    client
        .raw("GET", path, None, &[("authorization", &header)])
        .expect("an answer")
}

/// The status of a GET signed for the first nonce of `sim`, by nonce count.
fn status_by_nc(sim: &SimHandle) -> impl Fn(u32) -> u16 {
    let client = Client::new(sim);
    let path = integrations();
    let nonce = first_nonce(&client, &path);
    move |nc| digest_get(&client, &path, (&path, OWNER.1), &nonce, nc).status
}

#[test]
fn a_replayed_nonce_count_is_refused() {
    let sim = guarded();
    let call = status_by_nc(&sim);
    assert_eq!(call(1), 200);
    assert_eq!(call(2), 200);
    assert_eq!(call(2), 401, "the same nc twice is a replay");
    // Out of order but never used: fine by default (concurrent clients).
    assert_eq!(call(5), 200);
    assert_eq!(call(4), 200);
}

#[test]
fn nonce_counts_can_be_required_to_increase() {
    let sim = example()
        .auth_required()
        .assumptions(Assumptions {
            nc_policy: NcPolicy::Increasing,
            ..Assumptions::default()
        })
        .start();
    let call = status_by_nc(&sim);
    assert_eq!(call(3), 200);
    assert_eq!(call(2), 401);
    assert_eq!(call(4), 200);
}

#[test]
fn the_digest_uri_must_be_the_request_uri() {
    let sim = guarded();
    let client = Client::new(&sim);
    let path = integrations();
    let nonce = first_nonce(&client, &path);
    let reply = digest_get(&client, &path, (&v1("/groups"), OWNER.1), &nonce, 1);
    assert_eq!(reply.status, 401);
}

#[test]
fn an_expired_nonce_gets_a_stale_challenge() {
    let sim = example()
        .auth_required()
        .assumptions(Assumptions {
            nonce_lifetime: Duration::from_millis(150),
            ..Assumptions::default()
        })
        .start();
    let client = Client::new(&sim);
    let path = integrations();
    let nonce = first_nonce(&client, &path);
    std::thread::sleep(Duration::from_millis(250));
    let reply = digest_get(&client, &path, (&path, OWNER.1), &nonce, 1);
    assert_eq!(reply.status, 401);
    let params = challenge(&reply);
    assert_eq!(params["stale"], "true");
    assert_ne!(params["nonce"], nonce);
    // A wrong password with the expired nonce is not stale, just wrong.
    let reply = digest_get(&client, &path, (&path, "wrong"), &nonce, 2);
    assert_eq!(challenge(&reply)["stale"], "false");
    // The helper client recovers from the stale challenge on its own.
    let mut client = Client::digest(&sim, OWNER);
    assert_eq!(client.get(&path).status, 200);
}

fn token(client: &Client, basic: (&str, &str), form: &str) -> Reply {
    let response = client
        .http
        .post(format!("{}/api/oauth/token", client.base))
        .basic_auth(basic.0, Some(basic.1))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.to_owned())
        .send()
        .expect("an answer");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    Reply {
        status,
        headers,
        text: response.text().expect("a body"),
    }
}

#[test]
fn service_account_token_then_bearer() {
    let sim = guarded();
    let client = Client::new(&sim);
    let reply = token(&client, SA, "grant_type=client_credentials");
    assert_eq!(reply.status, 200, "{}", reply.text);
    let body = reply.json();
    let access = body["access_token"].as_str().expect("a token").to_owned();
    assert_eq!(
        body,
        json!({"access_token": access, "expires_in": 3600, "token_type": "Bearer"})
    );
    let mut bearer = Client {
        auth: Auth::Bearer(access),
        ..Client::new(&sim)
    };
    assert_eq!(bearer.get(&integrations()).status, 200);
    let reply = bearer.put(
        &v1(&format!("/groups/{SANDBOX}/integrations/PAGER_DUTY")),
        &json!({"type": "PAGER_DUTY", "serviceKey": "0123456789abcdef"}),
    );
    assert_eq!(reply.status, 200);
    let mut forged = Client {
        auth: Auth::Bearer("forged".into()),
        ..Client::new(&sim)
    };
    assert_eq!(forged.get(&integrations()).status, 401);
}

#[test]
fn token_endpoint_refuses_bad_clients_and_grants() {
    let sim = guarded();
    let client = Client::new(&sim);
    let reply = token(&client, (SA.0, "wrong"), "grant_type=client_credentials");
    assert_eq!(reply.status, 401);
    assert_eq!(reply.json()["error"], "invalid_client");
    let reply = token(&client, SA, "grant_type=password");
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["error"], "unsupported_grant_type");
}

#[test]
fn bearer_tokens_expire() {
    let sim = example()
        .auth_required()
        .token_lifetime(Duration::from_millis(200))
        .start();
    let client = Client::new(&sim);
    let access = token(&client, SA, "grant_type=client_credentials").json()["access_token"]
        .as_str()
        .expect("a token")
        .to_owned();
    let mut bearer = Client {
        auth: Auth::Bearer(access),
        ..Client::new(&sim)
    };
    assert_eq!(bearer.get(&integrations()).status, 200);
    std::thread::sleep(Duration::from_millis(300));
    assert_error(
        &bearer.get(&integrations()),
        401,
        "UNAUTHORIZED",
        "You are not authorized for this resource.",
    );
}

#[test]
fn no_auth_mode_accepts_anything() {
    let sim = open();
    assert_eq!(Client::new(&sim).get(&integrations()).status, 200);
}
