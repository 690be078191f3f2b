use super::*;
use crate::model::ApiVersion;
use crate::model::IntegrationType as T;
use crate::plan::Verb;
use crate::plan::operation::Action;
use crate::plan::testing::{atlas_state, atlas_view, declaring, desired, group, integration};
use crate::plan::types::{Note, Plan};

fn v1() -> PlanOptions {
    PlanOptions {
        rotate_secrets: false,
        api: ApiVersion::V1,
    }
}

fn v2() -> PlanOptions {
    PlanOptions {
        rotate_secrets: false,
        api: ApiVersion::V2,
    }
}

/// The plan of project `a`, named by id alone.
fn plan_of(file: &DesiredProject, live: &LiveIntegrations, options: &PlanOptions) -> ProjectPlan {
    plan_project(&group('a'), None, file, live, options)
}

/// A Datadog integration with a fixed API key and `more` fields.
fn datadog(more: &[(&str, &str)]) -> Integration {
    let key = [("apiKey", "0123456789abcdef0123456789abcdef")];
    integration(T::Datadog, &[&key[..], more].concat())
}

fn pager_duty(key: &str) -> Integration {
    integration(T::PagerDuty, &[("serviceKey", key)])
}

#[test]
fn leaving_out_a_default_is_not_a_change() {
    let stored = datadog(&[("region", "US")]);
    let declared = datadog(&[]);
    let file = declaring(T::Datadog, declared);
    for options in [v1(), v2()] {
        let live = atlas_state(std::slice::from_ref(&stored), options.api);
        let plan = plan_of(&file, &live, &options);
        assert!(!plan.has_changes(), "{plan:#?}");
    }
    // A live integration that leaves out a defaulted field counts as having
    // the default.
    let mut live = atlas_state(std::slice::from_ref(&stored), ApiVersion::V2);
    live.known
        .get_mut(&T::Datadog)
        .expect("live")
        .fields
        .retain(|(f, _)| f.name != "region" && f.name != "sendDatabaseMetrics");
    assert!(!plan_of(&file, &live, &v2()).has_changes());
}

#[test]
fn a_secret_change_shows_both_masks() {
    let live = atlas_state(&[pager_duty("pd-key-old-1f2e")], ApiVersion::V1);
    let file = desired(
        Mode::Authoritative,
        vec![(T::PagerDuty, Slot::Present(pager_duty("pd-key-new-9c0d")))],
    );
    let plan = plan_of(&file, &live, &v1());
    let Change::Update {
        fields, rotation, ..
    } = &plan.items()[0].change
    else {
        panic!("an update: {plan:#?}");
    };
    assert!(!rotation);
    assert_eq!(
        fields,
        &[FieldChange {
            field: "serviceKey",
            sensitive: true,
            before: Shown::Masked("***********1f2e".into()),
            after: Shown::Masked("***********9c0d".into()),
            rotated: false,
        }]
    );
    assert_eq!(plan.operations().len(), 1);
}

#[test]
fn write_only_fields_are_not_verifiable_not_changes() {
    let prometheus = integration(
        T::Prometheus,
        &[
            ("username", "u"),
            ("password", "secret-password"),
            ("serviceDiscovery", "http"),
            ("enabled", "true"),
        ],
    );
    let live = atlas_state(std::slice::from_ref(&prometheus), ApiVersion::V1);
    assert!(live.known[&T::Prometheus].get("password").is_none());
    let file = declaring(T::Prometheus, prometheus);
    let plan = plan_of(&file, &live, &v1());
    let item = &plan.items()[0];
    assert_eq!(item.change, Change::Unchanged);
    assert_eq!(item.notes, [Note::NotVerifiable { field: "password" }]);
}

#[test]
fn an_optional_field_left_out_is_a_note_not_a_change() {
    let stored = integration(
        T::Webhook,
        &[
            ("url", "https://h.example.com/x/0001"),
            ("secret", "signing-secret-77"),
        ],
    );
    let declared = integration(T::Webhook, &[("url", "https://h.example.com/x/0001")]);
    let live = atlas_state(&[stored], ApiVersion::V1);
    let file = declaring(T::Webhook, declared);
    let plan = plan_of(&file, &live, &v1());
    let item = &plan.items()[0];
    assert_eq!(item.change, Change::Unchanged);
    assert_eq!(
        item.notes,
        [Note::NotCleared {
            field: "secret",
            live: Shown::Masked("*************t-77".into()),
        }]
    );
}

#[test]
fn v2_only_fields_need_v2_and_are_not_compared_without_it() {
    let declared = integration(
        T::Webhook,
        &[
            ("url", "https://hooks.example/alerts"),
            ("bodyTemplate", "{\"text\": \"{{.HumanReadable}}\"}"),
        ],
    );
    let without_template = integration(T::Webhook, &[("url", "https://hooks.example/alerts")]);
    let file = declaring(T::Webhook, declared);

    let live = atlas_state(std::slice::from_ref(&without_template), ApiVersion::V1);
    let plan = plan_of(&file, &live, &v1());
    let item = &plan.items()[0];
    assert_eq!(item.change, Change::Unchanged);
    assert_eq!(
        item.errors,
        [ItemError::NeedsApiV2 {
            field: "bodyTemplate"
        }]
    );
    assert!(
        item.errors[0]
            .message(&Subject::Integration(T::Webhook))
            .contains("needs Atlas's v2 API")
    );
    assert!(plan.operations().is_empty());

    let live = atlas_state(&[without_template], ApiVersion::V2);
    let plan = plan_of(&file, &live, &v2());
    let item = &plan.items()[0];
    assert!(item.errors.is_empty());
    assert!(
        matches!(&item.change, Change::Update { fields, .. } if fields[0].field == "bodyTemplate")
    );
}

#[test]
fn datadog_flags_are_compared_on_v1_too() {
    let declared = datadog(&[("sendDatabaseMetrics", "true")]);
    let without_flag = datadog(&[]);
    let file = declaring(T::Datadog, declared);
    let plan = plan_of(&file, &atlas_state(&[without_flag], ApiVersion::V1), &v1());
    let item = &plan.items()[0];
    assert!(item.errors.is_empty());
    assert!(
        matches!(&item.change, Change::Update { fields, .. } if fields[0].field == "sendDatabaseMetrics")
    );
}

#[test]
fn slack_without_a_token_is_checked_when_live_and_an_error_to_write() {
    let declared = integration(T::Slack, &[("channelName", "#alerts")]);
    let file = declaring(T::Slack, declared);
    let live = atlas_state(
        &[integration(
            T::Slack,
            &[
                ("apiToken", "xoxb-token-0000001234"),
                ("channelName", "#alerts"),
            ],
        )],
        ApiVersion::V1,
    );
    let plan = plan_of(&file, &live, &v1());
    assert_eq!(plan.items()[0].change, Change::Unchanged);
    assert!(plan.items()[0].notes.is_empty());

    let plan = plan_of(&file, &LiveIntegrations::default(), &v1());
    let item = &plan.items()[0];
    assert!(matches!(item.change, Change::Create { .. }));
    assert_eq!(
        item.errors,
        [ItemError::CannotWriteWithout { field: "apiToken" }]
    );
    assert!(
        item.errors[0]
            .message(&Subject::Integration(T::Slack))
            .contains("Atlas UI (OAuth)")
    );
    assert!(plan.operations().is_empty());
    assert_eq!(plan_summary(plan).errors, 1);

    // A change of channel is a PUT, and Atlas wants the token in it too.
    let moved = integration(T::Slack, &[("channelName", "#pages")]);
    let file = declaring(T::Slack, moved);
    let plan = plan_of(&file, &live, &v1());
    let item = &plan.items()[0];
    assert!(matches!(item.change, Change::Update { .. }));
    assert_eq!(
        item.errors,
        [ItemError::CannotWriteWithout { field: "apiToken" }]
    );
    assert!(plan.operations().is_empty());
}

fn plan_summary(project: ProjectPlan) -> crate::plan::Summary {
    Plan::from(vec![project]).summary()
}

#[test]
fn modes_decide_what_happens_to_undeclared_and_absent_types() {
    let live = atlas_state(
        &[
            pager_duty("pd-key-0000000001"),
            integration(T::OpsGenie, &[("apiKey", "og-key-000002")]),
        ],
        ApiVersion::V1,
    );
    let slots = || vec![(T::OpsGenie, Slot::Absent)];

    let plan = plan_of(&desired(Mode::Authoritative, slots()), &live, &v1());
    let deletes: Vec<_> = plan
        .operations()
        .into_iter()
        .map(|op| (op.subject.integration().unwrap(), op.action))
        .collect();
    assert_eq!(
        deletes,
        [
            (T::PagerDuty, Action::Delete),
            (T::OpsGenie, Action::Delete)
        ]
    );
    assert_eq!(plan.delete_count(), 2);
    assert!(plan.deletes_last_paging());

    let plan = plan_of(&desired(Mode::Additive, slots()), &live, &v1());
    assert!(plan.operations().is_empty());
    assert_eq!(plan.unmanaged(), [Unmanaged::Known(T::PagerDuty)]);
    assert_eq!(
        plan.items()[0].report_only,
        Some(ReportOnly::AdditiveNeverDeletes)
    );
    assert!(plan.has_changes());
    assert!(!plan.deletes_last_paging());

    let plan = plan_of(&desired(Mode::Observe, slots()), &live, &v1());
    assert!(plan.operations().is_empty());
    assert_eq!(plan.unmanaged(), [Unmanaged::Known(T::PagerDuty)]);
    assert_eq!(plan.items()[0].report_only, Some(ReportOnly::ObserveMode));
    let summary = plan_summary(plan);
    assert_eq!(
        (summary.delete, summary.report_only, summary.unmanaged),
        (0, 1, 1)
    );
}

#[test]
fn replacing_one_paging_type_by_another_is_not_losing_the_last() {
    let live = atlas_state(&[pager_duty("pd-key-0000000001")], ApiVersion::V1);
    let file = desired(
        Mode::Authoritative,
        vec![(
            T::OpsGenie,
            Slot::Present(integration(T::OpsGenie, &[("apiKey", "og-key-000002")])),
        )],
    );
    let plan = plan_of(&file, &live, &v1());
    assert_eq!(plan.delete_count(), 1);
    assert!(!plan.deletes_last_paging());
}

#[test]
fn a_replaced_pager_is_deleted_after_its_replacement_and_waits_for_it() {
    let live = atlas_state(&[pager_duty("pd-key-0000000001")], ApiVersion::V1);
    let file = desired(
        Mode::Authoritative,
        vec![(
            T::OpsGenie,
            Slot::Present(integration(T::OpsGenie, &[("apiKey", "og-key-000002")])),
        )],
    );
    let operations = plan_of(&file, &live, &v1()).operations();
    let order: Vec<_> = operations
        .iter()
        .map(|op| {
            let waits: Vec<T> = op
                .waits_for
                .iter()
                .filter_map(Subject::integration)
                .collect();
            (op.verb(), op.subject.integration().unwrap(), waits)
        })
        .collect();
    assert_eq!(
        order,
        [
            (Verb::Create, T::OpsGenie, vec![]),
            (Verb::Delete, T::PagerDuty, vec![T::OpsGenie]),
        ]
    );
}

#[test]
fn a_pager_delete_waits_for_nothing_while_another_pager_stays() {
    let victor = integration(T::VictorOps, &[("apiKey", "vo-key-1"), ("routingKey", "r")]);
    let live = atlas_state(
        &[pager_duty("pd-key-0000000001"), victor.clone()],
        ApiVersion::V1,
    );
    let file = desired(
        Mode::Authoritative,
        vec![
            (T::VictorOps, Slot::Present(victor)),
            (
                T::OpsGenie,
                Slot::Present(integration(T::OpsGenie, &[("apiKey", "og-key-000002")])),
            ),
        ],
    );
    let operations = plan_of(&file, &live, &v1()).operations();
    assert!(
        operations.iter().all(|op| op.waits_for.is_empty()),
        "{operations:#?}"
    );
    assert_eq!(operations.last().map(|op| op.verb()), Some(Verb::Delete));
}

#[test]
fn rotation_puts_integrations_with_secrets_even_when_masks_match() {
    let pd = pager_duty("pd-key-0000000001");
    let victor = integration(T::VictorOps, &[("apiKey", "vo-key-1"), ("routingKey", "r")]);
    let live = atlas_state(&[pd.clone(), victor.clone()], ApiVersion::V1);
    let file = desired(
        Mode::Authoritative,
        vec![
            (T::PagerDuty, Slot::Present(pd)),
            (T::VictorOps, Slot::Present(victor)),
        ],
    );
    let options = PlanOptions {
        rotate_secrets: true,
        api: ApiVersion::V1,
    };
    let plan = plan_of(&file, &live, &options);
    assert_eq!(plan.operations().len(), 2);
    let Change::Update {
        fields,
        rotation: true,
        ..
    } = &plan.items()[0].change
    else {
        panic!("a rotation: {plan:#?}");
    };
    assert!(fields.iter().all(|f| f.rotated && f.sensitive));
}

#[test]
fn unknown_live_types_are_unmanaged_in_every_mode() {
    let mut live = LiveIntegrations::default();
    live.unknown_types.push("HIP_CHAT".into());
    for mode in Mode::ALL {
        let plan = plan_of(&desired(mode, vec![]), &live, &v1());
        assert_eq!(plan.unmanaged(), [Unmanaged::Unknown("HIP_CHAT".into())]);
        assert!(!plan.has_changes());
    }
}

#[test]
fn declared_absent_and_not_live_is_nothing() {
    let file = desired(Mode::Authoritative, vec![(T::Slack, Slot::Absent)]);
    let plan = plan_of(&file, &LiveIntegrations::default(), &v1());
    assert!(plan.items().is_empty());
}

#[test]
fn items_follow_type_order_and_projects_input_order() {
    let live = atlas_state(
        &[
            integration(
                T::MicrosoftTeams,
                &[("microsoftTeamsWebhookUrl", "https://t.example/a/b")],
            ),
            pager_duty("pd-key-0000000001"),
        ],
        ApiVersion::V1,
    );
    let file = desired(Mode::Authoritative, vec![]);
    let ids = [group('f'), group('1')];
    let plan = Plan::from(
        ids.iter()
            .map(|g| plan_project(g, None, &file, &live, &v1()))
            .collect::<Vec<_>>(),
    );
    let order: Vec<_> = plan.projects[0]
        .items()
        .iter()
        .map(|i| i.integration().unwrap())
        .collect();
    assert_eq!(order, [T::PagerDuty, T::MicrosoftTeams]);
    assert_eq!(plan.projects[0].id, Some(group('f')));
    assert_eq!(plan.projects[1].id, Some(group('1')));
}

#[test]
fn live_fields_tether_does_not_model_are_ignored() {
    // The wire layer drops unknown fields; a live integration holding only
    // some of the modelled ones is compared on those.
    let pd = pager_duty("pd-key-0000000001");
    let mut view = atlas_view(&pd, ApiVersion::V1);
    view.id = Some("6a79aaaaaaaaaaaaaaaaaaaa".into());
    let mut live = LiveIntegrations::default();
    live.known.insert(T::PagerDuty, view);
    let file = declaring(T::PagerDuty, pd);
    assert!(!plan_of(&file, &live, &v1()).has_changes());
}

#[test]
fn a_failed_project_is_kept_and_counted() {
    let failed = ProjectPlan::failed(None, Some("payments".into()), Mode::Additive, "boom".into());
    assert_eq!(failed.label, "payments");
    assert_eq!(failed.id, None);
    let by_id = ProjectPlan::failed(
        Some(group('a')),
        Some("p".into()),
        Mode::Additive,
        "boom".into(),
    );
    assert_eq!(by_id.id, Some(group('a')));
    assert_eq!(by_id.label, format!("p ({})", group('a')));
    let plan = Plan::from(vec![failed, by_id]);
    assert_eq!(plan.summary().failed_projects, 2);
    assert!(plan.has_failures());
    assert!(!plan.has_changes());
    assert!(plan.operations().is_empty());
}
