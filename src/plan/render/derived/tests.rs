//! A document of log and metric integrations and of the push-based log
//! export, edited where a saved plan could be: each edit is refused, naming
//! what does not follow from the items.

use serde_json::Value;

use crate::plan::family_fixture::family_plan;
use crate::plan::render::{PlanDocument, json};

type Edit = fn(&mut Value);

fn items(d: &mut Value, project: usize) -> &mut Vec<Value> {
    d["projects"][project]["items"]
        .as_array_mut()
        .expect("items")
}

const EDITS: &[(&str, Edit)] = &[
    ("is not a type of `metric_integrations`", |d| {
        d["projects"][0]["items"][1]["section"] = "metric_integrations".into();
    }),
    ("`S3_LOG_EXPORT` is not a type of `integrations`", |d| {
        d["projects"][0]["items"][1]["section"] = "integrations".into();
    }),
    ("says no entry it is about", |d| {
        d["projects"][0]["items"][3]["entry"] = Value::Null;
    }),
    ("a write without a live id", |d| {
        d["projects"][0]["items"][3]["entry"]["id"] = Value::Null;
    }),
    ("the live id of a create", |d| {
        d["projects"][1]["items"][1]["entry"]["id"] = "65f1a2b3c4d5e6f7a8b9c0f0".into();
    }),
    ("an id of", |d| {
        d["projects"][0]["items"][3]["entry"]["id"] = "65f1 and the rest".into();
    }),
    ("has no create that replaces it", |d| {
        let entry = d["projects"][0]["items"][1]["entry"]
            .as_object_mut()
            .expect("an entry");
        entry.remove("replaces");
    }),
    ("`replaces` of", |d| {
        d["projects"][0]["items"][3]["entry"]["replaces"] = "65f1a2b3c4d5e6f7a8b9c0a2".into();
    }),
    ("which the plan does not delete as replaced", |d| {
        d["projects"][0]["items"][1]["entry"]["replaces"] = "65f1a2b3c4d5e6f7a8b9c0a2".into();
    }),
    ("`delete_reason` of `PAGER_DUTY`", |d| {
        let pager_duty = &mut d["projects"][0]["items"][0];
        pager_duty["action"] = "delete".into();
        pager_duty["applies"] = true.into();
        pager_duty["delete_reason"] = "replaced".into();
        d["summary"]["delete"] = 3.into();
        d["summary"]["unchanged"] = 5.into();
        d["projects"][0]["deletes"] = 3.into();
    }),
    ("`delete_reason` of `PUSH_BASED_LOG_EXPORT`", |d| {
        d["projects"][0]["items"][6]["delete_reason"] = "not_declared".into();
    }),
    ("the action of `PUSH_BASED_LOG_EXPORT`", |d| {
        let push_based = &mut d["projects"][0]["items"][6];
        push_based["action"] = "update".into();
        push_based["delete_reason"] = Value::Null;
        d["summary"]["delete"] = 1.into();
        d["summary"]["update"] = 3.into();
        d["projects"][0]["deletes"] = 1.into();
    }),
    ("the sensitivity of `apiKey`", |d| {
        d["projects"][0]["items"][3]["fields"][0]["sensitive"] = false.into();
    }),
    ("the sensitivity of `headers`", |d| {
        d["projects"][0]["items"][5]["fields"][1]["sensitive"] = true.into();
    }),
    ("has no field `serviceKey`", |d| {
        d["projects"][0]["items"][3]["fields"][1]["field"] = "serviceKey".into();
    }),
    ("has no field `channel`", |d| {
        d["projects"][0]["items"][6]["fields"][0]["field"] = "channel".into();
    }),
    (
        "the log integration `65f1a2b3c4d5e6f7a8b9c0a2` has two items",
        |d| {
            let copy = d["projects"][0]["items"][3].clone();
            items(d, 0).push(copy);
        },
    ),
    ("a note's message of `PUSH_BASED_LOG_EXPORT`", |d| {
        d["projects"][0]["items"][6]["notes"][0]["live"] = "elsewhere/".into();
    }),
    ("a note of `OTEL", |d| {
        let deprecated = serde_json::json!({
            "kind": "deprecated",
            "field": "push_based_log_export",
            "message": crate::plan::Note::Deprecated.message(),
        });
        d["projects"][0]["items"][5]["notes"] = vec![deprecated].into();
    }),
    ("an error's message of `GCS_LOG_EXPORT", |d| {
        d["projects"][1]["items"][0]["errors"][0]["ids"][1] = "65f1a2b3c4d5e6f7a8b9c0c3".into();
    }),
    ("an error of `OTEL", |d| {
        let error = &mut d["projects"][1]["items"][2]["errors"][0];
        error["ids"] = serde_json::json!(["66aa000000000000000000ff", "66aa000000000000000000fe"]);
    }),
    ("an error of `S3_LOG_EXPORT", |d| {
        let migration = d["projects"][3]["items"][0]["errors"][0].clone();
        let create = &mut d["projects"][0]["items"][1];
        create["errors"] = vec![migration].into();
        create["applies"] = false.into();
        d["summary"]["create"] = 1.into();
        d["summary"]["errors"] = 4.into();
    }),
    (
        "an error of a log or metric integration on an integration",
        |d| {
            let ambiguous = d["projects"][1]["items"][0]["errors"][0].clone();
            d["projects"][2]["items"][0]["errors"] = vec![ambiguous].into();
            d["summary"]["errors"] = 4.into();
            d["has_errors"] = true.into();
        },
    ),
    ("`log_integrations` was not read, yet has items", |d| {
        d["projects"][0]["unread"] = serde_json::json!([
            {"section": "log_integrations", "reason": "Atlas answered 403"}
        ]);
    }),
    ("`metric_integrations` is unread twice", |d| {
        d["projects"][2]["unread"][0]["section"] = "metric_integrations".into();
    }),
    ("`integrations` is not a section that can go unread", |d| {
        d["projects"][2]["unread"][0]["section"] = "integrations".into();
    }),
    ("not known by the id Atlas assigned it", |d| {
        d["projects"][1]["unmanaged"][0]["entry"]["id"] = Value::Null;
    }),
    ("is unknown, yet names an entry", |d| {
        d["projects"][1]["unmanaged"][0]["known"] = false.into();
    }),
];

#[test]
fn an_edited_family_document_fails_its_check() {
    let json = json(&family_plan());
    let original: PlanDocument = serde_json::from_str(&json).expect("a document");
    assert_eq!(original.check_derived(), Ok(()));
    for (why, edit) in EDITS {
        let mut value: Value = serde_json::from_str(&json).expect("json");
        edit(&mut value);
        let document: PlanDocument = serde_json::from_value(value).expect("still a document");
        let err = document.check_derived().expect_err(why);
        assert!(err.contains(why), "{why}: {err}");
    }
}
