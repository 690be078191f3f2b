//! Reads and writes of integrations: the envelope, order, masking, ids,
//! POST/PUT/DELETE semantics, v1.0 against v2.

use serde_json::json;
use tether::sim::{Assumptions, PutAbsent};

use crate::common::Sim;

use super::helpers::*;

fn stars(n: usize) -> String {
    "*".repeat(n)
}

#[test]
fn v1_get_all_is_the_envelope_in_enum_order_with_secrets_masked() {
    let sim = open();
    let reply = Client::new(&sim).get(&v1(&format!("/groups/{PROD}/integrations")));
    assert_eq!(reply.status, 200);
    assert_eq!(reply.content_type(), "application/json");
    let base = sim.base_url();
    assert_eq!(
        reply.json(),
        json!({
            "links": [{
                "href": format!("{base}/api/atlas/v1.0/groups/{PROD}/integrations?pageNum=1&itemsPerPage=100"),
                "rel": "self",
            }],
            "results": [
                {"id": "6610a1b2c3d4e5f6a7b8c9d0", "type": "PAGER_DUTY",
                 "serviceKey": format!("{}0022", stars(28)), "region": "US"},
                {"id": "6610a1b2c3d4e5f6a7b8c9d1", "type": "DATADOG",
                 "apiKey": format!("{}a1b2", stars(28)), "region": "EU",
                 "sendCollectionLatencyMetrics": false, "sendDatabaseMetrics": true,
                 "sendQueryStatsMetrics": false, "sendUserProvidedResourceTags": false},
                {"id": "6610a1b2c3d4e5f6a7b8c9d2", "type": "WEBHOOK",
                 "url": "https://alerts.example.com/****2101",
                 "secret": format!("{}6f3a", stars(18))},
            ],
            "totalCount": 3,
        })
    );
}

#[test]
fn v2_get_all_has_newer_fields_false_booleans_and_documented_nulls() {
    let reply = open_get(&v2(&format!("/groups/{PROD}/integrations")));
    assert_eq!(
        reply.content_type(),
        "application/vnd.atlas.2023-01-01+json"
    );
    let body = reply.json();
    assert_eq!(types(&body), ["PAGER_DUTY", "DATADOG", "WEBHOOK"]);
    assert_eq!(
        pick(&body, "DATADOG").cloned(),
        Some(json!({
            "id": "6610a1b2c3d4e5f6a7b8c9d1", "type": "DATADOG",
            "apiKey": format!("{}a1b2", stars(28)), "region": "EU",
            "customEndpoint": null,
            "sendCollectionLatencyMetrics": false, "sendDatabaseMetrics": true,
            "sendQueryStatsMetrics": false, "sendUserProvidedResourceTags": false,
        }))
    );
    assert_eq!(
        pick(&body, "WEBHOOK").cloned(),
        Some(json!({
            "id": "6610a1b2c3d4e5f6a7b8c9d2", "type": "WEBHOOK",
            "url": "https://alerts.example.com/****2101",
            "secret": format!("{}6f3a", stars(18)),
            "bodyTemplate": null, "headersTemplate": null,
        }))
    );
}

#[test]
fn get_one_is_a_bare_object() {
    let reply = open_get(&v1(&format!("/groups/{PROD}/integrations/PAGER_DUTY")));
    assert_eq!(
        reply.json(),
        json!({"id": "6610a1b2c3d4e5f6a7b8c9d0", "type": "PAGER_DUTY",
               "serviceKey": format!("{}0022", stars(28)), "region": "US"})
    );
}

#[test]
fn prometheus_password_is_never_returned_and_clear_fields_are() {
    let (_sim, mut client) = open_with_client();
    let one = format!("/groups/{STAGING}/integrations/PROMETHEUS");
    let v1_reply = client.get(&v1(&one));
    let id = v1_reply.json()["id"].clone();
    assert!(is_atlas_id(&id));
    let shown = json!({"id": id, "type": "PROMETHEUS", "username": "prom",
                       "serviceDiscovery": "http", "enabled": true,
                       "sendUserProvidedResourceTagsEnabled": false});
    assert_eq!(v1_reply.json(), shown);
    assert_eq!(client.get(&v2(&one)).json(), shown);
    let all = client.get(&v2(&format!("/groups/{STAGING}/integrations")));
    assert!(!all.text.contains("Sup3r"));
    assert!(pick(&all.json(), "PROMETHEUS").is_some_and(|p| p.get("password").is_none()));
}

#[test]
fn masks_of_slack_opsgenie_teams_and_victorops_and_clear_new_relic() {
    let (_sim, mut client) = open_with_client();
    let staging = client.integrations_v1(STAGING);
    assert_eq!(types(&staging), ["SLACK", "OPS_GENIE", "PROMETHEUS"]);
    let slack = pick(&staging, "SLACK").expect("slack");
    assert_eq!(slack["apiToken"], format!("{}UvWx", stars(47)));
    assert_eq!(slack["channelName"], "#payments-alerts");
    assert_eq!(slack["teamName"], "acme");
    let genie = pick(&staging, "OPS_GENIE").expect("opsgenie");
    assert_eq!(genie["apiKey"], format!("{}1b2c", stars(32)));
    assert_eq!(genie["region"], "EU");

    let search = client
        .get(&v2(&format!("/groups/{SEARCH}/integrations")))
        .json();
    assert_eq!(
        types(&search),
        ["NEW_RELIC", "VICTOR_OPS", "MICROSOFT_TEAMS"]
    );
    let teams = pick(&search, "MICROSOFT_TEAMS").expect("teams");
    assert_eq!(
        teams["microsoftTeamsWebhookUrl"],
        "https://acme.webhook.office.com/****77c3"
    );
    let victor = pick(&search, "VICTOR_OPS").expect("victorops");
    assert_eq!(victor["apiKey"], format!("{}7c8d", stars(32)));
    assert_eq!(victor["routingKey"], "search-oncall");
    let relic = pick(&search, "NEW_RELIC").expect("new relic");
    assert_eq!(
        relic["licenseKey"],
        "fedcba9876543210fedcba9876543210fedcba98"
    );
    assert_eq!(relic["writeToken"], "NRII-write-6a7b8c9d0e1f");
}

#[test]
fn short_secrets_are_fully_masked() {
    let (_sim, mut client) = open_with_client();
    let body = json!({"type": "PAGER_DUTY", "serviceKey": "abcd"});
    let reply = client.put(
        &v1(&format!("/groups/{SANDBOX}/integrations/PAGER_DUTY")),
        &body,
    );
    assert_eq!(
        pick(&reply.json(), "PAGER_DUTY").expect("pd")["serviceKey"],
        "****"
    );
}

#[test]
fn post_creates_and_answers_the_whole_envelope_masked() {
    let (sim, mut client) = open_with_client();
    let path = v1(&format!("/groups/{PROD}/integrations/OPS_GENIE"));
    let body = json!({"type": "OPS_GENIE", "apiKey": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeee9999"});
    let reply = client.post(&path, &body);
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.content_type(), "application/json");
    let envelope = reply.json();
    assert_eq!(envelope["totalCount"], 4);
    assert_eq!(
        types(&envelope),
        ["PAGER_DUTY", "DATADOG", "OPS_GENIE", "WEBHOOK"]
    );
    let created = pick(&envelope, "OPS_GENIE").expect("created").clone();
    assert!(is_atlas_id(&created["id"]));
    assert_eq!(
        created,
        json!({"id": created["id"], "type": "OPS_GENIE",
               "apiKey": format!("{}9999", stars(32)), "region": "US"})
    );
    // The same object is then served by GET-one, and the secret is stored in clear.
    assert_eq!(client.get(&path).json(), created);
    assert_eq!(
        sim.snapshot().stored(PROD, "OPS_GENIE", "apiKey"),
        Some("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeee9999")
    );
}

#[test]
fn post_of_an_existing_type_is_409() {
    let sim = open();
    let reply = Client::new(&sim).post(
        &v1(&format!("/groups/{PROD}/integrations/PAGER_DUTY")),
        &json!({"type": "PAGER_DUTY", "serviceKey": "0123456789abcdef0123456789abcdef"}),
    );
    assert_error(
        &reply,
        409,
        "INTEGRATION_ALREADY_CONFIGURED",
        "The integration of type 'PAGER_DUTY' is already configured for this group.",
    );
}

#[test]
fn v1_put_upserts_an_absent_type() {
    let sim = open();
    let body = json!({"type": "VICTOR_OPS", "apiKey": "0f0f0f0f-1111-4222-8333-444455556666",
                      "routingKey": "db"});
    let reply = Client::new(&sim).put(
        &v1(&format!("/groups/{SANDBOX}/integrations/VICTOR_OPS")),
        &body,
    );
    assert_eq!(reply.status, 200);
    let envelope = reply.json();
    assert_eq!(envelope["totalCount"], 1);
    let created = pick(&envelope, "VICTOR_OPS").expect("created");
    assert_eq!(created["apiKey"], format!("{}6666", stars(32)));
    assert_eq!(created["routingKey"], "db");
}

#[test]
fn put_replaces_fields_sent_keeps_the_id_and_keeps_fields_left_out() {
    let (_sim, mut client) = open_with_client();
    let path = v2(&format!("/groups/{PROD}/integrations/DATADOG"));
    let body = json!({"type": "DATADOG", "region": "US5", "sendQueryStatsMetrics": true});
    let reply = client.put(&path, &body);
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(
        reply.content_type(),
        "application/vnd.atlas.2023-01-01+json"
    );
    let datadog = pick(&reply.json(), "DATADOG").expect("datadog").clone();
    assert_eq!(datadog["id"], "6610a1b2c3d4e5f6a7b8c9d1");
    assert_eq!(datadog["region"], "US5");
    assert_eq!(datadog["sendQueryStatsMetrics"], true);
    // Fields not sent keep their value: the key and the earlier flag.
    assert_eq!(datadog["apiKey"], format!("{}a1b2", stars(28)));
    assert_eq!(datadog["sendDatabaseMetrics"], true);
    // `false` sent explicitly is stored.
    let reply = client.put(
        &path,
        &json!({"type": "DATADOG", "sendDatabaseMetrics": false}),
    );
    assert_eq!(
        pick(&reply.json(), "DATADOG").expect("datadog")["sendDatabaseMetrics"],
        false
    );
}

#[test]
fn v2_put_of_an_absent_type_is_not_configured_by_default() {
    let (_sim, mut client) = open_with_client();
    let path = v2(&format!("/groups/{SANDBOX}/integrations/PAGER_DUTY"));
    let body = json!({"type": "PAGER_DUTY", "serviceKey": "0123456789abcdef0123456789abcdef"});
    assert_error(
        &client.put(&path, &body),
        404,
        "INTEGRATION_NOT_CONFIGURED",
        "The integration of type 'PAGER_DUTY' is not configured for this group.",
    );
    // The client's fallback: create with POST, then PUT works.
    assert_eq!(client.post(&path, &body).status, 200);
    assert_eq!(client.put(&path, &body).status, 200);
}

#[test]
fn v2_put_can_be_configured_to_create() {
    let sim = example()
        .assumptions(Assumptions {
            v2_put_absent: PutAbsent::Create,
            ..Assumptions::default()
        })
        .start();
    let reply = Client::new(&sim).put(
        &v2(&format!("/groups/{SANDBOX}/integrations/PAGER_DUTY")),
        &json!({"type": "PAGER_DUTY", "serviceKey": "0123456789abcdef0123456789abcdef"}),
    );
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["totalCount"], 1);
}

#[test]
fn delete_answers_204_without_body_then_the_type_is_not_configured() {
    let (_sim, mut client) = open_with_client();
    let path = v1(&format!("/groups/{PROD}/integrations/WEBHOOK"));
    let reply = client.delete(&path);
    assert_eq!(reply.status, 204);
    assert_eq!(reply.text, "");
    let not_configured = "The integration of type 'WEBHOOK' is not configured for this group.";
    assert_error(
        &client.get(&path),
        404,
        "INTEGRATION_NOT_CONFIGURED",
        not_configured,
    );
    assert_error(
        &client.delete(&path),
        404,
        "INTEGRATION_NOT_CONFIGURED",
        not_configured,
    );
    let all = client.integrations_v1(PROD);
    assert_eq!(types(&all), ["PAGER_DUTY", "DATADOG"]);
    assert_eq!(all["totalCount"], 2);
    // v2 DELETE is 204 too.
    let reply = client.delete(&v2(&format!("/groups/{PROD}/integrations/DATADOG")));
    assert_eq!((reply.status, reply.text.as_str()), (204, ""));
}

#[test]
fn defaults_are_stored_when_not_sent() {
    let (_sim, mut client) = open_with_client();
    let reply = client.post(
        &v2(&format!("/groups/{SANDBOX}/integrations/DATADOG")),
        &json!({"type": "DATADOG", "apiKey": "0123456789abcdef0123456789abcdef"}),
    );
    let datadog = pick(&reply.json(), "DATADOG").expect("datadog").clone();
    assert_eq!(datadog["region"], "US");
    for flag in [
        "sendCollectionLatencyMetrics",
        "sendDatabaseMetrics",
        "sendQueryStatsMetrics",
        "sendUserProvidedResourceTags",
    ] {
        assert_eq!(datadog[flag], false, "{flag}");
    }
    let webhook = client.post(
        &v2(&format!("/groups/{SANDBOX}/integrations/WEBHOOK")),
        &json!({"type": "WEBHOOK", "url": "http://hooks.internal:8080/x/abcd9876"}),
    );
    let webhook = pick(&webhook.json(), "WEBHOOK").expect("webhook").clone();
    assert_eq!(
        webhook,
        json!({"id": webhook["id"], "type": "WEBHOOK",
               "url": "http://hooks.internal:8080/****9876",
               "bodyTemplate": null, "headersTemplate": null})
    );
}

#[test]
fn webhook_templates_round_trip_on_v2() {
    let (_sim, mut client) = open_with_client();
    let body = json!({"type": "WEBHOOK", "url": "https://h.example.com/a/b/0001",
                      "bodyTemplate": "{\"text\": \"{{alert}}\"}",
                      "headersTemplate": "{\"X-Team\": \"db\"}"});
    let reply = client.post(
        &v2(&format!("/groups/{SANDBOX}/integrations/WEBHOOK")),
        &body,
    );
    assert_eq!(reply.status, 200, "{}", reply.text);
    let webhook = pick(&reply.json(), "WEBHOOK").expect("webhook").clone();
    assert_eq!(webhook["bodyTemplate"], "{\"text\": \"{{alert}}\"}");
    assert_eq!(webhook["headersTemplate"], "{\"X-Team\": \"db\"}");
    // v1.0 does not know the templates.
    let v1_one = client
        .get(&v1(&format!("/groups/{SANDBOX}/integrations/WEBHOOK")))
        .json();
    assert!(v1_one.get("bodyTemplate").is_none());
}

#[test]
fn victor_ops_without_routing_key_is_accepted_but_missing_from_lists() {
    let (_sim, mut client) = open_with_client();
    let path = v1(&format!("/groups/{SANDBOX}/integrations/VICTOR_OPS"));
    let reply = client.post(
        &path,
        &json!({"type": "VICTOR_OPS",
                                           "apiKey": "0f0f0f0f-1111-4222-8333-444455556666"}),
    );
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json()["results"], json!([]));
    assert_eq!(reply.json()["totalCount"], 0);
    let all = client.integrations_v1(SANDBOX);
    assert_eq!(all["results"], json!([]));
    let one = client.get(&path);
    assert_eq!(one.status, 200);
    assert!(one.json().get("routingKey").is_none());
}

#[test]
fn flowdock_is_gone_and_hip_chat_can_only_be_deleted() {
    let mut state = example_state();
    let project = state
        .projects
        .iter_mut()
        .find(|p| p.id == SANDBOX)
        .expect("sandbox");
    let flowdock = tether::sim::StateFile::parse(
        "projects:\n- id: 65f1a2b3c4d5e6f7a8b9c0d4\n  name: x\n  orgId: 6600000000000000000000bb\n  integrations:\n    FLOWDOCK: {flowName: ops, apiToken: fd-0123456789, orgName: acme}\n",
    )
    .expect("parses");
    let refused = flowdock
        .to_state(|| "6610a1b2c3d4e5f6a7b8c9ff".to_owned())
        .expect_err("FLOWDOCK is in neither enum");
    assert!(
        refused
            .to_string()
            .contains("unknown integration type `FLOWDOCK`"),
        "{refused}"
    );
    let hip_chat = tether::sim::StateFile::parse(
        "projects:\n- id: 65f1a2b3c4d5e6f7a8b9c0d4\n  name: x\n  orgId: 6600000000000000000000bb\n  integrations:\n    HIP_CHAT: {}\n",
    )
    .expect("HIP_CHAT is in both enums");
    project.integrations = hip_chat.projects[0].integrations.clone();
    let sim = Sim::builder().state(state).start();
    let mut client = Client::new(&sim);
    for version in [v1, v2] {
        assert_error(
            &client.get(&version(&format!(
                "/groups/{SANDBOX}/integrations/FLOWDOCK"
            ))),
            400,
            "INVALID_ENUM_VALUE",
            "An invalid enumeration value FLOWDOCK was specified.",
        );
        // HIP_CHAT is in both enums, with nothing to configure: a legacy
        // one is listed and can only be deleted.
        let all = client
            .get(&version(&format!("/groups/{SANDBOX}/integrations")))
            .json();
        let hip = pick(&all, "HIP_CHAT")
            .expect("legacy HIP_CHAT listed")
            .clone();
        assert_eq!(hip, json!({"id": hip["id"], "type": "HIP_CHAT"}));
        assert_error(
            &client.put(
                &version(&format!("/groups/{SANDBOX}/integrations/HIP_CHAT")),
                &json!({"type": "HIP_CHAT"}),
            ),
            400,
            "INVALID_INTEGRATION_SETTINGS",
            "The provided settings for the HIP_CHAT integration were invalid: HIP_CHAT integrations can no longer be created.",
        );
    }
    let path = v2(&format!("/groups/{SANDBOX}/integrations/HIP_CHAT"));
    assert_eq!(client.delete(&path).status, 204);
    assert_error(
        &client.get(&path),
        404,
        "INTEGRATION_NOT_CONFIGURED",
        "The integration of type 'HIP_CHAT' is not configured for this group.",
    );
}

#[test]
fn unknown_type_in_the_path_is_400_or_configured_404() {
    let sim = open();
    let path = v1(&format!("/groups/{PROD}/integrations/DATADOG_LOGS"));
    assert_error(
        &Client::new(&sim).get(&path),
        400,
        "INVALID_ENUM_VALUE",
        "An invalid enumeration value DATADOG_LOGS was specified.",
    );
    let sim = example()
        .assumptions(Assumptions {
            unknown_type_status: 404,
            ..Assumptions::default()
        })
        .start();
    assert_eq!(Client::new(&sim).get(&path).status, 404);
}

#[test]
fn unknown_and_malformed_groups() {
    let (_sim, mut client) = open_with_client();
    let missing = "111111111111111111111111";
    for path in [
        v1(&format!("/groups/{missing}/integrations")),
        v1(&format!("/groups/{missing}/integrations/PAGER_DUTY")),
        v2(&format!("/groups/{missing}")),
    ] {
        assert_error(
            &client.get(&path),
            404,
            "GROUP_NOT_FOUND",
            &format!("No group with ID {missing} exists."),
        );
    }
    let reply = client.put(
        &v1(&format!("/groups/{missing}/integrations/PAGER_DUTY")),
        &json!({"type": "PAGER_DUTY", "serviceKey": "x"}),
    );
    assert_eq!(reply.json()["errorCode"], "GROUP_NOT_FOUND");
    assert_error(
        &client.get(&v1("/groups/not-an-id/integrations")),
        400,
        "INVALID_GROUP_ID",
        "An invalid group ID not-an-id was specified.",
    );
}

#[test]
fn pagination_walks_pages_and_follows_links() {
    let (sim, mut client) = open_with_client();
    let base = sim.base_url();
    let url = format!("{base}/api/atlas/v1.0/groups/{PROD}/integrations");
    let page2 = client
        .get(&v1(&format!(
            "/groups/{PROD}/integrations?pageNum=2&itemsPerPage=1"
        )))
        .json();
    assert_eq!(types(&page2), ["DATADOG"]);
    assert_eq!(page2["totalCount"], 3);
    assert_eq!(
        page2["links"],
        json!([
            {"href": format!("{url}?pageNum=1&itemsPerPage=1"), "rel": "previous"},
            {"href": format!("{url}?pageNum=2&itemsPerPage=1"), "rel": "self"},
            {"href": format!("{url}?pageNum=3&itemsPerPage=1"), "rel": "next"},
        ])
    );
    let page3 = client
        .get(&v1(&format!(
            "/groups/{PROD}/integrations?pageNum=3&itemsPerPage=2"
        )))
        .json();
    assert_eq!(page3["results"], json!([]));
    assert_eq!(page3["totalCount"], 3);
    let uncounted = client
        .get(&v1(&format!(
            "/groups/{PROD}/integrations?includeCount=false"
        )))
        .json();
    assert!(uncounted.get("totalCount").is_none());
    assert_eq!(types(&uncounted).len(), 3);
    let max = client.get(&v1(&format!(
        "/groups/{PROD}/integrations?itemsPerPage=500"
    )));
    assert_eq!(max.status, 200);
    assert_error(
        &client.get(&v1(&format!(
            "/groups/{PROD}/integrations?itemsPerPage=501"
        ))),
        400,
        "INVALID_QUERY_PARAMETER",
        "Invalid query parameter itemsPerPage: must be between 1 and 500.",
    );
    assert_eq!(
        client
            .get(&v1(&format!("/groups/{PROD}/integrations?pageNum=0")))
            .status,
        400
    );
}

#[test]
fn pretty_and_envelope_query_parameters() {
    let (_sim, mut client) = open_with_client();
    let pretty = client.get(&v1(&format!(
        "/groups/{PROD}/integrations/PAGER_DUTY?pretty=true"
    )));
    crate::common::assert_contains(&pretty.text, "\n  \"region\": \"US\"");
    let wrapped = client
        .get(&v1(&format!(
            "/groups/{PROD}/integrations/PAGER_DUTY?envelope=true"
        )))
        .json();
    assert_eq!(wrapped["status"], 200);
    assert_eq!(wrapped["content"]["type"], "PAGER_DUTY");
}

#[test]
fn v2_requires_the_versioned_media_type() {
    let sim = open();
    let client = Client::new(&sim);
    let path = v2(&format!("/groups/{PROD}/integrations"));
    // `Client::raw` always sends the versioned Accept on v2: build by hand.
    let reply = client
        .http
        .get(format!("{}{path}", client.base))
        .header("accept", "application/json")
        .send()
        .expect("an answer");
    assert_eq!(reply.status().as_u16(), 406);
    assert_eq!(
        reply
            .headers()
            .get("x-error-code")
            .and_then(|v| v.to_str().ok()),
        Some("INVALID_VERSION_DATE")
    );
}
