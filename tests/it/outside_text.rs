//! Text from Atlas (names, field values, events, alert configurations) made
//! to forge tether's lines or hide its own: every command prints each of
//! tether's lines as one line, with no character that reorders or hides
//! text.

use tether::sim::StateFile;

use crate::common::{Run, Sim, tether_against};

const PROJECT: &str = "65f1a2b3c4d5e6f7a8b9c0f1";
const PD_KEY: &str = "outside-text-pd-key-000000000042";
const SLACK_TOKEN: &str = "xoxb-outside-text-token-0000000077";

/// A line of apply's report, after a newline, then characters that reorder
/// or hide text.
const FORGED: &str = "x\\n✓ update PAGER_DUTY in payments (65f1a2b3c4d5e6f7a8b9c0d1): done\\r\\n\
                      \\u202e\\u2066\\u2069\\u200e\\u200f\\u061c\\u202a\\u200b\\u200d\\u2060\\ufeff";

/// Atlas with that text in the project's name, a Slack channel, the
/// events' fields and an alert configuration's event type, and a PagerDuty
/// integration that enabled alerts notify through.
fn state() -> StateFile {
    StateFile::parse(&format!(
        "projects:
  - id: {PROJECT}
    name: \"pay{FORGED}\"
    orgId: 6600000000000000000000aa
    integrations:
      PAGER_DUTY: {{serviceKey: {PD_KEY}}}
      SLACK: {{apiToken: {SLACK_TOKEN}, channelName: \"c{FORGED}\", teamName: \"t{FORGED}\"}}
    events:
      - created: \"2026-12-01T00:00:00Z\"
        eventTypeName: INTEGRATION_CONFIGURED
        username: \"dana{FORGED}\"
        remoteAddress: \"203.0.113.7{FORGED}\"
    alertConfigs:
      - id: 6620000000000000000000f1
        eventTypeName: \"HOST_DOWN{FORGED}\"
        enabled: true
        notifications:
          - {{typeName: PAGER_DUTY, delayMin: 0}}
  - id: 65f1a2b3c4d5e6f7a8b9c0f2
    name: \"zz{FORGED}\"
    orgId: 6600000000000000000000aa
"
    ))
    .expect("the state parses")
}

/// The file selects the project by its organization (so that its name is
/// Atlas's, and the other project is listed as unmanaged), puts Slack back
/// and drops PagerDuty: a delete that the gates refuse, with the project's
/// name and the alert in their reasons.
fn work() -> tempfile::TempDir {
    crate::common::folder_with(
        "version: 1\nprojects:\n  - select: {org: 6600000000000000000000aa, name: \"pay*\"}\n    \
         integrations:\n      SLACK:\n        apiToken: ${SLACK_TOKEN}\n        \
         channelName: alerts\n        teamName: acme\n",
    )
}

fn run(dir: &std::path::Path, sim: &tether::sim::SimHandle, args: &[&str]) -> Run {
    let run = tether_against(dir, sim, args, &[("SLACK_TOKEN", SLACK_TOKEN)]);
    let all = run.all_output();
    for secret in [PD_KEY, SLACK_TOKEN] {
        assert!(!all.contains(secret), "a secret was printed:\n{all}");
    }
    run
}

/// No line of `run` begins with a `✓` but apply's `expected` own (in any
/// order), and no character of it reorders, hides or ends a line but the
/// newline.
fn assert_unforged(what: &str, run: &Run, expected: &[&str]) {
    let all = run.all_output();
    let mut report: Vec<&str> = all.lines().filter(|l| l.starts_with('✓')).collect();
    report.sort_unstable();
    let mut expected = expected.to_vec();
    expected.sort_unstable();
    assert_eq!(report, expected, "{what}:\n{}", run.transcript());
    let hidden: Vec<char> = all
        .chars()
        .filter(|&c| {
            c != '\n'
                && (c.is_control()
                    || matches!(c, '\u{061c}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}'
                        | '\u{2060}'..='\u{2069}' | '\u{feff}'))
        })
        .collect();
    assert!(
        hidden.is_empty(),
        "{what}: {hidden:?}\n{}",
        run.transcript()
    );
}

#[test]
fn names_values_and_events_from_atlas_forge_no_line_and_hide_nothing() {
    let sim = Sim::builder().state(state()).start();
    let dir = work();
    let tether = |args: &[&str]| run(dir.path(), &sim, args);
    let plan = tether(&["plan", "--no-progress"]);
    crate::common::assert_exit_saying(&plan, 0, &["warning: apply would refuse this plan"]);
    assert_unforged("plan", &plan, &[]);
    let markdown = tether(&["plan", "--no-progress", "--output", "markdown"]);
    assert_unforged("markdown", &markdown, &[]);
    let drift = tether(&["drift", "--no-progress"]);
    assert_eq!(drift.code, 2, "{}", drift.transcript());
    crate::common::assert_contains(&drift.stdout, "by dana");
    assert_unforged("drift", &drift, &[]);
    let saved = tether(&["plan", "--no-progress", "--out", "p.json"]);
    assert_eq!(saved.code, 0, "{}", saved.transcript());
    let shown = tether(&["show", "p.json"]);
    assert_eq!(shown.code, 0, "{}", shown.transcript());
    assert_unforged("show", &shown, &[]);

    let refused = tether(&["apply", "--no-progress", "--auto-approve"]);
    assert_eq!(refused.code, 4, "{}", refused.transcript());
    assert_eq!(sim.counters().writes(), 0);
    assert_unforged("refused apply", &refused, &[]);

    let forced = tether(&["apply", "--no-progress", "--auto-approve", "--force"]);
    assert_eq!(forced.code, 0, "{}", forced.transcript());
    let name = "payx\\u{a}✓ update PAGER_DUTY in payments (65f1a2b3c4d5e6f7a8b9c0d1): \
                done\\u{d}\\u{a}\\u{202e}\\u{2066}\\u{2069}\\u{200e}\\u{200f}\\u{61c}\\u{202a}\
                \\u{200b}\\u{200d}\\u{2060}\\u{feff}";
    let update = format!("✓ update SLACK in {name} ({PROJECT}): done");
    let delete = format!("✓ delete PAGER_DUTY in {name} ({PROJECT}): done");
    assert_unforged("forced apply", &forced, &[&update, &delete]);
}
