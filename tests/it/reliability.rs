//! Defects a hostile tester found, each reproduced against the simulator:
//! wrong writes first.

use std::path::Path;

use tether::sim::{SimHandle, StateFile};

use crate::common::{Run, Sim, fixtures, tether};

/// The loop fixture's payments-prod by id, with a PagerDuty key from `PD_KEY`.
const PD_PROD: &str = "version: 1
projects:
  - id: 65f1a2b3c4d5e6f7a8b9c0d1
    integrations:
      PAGER_DUTY:
        serviceKey: ${PD_KEY}
";

/// A temporary directory with `tether.yaml` holding `text`.
fn work_with(text: &str) -> tempfile::TempDir {
    crate::common::folder_with(text)
}

fn run(dir: &Path, sim: &SimHandle, args: &[&str], env: &[(&str, &str)]) -> Run {
    crate::common::tether_against(dir, sim, args, env)
}

/// A project declared once by id and once by name would be planned twice
/// against itself: one entry deletes what the other declares, and apply
/// never converges. Both entries are named; nothing is read past the
/// lookups and nothing is written.
#[test]
fn one_project_declared_by_id_and_by_name_is_refused() {
    let sim = Sim::builder().state_fixture("loop/state.yaml").start();
    let work = work_with(&format!(
        "{PD_PROD}  - name: payments-prod
    integrations:
      DATADOG:
        apiKey: ${{DD_KEY}}
"
    ));
    let env = [
        ("PD_KEY", "seeded-pd-key-prod-4f1d9c0e5a7b0022"),
        ("DD_KEY", "0123456789abcdef0123456789abf00d"),
    ];
    let validated = run(work.path(), &sim, &["validate"], &env);
    assert_eq!(validated.code, 0, "{}", validated.transcript());
    for args in [vec!["plan"], vec!["drift"], vec!["apply", "--auto-approve"]] {
        let refused = run(work.path(), &sim, &args, &env);
        assert_eq!(refused.code, 1, "{args:?}: {}", refused.transcript());
        assert!(
            refused.stderr.contains(
                "`65f1a2b3c4d5e6f7a8b9c0d1` (tether.yaml:3:5) and `payments-prod` \
                 (tether.yaml:7:5) are the same Atlas project 65f1a2b3c4d5e6f7a8b9c0d1"
            ),
            "{args:?}: {}",
            refused.stderr
        );
        assert!(refused.stdout.is_empty(), "{}", refused.stdout);
    }
    let counts = sim.counters();
    assert_eq!(counts.writes(), 0, "{counts:?}");
    assert_eq!(
        counts.reads(),
        3,
        "one name lookup per run, no integration read: {counts:?}"
    );
}

const GATE_ENV: &[(&str, &str)] = &[
    ("PD_KEY", "gate-test-pd-key-00000000000000aa"),
    ("OG_KEY", "gate-test-og-key-00000000000000bb"),
];

/// Gates weigh what apply will write. A saved plan with 3 deletes is not
/// refused for a 4th delete that a plan made now finds but the saved plan
/// does not hold (it is left alone).
#[test]
fn a_saved_plan_is_gated_on_its_own_deletes() {
    let sim = Sim::builder()
        .state_yaml(
            "projects:
  - id: 65f1a2b3c4d5e6f7a8b9c0a1
    name: alpha
    orgId: 6600000000000000000000aa
    integrations:
      PAGER_DUTY: {serviceKey: gate-test-pd-key-00000000000000aa}
      DATADOG: {apiKey: 0123456789abcdef0123456789abcdef}
      WEBHOOK: {url: 'https://hooks.example.com/a'}
      MICROSOFT_TEAMS: {microsoftTeamsWebhookUrl: 'https://teams.example.com/a'}
  - id: 65f1a2b3c4d5e6f7a8b9c0b2
    name: beta
    orgId: 6600000000000000000000aa
    integrations:
      PAGER_DUTY: {serviceKey: gate-test-pd-key-00000000000000aa}
      DATADOG: {apiKey: 0123456789abcdef0123456789abcdef}
",
        )
        .start();
    let work = work_with(
        "version: 1
defaults:
  integrations:
    PAGER_DUTY:
      serviceKey: ${PD_KEY}
projects:
  - id: 65f1a2b3c4d5e6f7a8b9c0a1
    name: alpha
  - id: 65f1a2b3c4d5e6f7a8b9c0b2
    name: beta
",
    );
    let gate = |args: &[&str]| run(work.path(), &sim, args, GATE_ENV);
    let planned = gate(&["plan", "--project", "alpha", "--out", "plan.json"]);
    assert_eq!(planned.code, 0, "{}", planned.transcript());
    crate::common::assert_contains(&planned.stdout, "3 to delete");
    let full = gate(&["plan"]);
    crate::common::assert_contains(&full.stdout, "4 to delete");

    let applied = gate(&["apply", "plan.json", "--auto-approve", "--max-deletes", "3"]);
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    assert_eq!(sim.counters().writes(), 3, "exactly the saved deletes");
    let state = sim.snapshot();
    let beta = state
        .projects
        .iter()
        .find(|p| p.name == "beta")
        .expect("beta");
    assert!(
        beta.integrations.contains_key("DATADOG"),
        "beta is left alone"
    );
}

/// A saved plan that deletes a project's last paging integration is
/// refused even when a plan made now would also create another one: the
/// saved plan does not hold that create, so apply would leave nobody paged.
#[test]
fn a_saved_plan_that_deletes_the_last_paging_integration_is_refused() {
    let sim = Sim::builder()
        .state_yaml(
            "projects:
  - id: 65f1a2b3c4d5e6f7a8b9c0c3
    name: gamma
    orgId: 6600000000000000000000aa
    integrations:
      PAGER_DUTY: {serviceKey: gate-test-pd-key-00000000000000aa}
",
        )
        .start();
    const GAMMA: &str = "version: 1
projects:
  - id: 65f1a2b3c4d5e6f7a8b9c0c3
    name: gamma
    integrations:
      PAGER_DUTY: absent
";
    let work = work_with(GAMMA);
    let gate = |args: &[&str]| run(work.path(), &sim, args, GATE_ENV);
    let planned = gate(&["plan", "--out", "plan.json"]);
    assert_eq!(planned.code, 0, "{}", planned.transcript());
    let with_opsgenie = format!("{GAMMA}      OPS_GENIE:\n        apiKey: ${{OG_KEY}}\n");
    std::fs::write(work.path().join("tether.yaml"), with_opsgenie).expect("rewrite");
    let refused = gate(&["apply", "plan.json", "--auto-approve"]);
    assert_eq!(refused.code, 4, "{}", refused.transcript());
    crate::common::assert_contains(
        &refused.stderr,
        "deletes the last paging integration (PagerDuty, Opsgenie or VictorOps) of gamma",
    );
    assert_eq!(sim.counters().writes(), 0);
}

/// Output that cannot be written (a full disk) is a failure, not a success
/// with nothing printed.
#[cfg(unix)]
#[test]
fn a_failed_write_to_stdout_exits_1() {
    for args in [
        vec!["schema"],
        vec!["validate", "--ignore-unset", "-f", "examples/minimal.yaml"],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full opens");
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_tether"))
            .current_dir(crate::common::repo_root())
            .args(&args)
            .stdout(full)
            .output()
            .expect("tether runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains("cannot write the output to stdout"),
            "{args:?}: {stderr}"
        );
    }
}

use crate::gitops::ENV as LOOP_ENV;

fn slow(latency_ms: u64) -> SimHandle {
    Sim::builder()
        .state_fixture("loop/state.yaml")
        .faults(tether::sim::Faults {
            latency: std::time::Duration::from_millis(latency_ms),
            ..tether::sim::Faults::default()
        })
        .start()
}

/// [`crate::common::signalled`] in the loop's folder with its variables.
#[cfg(unix)]
fn signalled_in_the_loop(
    sim: &SimHandle,
    args: &[&str],
    when: (&str, std::time::Duration, &str),
) -> crate::common::Signalled {
    crate::common::signalled((&fixtures().join("loop"), sim, LOOP_ENV), args, when, || {})
}

/// Ctrl-C and SIGTERM while Atlas is being read stop the command at once
/// with exit 130: no plan is printed, and apply writes nothing.
#[cfg(unix)]
#[test]
fn a_signal_while_reading_stops_with_130_and_writes_nothing() {
    let after = std::time::Duration::from_millis(400);
    for (args, signal) in [
        (vec!["plan"], "-INT"),
        (vec!["drift"], "-TERM"),
        (vec!["apply", "--auto-approve"], "-INT"),
        (vec!["apply", "--auto-approve"], "-TERM"),
    ] {
        let sim = slow(5_000);
        let crate::common::Signalled {
            code,
            stdout,
            stderr,
        } = signalled_in_the_loop(&sim, &args, ("", after, signal));
        assert_eq!(code, Some(130), "{args:?} {signal}: {stdout}{stderr}");
        assert!(
            stderr.contains("interrupted (Ctrl-C or SIGTERM) before any write"),
            "{args:?} {signal}: {stderr}"
        );
        crate::common::assert_lacks(&stdout, "Plan:");
        assert_eq!(sim.counters().writes(), 0);
    }
}

/// SIGTERM during the writes behaves as Ctrl-C: no new write starts, the
/// report says what was done and what was not, exit 130.
#[cfg(unix)]
#[test]
fn sigterm_while_writing_reports_and_exits_130() {
    let sim = slow(300);
    let crate::common::Signalled {
        code,
        stdout,
        stderr,
    } = signalled_in_the_loop(
        &sim,
        &["apply", "--auto-approve", "--concurrency", "1"],
        // The plan is printed once the reads are done; writes follow, one
        // at a time, 300 ms each.
        ("Plan:", std::time::Duration::from_millis(400), "-TERM"),
    );
    assert_eq!(code, Some(130), "{stdout}{stderr}");
    let summary = stdout
        .lines()
        .find(|l| l.starts_with("Apply: "))
        .unwrap_or_else(|| panic!("no summary in {stdout}"));
    assert!(summary.ends_with("; interrupted"), "{summary}");
    let done = stdout.lines().filter(|l| l.ends_with(": done")).count() as u64;
    assert_eq!(sim.counters().writes(), done, "{stdout}");
}

/// A variable whose value is not UTF-8 would be changed (to U+FFFD) before
/// being written to Atlas: it is refused, by name, and never shown.
#[cfg(unix)]
#[test]
fn a_variable_that_is_not_utf8_is_refused_by_name() {
    use std::os::unix::ffi::OsStrExt;
    let work = work_with(PD_PROD);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tether"))
        .current_dir(work.path())
        .env_clear()
        .env(
            "PD_KEY",
            std::ffi::OsStr::from_bytes(b"secret-\xff\xfe-not-utf8-0123456789"),
        )
        .args(["--color", "never", "validate"])
        .output()
        .expect("tether runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    crate::common::assert_contains(
        &stderr,
        "environment variable `PD_KEY` is not valid UTF-8 text",
    );
    crate::common::assert_lacks(&stderr, "not-utf8-0123456789");
}

/// `-f` on a device or a FIFO is refused before reading: `/dev/zero` never
/// ends, and memory grew without bound.
#[cfg(unix)]
#[test]
fn a_file_that_is_not_regular_is_refused_before_reading() {
    let work = tempfile::tempdir().expect("tempdir");
    let fifo = work.path().join("fifo.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    for path in [
        "/dev/zero",
        "/dev/urandom",
        fifo.to_str().expect("utf-8 path"),
    ] {
        let run = tether(work.path(), &["validate", "-f", path], &[]);
        assert_eq!(run.code, 1, "{path}: {}", run.transcript());
        assert!(
            run.stderr.contains("is not a regular file"),
            "{path}: {}",
            run.stderr
        );
    }
}

/// A file that is not a tether file (an env file passed to `-f` by
/// mistake) is an error that quotes none of its lines: they may be secrets.
#[test]
fn a_file_that_is_not_a_tether_file_is_never_quoted() {
    let work = tempfile::tempdir().expect("tempdir");
    for (name, text) in [
        (
            "secrets.env",
            "PD_KEY=quoted-secret-value-0001\nDD_KEY=quoted-secret-value-0002\n",
        ),
        (
            "broken.env",
            "export PD_KEY=\"quoted-secret-value-0001\"\nDD_KEY: [quoted-secret-value-0002\n",
        ),
        ("map.yaml", "PD_KEY: quoted-secret-value-0001\n"),
    ] {
        std::fs::write(work.path().join(name), text).expect("write");
        let run = tether(
            work.path(),
            &["validate", "--color", "never", "-f", name],
            &[],
        );
        assert_eq!(run.code, 1, "{name}: {}", run.transcript());
        assert!(
            !run.all_output().contains("quoted-secret-value"),
            "{name}: {}",
            run.transcript()
        );
        assert!(run.stderr.contains("(line "), "{name}: {}", run.stderr);
    }
}

/// Outputs never replace their input, and `import -o` replaces an existing
/// file only with `--force`; both are refused before anything is read.
#[test]
fn outputs_do_not_overwrite_inputs_or_existing_files() {
    let sim = Sim::builder().state_fixture("loop/state.yaml").start();
    let work = work_with("version: 1\nprojects:\n  - id: 65f1a2b3c4d5e6f7a8b9c0d1\n");
    let current = || std::fs::read_to_string(work.path().join("tether.yaml")).expect("read");
    let before = current();
    let over_input = run(work.path(), &sim, &["plan", "--out", "tether.yaml"], &[]);
    crate::common::assert_exit_saying(&over_input, 1, &["is the file tether reads"]);
    assert_eq!(current(), before);

    let import = ["import", "--project", "payments-prod", "-o", "tether.yaml"];
    let refused = run(work.path(), &sim, &import, &[]);
    crate::common::assert_exit_saying(&refused, 1, &["`tether.yaml` exists"]);
    assert_eq!(current(), before);
    assert_eq!(sim.counters().total(), 0, "refused before any request");

    let mut forced = import.to_vec();
    forced.push("--force");
    let replaced = run(work.path(), &sim, &forced, &[]);
    assert_eq!(replaced.code, 0, "{}", replaced.transcript());
    let written = current();
    crate::common::assert_contains(&written, "payments-prod");
    let leftovers: Vec<_> = std::fs::read_dir(work.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name())
        .filter(|name| name.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// A value from a variable is never shown, even in a field that is not a
/// secret, and neither is a plain field that repeats a secret of the file.
#[test]
fn values_from_variables_and_reused_secrets_are_never_shown() {
    let sim = Sim::builder()
        .state_yaml(
            "projects:
  - id: 65f1a2b3c4d5e6f7a8b9c0e5
    name: epsilon
    orgId: 6600000000000000000000aa
",
        )
        .start();
    let work = work_with(
        "version: 1
projects:
  - id: 65f1a2b3c4d5e6f7a8b9c0e5
    name: epsilon
    integrations:
      VICTOR_OPS:
        apiKey: literal-victorops-key-reused-0001
        routingKey: literal-victorops-key-reused-0001
      OPS_GENIE:
        apiKey: ${OG_KEY}
        region: ${OG_REGION}
",
    );
    let env = [
        ("OG_KEY", "opsgenie-secret-from-env-0002"),
        ("OG_REGION", "EU"),
    ];
    for args in [
        vec!["plan"],
        vec!["plan", "--output", "json"],
        vec!["plan", "--output", "markdown"],
    ] {
        let planned = run(work.path(), &sim, &args, &env);
        assert_eq!(planned.code, 0, "{args:?}: {}", planned.transcript());
        let output = planned.all_output();
        crate::common::assert_contains(&output, "VICTOR_OPS");
        for hidden in [
            "literal-victorops-key-reused-0001",
            "opsgenie-secret-from-env-0002",
        ] {
            assert!(
                !output.contains(hidden),
                "{args:?} shows {hidden}: {output}"
            );
        }
        assert!(!output.contains("\"EU\""), "{args:?}: {output}");
    }
    let env = [
        ("OG_KEY", "opsgenie-secret-from-env-0002"),
        ("OG_REGION", "MARS"),
    ];
    let invalid = run(work.path(), &sim, &["validate"], &env);
    crate::common::assert_exit_saying(&invalid, 1, &["cannot be the value of its variable"]);
    crate::common::assert_lacks(&invalid.stderr, "MARS");
    let applied = run(work.path(), &sim, &["apply", "--auto-approve"], &env[..1]);
    assert_eq!(
        applied.code,
        1,
        "OG_REGION is unset: {}",
        applied.transcript()
    );
    let env = [
        ("OG_KEY", "opsgenie-secret-from-env-0002"),
        ("OG_REGION", "EU"),
    ];
    let applied = run(work.path(), &sim, &["apply", "--auto-approve"], &env);
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    let state = sim.snapshot();
    let id = "65f1a2b3c4d5e6f7a8b9c0e5";
    assert_eq!(
        state.stored(id, "VICTOR_OPS", "routingKey"),
        Some("literal-victorops-key-reused-0001")
    );
    assert_eq!(state.stored(id, "OPS_GENIE", "region"), Some("EU"));
    let again = run(work.path(), &sim, &["plan", "--detailed-exitcode"], &env);
    assert_eq!(again.code, 0, "converged: {}", again.transcript());
}

/// Values from Atlas reach the terminal without their control characters:
/// an escape code in a secret's tail (which the mask shows) is printed as
/// `\u{1b}`, in every rendering.
#[test]
fn control_characters_from_atlas_are_escaped() {
    let sim = Sim::builder()
        .state_yaml(
            "projects:
  - id: 65f1a2b3c4d5e6f7a8b9c0f6
    name: zeta
    orgId: 6600000000000000000000aa
    integrations:
      DATADOG: {apiKey: \"0123456789abcdef0123456789\\e[2J\"}
",
        )
        .start();
    let work = work_with(
        "version: 1
projects:
  - id: 65f1a2b3c4d5e6f7a8b9c0f6
    integrations:
      DATADOG:
        apiKey: ${DD_KEY}
",
    );
    let env = [("DD_KEY", "0123456789abcdef0123456789abf00d")];
    for args in [
        vec!["plan"],
        vec!["plan", "--output", "markdown"],
        vec!["plan", "--output", "json"],
        vec!["drift"],
    ] {
        let planned = run(work.path(), &sim, &args, &env);
        let output = planned.all_output();
        assert!(output.contains("DATADOG"), "{args:?}: {output}");
        assert!(!output.contains('\u{1b}'), "{args:?}: {output:?}");
    }
}

/// Small contracts of `validate`: an empty value is not a value, `.` and
/// `..` are not project names, a name with non-ASCII letters is flagged,
/// and a problem after a multi-line literal secret keeps its line.
#[test]
fn validate_small_contracts() {
    let work = tempfile::tempdir().expect("tempdir");
    let check = |text: &str| {
        std::fs::write(work.path().join("tether.yaml"), text).expect("write");
        tether(work.path(), &["validate", "--color", "never"], &[])
    };
    let empty = check(
        "version: 1\nprojects:\n  - id: 65f1a2b3c4d5e6f7a8b9c0d1\n    integrations:\n      PAGER_DUTY:\n        serviceKey: \"\"\n",
    );
    crate::common::assert_exit_saying(&empty, 1, &["`PAGER_DUTY.serviceKey` is empty"]);

    for name in [".", ".."] {
        let dots = check(&format!("version: 1\nprojects:\n  - name: \"{name}\"\n"));
        crate::common::assert_exit_saying(
            &dots,
            1,
            &[&format!("`{name}` cannot be a project name")],
        );
    }

    // A Cyrillic `а` in place of the Latin `a`.
    let homoglyph = check("version: 1\nprojects:\n  - name: p\u{430}yments\n");
    assert_eq!(homoglyph.code, 0, "{}", homoglyph.transcript());
    crate::common::assert_contains(
        &homoglyph.stderr,
        "non-ASCII letters (`\u{430}`, U+0430, character 2)",
    );
    // A right-to-left override is named by its escape, never printed as
    // itself, where it would reorder the rest of the line.
    let reordering = check("version: 1\nprojects:\n  - name: pay\u{202e}ments\n");
    crate::common::assert_contains(
        &reordering.stderr,
        "non-ASCII letters (`\\u{202e}`, U+202E, character 4)",
    );

    let after_block = check(
        "version: 1
projects:
  - id: 65f1a2b3c4d5e6f7a8b9c0d1
    integrations:
      WEBHOOK:
        url: https://hooks.example.com/x
        secret: |
          block-secret-line-one
          block-secret-line-two
        bogus: 1
",
    );
    crate::common::assert_exit_saying(&after_block, 1, &["tether.yaml:10:9"]);
    crate::common::assert_lacks(&after_block.stderr, "block-secret");
}

/// A fleet of `n` projects, each with PAGER_DUTY and WEBHOOK.
fn fleet(n: usize) -> String {
    let mut state = String::from("projects:\n");
    for i in 0..n {
        state.push_str(&format!(
            "  - id: 65f1a2b3c4d5e6f7a8b9{i:04x}
    name: team-{i}
    orgId: 6600000000000000000000aa
    integrations:
      PAGER_DUTY: {{serviceKey: fleet-pd-key-old-000000000000000}}
      WEBHOOK: {{url: 'https://hooks.example.com/team-{i}'}}
"
        ));
    }
    state
}

/// A file for the fleet: the first `rotated` projects get a new PagerDuty
/// key, the next `dropped` lose their webhook; `safety` is put at the top.
fn fleet_file(n: usize, rotated: usize, dropped: usize, safety: &str) -> String {
    let mut file = format!("version: 1\n{safety}projects:\n");
    for i in 0..n {
        let key = if i < rotated {
            "${NEW_KEY}"
        } else {
            "${OLD_KEY}"
        };
        file.push_str(&format!(
            "  - id: 65f1a2b3c4d5e6f7a8b9{i:04x}\n    integrations:\n      PAGER_DUTY:\n        serviceKey: {key}\n"
        ));
        if !(rotated..rotated + dropped).contains(&i) {
            file.push_str(&format!(
                "      WEBHOOK:\n        url: https://hooks.example.com/team-{i}\n"
            ));
        }
    }
    file
}

const FLEET_ENV: &[(&str, &str)] = &[
    ("OLD_KEY", "fleet-pd-key-old-000000000000000"),
    ("NEW_KEY", "fleet-pd-key-new-111111111111111"),
];

/// Apply went through and the simulator got `writes` writes in all.
fn assert_passed(run: &Run, sim: &SimHandle, writes: u64) {
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(sim.counters().writes(), writes);
}

/// The share gates (30% by default, from 10 managed integrations on): plan
/// says which apply would hit, apply refuses with zero writes, and the flag
/// (or the file's `safety:`) named in the hint lets it pass.
#[test]
fn share_gates_refuse_fleet_wide_changes_until_told() {
    // 10 projects, 20 integrations: 7 updates (35%).
    let sim = Sim::builder().state_yaml(&fleet(10)).start();
    let work = work_with(&fleet_file(10, 7, 0, ""));
    let planned = run(work.path(), &sim, &["plan"], FLEET_ENV);
    assert_eq!(planned.code, 0, "{}", planned.transcript());
    crate::common::assert_contains(
        &planned.stderr,
        "apply would refuse this plan: the plan updates 7 of 20 managed integrations (35%), \
             more than `--max-update-percent` allows (30%)",
    );
    let refused = run(work.path(), &sim, &["apply", "--auto-approve"], FLEET_ENV);
    crate::common::assert_refused(&refused, &sim, "`--max-update-percent 35`");
    let passed = run(
        work.path(),
        &sim,
        &["apply", "--auto-approve", "--max-update-percent", "35"],
        FLEET_ENV,
    );
    assert_passed(&passed, &sim, 7);

    // 7 webhooks deleted of 20 (35%), with `--max-deletes` out of the way.
    let sim = Sim::builder().state_yaml(&fleet(10)).start();
    let work = work_with(&fleet_file(10, 0, 7, "safety:\n  max_deletes: 10\n"));
    let refused = run(work.path(), &sim, &["apply", "--auto-approve"], FLEET_ENV);
    let share = "the plan deletes 7 of 20 managed integrations (35%)";
    crate::common::assert_refused(&refused, &sim, share);
    crate::common::assert_lacks(&refused.stderr, "`--max-deletes` allows");
    let work = work_with(&fleet_file(
        10,
        0,
        7,
        "safety:\n  max_deletes: 10\n  max_delete_percent: 40\n",
    ));
    let passed = run(work.path(), &sim, &["apply", "--auto-approve"], FLEET_ENV);
    assert_passed(&passed, &sim, 7);

    // Below 10 managed integrations the shares are not weighed.
    let sim = Sim::builder().state_yaml(&fleet(4)).start();
    let work = work_with(&fleet_file(4, 4, 0, ""));
    let small = run(work.path(), &sim, &["apply", "--auto-approve"], FLEET_ENV);
    assert_eq!(small.code, 0, "{}", small.transcript());
}

#[test]
fn validate_checks_the_safety_block() {
    let work = work_with(
        "version: 1\nsafety:\n  max_update_percent: 101\n  max_deletes: -1\n  max_everything: 3\nprojects:\n  - id: 65f1a2b3c4d5e6f7a8b9c0d1\n",
    );
    let run = tether(work.path(), &["validate", "--color", "never"], &[]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    for expected in [
        "`max_update_percent` must be a whole number from 0 to 100",
        "`max_deletes` must be a whole number, 0 or more",
        "unknown key `max_everything` in `safety`",
    ] {
        assert!(run.stderr.contains(expected), "{expected}: {}", run.stderr);
    }
}

/// `${NAME}` takes its value from the environment, then
/// `TETHER_SECRETS_JSON`, then each `--secrets` file, the first that has it;
/// no value is ever printed, and a malformed source quotes nothing.
#[test]
fn secrets_come_from_the_environment_json_and_files_in_that_order() {
    let sim = Sim::builder()
        .state_yaml(
            "projects:
  - id: 65f1a2b3c4d5e6f7a8b9c0a9
    name: eta
    orgId: 6600000000000000000000aa
",
        )
        .start();
    let work = work_with(
        "version: 1
projects:
  - id: 65f1a2b3c4d5e6f7a8b9c0a9
    integrations:
      PAGER_DUTY:
        serviceKey: ${PD_KEY}
      DATADOG:
        apiKey: ${DD_KEY}
      OPS_GENIE:
        apiKey: ${OG_KEY}
",
    );
    let file = work.path().join("secrets.yaml");
    std::fs::write(
        &file,
        "PD_KEY: from-file-pd-key-00000000000003\nDD_KEY: 0123456789abcdef0123456789ab0003\nOG_KEY: from-file-og-key-000000000003\n",
    )
    .expect("write");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    let json = r#"{"DD_KEY": "0123456789abcdef0123456789ab0002", "OG_KEY": "from-json-og-key-0000000002"}"#;
    let env = [
        ("PD_KEY", "from-env-pd-key-000000000000001"),
        ("TETHER_SECRETS_JSON", json),
    ];
    let apply = ["apply", "--auto-approve", "--secrets", "secrets.yaml"];
    let applied = run(work.path(), &sim, &apply, &env);
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    crate::common::assert_lacks_any(
        &applied.all_output(),
        &[
            "from-env-pd",
            "0123456789abcdef0123456789ab0002",
            "from-json-og",
            "from-file-",
            "0123456789abcdef0123456789ab0003",
        ],
    );
    let state = sim.snapshot();
    let id = "65f1a2b3c4d5e6f7a8b9c0a9";
    assert_eq!(
        state.stored(id, "PAGER_DUTY", "serviceKey"),
        Some("from-env-pd-key-000000000000001")
    );
    assert_eq!(
        state.stored(id, "DATADOG", "apiKey"),
        Some("0123456789abcdef0123456789ab0002")
    );
    assert_eq!(
        state.stored(id, "OPS_GENIE", "apiKey"),
        Some("from-json-og-key-0000000002")
    );
    // The file alone, through TETHER_SECRETS_FILE.
    let only_file = run(
        work.path(),
        &sim,
        &["plan", "--detailed-exitcode"],
        &[("TETHER_SECRETS_FILE", "secrets.yaml")],
    );
    assert_eq!(
        only_file.code,
        2,
        "the file's values differ: {}",
        only_file.transcript()
    );
    assert!(!only_file.all_output().contains("from-file-"));
    crate::common::assert_lacks(&only_file.all_output(), "0123456789abcdef0123456789ab0003");
    // A name in no source is still an error at its line; nothing is sent.
    sim.reset_counters();
    let missing = run(work.path(), &sim, &["plan"], &[("PD_KEY", "x")]);
    assert_eq!(missing.code, 1, "{}", missing.transcript());
    crate::common::assert_contains(
        &missing.stderr,
        "`TETHER_SECRETS_JSON` or a `--secrets` file",
    );
    assert_eq!(sim.counters().total(), 0);
}

#[test]
fn a_malformed_secrets_source_is_named_and_never_quoted() {
    let sim = Sim::builder().state_fixture("loop/state.yaml").start();
    let work = work_with("version: 1\nprojects:\n  - id: 65f1a2b3c4d5e6f7a8b9c0d1\n");
    for (name, text) in [
        ("list.yaml", "- quoted-secret-value-1\n"),
        ("nested.yaml", "PD_KEY:\n  inner: quoted-secret-value-2\n"),
        ("broken.json", "{\"PD_KEY\": \"quoted-secret-value-3"),
    ] {
        std::fs::write(work.path().join(name), text).expect("write");
    }
    for (args, env, expected) in [
        (
            vec!["plan", "--secrets", "list.yaml"],
            vec![],
            "the secrets file `list.yaml` holds a list, not a mapping",
        ),
        (
            vec!["plan", "--secrets", "nested.yaml"],
            vec![],
            "`PD_KEY` in the secrets file (nested.yaml:2:3) is a mapping, not a string",
        ),
        (
            vec!["validate", "--secrets", "broken.json"],
            vec![],
            "the secrets file `broken.json` is not YAML or JSON (broken.json:1:",
        ),
        (
            vec!["plan"],
            vec![("TETHER_SECRETS_JSON", "{\"PD_KEY\": quoted-secret-value-4}")],
            "`TETHER_SECRETS_JSON` is not valid JSON (line 1, column",
        ),
        (
            vec!["plan"],
            vec![("TETHER_SECRETS_JSON", "{\"PD_KEY\": 5}")],
            "`PD_KEY` in `TETHER_SECRETS_JSON` is not a string",
        ),
    ] {
        let refused = run(work.path(), &sim, &args, &env);
        assert_eq!(refused.code, 1, "{args:?}: {}", refused.transcript());
        assert!(
            refused.stderr.contains(expected),
            "{args:?}: {}",
            refused.stderr
        );
        assert!(
            !refused.all_output().contains("quoted-secret-value"),
            "{args:?}: {}",
            refused.transcript()
        );
    }
    assert_eq!(sim.counters().total(), 0);
}

#[cfg(unix)]
#[test]
fn a_secrets_file_others_can_read_gets_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let work = work_with("version: 1\nprojects:\n  - id: 65f1a2b3c4d5e6f7a8b9c0d1\n");
    let file = work.path().join("secrets.yaml");
    std::fs::write(&file, "PD_KEY: x\n").expect("write");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let run = tether(
        work.path(),
        &["validate", "--color", "never", "--secrets", "secrets.yaml"],
        &[],
    );
    crate::common::assert_exit_saying(&run, 0, &["can be read by group or others (mode 644)"]);
}

/// Ctrl-C during the writes stops starting operations at once: at most the
/// writes already in flight (one, at `--concurrency 1`) finish after it.
#[cfg(unix)]
#[test]
fn after_ctrl_c_no_queued_write_starts() {
    let state = StateFile::parse(&fleet(12)).expect("state");
    let sim = Sim::builder()
        .state(state)
        .worker_threads(2)
        .faults(tether::sim::Faults {
            latency: std::time::Duration::from_millis(150),
            ..tether::sim::Faults::default()
        })
        .start();
    let work = work_with(&fleet_file(
        12,
        12,
        0,
        "safety:\n  max_update_percent: 100\n",
    ));
    let at_signal = std::cell::Cell::new(0);
    let run = crate::common::signalled(
        (work.path(), &sim, FLEET_ENV),
        &["apply", "--auto-approve", "--concurrency", "1"],
        ("Plan:", std::time::Duration::from_millis(400), "-INT"),
        || at_signal.set(sim.counters().writes()),
    );
    let (at_signal, seen) = (at_signal.get(), run.stdout);
    assert_eq!(run.code, Some(130), "{seen}");
    let at_exit = sim.counters().writes();
    assert!(
        at_signal < 12,
        "the signal came before the end: {at_signal}"
    );
    assert!(
        at_exit <= at_signal + 1,
        "{at_signal} writes at the signal, {at_exit} at exit: queued writes started"
    );
    let done = seen.lines().filter(|l| l.ends_with(": done")).count() as u64;
    assert_eq!(done, at_exit, "{seen}");
    crate::common::assert_contains(&seen, "not started (interrupted)");
}
