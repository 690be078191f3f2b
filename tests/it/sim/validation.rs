//! Atlas's checks of POST and PUT bodies: 400 with its error body.

use serde_json::{Value, json};

use super::helpers::*;

fn post(body: Value, kind: &str) -> Reply {
    let sim = open();
    Client::new(&sim).post(&sandbox(kind), &body)
}

fn invalid(kind: &str, reason: &str) -> String {
    format!("The provided settings for the {kind} integration were invalid: {reason}.")
}

/// The sandbox project's integration of `kind` (v2).
fn sandbox(kind: &str) -> String {
    v2(&format!("/groups/{SANDBOX}/integrations/{kind}"))
}

/// Checks Atlas's 400 for settings of `kind` it refuses, saying `reason`.
fn assert_invalid(reply: &Reply, kind: &str, reason: &str) {
    assert_error(
        reply,
        400,
        "INVALID_INTEGRATION_SETTINGS",
        &invalid(kind, reason),
    );
}

#[test]
fn datadog_key_must_be_hex_with_atlas_message() {
    let reply = post(
        json!({"type": "DATADOG", "apiKey": "not-a-hex-key"}),
        "DATADOG",
    );
    assert_error(
        &reply,
        400,
        "INVALID_INTEGRATION_SETTINGS",
        "The provided settings for the DATADOG integration were invalid: apiKey must be a hexadecimal string.",
    );
}

#[test]
fn a_masked_key_sent_back_is_rejected() {
    let masked = format!("{}a1b2", "*".repeat(28));
    let sim = open();
    let reply = Client::new(&sim).put(
        &v1(&format!("/groups/{PROD}/integrations/DATADOG")),
        &json!({"type": "DATADOG", "apiKey": masked}),
    );
    assert_invalid(&reply, "DATADOG", "apiKey must be a hexadecimal string");
}

#[test]
fn required_fields_per_type() {
    let cases = [
        ("PAGER_DUTY", json!({}), "serviceKey"),
        ("SLACK", json!({"channelName": "#a"}), "apiToken"),
        ("SLACK", json!({"apiToken": "xoxb-1"}), "channelName"),
        ("DATADOG", json!({}), "apiKey"),
        ("OPS_GENIE", json!({"region": "EU"}), "apiKey"),
        ("VICTOR_OPS", json!({"routingKey": "r"}), "apiKey"),
        ("WEBHOOK", json!({"secret": "s"}), "url"),
        ("MICROSOFT_TEAMS", json!({}), "microsoftTeamsWebhookUrl"),
        (
            "PROMETHEUS",
            json!({"password": "p", "serviceDiscovery": "http", "enabled": true}),
            "username",
        ),
        (
            "PROMETHEUS",
            json!({"username": "u", "password": "p", "enabled": true}),
            "serviceDiscovery",
        ),
        (
            "PROMETHEUS",
            json!({"username": "u", "password": "p", "serviceDiscovery": "file"}),
            "enabled",
        ),
        (
            "NEW_RELIC",
            json!({"accountId": "0123456789abcdef0123456789abcdef01234567"}),
            "licenseKey",
        ),
    ];
    let (_sim, mut client) = open_with_client();
    for (kind, mut body, missing) in cases {
        body["type"] = json!(kind);
        let reply = client.post(&sandbox(kind), &body);
        assert_invalid(&reply, kind, &format!("{missing} is required"));
    }
}

#[test]
fn enums_and_formats() {
    let (_sim, mut client) = open_with_client();
    let cases = [
        (
            json!({"type": "PAGER_DUTY", "serviceKey": "k", "region": "APAC"}),
            "region must be one of US, EU",
        ),
        (
            json!({"type": "DATADOG", "apiKey": "abc", "region": "US2"}),
            "region must be one of US, EU, US3, US5, AP1, US1_FED",
        ),
        (
            json!({"type": "PROMETHEUS", "username": "u", "password": "p",
                "serviceDiscovery": "dns", "enabled": true}),
            "serviceDiscovery must be one of http, file",
        ),
        (
            json!({"type": "PROMETHEUS", "username": "u", "password": "p",
                "serviceDiscovery": "http", "enabled": "yes"}),
            "enabled must be a boolean",
        ),
        (
            json!({"type": "SLACK", "apiToken": "t", "channelName": "c".repeat(81)}),
            "channelName must be between 1 and 80 characters",
        ),
        (
            json!({"type": "SLACK", "apiToken": "t", "channelName": ""}),
            "channelName must be between 1 and 80 characters",
        ),
        (
            json!({"type": "WEBHOOK", "url": "ftp://example.com/x"}),
            "url must be an absolute http or https URL",
        ),
        (
            json!({"type": "WEBHOOK", "url": "https://h.example.com/x", "headersTemplate": "[1]"}),
            "headersTemplate must be a JSON object of header names to values",
        ),
        (
            json!({"type": "WEBHOOK", "url": "https://h.example.com/x", "bodyTemplate": "x".repeat(16 * 1024 + 1)}),
            "bodyTemplate must be at most 16384 bytes",
        ),
        (
            json!({"type": "MICROSOFT_TEAMS", "microsoftTeamsWebhookUrl": "teams"}),
            "microsoftTeamsWebhookUrl must be an absolute http or https URL",
        ),
        (
            json!({"type": "NEW_RELIC", "accountId": "123", "licenseKey": "0123456789abcdef0123456789abcdef01234567",
                "readToken": "r", "writeToken": "w"}),
            "accountId must match ^([0-9a-f]){40}$",
        ),
        (
            json!({"type": "NEW_RELIC", "accountId": "0123456789ABCDEF0123456789ABCDEF01234567",
                "licenseKey": "0123456789abcdef0123456789abcdef01234567",
                "readToken": "r", "writeToken": "w"}),
            "accountId must match ^([0-9a-f]){40}$",
        ),
        (
            json!({"type": "OPS_GENIE", "apiKey": 42}),
            "apiKey must be a string",
        ),
    ];
    for (body, reason) in cases {
        let kind = body["type"].as_str().expect("type").to_owned();
        let reply = client.post(&sandbox(&kind), &body);
        assert_invalid(&reply, &kind, reason);
    }
}

#[test]
fn body_type_must_match_the_path() {
    let reply = post(json!({"type": "SLACK", "serviceKey": "k"}), "PAGER_DUTY");
    assert_invalid(
        &reply,
        "PAGER_DUTY",
        "type SLACK does not match the integration type PAGER_DUTY in the path",
    );
    let reply = post(json!({"serviceKey": "k"}), "PAGER_DUTY");
    assert_invalid(&reply, "PAGER_DUTY", "type is required");
}

#[test]
fn unknown_fields_and_v2_fields_on_v1_are_rejected() {
    let (_sim, mut client) = open_with_client();
    let mut post = |version: fn(&str) -> String, body: Value| {
        let kind = body["type"].as_str().expect("a type").to_owned();
        client.post(
            &version(&format!("/groups/{SANDBOX}/integrations/{kind}")),
            &body,
        )
    };
    let unknown = |reply: &Reply, attribute: &str| {
        let detail = format!("Invalid attribute {attribute} specified.");
        assert_error(reply, 400, "INVALID_ATTRIBUTE", &detail);
    };
    let reply = post(
        v2,
        json!({"type": "PAGER_DUTY", "serviceKey": "k", "severity": "high"}),
    );
    unknown(&reply, "severity");
    let reply = post(
        v1,
        json!({"type": "WEBHOOK", "url": "https://h.example.com/x", "bodyTemplate": "{}"}),
    );
    unknown(&reply, "bodyTemplate");
    // Both specifications have Datadog's flags and Prometheus's tag flag,
    // and a Prometheus integration without a password (write-only, optional).
    let reply = post(
        v1,
        json!({"type": "DATADOG", "apiKey": "abc123", "sendDatabaseMetrics": true}),
    );
    assert_eq!(reply.status, 200, "{}", reply.text);
    let reply = post(
        v1,
        json!({"type": "PROMETHEUS", "username": "u", "serviceDiscovery": "http",
                "enabled": true, "sendUserProvidedResourceTagsEnabled": true}),
    );
    assert_eq!(reply.status, 200, "{}", reply.text);
}

#[test]
fn malformed_json_is_400() {
    let sim = open();
    let path = v1(&format!("/groups/{SANDBOX}/integrations/PAGER_DUTY"));
    let reply = Client::new(&sim)
        .request("POST", &path, Some(b"{\"type\": "), &[])
        .expect("an answer");
    assert_eq!(reply.status, 400);
    assert_eq!(reply.header("x-error-code"), Some("INVALID_JSON"));
}

#[test]
fn a_refused_write_changes_nothing() {
    let (_sim, mut client) = open_with_client();
    let before = client.integrations_v1(PROD);
    let reply = client.put(
        &v1(&format!("/groups/{PROD}/integrations/PAGER_DUTY")),
        &json!({"type": "PAGER_DUTY", "region": "MARS"}),
    );
    assert_eq!(reply.status, 400);
    assert_eq!(client.integrations_v1(PROD), before);
}
