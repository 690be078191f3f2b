//! End-of-life warnings: at the entry's place, with dates counted from
//! `TETHER_TODAY` (pinned for every test run), silenced by `-q`, never
//! changing the exit code, never showing a secret.

use std::path::PathBuf;

use tether::sim::StateFile;

use crate::common::{Run, Sim, fixtures, tether, tether_against};

const TEAMS_URL: &str = "https://contoso.webhook.office.com/webhookb2/secret-hook-path-9f8e";

const ENV: &[(&str, &str)] = &[
    ("TEAMS_URL", TEAMS_URL),
    ("OPSGENIE_KEY", "1c9e4b7a-2f3d-4e5a-8b6c-seeded0a1b2c"),
    ("NEW_RELIC_KEY", "0123456789abcdef0123456789abcdef01234012"),
];

fn dir() -> PathBuf {
    fixtures().join("end_of_life")
}

fn validate(extra: &[&str], env: &[(&str, &str)]) -> Run {
    let mut args = vec!["--color", "never", "validate"];
    args.extend_from_slice(extra);
    let run = tether(&dir(), &args, env);
    assert_no_secret(&run);
    assert!(
        !run.all_output().contains("contoso"),
        "the Teams host was printed"
    );
    run
}

fn assert_no_secret(run: &Run) {
    let output = run.all_output();
    for (name, value) in ENV {
        assert!(!output.contains(value), "{name} was printed:\n{output}");
    }
}

#[test]
fn validate_warns_at_each_ending_entry_with_its_date() {
    let run = validate(&[], ENV);
    assert_eq!(run.code, 0, "warnings never fail: {}", run.transcript());
    for (place, says) in [
        (
            "tether.yaml:5:33",
            "this Microsoft Teams URL is an Office 365 connector",
        ),
        (
            "tether.yaml:11:7",
            "Opsgenie ends on 2027-04-05 (in 124 days)",
        ),
        (
            "tether.yaml:16:7",
            "New Relic's Atlas integration reached its end of life on 2021-06-16",
        ),
    ] {
        let at = run
            .stderr
            .find(&format!("[{place}]"))
            .unwrap_or_else(|| panic!("{place}: {}", run.stderr));
        assert!(
            run.stderr[..at].contains(says),
            "{says} before {place}: {}",
            run.stderr
        );
    }
    assert!(run.stderr.contains("`.webhook.office.com`"));
    assert!(run.stderr.contains("Workflows"));
    assert!(
        !run.stderr.contains("Slack"),
        "a Slack with only its channel is the UI's: {}",
        run.stderr
    );
    assert!(run.stdout.ends_with("(3 warnings)\n"), "{}", run.stdout);
}

#[test]
fn after_the_last_day_opsgenie_has_ended() {
    let run = validate(&[], &[ENV, &[("TETHER_TODAY", "2027-04-10")]].concat());
    crate::common::assert_contains(&run.stderr, "Opsgenie ended on 2027-04-05 (5 days ago)");
    assert_eq!(run.code, 0);
}

#[test]
fn quiet_silences_the_warnings() {
    let run = validate(&["-q"], ENV);
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (0, "", "")
    );
}

#[test]
fn a_today_that_is_not_a_day_is_an_error() {
    let run = validate(&[], &[ENV, &[("TETHER_TODAY", "next tuesday")]].concat());
    crate::common::assert_exit_saying(&run, 1, &["`TETHER_TODAY` is not a day"]);
}

#[test]
fn plan_shows_the_warnings_and_keeps_its_exit_code() {
    let state = StateFile::load(&fixtures().join("loop/state.yaml")).expect("state loads");
    let sim = Sim::builder().state(state).start();
    let tether_here = |args: &[&str]| tether_against(&dir(), &sim, args, ENV);
    let run = tether_here(&["plan", "--api", "v1", "--project", "payments-staging"]);
    assert_no_secret(&run);
    // The plan shows the URL's mask (scheme and host) as it always does;
    // the warning names the host's suffix only.
    crate::common::assert_lacks(&run.stderr, "contoso");
    crate::common::assert_exit_saying(
        &run,
        0,
        &[
            "[tether.yaml:11:7]",
            "Opsgenie ends on 2027-04-05 (in 124 days)",
        ],
    );
    crate::common::assert_starts_with(&run.stdout, "Plan: ");
    let detailed = tether_here(&["plan", "--api", "v2", "--detailed-exitcode", "-q"]);
    assert_eq!(
        detailed.code,
        2,
        "changes pending: {}",
        detailed.transcript()
    );
    assert_eq!(detailed.stderr, "", "-q: no warning");
}
