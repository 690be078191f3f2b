//! The saved plan of log and metric integrations and of the push-based
//! export: what it holds, that it holds no secret, and each way `apply
//! PLAN` refuses it once Atlas, the file or the saved file moved.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Checked, Now, SavedPlan, check, from_json, save, to_json};
use crate::model::{
    ApiVersion, DeclaredFamilies, Entry, EntryKind, GroupId, LiveEntries, LiveEntry,
    LiveEntryValue, LiveFamilies, PushBasedExport, Unreadable,
};
use crate::plan::family_fixture::{
    ANALYTICS, DATADOG_ID, DD_DESIRED, DD_LIVE, DT_TOKEN, FAMILY_SECRETS, METRIC_ID, PAYMENTS,
    S3_OLD, SPLUNK_ID, datadog, family_plan, group, headers, metric, s3, set,
};
use crate::plan::types::{Change, Declared, DeleteReason, Item, Outcome, Plan};
use crate::plan::{PlanOptions, Verb};
use crate::secret::mask;

const SALT: &str = "0123456789abcdef0123456789abcdef";

fn live(kind: EntryKind, id: &str, fields: Vec<(&str, LiveEntryValue)>) -> LiveEntry {
    LiveEntry {
        kind,
        id: id.to_owned(),
        fields: kind
            .fields()
            .iter()
            .filter_map(|field| {
                let (_, value) = fields.iter().find(|(name, _)| *name == field.name)?;
                Some((field, value.clone()))
            })
            .collect(),
        unmodelled: Vec::new(),
    }
}

fn live_text(value: &str) -> LiveEntryValue {
    LiveEntryValue::Text(value.to_owned())
}

fn live_set(values: &[&str]) -> LiveEntryValue {
    LiveEntryValue::Set(values.iter().map(|v| (*v).to_owned()).collect())
}

fn live_datadog(log_types: &[&str]) -> LiveEntry {
    live(
        EntryKind::Datadog,
        DATADOG_ID,
        vec![
            ("region", live_text("US1")),
            ("apiKey", live_text(&mask(DD_LIVE))),
            ("logTypes", live_set(log_types)),
        ],
    )
}

fn legacy_export(prefix: &str) -> PushBasedExport {
    PushBasedExport {
        state: "ACTIVE".into(),
        bucket_name: Some("acme-legacy-logs".into()),
        prefix_path: Some(prefix.into()),
        iam_role_id: Some("65f1a2b3c4d5e6f7a8b9c0aa".into()),
    }
}

/// What Atlas has of the families the fixture's plan was made against.
fn atlas() -> BTreeMap<GroupId, LiveFamilies> {
    let payments = LiveFamilies {
        log: Some(Ok(LiveEntries {
            entries: vec![
                live(
                    EntryKind::S3,
                    S3_OLD,
                    vec![
                        ("bucketName", live_text("acme-atlas-logs")),
                        ("prefixPath", live_text("payments/")),
                        ("iamRoleId", live_text("65f1a2b3c4d5e6f7a8b9c0aa")),
                        ("logTypes", live_set(&["MONGOD"])),
                    ],
                ),
                live_datadog(&["MONGOD"]),
                live(
                    EntryKind::Splunk,
                    SPLUNK_ID,
                    vec![("hecUrl", live_text("https://splunk.example.com:8088"))],
                ),
            ],
            unknown_types: Vec::new(),
        })),
        metric: Some(Ok(LiveEntries {
            entries: vec![live(
                EntryKind::Metric,
                METRIC_ID,
                vec![
                    (
                        "endpoint",
                        live_text("https://abc123.live.dynatrace.com/api/v2/otlp"),
                    ),
                    ("providerType", live_text("DYNATRACE")),
                    ("aggregationTemporality", live_text("DELTA")),
                    ("metricSelection", live_set(&["MONGODB_METRICS"])),
                    (
                        "headers",
                        LiveEntryValue::HeaderNames(vec!["Authorization".into()]),
                    ),
                ],
            )],
            unknown_types: Vec::new(),
        })),
        push_based: Some(Ok(legacy_export("payments/"))),
    };
    let analytics = LiveFamilies {
        log: Some(Ok(LiveEntries::default())),
        metric: Some(Ok(LiveEntries::default())),
        push_based: Some(Ok(legacy_export("analytics/"))),
    };
    BTreeMap::from([(group(PAYMENTS), payments), (group(ANALYTICS), analytics)])
}

/// What the file declares of the families, as the fixture's plan has it.
fn file() -> BTreeMap<GroupId, DeclaredFamilies> {
    let payments = DeclaredFamilies {
        log: Some(vec![
            s3(Some(S3_OLD), "acme-atlas-logs", "payments-prod/"),
            datadog(DD_DESIRED),
        ]),
        metric: Some(vec![metric(DT_TOKEN)]),
        push_based_absent: true,
    };
    BTreeMap::from([(group(PAYMENTS), payments)])
}

fn saved_of(plan: &Plan) -> SavedPlan {
    save(
        plan,
        (&BTreeMap::new(), &atlas()),
        ApiVersion::V2,
        false,
        SALT.to_owned(),
    )
}

fn check_against(
    saved: &SavedPlan,
    plan: &Plan,
    atlas: &BTreeMap<GroupId, LiveFamilies>,
) -> Result<Checked, Vec<String>> {
    let now = Now {
        plan,
        lives: &BTreeMap::new(),
        families: atlas,
        declared: &BTreeMap::new(),
        declared_families: &file(),
        options: PlanOptions {
            rotate_secrets: false,
            api: ApiVersion::V2,
        },
    };
    check(saved, &now)
}

fn items(plan: &mut Plan, project: usize) -> &mut Vec<Item> {
    match &mut plan.projects[project].outcome {
        Outcome::Planned { items, .. } => items,
        Outcome::Failed { .. } => panic!("a planned project"),
    }
}

/// The declared entry of the first create or update of `kind` in
/// payments-prod, as a plan made now would carry it.
fn declared_now(plan: &mut Plan, kind: EntryKind) -> &mut Entry {
    items(plan, 0)
        .iter_mut()
        .find_map(|item| match &mut item.change {
            Change::Create {
                desired: Declared::Entry(entry),
                ..
            }
            | Change::Update {
                desired: Declared::Entry(entry),
                ..
            } if entry.kind == kind => Some(entry),
            _ => None,
        })
        .expect("a write of the kind")
}

#[test]
fn a_saved_family_plan_reads_back_and_passes_against_the_same_world() {
    let plan = family_plan();
    let saved = saved_of(&plan);
    let back = from_json(&to_json(&saved), "plan.json").expect("reads back");
    assert_eq!(back, saved);
    let checked = check_against(&back, &plan, &atlas()).expect("nothing moved");
    assert_eq!(checked.send.len(), 6, "{:?}", checked.send);
    assert!(checked.already_applied.is_empty());
    let ops = &saved.operations;
    let find = |kind: &str, action: Verb| {
        ops.iter()
            .find(|op| op.kind == kind && op.action == action)
            .expect("the operation")
    };
    let create = find("S3_LOG_EXPORT", Verb::Create);
    let entry = create.entry.as_ref().expect("an entry");
    assert_eq!(entry.key, ["acme-atlas-logs", "payments-prod/"]);
    assert_eq!(
        (entry.id.as_deref(), entry.replaces.as_deref()),
        (None, Some(S3_OLD))
    );
    assert_eq!(create.section, "log_integrations");
    assert_eq!(create.live, None);
    assert_eq!(
        create.fields["logTypes"],
        serde_json::json!(["MONGOD", "MONGOD_AUDIT"])
    );
    let delete = find("S3_LOG_EXPORT", Verb::Delete);
    assert_eq!(
        delete.entry.as_ref().and_then(|e| e.id.as_deref()),
        Some(S3_OLD)
    );
    assert!(delete.live.is_some() && delete.fields.is_empty());
    let update = find("DATADOG_LOG_EXPORT", Verb::Update);
    assert!(update.secrets.contains_key("apiKey") && !update.fields.contains_key("apiKey"));
    let metric = find("OTEL", Verb::Update);
    assert_eq!(metric.section, "metric_integrations");
    assert_eq!(
        metric.fields["headers"],
        serde_json::json!(["Authorization"])
    );
    assert_eq!(
        metric.fields["authType"], "HEADER",
        "the only value is sent"
    );
    assert!(metric.secrets.contains_key("headers[0]"));
    let push_based = find("PUSH_BASED_LOG_EXPORT", Verb::Delete);
    assert_eq!(push_based.section, "push_based_log_export");
    assert!(push_based.entry.is_none() && push_based.live.is_some());
}

#[test]
fn a_saved_family_plan_holds_no_secret() {
    let json = to_json(&saved_of(&family_plan()));
    for secret in FAMILY_SECRETS.iter().chain(&[DD_LIVE]) {
        let escaped = serde_json::to_string(secret).expect("a string");
        assert!(
            !json.contains(secret) && !json.contains(escaped.trim_matches('"')),
            "the saved plan holds {secret}"
        );
    }
}

/// A plan saved before log and metric integrations existed reads as it
/// did: its operations are of `integrations` and name no entry.
#[test]
fn an_operation_without_section_or_entry_is_an_integrations() {
    let op: super::SavedOperation = serde_json::from_value(serde_json::json!({
        "project": "p (65f1a2b3c4d5e6f7a8b9c0d1)",
        "group_id": "65f1a2b3c4d5e6f7a8b9c0d1",
        "type": "PAGER_DUTY",
        "action": "delete",
        "live": null,
        "fields": {},
        "secrets": {}
    }))
    .expect("an operation of version 3");
    assert_eq!(
        (op.section.as_str(), op.entry.as_ref()),
        ("integrations", None)
    );
    assert_eq!(
        op.object().map(|(_, object)| object),
        Ok(super::Object::Integration(
            crate::model::IntegrationType::PagerDuty
        ))
    );
}

/// Each way the world moves after the plan refuses exactly the operation
/// it moved, naming it.
#[test]
fn a_saved_family_plan_is_refused_when_atlas_or_the_file_moved() {
    type Move = fn(&mut Plan, &mut BTreeMap<GroupId, LiveFamilies>);
    let moves: &[(&str, Move)] = &[
        (
            "`DATADOG_LOG_EXPORT \"US1\" (65f1a2b3c4d5e6f7a8b9c0a2)` in payments-prod \
             (5f1e3b2c9d8e7f6a5b4c3d2e) changed in Atlas since the plan was made",
            |_, atlas| {
                let log = atlas.get_mut(&group(PAYMENTS)).and_then(|f| f.log.as_mut());
                if let Some(Ok(log)) = log {
                    log.entries[1] = live_datadog(&["MONGOD", "MONGOS_AUDIT"]);
                }
            },
        ),
        (
            "`DATADOG_LOG_EXPORT \"US1\" (65f1a2b3c4d5e6f7a8b9c0a2)` in payments-prod \
             (5f1e3b2c9d8e7f6a5b4c3d2e) changed in Atlas",
            |_, atlas| {
                let log = atlas.get_mut(&group(PAYMENTS)).and_then(|f| f.log.as_mut());
                if let Some(Ok(log)) = log {
                    log.entries.retain(|entry| entry.id != DATADOG_ID);
                }
            },
        ),
        (
            "`PUSH_BASED_LOG_EXPORT` in payments-prod (5f1e3b2c9d8e7f6a5b4c3d2e) changed in \
             Atlas",
            |_, atlas| {
                if let Some(families) = atlas.get_mut(&group(PAYMENTS)) {
                    families.push_based = Some(Ok(legacy_export("moved/")));
                }
            },
        ),
        (
            "`OTEL \"https://abc123.live.dynatrace.com/api/v2/otlp\" (66aa00000000000000000001)` \
             in payments-prod (5f1e3b2c9d8e7f6a5b4c3d2e): `metric_integrations` could not be \
             read now (Atlas answered 403)",
            |_, atlas| {
                if let Some(families) = atlas.get_mut(&group(PAYMENTS)) {
                    families.metric = Some(Err(Unreadable {
                        reason: "Atlas answered 403".into(),
                    }));
                }
            },
        ),
        (
            "`metric_integrations` was not read now: the file no longer manages it there",
            |_, atlas| {
                if let Some(families) = atlas.get_mut(&group(PAYMENTS)) {
                    families.metric = None;
                }
            },
        ),
        (
            "`DATADOG_LOG_EXPORT \"US1\" (65f1a2b3c4d5e6f7a8b9c0a2)` in payments-prod \
             (5f1e3b2c9d8e7f6a5b4c3d2e) changed in the file since the plan was made",
            |plan, _| {
                let dd = declared_now(plan, EntryKind::Datadog);
                dd.fields[2].1 = set(&["MONGOD"]);
            },
        ),
        (
            "the secret `apiKey` of `DATADOG_LOG_EXPORT \"US1\" (65f1a2b3c4d5e6f7a8b9c0a2)`",
            |plan, _| {
                *declared_now(plan, EntryKind::Datadog) = datadog("another-dd-key-0000000000001")
            },
        ),
        ("the secret `headers[0]` of `OTEL", |plan, _| {
            let otel = declared_now(plan, EntryKind::Metric);
            otel.fields[4].1 = headers(&[("Authorization", "Api-Token another-token-0001")]);
        }),
        (
            "`S3_LOG_EXPORT \"acme-atlas-logs/payments-prod/\" (new, replaces \
             65f1a2b3c4d5e6f7a8b9c0a1)` in payments-prod (5f1e3b2c9d8e7f6a5b4c3d2e) changed in \
             the file",
            |plan, _| {
                declared_now(plan, EntryKind::S3).id = Some("65f1a2b3c4d5e6f7a8b9c0ff".into())
            },
        ),
        (
            "`OTEL_LOG_EXPORT \"https://otel.example.com/v1/logs\" (new)` in analytics-dev \
             (6a7b8c9d0e1f2a3b4c5d6e7f): the saved plan would create it, but the file and Atlas \
             no longer call for that",
            |plan, _| items(plan, 1).retain(|item| item.subject.type_name() != "OTEL_LOG_EXPORT"),
        ),
        (
            "`DATADOG_LOG_EXPORT \"US1\" (65f1a2b3c4d5e6f7a8b9c0a2)` in payments-prod \
             (5f1e3b2c9d8e7f6a5b4c3d2e): the saved plan would update it, a plan now would \
             delete it",
            |plan, _| {
                let dd = items(plan, 0)
                    .iter_mut()
                    .find(|item| item.subject.entry_kind() == Some(EntryKind::Datadog))
                    .expect("the Datadog item");
                dd.change = Change::Delete {
                    reason: DeleteReason::NotDeclared,
                    fields: Vec::new(),
                };
            },
        ),
    ];
    let saved = saved_of(&family_plan());
    for (why, world_moves) in moves {
        let (mut plan, mut atlas) = (family_plan(), atlas());
        world_moves(&mut plan, &mut atlas);
        let moved = check_against(&saved, &plan, &atlas).expect_err(why);
        assert_eq!(moved.len(), 1, "{why}: {moved:?}");
        assert!(moved[0].contains(why), "{why}: {moved:?}");
    }
}

/// After a partial apply, what was done is already applied and the rest
/// is still sent: the replaced entry and the old export are gone.
#[test]
fn deletes_done_since_the_plan_are_already_applied() {
    let saved = saved_of(&family_plan());
    let mut atlas = atlas();
    let payments = atlas.get_mut(&group(PAYMENTS)).expect("payments");
    if let Some(Ok(log)) = &mut payments.log {
        log.entries.retain(|entry| entry.id != S3_OLD);
    }
    payments.push_based = Some(Ok(PushBasedExport {
        state: PushBasedExport::UNCONFIGURED.into(),
        ..PushBasedExport::default()
    }));
    let checked = check_against(&saved, &family_plan(), &atlas).expect("passes");
    let done: Vec<&str> = checked
        .already_applied
        .iter()
        .map(|(index, _, _)| saved.operations[*index].kind.as_str())
        .collect();
    assert_eq!(done, ["S3_LOG_EXPORT", "PUSH_BASED_LOG_EXPORT"]);
    assert_eq!(checked.send.len(), 4);
}

/// A saved plan whose operations were edited apart from the plan it shows
/// is refused before anything is fetched.
#[test]
fn an_edited_saved_family_plan_is_refused() {
    type Edit = fn(&mut Value);
    fn op<'a>(saved: &'a mut Value, kind: &str, action: &str) -> &'a mut Value {
        saved["operations"]
            .as_array_mut()
            .expect("operations")
            .iter_mut()
            .find(|op| op["type"] == kind && op["action"] == action)
            .expect("the operation")
    }
    let edits: &[(&str, Edit)] = &[
        (
            "it applies, but does not show, `update DATADOG_LOG_EXPORT \"US1\" \
             (65f1a2b3c4d5e6f7a8b9c0a3)",
            |saved| op(saved, "DATADOG_LOG_EXPORT", "update")["entry"]["id"] = SPLUNK_ID.into(),
        ),
        (
            "it applies, but does not show, `create S3_LOG_EXPORT \"elsewhere/payments-prod/\"",
            |saved| {
                op(saved, "S3_LOG_EXPORT", "create")["entry"]["key"][0] = "elsewhere".into();
            },
        ),
        (
            "it applies, but does not show, `create S3_LOG_EXPORT \"acme-atlas-logs/payments-prod/\" (new)",
            |saved| {
                let entry = op(saved, "S3_LOG_EXPORT", "create")["entry"]
                    .as_object_mut()
                    .expect("an entry");
                entry.remove("replaces");
            },
        ),
        ("the saved plan names an unknown object", |saved| {
            op(saved, "OTEL", "update")["section"] = "log_integrations".into();
        }),
        ("the saved plan names an unknown object", |saved| {
            op(saved, "PUSH_BASED_LOG_EXPORT", "delete")["action"] = "update".into();
        }),
        (
            "it shows `logTypes` of `update DATADOG_LOG_EXPORT \"US1\" (65f1a2b3c4d5e6f7a8b9c0a2)",
            |saved| {
                op(saved, "DATADOG_LOG_EXPORT", "update")["fields"]["logTypes"] =
                    serde_json::json!(["MONGOD", "MONGOS", "MONGOD_AUDIT"]);
            },
        ),
        (
            "it shows, but does not apply, `update DATADOG_LOG_EXPORT \"EU\"",
            |saved| {
                let items = saved["plan"]["projects"][0]["items"]
                    .as_array_mut()
                    .expect("items");
                let dd = items
                    .iter_mut()
                    .find(|item| item["type"] == "DATADOG_LOG_EXPORT")
                    .expect("the Datadog item");
                dd["entry"]["target"] = "EU".into();
            },
        ),
    ];
    let json = to_json(&saved_of(&family_plan()));
    for (why, edit) in edits {
        let mut saved: Value = serde_json::from_str(&json).expect("json");
        edit(&mut saved);
        let text = serde_json::to_string(&saved).expect("json");
        let err = from_json(&text, "plan.json").expect_err(why);
        assert!(err.contains(why), "{why}: {err}");
    }
}

/// The declared entries the fixture's file holds are those its plan
/// writes: the checks above compare like with like.
#[test]
fn the_file_declares_what_the_plan_writes() {
    let declared = &file()[&group(PAYMENTS)];
    let written: Vec<Entry> = family_plan().projects[0]
        .items()
        .iter()
        .filter_map(|item| match &item.change {
            Change::Create { desired, .. } | Change::Update { desired, .. } => {
                desired.entry().cloned()
            }
            _ => None,
        })
        .collect();
    let mut in_file: Vec<Entry> = declared.log.clone().unwrap_or_default();
    in_file.extend(declared.metric.clone().unwrap_or_default());
    assert_eq!(written, in_file);
}
