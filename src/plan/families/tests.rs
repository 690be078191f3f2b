use super::*;
use crate::model::{GroupId, Header, LiveIntegrations, Unreadable};
use crate::plan::Verb;
use crate::plan::diff::plan_project;

fn options() -> PlanOptions {
    PlanOptions {
        rotate_secrets: false,
        api: crate::model::ApiVersion::V2,
    }
}

fn group() -> GroupId {
    "65f1a2b3c4d5e6f7a8b9c0aa".parse().unwrap()
}

fn text(value: &str) -> EntryValue {
    EntryValue::Text(value.to_owned())
}

fn set(values: &[&str]) -> EntryValue {
    EntryValue::Set(values.iter().map(|v| (*v).to_owned()).collect())
}

fn entry(kind: EntryKind, fields: &[(&str, EntryValue)]) -> Entry {
    let mut fields: Vec<_> = fields
        .iter()
        .map(|(name, value)| (kind.field(name).expect(name), value.clone()))
        .collect();
    let order = |f: &EntryField| kind.fields().iter().position(|g| g.name == f.name);
    fields.sort_by_key(|(field, _)| order(field));
    Entry {
        kind,
        id: None,
        fields,
    }
}

fn s3(bucket: &str, prefix: &str, logs: &[&str]) -> Entry {
    entry(
        EntryKind::S3,
        &[
            ("bucketName", text(bucket)),
            ("prefixPath", text(prefix)),
            ("iamRoleId", text("65f1a2b3c4d5e6f7a8b9c0ff")),
            ("logTypes", set(logs)),
        ],
    )
}

/// What Atlas would answer for `entry` under `id`: secrets masked, header
/// values dropped.
fn live_of(entry: &Entry, id: &str) -> LiveEntry {
    let fields = entry
        .fields
        .iter()
        .map(|(field, value)| {
            let live = match value {
                EntryValue::Text(t) => LiveEntryValue::Text(t.clone()),
                EntryValue::Secret(s) => LiveEntryValue::Text(crate::secret::mask(s.expose())),
                EntryValue::Bool(b) => LiveEntryValue::Bool(*b),
                EntryValue::Set(v) => LiveEntryValue::Set(v.clone()),
                EntryValue::Headers(h) => {
                    LiveEntryValue::HeaderNames(h.iter().map(|h| h.name.clone()).collect())
                }
            };
            (*field, live)
        })
        .collect();
    LiveEntry {
        kind: entry.kind,
        id: id.to_owned(),
        fields,
        unmodelled: Vec::new(),
    }
}

fn logs(live: Vec<LiveEntry>) -> LiveFamilies {
    LiveFamilies {
        log: Some(Ok(LiveEntries {
            entries: live,
            unknown_types: Vec::new(),
        })),
        push_based: Some(Ok(PushBasedExport {
            state: PushBasedExport::UNCONFIGURED.to_owned(),
            ..PushBasedExport::default()
        })),
        ..LiveFamilies::default()
    }
}

fn declaring(log: Vec<Entry>) -> DeclaredFamilies {
    DeclaredFamilies {
        log: Some(log),
        ..DeclaredFamilies::default()
    }
}

fn planned(
    mode: Mode,
    declared: &DeclaredFamilies,
    live: &LiveFamilies,
    options: &PlanOptions,
) -> ProjectPlan {
    let desired = crate::model::DesiredProject {
        project: crate::model::ProjectRef::Id(group()),
        mode,
        integrations: Default::default(),
        families: declared.clone(),
        origin: Default::default(),
        selected_by: None,
    };
    let mut plan = plan_project(
        &group(),
        Some("p"),
        &desired,
        &LiveIntegrations::default(),
        options,
    );
    plan_families(&mut plan, declared, live, options);
    plan
}

/// The plan of an authoritative project that declares the log integrations
/// `log`, against `live`.
fn authoritative(log: Vec<Entry>, live: &LiveFamilies) -> ProjectPlan {
    planned(Mode::Authoritative, &declaring(log), live, &options())
}

fn actions(plan: &ProjectPlan) -> Vec<(String, crate::plan::ItemAction)> {
    plan.items()
        .iter()
        .map(|item| (item.subject.to_string(), item.change.action()))
        .collect()
}

#[test]
fn a_declaration_matches_by_what_it_points_at() {
    let want = s3("acme-logs", "payments/", &["MONGOD", "MONGOD_AUDIT"]);
    let same_in_other_order = s3("acme-logs", "payments/", &["MONGOD_AUDIT", "MONGOD"]);
    let live = logs(vec![live_of(&same_in_other_order, "a1")]);
    let plan = authoritative(vec![want.clone()], &live);
    assert_eq!(plan.items().len(), 1);
    assert!(!plan.has_changes(), "a set is compared as a set: {plan:#?}");
    assert!(entry_matches(&want, &live_of(&same_in_other_order, "a1")));

    let fewer = s3("acme-logs", "payments/", &["MONGOD"]);
    let live = logs(vec![live_of(&fewer, "a1")]);
    let plan = authoritative(vec![want], &live);
    let item = &plan.items()[0];
    let Change::Update { fields, .. } = &item.change else {
        panic!("{item:#?}")
    };
    assert_eq!(fields.len(), 1);
    assert_eq!(fields[0].field, "logTypes");
    assert_eq!(
        item.subject,
        Subject::Entry {
            key: fewer.key(),
            id: Some("a1".into())
        },
        "an update writes to the live id"
    );
}

#[test]
fn an_entry_pointing_elsewhere_is_created_and_the_old_one_deleted_when_authoritative() {
    let old = s3("acme-logs", "old/", &["MONGOD"]);
    let new = s3("acme-logs", "new/", &["MONGOD"]);
    let live = logs(vec![live_of(&old, "a1")]);
    let plan = authoritative(vec![new.clone()], &live);
    assert_eq!(
        actions(&plan),
        [
            (
                "S3_LOG_EXPORT acme-logs/new/".to_owned(),
                crate::plan::ItemAction::Create
            ),
            (
                "S3_LOG_EXPORT acme-logs/old/ (a1)".to_owned(),
                crate::plan::ItemAction::Delete
            ),
        ]
    );
    let additive = planned(Mode::Additive, &declaring(vec![new]), &live, &options());
    assert_eq!(additive.items().len(), 1, "additive never deletes");
    assert!(matches!(additive.unmanaged(), [Unmanaged::Entry { id, .. }] if id == "a1"));
}

#[test]
fn a_pinned_entry_that_moves_is_replaced_create_first() {
    let old = s3("acme-logs", "old/", &["MONGOD"]);
    let mut moved = s3("acme-logs", "new/", &["MONGOD"]);
    moved.id = Some("a1".into());
    let live = logs(vec![live_of(&old, "a1")]);
    let plan = authoritative(vec![moved.clone()], &live);
    let operations = plan.operations();
    assert_eq!(
        operations.iter().map(|op| op.verb()).collect::<Vec<_>>(),
        [Verb::Create, Verb::Delete]
    );
    assert_eq!(operations[1].waits_for, [operations[0].subject.clone()]);
    assert!(matches!(
        plan.items()[1].change,
        Change::Delete {
            reason: DeleteReason::Replaced,
            ..
        }
    ));

    let mut lost = moved;
    lost.id = Some("gone".into());
    let plan = authoritative(vec![lost], &live);
    assert!(plan.items().iter().any(|item| matches!(
        item.errors.as_slice(),
        [ItemError::PinnedIdNotFound { id }] if id == "gone"
    )));
    assert!(
        plan.operations().iter().all(|op| op.verb() == Verb::Delete),
        "the pin that names nothing creates nothing: {:#?}",
        plan.operations()
    );
}

#[test]
fn two_live_entries_for_one_declaration_are_an_error_and_neither_is_touched() {
    let want = s3("acme-logs", "p/", &["MONGOD"]);
    let live = logs(vec![live_of(&want, "a1"), live_of(&want, "a2")]);
    let plan = authoritative(vec![want], &live);
    assert!(plan.has_errors());
    assert!(plan.operations().is_empty(), "{:#?}", plan.operations());
    let message = plan.items()[0].errors[0].message(&plan.items()[0].subject);
    assert!(
        message.contains("a1, a2") && message.contains("id:"),
        "{message}"
    );
}

#[test]
fn an_empty_list_deletes_what_atlas_has_and_an_unmentioned_family_is_not_planned() {
    let live = logs(vec![live_of(&s3("b", "p/", &["MONGOD"]), "a1")]);
    let plan = authoritative(Vec::new(), &live);
    assert_eq!(plan.delete_count(), 1);
    let plan = planned(
        Mode::Authoritative,
        &DeclaredFamilies::default(),
        &live,
        &options(),
    );
    assert!(plan.items().is_empty());
}

#[test]
fn a_family_the_credentials_cannot_read_is_unread_not_planned() {
    let live = LiveFamilies {
        log: Some(Err(Unreadable {
            reason: "403 Forbidden".into(),
        })),
        push_based: Some(Err(Unreadable {
            reason: "403 Forbidden".into(),
        })),
        ..LiveFamilies::default()
    };
    let plan = authoritative(Vec::new(), &live);
    assert!(plan.items().is_empty());
    let sections: Vec<_> = plan.unread.iter().map(|u| u.section).collect();
    assert_eq!(sections, ["log_integrations", "push_based_log_export"]);
}

#[test]
fn secrets_compare_through_masks_and_header_values_are_not_verifiable() {
    let key = crate::secret::Secret::new("0123456789abcdef0123456789abcdef");
    let datadog = entry(
        EntryKind::Datadog,
        &[
            ("region", text("US1")),
            ("apiKey", EntryValue::Secret(key.clone())),
            ("logTypes", set(&["MONGOD"])),
        ],
    );
    let live = logs(vec![live_of(&datadog, "d1")]);
    let plan = authoritative(vec![datadog.clone()], &live);
    assert!(!plan.has_changes(), "{plan:#?}");
    let rotate = PlanOptions {
        rotate_secrets: true,
        ..options()
    };
    let plan = planned(
        Mode::Authoritative,
        &declaring(vec![datadog]),
        &live,
        &rotate,
    );
    let Change::Update {
        rotation, fields, ..
    } = &plan.items()[0].change
    else {
        panic!("{plan:#?}")
    };
    assert!(*rotation);
    assert!(fields.iter().all(|f| f.rotated && f.sensitive));
    assert!(
        !format!("{plan:?}").contains(key.expose()),
        "no secret in a plan"
    );

    let metric = entry(
        EntryKind::Metric,
        &[
            ("endpoint", text("https://otlp.example.com")),
            ("providerType", text("DYNATRACE")),
            ("aggregationTemporality", text("DELTA")),
            ("metricSelection", set(&["MONGODB_METRICS"])),
            (
                "headers",
                EntryValue::Headers(vec![Header {
                    name: "Authorization".into(),
                    value: crate::secret::Secret::new("Api-Token dt0c01.secret"),
                }]),
            ),
        ],
    );
    let mut answered = live_of(&metric, "m1");
    answered.fields.push((
        EntryKind::Metric.field("authType").unwrap(),
        LiveEntryValue::Text("HEADER".into()),
    ));
    let declared = DeclaredFamilies {
        metric: Some(vec![metric]),
        ..DeclaredFamilies::default()
    };
    let live = LiveFamilies {
        metric: Some(Ok(LiveEntries {
            entries: vec![answered],
            unknown_types: Vec::new(),
        })),
        ..LiveFamilies::default()
    };
    let plan = planned(Mode::Authoritative, &declared, &live, &options());
    assert!(
        !plan.has_changes(),
        "authType's only value may be left out: {plan:#?}"
    );
    assert_eq!(
        plan.items()[0].notes,
        [Note::NotVerifiable { field: "headers" }]
    );
}

#[test]
fn a_field_the_file_leaves_out_is_cleared_because_a_put_replaces_the_entry() {
    let want = s3("b", "p/", &["MONGOD"]);
    let mut with_key = want.clone();
    with_key.fields.push((
        EntryKind::S3.field("kmsKey").unwrap(),
        text("arn:aws:kms:key"),
    ));
    let live = logs(vec![live_of(&with_key, "a1")]);
    let plan = authoritative(vec![want], &live);
    let Change::Update { fields, .. } = &plan.items()[0].change else {
        panic!("{plan:#?}")
    };
    assert_eq!(fields[0].field, "kmsKey");
    assert_eq!(fields[0].after, Shown::None);
}

fn configured_export() -> PushBasedExport {
    PushBasedExport {
        state: "ACTIVE".into(),
        bucket_name: Some("acme-logs".into()),
        prefix_path: Some("legacy/".into()),
        iam_role_id: Some("65f1a2b3c4d5e6f7a8b9c0ff".into()),
    }
}

#[test]
fn the_push_based_export_goes_only_after_an_s3_log_integration_takes_over() {
    let mut live = logs(Vec::new());
    live.push_based = Some(Ok(configured_export()));
    let mut declared = declaring(vec![s3("acme-logs", "new/", &["MONGOD"])]);
    declared.push_based_absent = true;
    let plan = planned(Mode::Authoritative, &declared, &live, &options());
    let operations = plan.operations();
    assert_eq!(
        operations
            .iter()
            .map(|op| (op.verb(), op.subject.type_name()))
            .collect::<Vec<_>>(),
        [
            (Verb::Create, "S3_LOG_EXPORT"),
            (Verb::Delete, "PUSH_BASED_LOG_EXPORT")
        ]
    );
    assert_eq!(operations[1].waits_for, [operations[0].subject.clone()]);
    let export = plan
        .items()
        .iter()
        .find(|i| i.subject == Subject::PushBased)
        .unwrap();
    assert!(export.notes.contains(&Note::LogsTwice {
        prefix: Some("legacy/".into())
    }));

    let without_s3 = DeclaredFamilies {
        log: Some(Vec::new()),
        push_based_absent: true,
        ..DeclaredFamilies::default()
    };
    let plan = planned(Mode::Authoritative, &without_s3, &live, &options());
    assert!(plan.operations().is_empty(), "{:#?}", plan.operations());
    assert!(plan.has_errors());

    let mut kept = logs(vec![live_of(&s3("acme-logs", "new/", &["MONGOD"]), "a1")]);
    kept.push_based = Some(Ok(configured_export()));
    let plan = planned(Mode::Authoritative, &declared, &kept, &options());
    assert_eq!(
        plan.operations()
            .iter()
            .map(|op| op.verb())
            .collect::<Vec<_>>(),
        [Verb::Delete],
        "an S3 log integration already there: only the removal"
    );
}

#[test]
fn a_configured_push_based_export_is_shown_as_deprecated() {
    let mut live = logs(Vec::new());
    live.push_based = Some(Ok(configured_export()));
    let plan = authoritative(Vec::new(), &live);
    let export = &plan.items()[0];
    assert_eq!(export.subject, Subject::PushBased);
    assert!(!export.is_change());
    assert_eq!(export.notes, [Note::Deprecated]);
}

/// Atlas may answer an optional field the entry was written without as its
/// empty value (`false`, `""`, `[]`) rather than leave it out: that is what
/// the file says too, or every plan would write the entry again.
#[test]
fn an_optional_field_left_out_matches_its_empty_answer() {
    let want = s3("b", "p/", &["MONGOD"]);
    let mut answered = live_of(&want, "a1");
    answered.fields.extend([
        (
            EntryKind::S3.field("kmsKey").unwrap(),
            LiveEntryValue::Text(String::new()),
        ),
        (
            EntryKind::S3.field("useLegacyPathStructure").unwrap(),
            LiveEntryValue::Bool(false),
        ),
    ]);
    assert!(entry_matches(&want, &answered), "{answered:#?}");

    let metric = entry(
        EntryKind::Metric,
        &[
            ("endpoint", text("https://otlp.example.com")),
            ("providerType", text("CUSTOM")),
            ("aggregationTemporality", text("DELTA")),
            ("metricSelection", set(&["MONGODB_METRICS"])),
            ("authType", text("HEADER")),
        ],
    );
    let mut answered = live_of(&metric, "m1");
    answered.fields.push((
        EntryKind::Metric.field("headers").unwrap(),
        LiveEntryValue::HeaderNames(Vec::new()),
    ));
    assert!(entry_matches(&metric, &answered), "{answered:#?}");

    let mut legacy = live_of(&want, "a1");
    legacy.fields.push((
        EntryKind::S3.field("useLegacyPathStructure").unwrap(),
        LiveEntryValue::Bool(true),
    ));
    assert!(
        !entry_matches(&want, &legacy),
        "a value set is still cleared"
    );
}

/// Header names are compared as HTTP reads them: in any case, in any order
/// (Atlas may answer them sorted, or as its HTTP stack spells them).
#[test]
fn header_names_match_in_any_case_and_order() {
    let header = |name: &str| Header {
        name: name.to_owned(),
        value: crate::secret::Secret::new("v"),
    };
    let otel = entry(
        EntryKind::Otel,
        &[
            ("otelEndpoint", text("https://otel.example.com")),
            (
                "otelSuppliedHeaders",
                EntryValue::Headers(vec![header("X-Tenant"), header("api-key")]),
            ),
            ("logTypes", set(&["MONGOD"])),
        ],
    );
    let mut answered = live_of(&otel, "o1");
    answered.fields[1].1 = LiveEntryValue::HeaderNames(vec!["Api-Key".into(), "x-tenant".into()]);
    assert!(entry_matches(&otel, &answered), "{answered:#?}");
    answered.fields[1].1 = LiveEntryValue::HeaderNames(vec!["Api-Key".into(), "Api-Key".into()]);
    assert!(!entry_matches(&otel, &answered), "another name is a change");
    answered.fields[1].1 = LiveEntryValue::HeaderNames(vec!["Api-Key".into()]);
    assert!(
        !entry_matches(&otel, &answered),
        "a missing header is a change"
    );
}

/// A replacement created by an apply whose delete of the old entry failed
/// is not created again: the declaration is the replacement, and the old
/// entry goes as one the file no longer declares, with nothing to wait for.
#[test]
fn a_replacement_already_live_is_the_declaration_and_the_old_entry_goes() {
    let old = s3("acme-logs", "old/", &["MONGOD"]);
    let mut moved = s3("acme-logs", "new/", &["MONGOD"]);
    moved.id = Some("a1".into());
    let live = logs(vec![live_of(&old, "a1"), live_of(&moved, "n1")]);
    let plan = planned(
        Mode::Authoritative,
        &declaring(vec![moved]),
        &live,
        &options(),
    );
    let operations = plan.operations();
    assert_eq!(
        operations
            .iter()
            .map(|op| (op.verb(), op.subject.to_string()))
            .collect::<Vec<_>>(),
        [(Verb::Delete, "S3_LOG_EXPORT acme-logs/old/ (a1)".to_owned())],
        "{plan:#?}"
    );
    assert!(operations[0].waits_for.is_empty());
}

#[test]
fn a_pin_whose_entry_was_replaced_goes_on_with_its_replacement_and_says_to_pin_it() {
    let mut moved = s3("acme-logs", "new/", &["MONGOD"]);
    moved.id = Some("a1".into());
    // The apply that replaced `a1` created `b2` and deleted `a1`.
    let live = logs(vec![live_of(&s3("acme-logs", "new/", &["MONGOD"]), "b2")]);
    let plan = authoritative(vec![moved.clone()], &live);
    assert!(!plan.has_errors(), "{plan:#?}");
    assert!(!plan.has_changes(), "{plan:#?}");
    assert_eq!(
        plan.items()[0].notes,
        [Note::PinMoved {
            pinned: "a1".into(),
            now: "b2".into()
        }]
    );
    assert!(
        plan.items()[0].notes[0]
            .message()
            .contains("write `id: b2`")
    );

    // Two live entries point there: no guess, the pin's error stands.
    let live = logs(vec![
        live_of(&s3("acme-logs", "new/", &["MONGOD"]), "b2"),
        live_of(&s3("acme-logs", "new/", &["MONGOD"]), "c3"),
    ]);
    let plan = authoritative(vec![moved], &live);
    assert!(plan.items().iter().any(|item| matches!(
        item.errors.as_slice(),
        [ItemError::PinnedIdNotFound { id }] if id == "a1"
    )));
    assert!(
        plan.operations().is_empty(),
        "what the erring pin points at is not deleted for it: {:#?}",
        plan.operations()
    );
}
