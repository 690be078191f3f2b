//! Projects: list, by id, by name, by organization, with pagination.

use serde_json::json;

use super::helpers::*;
use crate::common::Sim;

#[test]
fn list_of_projects_is_an_envelope_of_project_objects() {
    let sim = open();
    let base = sim.base_url();
    let reply = Client::new(&sim).get(&v1("/groups"));
    assert_eq!(reply.status, 200);
    let body = reply.json();
    assert_eq!(body["totalCount"], 4);
    assert_eq!(
        body["links"],
        json!([{"href": format!("{base}/api/atlas/v1.0/groups?pageNum=1&itemsPerPage=100"), "rel": "self"}])
    );
    assert_eq!(
        body["results"][0],
        json!({"id": PROD, "name": "payments-prod", "orgId": ORG_A, "clusterCount": 3,
               "created": "2024-03-13T09:41:07Z",
               "links": [{"href": format!("{base}/api/atlas/v1.0/groups/{PROD}"), "rel": "self"}]})
    );
}

#[test]
fn v2_projects_carry_tags() {
    let sim = open();
    let base = sim.base_url();
    let mut client = Client::new(&sim);
    let reply = client.get(&v2(&format!("/groups/{PROD}")));
    assert_eq!(
        reply.content_type(),
        "application/vnd.atlas.2023-01-01+json"
    );
    assert_eq!(
        reply.json(),
        json!({"id": PROD, "name": "payments-prod", "orgId": ORG_A, "clusterCount": 3,
               "created": "2024-03-13T09:41:07Z",
               "links": [{"href": format!("{base}/api/atlas/v2/groups/{PROD}"), "rel": "self"}],
               "tags": [{"key": "env", "value": "prod"}]})
    );
    let staging = client.get(&v2(&format!("/groups/{STAGING}"))).json();
    assert_eq!(staging["tags"], json!([]));
    assert_eq!(staging["created"], "2024-01-01T00:00:00Z");
}

#[test]
fn by_name_finds_or_answers_not_in_group() {
    let (_sim, mut client) = open_with_client();
    let found = client.get(&v1("/groups/byName/payments-staging"));
    assert_eq!(found.status, 200);
    assert_eq!(found.json()["id"], STAGING);
    assert_error(
        &client.get(&v1("/groups/byName/no-such-project")),
        404,
        "NOT_IN_GROUP",
        "The current user is not in the group, or the group does not exist.",
    );
}

#[test]
fn projects_of_an_organization_with_v2_name_prefix() {
    let (_sim, mut client) = open_with_client();
    let names = |body: serde_json::Value| -> Vec<String> {
        body["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|p| p["name"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    let org_a = client.get(&v1(&format!("/orgs/{ORG_A}/groups"))).json();
    assert_eq!(names(org_a.clone()), ["payments-prod", "payments-staging"]);
    assert_eq!(org_a["totalCount"], 2);
    let filtered = client
        .get(&v2(&format!("/orgs/{ORG_B}/groups?name=sea")))
        .json();
    assert_eq!(names(filtered), ["search-prod"]);
    let paged = client
        .get(&v2(&format!(
            "/orgs/{ORG_A}/groups?itemsPerPage=1&pageNum=2"
        )))
        .json();
    assert_eq!(names(paged), ["payments-staging"]);
    // An organization without projects exists and is empty.
    let empty = client
        .get(&v1("/orgs/6600000000000000000000ff/groups"))
        .json();
    assert_eq!(empty["results"], json!([]));
    let missing = "6600000000000000000000cc";
    assert_error(
        &client.get(&v1(&format!("/orgs/{missing}/groups"))),
        404,
        "ORG_NOT_FOUND",
        &format!("No organization with ID {missing} exists."),
    );
}

#[test]
fn many_projects_paginate_up_to_500() {
    let mut state = example_state();
    let template = state.projects[3].clone();
    for i in 0..1200u32 {
        let mut project = template.clone();
        project.id = format!("{:024x}", 0xabc000 + i);
        project.name = format!("bulk-{i:04}");
        state.projects.push(project);
    }
    let sim = Sim::builder().state(state).start();
    let mut client = Client::new(&sim);
    let mut seen = 0;
    let mut page = 1;
    loop {
        let body = client
            .get(&v1(&format!("/groups?itemsPerPage=500&pageNum={page}")))
            .json();
        let n = body["results"].as_array().expect("results").len();
        seen += n;
        assert_eq!(body["totalCount"], 1204);
        if n < 500 {
            break;
        }
        page += 1;
    }
    assert_eq!((seen, page), (1204, 3));
}
