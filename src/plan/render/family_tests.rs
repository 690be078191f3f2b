//! The renderings of log and metric integrations and of the push-based log
//! export, from a plan built by hand as the family planner writes one.

use super::*;
use crate::plan::family_fixture::{FAMILY_SECRETS, family_plan};

#[test]
fn family_text_snapshot() {
    insta::assert_snapshot!(text(&family_plan(), false));
}

#[test]
fn family_markdown_snapshot() {
    insta::assert_snapshot!(markdown(&family_plan()));
}

#[test]
fn family_json_snapshot() {
    insta::assert_snapshot!(json(&family_plan()));
}

#[test]
fn a_family_plan_follows_from_its_items_and_reads_back_the_same() {
    let plan = family_plan();
    let document = PlanDocument::from(&plan);
    assert_eq!(document.check_derived(), Ok(()));
    let again: PlanDocument = serde_json::from_str(&json(&plan)).expect("reads back");
    assert_eq!(again.check_derived(), Ok(()));
    assert_eq!(text(&again, false), text(&plan, false));
    assert_eq!(markdown(&again), markdown(&plan));
    assert_eq!(json(&again), json(&plan));
}

#[test]
fn no_rendering_of_a_family_plan_shows_a_secret() {
    let plan = family_plan();
    let renderings = [
        ("text", text(&plan, false)),
        ("text in colour", text(&plan, true)),
        ("drift", drift_text(&plan, false)),
        ("json", json(&plan)),
        ("markdown", markdown(&plan)),
        ("debug", format!("{plan:?} {:?}", plan.operations())),
        ("pretty debug", format!("{plan:#?}")),
    ];
    for (what, rendered) in &renderings {
        for secret in FAMILY_SECRETS {
            assert!(!rendered.contains(secret), "{what} shows {secret}");
        }
    }
}

#[test]
fn a_replacement_reads_as_a_pair() {
    let rendered = text(&family_plan(), false);
    assert!(
        rendered.contains(
            "  + S3_LOG_EXPORT \"acme-atlas-logs/payments-prod/\" will be created (replaces \
             65f1a2b3c4d5e6f7a8b9c0a1)"
        ),
        "{rendered}"
    );
    assert!(
        rendered.contains(
            "  - S3_LOG_EXPORT \"acme-atlas-logs/payments/\" (65f1a2b3c4d5e6f7a8b9c0a1) will be \
             deleted (replaced by \"acme-atlas-logs/payments-prod/\": sent once that is created)"
        ),
        "{rendered}"
    );
}
