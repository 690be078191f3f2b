//! Request counters by method and path template, from the library and over
//! `/__sim/counters`.

use serde_json::json;

use super::helpers::*;

#[test]
fn counts_by_method_and_template_and_tells_writes_apart() {
    let (sim, mut client) = open_with_client();
    client.get(&v1(&format!("/groups/{PROD}/integrations")));
    client.get(&v1(&format!("/groups/{STAGING}/integrations")));
    client.put(
        &v2(&format!("/groups/{PROD}/integrations/PAGER_DUTY")),
        &json!({"type": "PAGER_DUTY", "serviceKey": "0123456789abcdef"}),
    );
    client.delete(&v1(&format!("/groups/{PROD}/integrations/WEBHOOK")));
    client.get(&v1("/no/such/path"));
    let counts = sim.counters();
    assert_eq!(
        counts.get("GET", "/api/atlas/v1.0/groups/{groupId}/integrations"),
        2
    );
    assert_eq!(
        counts.get(
            "PUT",
            "/api/atlas/v2/groups/{groupId}/integrations/{integrationType}"
        ),
        1
    );
    assert_eq!(
        counts.get(
            "DELETE",
            "/api/atlas/v1.0/groups/{groupId}/integrations/{integrationType}"
        ),
        1
    );
    assert_eq!(counts.get("GET", "/api/atlas/v1.0/no/such/path"), 1);
    assert_eq!((counts.total(), counts.writes(), counts.reads()), (5, 2, 3));
    assert_eq!(counts.status(404), 1);

    let over_http = client.get("/__sim/counters").json();
    assert_eq!(over_http["total"], 5);
    assert_eq!(over_http["writes"], 2);
    assert_eq!(
        over_http["requests"]["GET /api/atlas/v1.0/groups/{groupId}/integrations"],
        2
    );
    assert_eq!(over_http["statuses"]["200"], 3);
    // `/__sim` calls are not counted.
    assert_eq!(sim.counters().total(), 5);

    assert_eq!(
        client.call("POST", "/__sim/counters/reset", None).status,
        204
    );
    assert_eq!(sim.counters().total(), 0);
    client.get(&v1("/groups"));
    sim.reset_counters();
    assert_eq!(sim.counters(), tether::sim::Counts::default());
}

#[test]
fn unknown_paths_answer_atlas_404() {
    let sim = open();
    assert_error(
        &Client::new(&sim).get(&v1("/clusters")),
        404,
        "RESOURCE_NOT_FOUND",
        "Cannot find resource /api/atlas/v1.0/clusters.",
    );
}
