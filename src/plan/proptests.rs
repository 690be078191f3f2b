//! Property tests of the planner, over desired and live states generated from
//! the model's table.

use crate::model::ApiVersion;
use proptest::prelude::*;
use proptest::test_runner::Config;

use super::compare::{Comparison, compare};
use super::diff::{PlanOptions, plan_project};
use super::testing::{apply_in_memory, atlas_state, atlas_view, group};
use super::types::{Change, ProjectPlan};
use crate::model::{
    DesiredProject, FieldKind, FieldSpec, FieldValue, Format, Integration, IntegrationType,
    Lifecycle, LiveIntegrations, Mode, Origin, ProjectRef, ReadBack, Required, Slot, spec,
};
use crate::secret::Secret;

fn config() -> Config {
    Config {
        cases: 200,
        failure_persistence: None,
        ..Config::default()
    }
}

/// Text a field of this format may hold. `Any` includes `*`, `:` and `/`,
/// which look like pieces of masks and URLs.
fn text(field: &FieldSpec) -> BoxedStrategy<String> {
    if !field.allowed.is_empty() {
        return proptest::sample::select(field.allowed)
            .prop_map(str::to_owned)
            .boxed();
    }
    let pattern = match field.format {
        Format::Hex => "[0-9a-f]{1,40}",
        Format::LowerHex40 => "[0-9a-f]{40}",
        Format::HttpUrl => "https?://[a-z]{1,8}\\.example(:[0-9]{2,4})?/[a-zA-Z0-9/?=]{0,24}",
        Format::Length { .. } => "[a-z0-9#_-]{1,20}",
        Format::MaxBytes(_) => "[ -~\n]{0,80}",
        Format::Any => "[ -~]{0,24}",
    };
    pattern.boxed()
}

fn value(field: &'static FieldSpec) -> BoxedStrategy<FieldValue> {
    match (field.kind, field.sensitive) {
        (FieldKind::Bool, _) => any::<bool>().prop_map(FieldValue::Bool).boxed(),
        (FieldKind::String, true) => text(field)
            .prop_map(|t| FieldValue::Secret(Secret::new(t)))
            .boxed(),
        (FieldKind::String, false) => text(field).prop_map(FieldValue::Text).boxed(),
    }
}

/// An integration as a valid file could declare it: required fields always,
/// others sometimes.
fn integration(kind: IntegrationType) -> BoxedStrategy<Integration> {
    let fields: Vec<_> = spec(kind)
        .fields
        .iter()
        .map(|field| {
            let value = value(field);
            if field.required == Required::Always {
                value.prop_map(move |v| Some((field, v))).boxed()
            } else {
                proptest::option::of(value.prop_map(move |v| (field, v))).boxed()
            }
        })
        .collect();
    fields
        .prop_map(move |fields| Integration {
            kind,
            fields: fields.into_iter().flatten().collect(),
        })
        .boxed()
}

/// Drops v2-only fields set to non-defaults when the API does not know them
/// (the file would be refused with an error otherwise).
fn fit_to_api(mut integration: Integration, api: ApiVersion) -> Integration {
    if !api.has_v2_fields() {
        integration
            .fields
            .retain(|(field, value)| !field.v2_only || !field.differs_from_default(value));
    }
    integration
}

fn slot(kind: IntegrationType) -> BoxedStrategy<Option<Slot>> {
    if spec(kind).lifecycle == Lifecycle::Retired {
        return prop_oneof![Just(None), Just(Some(Slot::Absent))].boxed();
    }
    prop_oneof![
        2 => Just(None),
        1 => Just(Some(Slot::Absent)),
        3 => integration(kind).prop_map(|i| Some(Slot::Present(i))),
    ]
    .boxed()
}

fn api_version() -> impl Strategy<Value = ApiVersion> {
    prop_oneof![Just(ApiVersion::V1), Just(ApiVersion::V2)]
}

fn mode() -> impl Strategy<Value = Mode> {
    proptest::sample::select(Mode::ALL.to_vec())
}

fn desired() -> impl Strategy<Value = DesiredProject> {
    let slots: Vec<_> = IntegrationType::ALL.into_iter().map(slot).collect();
    (mode(), slots).prop_map(|(mode, slots)| DesiredProject {
        project: ProjectRef::Name("generated".into()),
        mode,
        integrations: IntegrationType::ALL
            .into_iter()
            .zip(slots)
            .filter_map(|(kind, slot)| Some((kind, slot?)))
            .collect(),
        families: Default::default(),
        origin: Origin::default(),
        selected_by: None,
    })
}

/// Whatever Atlas could hold: any type, any valid values, unknown types.
fn stored() -> impl Strategy<Value = Vec<Integration>> {
    let all: Vec<_> = IntegrationType::ALL
        .into_iter()
        .map(|kind| proptest::option::of(integration(kind)))
        .collect();
    all.prop_map(|all| all.into_iter().flatten().collect())
}

fn unknown_types() -> impl Strategy<Value = Vec<String>> {
    proptest::sample::subsequence(vec!["HIP_CHAT".to_owned(), "PAGER_TREE".to_owned()], 0..=2)
}

/// Atlas's state as an API version returns it: any of [`stored`], some
/// unknown types.
fn live_state() -> impl Strategy<Value = (LiveIntegrations, ApiVersion)> {
    (stored(), unknown_types(), api_version()).prop_map(|(stored, unknown, api)| {
        let mut live = atlas_state(&stored, api);
        live.unknown_types = unknown;
        (live, api)
    })
}

fn fit_desired(mut desired: DesiredProject, api: ApiVersion) -> DesiredProject {
    for slot in desired.integrations.values_mut() {
        if let Slot::Present(integration) = slot {
            *integration = fit_to_api(integration.clone(), api);
        }
    }
    desired
}

fn declared(desired: &DesiredProject) -> Vec<Integration> {
    desired
        .integrations
        .values()
        .filter_map(Slot::present)
        .cloned()
        .collect()
}

fn changed_kinds(plan: &ProjectPlan) -> Vec<IntegrationType> {
    plan.items()
        .iter()
        .filter(|item| item.is_change())
        .filter_map(crate::plan::Item::integration)
        .collect()
}

proptest! {
    #![proptest_config(config())]

    /// (a) Planning a file against the state Atlas returns for it finds
    /// nothing to do, whatever the mode; undeclared live types in additive and
    /// observe projects are only unmanaged.
    #[test]
    fn a_file_against_its_own_atlas_state_is_empty(
        desired in desired(),
        api in api_version(),
        extra in stored(),
        unknown in unknown_types(),
    ) {
        let desired = fit_desired(desired, api);
        let mut live = atlas_state(&declared(&desired), api);
        live.unknown_types = unknown;
        if desired.mode != Mode::Authoritative {
            for integration in extra {
                if !desired.integrations.contains_key(&integration.kind) {
                    live.known.insert(integration.kind, atlas_view(&integration, api));
                }
            }
        }
        let options = PlanOptions { rotate_secrets: false, api };
        let plan = plan_project(&group('a'), Some("p"), &desired, &live, &options);
        prop_assert!(!plan.has_changes(), "{plan:#?}");
        prop_assert!(!plan.has_errors(), "{plan:#?}");
        prop_assert!(plan.operations().is_empty());
        let unmanaged = plan.unmanaged().len();
        let expected = live.unknown_types.len()
            + live.known.keys().filter(|k| !desired.integrations.contains_key(k)).count();
        prop_assert_eq!(unmanaged, expected);
    }

    /// `--rotate-secrets` turns exactly the declared integrations that carry a
    /// secret into updates, outside observe projects.
    #[test]
    fn rotation_updates_every_declared_secret(desired in desired(), api in api_version()) {
        let desired = fit_desired(desired, api);
        let live = atlas_state(&declared(&desired), api);
        let options = PlanOptions { rotate_secrets: true, api };
        let plan = plan_project(&group('b'), None, &desired, &live, &options);
        let mut expected: Vec<_> = if desired.mode == Mode::Observe {
            Vec::new()
        } else {
            declared(&desired).iter().filter(|i| i.has_secret()).map(|i| i.kind).collect()
        };
        expected.sort();
        prop_assert_eq!(changed_kinds(&plan), expected);
        for item in plan.items() {
            if let Change::Update { rotation, .. } = &item.change {
                prop_assert!(*rotation);
            }
        }
    }

    /// (b) Applying a plan's operations to the live state, as Atlas would,
    /// then planning again leaves nothing apply could do: in authoritative
    /// projects nothing at all but items with errors; in additive projects no
    /// creates or updates; observe projects have no operations.
    #[test]
    fn applying_a_plan_converges(
        desired in desired(),
        (mut live, api) in live_state(),
        rotate_secrets in any::<bool>(),
    ) {
        let options = PlanOptions { rotate_secrets, api };
        let first = plan_project(&group('c'), None, &desired, &live, &options);
        let operations = first.operations();
        if desired.mode == Mode::Observe {
            prop_assert!(operations.is_empty());
        }
        apply_in_memory(&mut live, &operations, api);
        let again = PlanOptions { rotate_secrets: false, api };
        let second = plan_project(&group('c'), None, &desired, &live, &again);
        prop_assert!(second.operations().is_empty(), "{second:#?}");
        let blocked: Vec<_> = first
            .items()
            .iter()
            .filter(|item| !item.errors.is_empty() || item.report_only.is_some())
            .filter_map(crate::plan::Item::integration)
            .collect();
        for item in second.items().iter().filter(|item| item.is_change()) {
            prop_assert!(item.integration().is_some_and(|kind| blocked.contains(&kind)), "{item:#?} after {operations:#?}");
            if desired.mode == Mode::Additive {
                let is_delete = matches!(item.change, Change::Delete { .. });
                prop_assert!(is_delete || !item.errors.is_empty(), "{:#?}", item);
            }
        }
        if desired.mode == Mode::Authoritative {
            let live_kinds: Vec<_> = live.known.keys().copied().collect();
            let declared_kinds: Vec<_> = declared(&desired).iter().map(|i| i.kind).collect();
            for kind in live_kinds {
                prop_assert!(declared_kinds.contains(&kind) || blocked.contains(&kind));
            }
        }
    }

    /// (d) Every plan's document passes the check a saved plan must pass:
    /// its counts, flags and messages follow from its items, as read back
    /// from its JSON, and it renders the same read back.
    #[test]
    fn every_plans_document_follows_from_its_items(
        desired in desired(),
        (live, api) in live_state(),
        rotate_secrets in any::<bool>(),
    ) {
        let options = PlanOptions { rotate_secrets, api };
        let plan = crate::plan::Plan::from(vec![
            plan_project(&group('c'), Some("p"), &desired, &live, &options),
        ]);
        let json = crate::plan::render::json(&plan);
        let document: crate::plan::render::PlanDocument =
            serde_json::from_str(&json).expect("the document reads back");
        prop_assert_eq!(document.check_derived(), Ok(()));
        prop_assert_eq!(crate::plan::render::json(&document), json);
        prop_assert_eq!(
            crate::plan::render::text(&document, false),
            crate::plan::render::text(&plan, false)
        );
    }

    /// (c) A secret compared with the mask Atlas returns for it is never a
    /// change, for every sensitive field and any text.
    #[test]
    fn masked_compare_never_reports_the_same_secret(
        field_index in 0usize..64,
        secret in prop_oneof!["\\PC{0,40}", "[a-z:/*]{0,10}"],
        scheme in "https?",
        path in "[ -~]{0,30}",
    ) {
        let fields: Vec<&'static FieldSpec> = IntegrationType::ALL
            .into_iter()
            .flat_map(|kind| spec(kind).fields.iter())
            .filter(|field| field.sensitive && field.read_back != ReadBack::Never)
            .collect();
        let field = fields[field_index % fields.len()];
        let url = format!("{scheme}://hooks.example.com/{path}");
        for value in [secret.as_str(), url.as_str()] {
            let live = field.read_back.answered(value).expect("a field Atlas returns");
            let desired = FieldValue::Secret(Secret::new(value));
            let live = crate::model::LiveValue::Text(live);
            prop_assert_eq!(compare(field, &desired, &live), Comparison::Same, "{}: {:?}", field.name, live);
        }
    }
}

#[test]
fn generated_states_cover_every_type() {
    // The strategies above must be able to declare every non-retired type;
    // a table change that made one impossible would silently weaken them.
    let empty = LiveIntegrations::default();
    for kind in IntegrationType::ALL {
        if spec(kind).lifecycle == Lifecycle::Retired {
            continue;
        }
        let strategy = integration(kind);
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let generated = strategy.new_tree(&mut runner).expect("a value").current();
        let desired = DesiredProject {
            project: ProjectRef::Name("one".into()),
            mode: Mode::Authoritative,
            integrations: [(kind, Slot::Present(generated))].into_iter().collect(),
            families: Default::default(),
            origin: Origin::default(),
            selected_by: None,
        };
        let plan = plan_project(
            &group('d'),
            None,
            &desired,
            &empty,
            &PlanOptions {
                rotate_secrets: false,
                api: ApiVersion::V2,
            },
        );
        assert!(matches!(plan.items()[0].change, Change::Create { .. }));
    }
}
