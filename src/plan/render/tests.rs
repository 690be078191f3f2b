use super::*;
use crate::model::ApiVersion;
use crate::plan::fixture::{SECRETS, fixture_plan};
use crate::plan::types::Plan;

#[test]
fn text_snapshot() {
    insta::assert_snapshot!(text(&fixture_plan(), false));
}

#[test]
fn json_snapshot() {
    insta::assert_snapshot!(json(&fixture_plan()));
}

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!(markdown(&fixture_plan()));
}

#[test]
fn text_is_coloured_only_when_asked() {
    let plan = fixture_plan();
    assert!(!text(&plan, false).contains('\x1b'));
    let coloured = text(&plan, true);
    assert!(coloured.contains("\x1b[32m  + DATADOG will be created\x1b[0m"));
    assert_eq!(strip_ansi(&coloured), text(&plan, false));
}

fn strip_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('\x1b') {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find('m')
            .map_or(rest.len(), |m| start + m + 1);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn summary_line_leads_the_text() {
    let rendered = text(&fixture_plan(), false);
    let first = rendered.lines().next().unwrap_or_default();
    assert!(first.starts_with("Plan: "), "{first}");
    assert!(first.contains("1 project failed"), "{first}");
}

#[test]
fn json_is_versioned_and_parses() {
    let value: serde_json::Value =
        serde_json::from_str(&json(&fixture_plan())).expect("valid JSON");
    assert_eq!(value["format_version"], 2);
    assert_eq!(value["projects"].as_array().map(Vec::len), Some(6));
    assert_eq!(value["summary"]["failed_projects"], 1);
}

/// Every way a plan is shown, each with what it is.
pub(super) fn renderings(plan: &Plan) -> Vec<(&'static str, String)> {
    vec![
        ("text", text(plan, false)),
        ("text in colour", text(plan, true)),
        ("json", json(plan)),
        ("markdown", markdown(plan)),
        ("debug", format!("{plan:?} {:?}", plan.operations())),
        ("pretty debug", format!("{plan:#?}")),
    ]
}

/// Checks that `plan`'s document read back from its JSON holds derived
/// parts that follow from its items and renders as the plan did: what
/// `tether show` and `apply PLAN` rely on.
pub(super) fn assert_read_back_renders_the_same(plan: &Plan) {
    let again: super::PlanDocument = serde_json::from_str(&json(plan)).expect("reads back");
    assert_eq!(again.check_derived(), Ok(()));
    assert_eq!(text(&again, false), text(plan, false));
    assert_eq!(markdown(&again), markdown(plan));
    assert_eq!(json(&again), json(plan));
}

#[test]
fn no_rendering_shows_a_secret() {
    let plan = fixture_plan();
    for (what, rendered) in &renderings(&plan) {
        for secret in SECRETS {
            assert!(!rendered.contains(secret), "{what} shows {secret}");
            // JSON escapes quotes; look for the escaped form too.
            let escaped = serde_json::to_string(secret).unwrap_or_default();
            assert!(
                !rendered.contains(escaped.trim_matches('"')),
                "{what} shows {secret}"
            );
        }
    }
}

pub(super) fn many_projects(copies: usize) -> Plan {
    let fixture = fixture_plan();
    let projects = (0..copies)
        .flat_map(|_| fixture.projects.iter().cloned())
        .collect::<Vec<_>>();
    Plan::from(projects)
}

#[test]
fn markdown_is_cut_to_fit_a_comment_and_says_so() {
    let plan = many_projects(200);
    let rendered = markdown(&plan);
    assert!(rendered.len() <= MARKDOWN_LIMIT, "{}", rendered.len());
    assert!(rendered.contains("not shown; run `tether plan` locally for the full plan"));
    let shown = rendered.matches("<details>").count();
    let noteworthy = plan.projects.iter().filter(|p| p.is_noteworthy()).count();
    let note = format!("{} projects not shown", noteworthy - shown);
    assert!(rendered.contains(&note), "{note}");
    assert_eq!(
        rendered.matches("<details>").count(),
        rendered.matches("</details>").count()
    );
    assert!(rendered.starts_with("### tether plan\n\n**Plan: "));
}

#[test]
fn markdown_that_fits_is_not_cut() {
    let rendered = markdown(&fixture_plan());
    assert!(!rendered.contains("not shown"));
    assert_eq!(rendered.matches("<details>").count(), 5);
    let tiny = markdown::markdown_within(
        &PlanDocument::from(&fixture_plan()),
        2_000,
        super::Purpose::Plan,
    );
    assert!(tiny.len() <= 2_000, "{}", tiny.len());
    assert!(tiny.contains("5 projects not shown"), "{tiny}");
}

#[test]
fn a_rotated_write_only_password_is_not_called_unchanged() {
    use crate::model::{IntegrationType as T, Mode, Slot};
    use crate::plan::testing::{atlas_state, desired, group, integration};
    use crate::plan::{PlanOptions, plan_project};
    let prometheus = integration(
        T::Prometheus,
        &[
            ("username", "u"),
            ("password", "rotate-me-please-0001"),
            ("serviceDiscovery", "http"),
            ("enabled", "true"),
        ],
    );
    let live = atlas_state(std::slice::from_ref(&prometheus), ApiVersion::V1);
    let file = desired(
        Mode::Authoritative,
        vec![(T::Prometheus, Slot::Present(prometheus))],
    );
    let options = PlanOptions {
        rotate_secrets: true,
        api: ApiVersion::V1,
    };
    let plan = Plan::from(vec![plan_project(
        &group('e'),
        None,
        &file,
        &live,
        &options,
    )]);
    let rendered = text(&plan, false);
    assert!(
        rendered.contains("password: (sensitive) (write-only; sent again to rotate it)"),
        "{rendered}"
    );
    assert!(!rendered.contains("rotate-me-please"));
    assert!(!json(&plan).contains("rotate-me-please"));
}

#[test]
fn a_plan_read_back_from_its_document_renders_the_same() {
    assert_read_back_renders_the_same(&fixture_plan());
}

/// What differs comes first and what is only for information last, whatever
/// the file's order: a drifted project is never read after five projects
/// that merely have integrations the file leaves alone.
#[test]
fn projects_that_differ_come_before_those_shown_for_information() {
    use crate::model::{IntegrationType, Mode};
    use crate::plan::types::{Change, DeleteReason, Item, ProjectPlan, Unmanaged};
    let id = |c: char| c.to_string().repeat(24).parse().expect("an id");
    let mut projects: Vec<ProjectPlan> = ['a', 'b', 'c', 'd', 'e']
        .into_iter()
        .map(|c| {
            ProjectPlan::planned(
                id(c),
                Some(&format!("info-{c}")),
                Mode::Additive,
                Vec::new(),
                vec![Unmanaged::Known(IntegrationType::Slack)],
            )
        })
        .collect();
    projects.push(ProjectPlan::planned(
        id('f'),
        Some("drifted"),
        Mode::Authoritative,
        vec![Item {
            subject: crate::plan::Subject::Integration(IntegrationType::Webhook),
            change: Change::Delete {
                reason: DeleteReason::NotDeclared,
                fields: Vec::new(),
            },
            report_only: None,
            notes: Vec::new(),
            errors: Vec::new(),
        }],
        Vec::new(),
    ));
    let plan = Plan::from(projects);
    for rendered in [
        text(&plan, false),
        drift_text(&plan, false),
        markdown(&plan),
        drift_markdown(&plan),
    ] {
        let drifted = rendered.find("drifted").expect("the drifted project");
        let info = rendered.find("info-a").expect("an informational project");
        assert!(drifted < info, "{rendered}");
    }
}

/// Each derived part of a document that an edit makes disagree with its
/// items is named, and the document is refused.
#[test]
fn a_document_whose_derived_parts_were_edited_fails_its_check() {
    let json = json(&fixture_plan());
    type Edit = fn(&mut serde_json::Value);
    let edits: [(&str, Edit); 11] = [
        ("the sensitivity of", |d| {
            let fields = &mut d["projects"][0]["items"][0]["fields"];
            let first = &mut fields[0]["sensitive"];
            *first = (!first.as_bool().expect("a flag")).into();
        }),
        ("has two items", |d| {
            let items = d["projects"][0]["items"].as_array_mut().expect("items");
            items.push(items[0].clone());
        }),
        ("two projects are", |d| {
            let projects = d["projects"].as_array_mut().expect("projects");
            projects.push(projects[0].clone());
        }),
        ("in its project's mode", |d| {
            d["projects"][0]["mode"] = "observe".into()
        }),
        ("of format 1", |d| d["format_version"] = 1.into()),
        ("its counts or flags", |d| d["summary"]["create"] = 9.into()),
        ("`applies`", |d| {
            d["projects"][0]["items"][0]["applies"] = (!d["projects"][0]["items"][0]["applies"]
                .as_bool()
                .expect("a flag"))
            .into();
        }),
        ("`deletes`", |d| d["projects"][0]["deletes"] = 7.into()),
        ("`deletes_last_paging`", |d| {
            d["projects"][0]["deletes_last_paging"] = (!d["projects"][0]["deletes_last_paging"]
                .as_bool()
                .expect("a flag"))
            .into();
        }),
        ("unknown integration type", |d| {
            d["projects"][0]["items"][0]["type"] = "NOT_A_TYPE".into();
        }),
        ("a failed project says no error", |d| {
            d["projects"][0]["status"] = "failed".into();
        }),
    ];
    for (why, edit) in edits {
        let mut value: serde_json::Value = serde_json::from_str(&json).expect("json");
        edit(&mut value);
        let document: PlanDocument = serde_json::from_value(value).expect("still a document");
        let err = document.check_derived().expect_err(why);
        assert!(err.contains(why), "{why}: {err}");
    }
}

/// A message a reviewer reads is tether's own: an edited note or error
/// message is refused.
#[test]
fn a_document_with_an_edited_message_fails_its_check() {
    let json = json(&fixture_plan());
    for message in [
        "is not verifiable: Atlas never returns it",
        "tokens come from connecting Slack",
    ] {
        assert!(json.contains(message), "the fixture says {message:?}");
        let edited = json.replacen(message, "is fine, nothing to see", 1);
        let document: PlanDocument = serde_json::from_str(&edited).expect("still a document");
        let err = document.check_derived().expect_err("refused");
        assert!(err.contains("message"), "{err}");
    }
}
