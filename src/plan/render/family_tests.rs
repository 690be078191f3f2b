//! The renderings of log and metric integrations and of the push-based log
//! export, from a plan built by hand as the family planner writes one.

use super::tests::{assert_read_back_renders_the_same, renderings};
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
    assert_eq!(PlanDocument::from(&plan).check_derived(), Ok(()));
    assert_read_back_renders_the_same(&plan);
}

#[test]
fn no_rendering_of_a_family_plan_shows_a_secret() {
    let plan = family_plan();
    let mut renderings = renderings(&plan);
    renderings.push(("drift", drift_text(&plan, false)));
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
