//! Project events and alert configurations: every integration write leaves
//! an event naming its caller, a change "made in the UI" names a person,
//! both lists are paginated and filtered as Atlas documents, credentials
//! in notifications are masked, and the state file keeps them.

use serde_json::{Value, json};
use tether::sim::{Faults, StateFile};

use super::helpers::*;
use crate::common::Sim;

fn events(client: &mut Client, group: &str, query: &str) -> Value {
    let reply = client.get(&v2(&format!("/groups/{group}/events{query}")));
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json()
}

fn results(envelope: &Value) -> &Vec<Value> {
    envelope["results"].as_array().expect("results")
}

#[test]
fn api_writes_record_the_caller_and_ui_changes_record_the_person() {
    let sim = guarded();
    let mut client = Client::digest(&sim, OWNER);
    let hook = json!({"type": "WEBHOOK", "url": "https://hooks.example.com/new-0001"});
    let path = v2(&format!("/groups/{SANDBOX}/integrations/WEBHOOK"));
    assert_eq!(client.post(&path, &hook).status, 200);
    assert_eq!(client.delete(&path).status, 204);
    sim.change_as_user(SANDBOX, "WEBHOOK", &hook, "dana@example.com")
        .expect("a person may create it in the UI");

    let listed = events(&mut client, SANDBOX, "");
    let list = results(&listed);
    assert_eq!(list.len(), 3, "{listed}");
    // Newest first.
    assert_eq!(list[0]["eventTypeName"], "INTEGRATION_CONFIGURED");
    assert_eq!(list[0]["username"], "dana@example.com");
    assert!(list[0].get("publicKey").is_none(), "{}", list[0]);
    assert_eq!(list[1]["eventTypeName"], "INTEGRATION_REMOVED");
    assert_eq!(list[1]["publicKey"], OWNER.0);
    assert_eq!(list[2]["eventTypeName"], "INTEGRATION_CONFIGURED");
    assert_eq!(list[2]["publicKey"], OWNER.0);
    for event in list {
        assert_eq!(event["remoteAddress"], "127.0.0.1");
        assert_eq!(event["groupId"], SANDBOX);
        assert!(is_atlas_id(&event["id"]), "{event}");
        let created = event["created"].as_str().expect("created");
        assert!(created.ends_with('Z') && created.len() == 20, "{created}");
    }
    // A read writes nothing, and leaves no event.
    client.get(&v2(&format!("/groups/{SANDBOX}/integrations")));
    assert_eq!(sim.events(SANDBOX).len(), 3);
}

#[test]
fn a_service_account_write_records_its_client_id() {
    let sim = guarded();
    let plain = Client::new(&sim);
    let answer = plain
        .http
        .post(format!("{}/api/oauth/token", plain.base))
        .basic_auth(SA.0, Some(SA.1))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .expect("a token");
    let body: Value = serde_json::from_str(&answer.text().expect("a body")).expect("JSON");
    let mut client = Client {
        auth: Auth::Bearer(body["access_token"].as_str().expect("a token").to_owned()),
        ..Client::new(&sim)
    };
    let path = v2(&format!("/groups/{SANDBOX}/integrations/PAGER_DUTY"));
    let body = json!({"type": "PAGER_DUTY", "serviceKey": "0123456789abcdef0123456789abcdef"});
    assert_eq!(client.post(&path, &body).status, 200);
    let recorded = sim.events(SANDBOX);
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].public_key.as_deref(), Some(SA.0));
}

#[test]
fn events_filter_by_type_and_date_and_paginate() {
    let (_sim, mut client) = open_with_client();
    // The example state holds one UI change of 2026-11-30 in payments-prod.
    let path = v2(&format!("/groups/{PROD}/integrations/DATADOG"));
    for region in ["US", "EU", "US3"] {
        let body = json!({"type": "DATADOG", "apiKey": "3b8d9e2f1a4c5b6d7e8f9a0b1c2da1b2", "region": region});
        assert_eq!(client.put(&path, &body).status, 200);
    }
    let all = events(&mut client, PROD, "");
    assert_eq!(results(&all).len(), 4);
    assert_eq!(all["totalCount"], 4);
    let old = results(&all).last().expect("the oldest");
    assert_eq!(old["username"], "dana@example.com");
    assert_eq!(old["created"], "2026-11-30T22:14:05Z");

    let recent = events(&mut client, PROD, "?minDate=2026-12-01T00:00:00Z");
    assert!(
        results(&recent)
            .iter()
            .all(|e| e["username"] != "dana@example.com"),
        "{recent}"
    );
    let until = events(&mut client, PROD, "?maxDate=2026-11-30T23:00:00Z");
    assert_eq!(results(&until).len(), 1, "{until}");

    let one_page = events(
        &mut client,
        PROD,
        "?eventType=INTEGRATION_CONFIGURED&eventType=INTEGRATION_REMOVED&itemsPerPage=2&pageNum=2",
    );
    assert_eq!(results(&one_page).len(), 2);
    assert_eq!(results(&one_page)[1]["username"], "dana@example.com");
    let none = events(&mut client, PROD, "?eventType=CLUSTER_CREATED");
    assert!(results(&none).is_empty());

    let bad = client.get(&v2(&format!("/groups/{PROD}/events?minDate=yesterday")));
    assert_eq!(bad.status, 400, "{}", bad.text);
    let unknown = client.get(&v2("/groups/65f1a2b3c4d5e6f7a8b9ffff/events"));
    assert_eq!(unknown.status, 404);
}

#[test]
fn alert_configurations_mask_credentials_and_name_the_integration() {
    let (_sim, mut client) = open_with_client();
    let reply = client.get(&v2(&format!("/groups/{PROD}/alertConfigs?itemsPerPage=1")));
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert!(!reply.text.contains("0d4c8f10022e5b1d4c8fa9f3c2a7e5b1"));
    let page = reply.json();
    assert_eq!(page["totalCount"], 2);
    let first = &results(&page)[0];
    assert_eq!(first["eventTypeName"], "OUTSIDE_METRIC_THRESHOLD");
    assert_eq!(first["enabled"], true);
    let webhook = &first["notifications"][0];
    assert_eq!(webhook["typeName"], "WEBHOOK");
    assert_eq!(webhook["integrationId"], "6610a1b2c3d4e5f6a7b8c9d2");
    assert_eq!(webhook["intervalMin"], 60);
    assert!(first["notifications"][1].get("integrationId").is_none());

    let second = client.get(&v2(&format!(
        "/groups/{PROD}/alertConfigs?itemsPerPage=1&pageNum=2"
    )));
    let second = second.json();
    let pd = &results(&second)[0]["notifications"][0];
    assert_eq!(pd["serviceKey"], "****************************e5b1");
    assert!(pd.get("integrationId").is_none(), "it has a key of its own");
}

#[test]
fn a_ui_change_needs_a_person_and_follows_atlas_rules() {
    let sim = open();
    let client = Client::new(&sim);
    let path = format!("/__sim/ui/groups/{SANDBOX}/integrations/PAGER_DUTY");
    let body = json!({"type": "PAGER_DUTY", "serviceKey": "0123456789abcdef0123456789abcdef"});
    let anonymous = client.raw("PUT", &path, Some(&body), &[]).expect("answers");
    assert_eq!(anonymous.status, 400, "{}", anonymous.text);
    let person = client
        .raw(
            "PUT",
            &path,
            Some(&body),
            &[
                ("x-sim-username", "lee@example.com"),
                ("x-sim-remote-address", "198.51.100.4"),
            ],
        )
        .expect("answers");
    assert_eq!(person.status, 204, "{}", person.text);
    let recorded = sim.events(SANDBOX);
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].username.as_deref(), Some("lee@example.com"));
    assert_eq!(recorded[0].remote_address.as_deref(), Some("198.51.100.4"));
    // Not an API call: not counted.
    assert_eq!(sim.counters().total(), 0);

    let invalid = sim.change_as_user(
        SANDBOX,
        "DATADOG",
        &json!({"type": "DATADOG", "apiKey": "not-hex"}),
        "lee@example.com",
    );
    assert!(invalid.is_err());
    assert!(
        sim.remove_as_user(SANDBOX, "DATADOG", "lee@example.com")
            .is_err()
    );
    sim.remove_as_user(SANDBOX, "PAGER_DUTY", "lee@example.com")
        .expect("removes");
    assert_eq!(
        sim.events(SANDBOX)[1].event_type_name,
        "INTEGRATION_REMOVED"
    );
}

#[test]
fn a_forbidden_endpoint_answers_403_and_others_do_not() {
    let sim = example()
        .faults(Faults {
            forbidden: vec!["groups/{groupId}/events".to_owned()],
            ..Faults::default()
        })
        .start();
    let mut client = Client::new(&sim);
    let refused = client.get(&v2(&format!("/groups/{PROD}/events")));
    assert_eq!(refused.status, 403, "{}", refused.text);
    assert_eq!(
        client
            .get(&v2(&format!("/groups/{PROD}/alertConfigs")))
            .status,
        200
    );
}

#[test]
fn the_state_file_keeps_events_and_alerts_and_old_files_still_load() {
    let sim = example().start();
    sim.change_as_user(
        SANDBOX,
        "PAGER_DUTY",
        &json!({"type": "PAGER_DUTY", "serviceKey": "0123456789abcdef0123456789abcdef"}),
        "dana@example.com",
    )
    .expect("changes");
    let snapshot = sim.snapshot();
    let text = snapshot.to_yaml().expect("serializes");
    let again = StateFile::parse(&text).expect("parses back");
    assert_eq!(again, snapshot);
    let sandbox = again
        .projects
        .iter()
        .find(|p| p.id == SANDBOX)
        .expect("sandbox");
    assert_eq!(sandbox.events.len(), 1);
    assert_eq!(
        sandbox.events[0].username.as_deref(),
        Some("dana@example.com")
    );
    let prod = again.projects.iter().find(|p| p.id == PROD).expect("prod");
    assert_eq!(prod.alert_configs.len(), 2);
    assert_eq!(prod.events.len(), 1);

    // A state file written before events existed loads as it did.
    let old = "projects:\n  - id: 65f1a2b3c4d5e6f7a8b9c0d9\n    name: old\n    orgId: 6600000000000000000000aa\n    integrations:\n      PAGER_DUTY: {serviceKey: abc}\n";
    let state = StateFile::parse(old).expect("an old state file loads");
    assert!(state.projects[0].events.is_empty());
    assert!(
        !StateFile::parse(old)
            .expect("loads")
            .to_yaml()
            .expect("serializes")
            .contains("events"),
        "nothing new is written for a project without events"
    );
    let bad = "projects:\n  - id: 65f1a2b3c4d5e6f7a8b9c0d9\n    name: old\n    orgId: 6600000000000000000000aa\n    events:\n      - {created: yesterday, eventTypeName: INTEGRATION_CONFIGURED}\n";
    let spawned = Sim::builder().state_yaml(bad).spawn();
    assert!(
        spawned.is_err(),
        "an event time that is not ISO 8601 is refused"
    );
}
