//! `tether demo`, the README's first command.

use crate::common::{env_file, repo_root, tether};

#[test]
fn demo_runs_the_loop_offline_and_prints_no_secret() {
    let run = tether(&repo_root(), &["demo", "--color", "never"], &[]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let out = run.all_output();
    for step in [
        "1/4  tether validate",
        "2/4  tether plan",
        "3/4  tether apply",
        "4/4  tether drift",
    ] {
        assert!(out.contains(step), "{step} missing:\n{out}");
    }
    assert!(
        out.contains("Opsgenie ends on 2027-04-05 (in 124 days)"),
        "the validate step shows the file's warnings"
    );
    assert!(out.contains("Plan: 4 to create, 1 to update, 2 to delete, 3 unchanged"));
    assert!(out.contains("Apply: 7 done, 0 failed, 0 not started"));
    assert!(out.contains("Drift: Atlas matches the file (exit 0)."));
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
