//! `tether validate`: every kind of bad input gives one clear message at the
//! right place, the exit code says valid or not, and no secret is printed.

use std::path::Path;

use crate::common::{Run, env_file, fixtures, repo_root, tether};

/// Secrets the fixtures read from the environment. None may ever be printed.
const ENV: &[(&str, &str)] = &[
    ("PD_KEY", "pd-secret-1111222233334444"),
    ("DD_KEY", "0123456789abcdef0123456789abf00d"),
    ("OPSGENIE_KEY", "11111111-2222-4333-8444-555566667777"),
    ("PROM_PASSWORD", "prom-secret-password-9f8e"),
    ("HOOK_URL", "https://hooks.example.com/secret/path/c0ffee"),
    ("HOOK_SECRET", "hook-secret-value-8c7d6e"),
    ("SLACK_TOKEN", "xoxb-secret-slack-token-1a2b"),
    ("FLOWDOCK_TOKEN", "flowdock-secret-token-77aa"),
    ("NR_LICENSE", "0123456789abcdef0123456789abcdef01234567"),
    ("NR_READ", "nr-read-token-secret-5d6e"),
    ("NR_WRITE", "nr-write-token-secret-7f80"),
    ("DD_LOGS_API_KEY", "dd-logs-secret-key-3c4d"),
    ("DD_AUDIT_API_KEY", "dd-audit-secret-key-5e6f"),
    ("OTEL_LOGS_TOKEN", "otel-logs-secret-token-7a8b"),
    ("SPLUNK_HEC_TOKEN", "splunk-hec-secret-token-9c0d"),
    ("DYNATRACE_TOKEN", "dynatrace-secret-token-1e2f"),
    (
        "MULTILINE_TOKEN",
        "multiline-secret-first\nmultiline-secret-second",
    ),
];

/// The values a fixture writes literally as `literal-…`: secrets written
/// into the file, which no output may show either.
fn literal_secrets(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("a fixture");
    text.match_indices("literal-")
        .map(|(at, _)| {
            text[at..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect()
        })
        .collect()
}

fn validate_in(dir: &Path, file: &str, env: &[(&str, &str)]) -> Run {
    let run = tether(dir, &["validate", "--color", "never", "-f", file], env);
    let output = run.all_output();
    for (name, value) in env {
        assert!(
            !output.contains(value),
            "the value of {name} was printed:\n{output}"
        );
    }
    run
}

/// `validate --ignore-unset -f FILE` in `dir`, with no variables.
fn validate_ignoring_unset(dir: &Path, file: &str) -> Run {
    let args = ["validate", "--color", "never", "--ignore-unset", "-f", file];
    tether(dir, &args, &[])
}

fn validate(file: &str) -> Run {
    validate_in(&fixtures().join("validate"), file, ENV)
}

/// [`validate_in`] on `contents`, written as `file` in a new folder.
fn validate_written(file: &str, contents: impl AsRef<[u8]>, env: &[(&str, &str)]) -> Run {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join(file), contents).expect("write");
    validate_in(dir.path(), file, env)
}

/// A file of `count` projects (ids 0, 1, ...), each declaring PAGER_DUTY
/// with the field lines `fields` gives for its number.
fn pager_duty_fleet(count: usize, fields: impl Fn(usize) -> String) -> String {
    let mut text = String::from("version: 1\nprojects:\n");
    for n in 0..count {
        text.push_str(&format!(
            "  - id: {n:024x}\n    integrations:\n      PAGER_DUTY:\n{}",
            fields(n)
        ));
    }
    text
}

/// Checks that `run` was refused (exit 1), then its transcript against the
/// test's snapshot.
macro_rules! assert_refused_as_snapshot {
    ($run:expr) => {{
        let run: &Run = &$run;
        assert_eq!(run.code, 1, "{}", run.transcript());
        insta::assert_snapshot!(run.transcript());
    }};
}

/// Every file in `fixtures/validate/invalid/` is refused with one clear
/// message at the right place, one snapshot per file: adding a file adds
/// its case. Among them, `specification.yaml` holds the official
/// specifications' rules: a VICTOR_OPS `routingKey` and a PROMETHEUS
/// `password` are optional (the first with a warning), the Datadog and
/// Prometheus flags are fine on v1.0, and New Relic ids are lowercase hex.
#[test]
fn every_invalid_file_is_refused_with_its_message() {
    insta::glob!("fixtures/validate/invalid/*.yaml", |path| {
        let file = path
            .file_name()
            .and_then(|name| name.to_str())
            .expect("a UTF-8 file name");
        let run = validate_in(path.parent().expect("its folder"), file, ENV);
        for secret in literal_secrets(path) {
            assert!(
                !run.all_output().contains(&secret),
                "`{secret}` was printed:
{}",
                run.transcript()
            );
        }
        assert_refused_as_snapshot!(run);
    });
}

/// All six log types, two metric integrations and the push-based
/// migration, through `defaults` and a template too.
#[test]
fn the_log_and_metric_families_example_is_valid() {
    let run = validate("families.yaml");
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(run.stderr, "", "families.yaml has warnings");
}

/// Headers hold at most 2 KB, names and values together: a value from a
/// variable that takes them past it is refused without being shown, and so
/// is a name too long for the whole budget.
#[test]
fn a_huge_header_is_refused_without_being_printed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = |name: &str| {
        format!(
            "version: 1\nprojects:\n  - name: p\n    metric_integrations:\n      - \
             providerType: CUSTOM\n        endpoint: https://otlp.example.com\n        \
             aggregationTemporality: DELTA\n        metricSelection: [MONGODB_METRICS]\n        \
             headers:\n          - name: {name}\n            value: ${{HUGE_TOKEN}}\n"
        )
    };
    std::fs::write(dir.path().join("value.yaml"), file("Authorization")).expect("write");
    std::fs::write(dir.path().join("name.yaml"), file(&"X".repeat(3000))).expect("write");
    let huge = "huge-secret-".repeat(200);
    let env = [("HUGE_TOKEN", huge.as_str())];
    let run = validate_in(dir.path(), "value.yaml", &env);
    assert_eq!(run.code, 1, "{}", run.transcript());
    crate::common::assert_contains(&run.stderr, "are longer than 2048 bytes");
    assert!(!run.all_output().contains("huge-secret"));
    insta::assert_snapshot!(run.transcript());
    let run = validate_in(dir.path(), "name.yaml", &[("HUGE_TOKEN", "short")]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    crate::common::assert_contains(&run.stderr, "a header's `name` is longer than 2048 bytes");
}

#[test]
fn unset_variable_is_named_and_no_value_is_printed() {
    let run = validate("unset-var.yaml");
    crate::common::assert_contains(&run.stderr, "environment variable `HOOK_PATH` is not set");
    assert_refused_as_snapshot!(run);
}

#[test]
fn ignore_unset_accepts_missing_variables() {
    let dir = fixtures().join("validate");
    let run = validate_ignoring_unset(&dir, "unset-var.yaml");
    assert_eq!(run.code, 0, "{}", run.transcript());
}

/// CI gives a fork's pull request the secrets it may not read as empty
/// strings: `--ignore-unset` takes them as unset; without it they are
/// errors.
#[test]
fn ignore_unset_accepts_empty_variables() {
    let dir = fixtures().join("validate");
    let text = std::fs::read_to_string(dir.join("unset-var.yaml")).expect("fixture");
    let names: Vec<&str> = text
        .split("${")
        .skip(1)
        .filter_map(|rest| rest.split('}').next())
        .collect();
    assert!(!names.is_empty());
    let empty: Vec<(&str, &str)> = names.iter().map(|name| (*name, "")).collect();
    let args = ["validate", "--color", "never", "-f", "unset-var.yaml"];
    let strict = tether(&dir, &args, &empty);
    crate::common::assert_exit_saying(&strict, 1, &["are set but empty"]);
    let lenient = tether(&dir, &[&args[..], &["--ignore-unset"]].concat(), &empty);
    assert_eq!(lenient.code, 0, "{}", lenient.transcript());
}

#[test]
fn literal_secret_is_a_warning_and_is_never_shown() {
    let run = validate("literal-secret.yaml");
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(!run.all_output().contains("literal-pd-key-4f1d9c0e5a7b"));
    assert!(!run.all_output().contains("4f1d9c0e5a7b"));
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn many_problems_alike_are_shown_three_times_then_summarised() {
    let text = pager_duty_fleet(6, |_| {
        "        serviceKey: literal-pd-key-4f1d9c0e5a7b\n        region: MARS\n".to_owned()
    });
    let run = validate_written("alike.yaml", text, ENV);
    assert!(!run.all_output().contains("4f1d9c0e5a7b"));
    crate::common::assert_ends_with(&run.stderr, "alike.yaml: 6 errors and 6 warnings\n");
    assert_refused_as_snapshot!(run);
}

#[test]
fn missing_file() {
    assert_refused_as_snapshot!(validate("no-such-file.yaml"));
}

#[test]
fn directory_instead_of_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("configs")).expect("mkdir");
    assert_refused_as_snapshot!(validate_in(dir.path(), "configs", ENV));
}

#[test]
fn non_utf8_file() {
    let mut bytes = b"version: 1\nprojects:\n  - name: caf".to_vec();
    bytes.extend([0xe9, b'\n']);
    assert_refused_as_snapshot!(validate_written("latin1.yaml", bytes, ENV));
}

#[test]
fn alias_bomb_is_refused_quickly() {
    let mut text = String::from(
        "version: 1\nbomb:\n  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    );
    for level in 1..=12 {
        let refs = vec![format!("*l{}", level - 1); 10].join(", ");
        text.push_str(&format!("  l{level}: &l{level} [{refs}]\n"));
    }
    text.push_str("projects: []\n");
    assert_refused_as_snapshot!(validate_written("bomb.yaml", text, ENV));
}

#[test]
fn ten_megabyte_file_of_valid_projects() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("big.yaml");
    let projects = write_big_file(&path, 10 * 1024 * 1024);
    let run = validate_in(dir.path(), "big.yaml", ENV);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        format!(
            "big.yaml is valid: {projects} projects, {} integrations declared\n",
            projects * 2
        )
    );
}

/// Writes at least `bytes` of valid projects; returns how many.
pub fn write_big_file(path: &Path, bytes: usize) -> usize {
    let mut text = String::from("version: 1\ndefaults:\n  mode: authoritative\nprojects:\n");
    let mut n = 0usize;
    while text.len() < bytes {
        text.push_str(&format!(
            "  - id: {n:024x}\n    name: project-{n}\n    integrations:\n      PAGER_DUTY:\n        serviceKey: ${{PD_KEY}}\n        region: EU\n      DATADOG:\n        apiKey: ${{DD_KEY}}\n        sendDatabaseMetrics: true\n"
        ));
        n += 1;
    }
    std::fs::write(path, text).expect("write");
    n
}

#[test]
fn examples_are_valid() {
    let root = repo_root();
    let env = env_file(&root.join("examples/realistic.env"));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut with_pd = env.clone();
    with_pd.push(("PD_SERVICE_KEY", "0123456789abcdef0123456789abcd01"));
    let run = validate_in(&root, "examples/minimal.yaml", &with_pd);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(run.stderr, "", "examples/minimal.yaml has warnings");
    // The realistic example declares every type, the ending ones too: its
    // only warnings are theirs.
    let run = validate_in(&root, "examples/realistic.yaml", &env);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|line| line.trim_start().starts_with('⚠'))
        .collect();
    assert_eq!(warnings.len(), 4, "{}", run.stderr);
    for ending in [
        "Slack",
        "Office 365 connector",
        "Opsgenie ends on",
        "New Relic",
    ] {
        assert!(
            warnings.iter().any(|w| w.contains(ending)),
            "{ending}: {}",
            run.stderr
        );
    }
    assert_eq!(
        run.stdout,
        "examples/realistic.yaml is valid: 12 projects, 27 integrations declared (4 warnings)\n"
    );
}

/// Every ```yaml block of the README and the manual in docs/.
#[test]
fn documented_file_examples_are_valid() {
    let mut pages = vec![repo_root().join("README.md")];
    for entry in std::fs::read_dir(repo_root().join("docs")).expect("docs/") {
        let path = entry.expect("an entry of docs/").path();
        if path.extension().is_some_and(|e| e == "md") {
            pages.push(path);
        }
    }
    let texts: Vec<String> = pages
        .iter()
        .map(|page| std::fs::read_to_string(page).expect("a page"))
        .collect();
    let blocks: Vec<&str> = texts
        .iter()
        .flat_map(|text| text.split("```yaml\n").skip(1))
        .filter_map(|rest| rest.split_once("```").map(|(block, _)| block))
        .collect();
    assert!(!blocks.is_empty(), "the documentation shows a file");
    let dir = tempfile::tempdir().expect("tempdir");
    for (n, block) in blocks.iter().enumerate() {
        let name = format!("readme-{n}.yaml");
        std::fs::write(dir.path().join(&name), block).expect("write");
        let run = validate_ignoring_unset(dir.path(), &name);
        assert_eq!(
            run.code,
            0,
            "documented block {n}:\n{block}\n{}",
            run.transcript()
        );
        // Notes say which variables had no value; nothing else is printed.
        assert!(
            !run.stderr.contains(['⚠', '×']),
            "documented block {n} has warnings:\n{}",
            run.stderr
        );
    }
}

#[test]
fn quiet_prints_nothing_on_success() {
    let root = repo_root();
    let run = tether(
        &root,
        &["validate", "-q", "-f", "examples/minimal.yaml"],
        &[("PD_SERVICE_KEY", "abc")],
    );
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (0, "", "")
    );
}

/// One value may be at most 32 KiB, twice Atlas's longest field (a webhook
/// `bodyTemplate`, 16 KB), whether it is written in the file, comes from a
/// variable or a secrets file, or grows from many `${NAME}`s. The error says
/// where, never quotes the value, and does not print the long line.
#[test]
fn a_value_longer_than_the_cap_is_refused_where_it_stands_without_being_printed() {
    let work = tempfile::tempdir().expect("tempdir");
    let file = |value: &str| {
        format!(
            "version: 1\nprojects:\n  - id: 65f1a2b3c4d5e6f7a8b9c0d1\n    integrations:\n      \
             PAGER_DUTY:\n        serviceKey: {value}\n"
        )
    };
    let long_key = "ab".repeat(20 * 1024);
    let kib = "c".repeat(1024);
    std::fs::write(work.path().join("literal.yaml"), file(&long_key)).expect("write");
    std::fs::write(work.path().join("variable.yaml"), file("${LONG_KEY}")).expect("write");
    std::fs::write(
        work.path().join("repeated.yaml"),
        file(&"${KIB}".repeat(100)),
    )
    .expect("write");
    std::fs::write(
        work.path().join("secrets.yaml"),
        format!("LONG_KEY: {long_key}\n"),
    )
    .expect("write");
    let secrets = ["--secrets", "secrets.yaml"];
    // The file, extra arguments, the environment, and what the error says.
    type Case<'a> = (&'a str, &'a [&'a str], &'a [(&'a str, &'a str)], &'a str);
    let cases: [Case; 4] = [
        (
            "literal.yaml",
            &[],
            &[],
            "the value at line 6, column 21 is",
        ),
        (
            "variable.yaml",
            &[],
            &[("LONG_KEY", &long_key)],
            "with `${LONG_KEY}` put in, the value at line 6, column 21 is",
        ),
        (
            "variable.yaml",
            &secrets,
            &[],
            "with `${LONG_KEY}` put in, the value at line 6, column 21 is",
        ),
        (
            "repeated.yaml",
            &[],
            &[("KIB", &kib)],
            "with `${KIB}` put in, the value at line 6, column 21 is",
        ),
    ];
    for (name, extra, env, said) in cases {
        let mut args = vec!["validate", "--color", "never", "-f", name];
        args.extend_from_slice(extra);
        let run = tether(work.path(), &args, env);
        assert_eq!(run.code, 1, "{name}: {}", run.transcript());
        // As one line: the report wraps long messages.
        let flat: Vec<&str> = run
            .stderr
            .split_whitespace()
            .filter(|word| *word != "│")
            .collect();
        assert!(
            flat.join(" ").contains(&format!(
                "{name}: {said} longer than 32 KiB, the most tether takes for one value"
            )),
            "{name}: {}",
            run.transcript()
        );
        assert!(
            run.all_output().len() < 4096,
            "{name}: {}",
            run.transcript()
        );
        crate::common::assert_lacks(&run.all_output(), "abab");
        crate::common::assert_lacks(&run.all_output(), "cccc");
    }
}

/// The fork-PR recipe's command, exactly: a fork's pull request has no
/// secrets, so every `${VAR}` is unset, in ids, organizations, names and
/// enum fields alike. Each unset variable gets one note, however often it
/// is used, and nothing is an error.
#[test]
fn the_fork_pr_command_passes_with_unset_ids_organizations_names_and_enums() {
    let dir = fixtures().join("validate");
    let run = validate_ignoring_unset(&dir, "fork-pr.yaml");
    assert_eq!(run.code, 0, "{}", run.transcript());
    for name in [
        "PAYMENTS_PROJECT_ID",
        "PAYMENTS_PROJECT_NAME",
        "PD_KEY",
        "PD_REGION",
        "SEARCH_PROJECT_ID",
        "TEAM",
        "ATLAS_ORG_ID",
        "DD_KEY",
        "DD_REGION",
    ] {
        let lines = run
            .stderr
            .lines()
            .filter(|line| line.contains(&format!("`{name}`")))
            .count();
        assert_eq!(lines, 1, "{name}: {}", run.transcript());
    }
    insta::assert_snapshot!(run.transcript());
}

/// `--ignore-unset` relaxes only what needs a variable's value: an id, an
/// organization or a glob written wrong in the file is still an error, and
/// so is `$${` (a literal `${`, not a variable).
#[test]
fn ignore_unset_still_refuses_what_is_written_wrong() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "version: 1\nprojects:\n  - id: 65F1A2B3C4D5E6F7A8B9C0D1\n  - id: $${PROJECT_ID}\n  \
        - select:\n      org: not-an-org\n      name: \"[ab]-*\"\n";
    std::fs::write(dir.path().join("bad.yaml"), text).expect("write");
    let run = validate_ignoring_unset(dir.path(), "bad.yaml");
    crate::common::assert_exit_saying(
        &run,
        1,
        &[
            "`65F1A2B3C4D5E6F7A8B9C0D1` is not an Atlas project id",
            "`${PROJECT_ID}` is not an Atlas project id",
            "`select.org` is not an organization id",
            "`select.name` has `[`",
        ],
    );
    crate::common::assert_ends_with(&run.stderr, "bad.yaml: 4 errors\n");
}

/// Twenty variables unset, each used three times: one block with one line
/// per variable, each line naming `file:line:col` of its first use and the
/// lines of the others, instead of sixty framed errors.
#[test]
fn unset_variables_are_one_block_with_one_line_per_variable() {
    let text = pager_duty_fleet(60, |n| {
        format!("        serviceKey: ${{TEAM_{}_PD_KEY}}\n", n % 20)
    });
    let run = validate_written("fleet.yaml", text, &[]);
    for n in 0..20 {
        let name = format!("`TEAM_{n}_PD_KEY`");
        let lines: Vec<&str> = run
            .stderr
            .lines()
            .filter(|line| line.contains(&name))
            .collect();
        assert_eq!(lines.len(), 1, "{name}: {}", run.stderr);
        let first = 4 * n + 6;
        assert!(
            lines[0].contains(&format!("fleet.yaml:{first}:21")),
            "{name}: {}",
            run.stderr
        );
    }
    assert!(
        run.stderr.lines().count() <= 26,
        "{} lines:\n{}",
        run.stderr.lines().count(),
        run.stderr
    );
    crate::common::assert_ends_with(&run.stderr, "fleet.yaml: 60 errors\n");
    assert_refused_as_snapshot!(run);
}

/// Atlas allows one project name in several organizations: two entries
/// with different ids and one name are two projects. A name is ambiguous
/// only where it finds the project (an entry with a name and no id).
#[test]
fn one_name_is_ambiguous_only_where_it_finds_the_project() {
    let dir = tempfile::tempdir().expect("tempdir");
    let by_id = "version: 1\nprojects:\n  - id: 65f1a2b3c4d5e6f7a8b9c0d1\n    name: api-prod\n  \
        - id: 65f1a2b3c4d5e6f7a8b9c0d2\n    name: api-prod\n";
    std::fs::write(dir.path().join("ids.yaml"), by_id).expect("write");
    let run = validate_in(dir.path(), "ids.yaml", &[]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(
        run.stdout,
        "ids.yaml is valid: 2 projects, 0 integrations declared\n"
    );

    let cases = [
        ("names.yaml", "  - name: api-prod\n  - name: api-prod\n", 4),
        (
            "name-after-id.yaml",
            "  - id: 65f1a2b3c4d5e6f7a8b9c0d1\n    name: api-prod\n  - name: api-prod\n",
            5,
        ),
        (
            "id-after-name.yaml",
            "  - name: api-prod\n  - id: 65f1a2b3c4d5e6f7a8b9c0d1\n    name: api-prod\n  \
             - id: 65f1a2b3c4d5e6f7a8b9c0d2\n    name: api-prod\n",
            3,
        ),
    ];
    for (file, projects, line) in cases {
        std::fs::write(
            dir.path().join(file),
            format!("version: 1\nprojects:\n{projects}"),
        )
        .expect("write");
        let run = validate_in(dir.path(), file, &[]);
        assert_eq!(run.code, 1, "{file}: {}", run.transcript());
        assert!(
            run.stderr.contains("`api-prod`") && run.stderr.contains(&format!("[{file}:{line}:")),
            "{file}: {}",
            run.transcript()
        );
        crate::common::assert_ends_with(&run.stderr, &format!("{file}: 1 error\n"));
    }
}

/// A field written at the level of the integration types (indented one
/// step too little) is named as a field, with the type to indent it under;
/// its value, a secret, is never quoted.
#[test]
fn a_mis_indented_field_is_named_with_the_type_to_indent_it_under() {
    let text = "version: 1\nprojects:\n  - id: 65f1a2b3c4d5e6f7a8b9c0d1\n    integrations:\n      \
        PAGER_DUTY:\n        region: EU\n      serviceKey: literal-pd-key-4f1d9c0e5a7b\n";
    let run = validate_written("indent.yaml", text, &[]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    crate::common::assert_lacks(&run.all_output(), "4f1d9c0e5a7b");
    let flat = run.stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::common::assert_contains(
        &flat,
        "`serviceKey` is a field of `PAGER_DUTY`, not an integration type",
    );
    crate::common::assert_contains(&flat, "indent it under `PAGER_DUTY:`");
}

/// An id in uppercase is refused, with the lowercase id to write instead.
#[test]
fn an_uppercase_project_or_organization_id_suggests_the_lowercase_one() {
    let text = "version: 1\nprojects:\n  - id: 65F1A2B3C4D5E6F7A8B9C0D1\n  - select:\n      \
        org: 6600000000000000000000AA\n";
    let run = validate_written("upper.yaml", text, &[]);
    crate::common::assert_exit_saying(
        &run,
        1,
        &[
            "did you mean `65f1a2b3c4d5e6f7a8b9c0d1`?",
            "did you mean `6600000000000000000000aa`?",
        ],
    );
}
