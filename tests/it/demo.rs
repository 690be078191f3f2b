//! `tether demo`, the README's first command.

use crate::common::{env_file, repo_root, tether};

#[test]
fn demo_runs_the_loop_finds_drift_with_who_and_refuses_a_mistake_offline_printing_no_secret() {
    let run = tether(&repo_root(), &["demo", "--color", "never"], &[]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let out = run.all_output();
    for step in [
        "1/6  tether validate",
        "2/6  tether plan",
        "3/6  tether apply",
        "4/6  dana@example.com changes payments-prod's PagerDuty region to EU in the Atlas UI",
        "5/6  tether drift",
        "6/6  a pull request drops PagerDuty from `defaults`",
    ] {
        assert!(out.contains(step), "{step} missing:\n{out}");
    }
    assert!(
        out.contains("Opsgenie ends on 2027-04-05 (in 124 days)"),
        "the validate step shows the file's warnings"
    );
    assert!(out.contains("Plan: 4 to create, 1 to update, 2 to delete, 3 unchanged"));
    assert!(out.contains("Apply: 7 done, 0 failed, 0 not started"));
    let drift = &out[out.find("5/6").expect("step 5")..out.find("6/6").expect("step 6")];
    assert!(
        drift.contains("Plan: 0 to create, 1 to update, 0 to delete, 7 unchanged")
            && drift.contains("region: \"EU\" -> \"US\"")
            && drift.contains("INTEGRATION_CONFIGURED by dana@example.com (Atlas UI user)"),
        "drift finds the UI change and who made it:\n{drift}"
    );
    let refusal = &out[out.find("6/6").expect("step 6")..];
    assert!(
        refusal.contains(
            "apply refuses (exit 4) and writes nothing: the plan deletes the last paging \
             integration (PagerDuty, Opsgenie or VictorOps) of payments-prod"
        ) && refusal.contains("pass `--force`"),
        "a safety gate refuses the mistake and names the flag:\n{refusal}"
    );
    assert!(
        out.contains("and 7 writes (exactly the 7 changes of step 3"),
        "the refused plan writes nothing:\n{out}"
    );
    let state =
        std::fs::read_to_string(repo_root().join("examples/demo/state.yaml")).expect("state");
    let seeded = state
        .lines()
        .filter_map(|l| l.split_once(": "))
        .filter(|(k, _)| {
            [
                "serviceKey",
                "apiKey",
                "url",
                "secret",
                "microsoftTeamsWebhookUrl",
            ]
            .contains(&k.trim())
        })
        .map(|(_, v)| v.trim().to_owned());
    let env = env_file(&repo_root().join("examples/demo/demo.env"));
    for secret in seeded.chain(env.into_iter().map(|(_, v)| v)) {
        assert!(!out.contains(&secret), "{secret} printed");
    }
}
