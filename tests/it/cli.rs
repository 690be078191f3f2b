//! The command line's contract: each subcommand takes only the options that
//! do something there, and a usage error exits 1, never 2 (which means
//! "changes pending" or "drift found" to a script).

use crate::common::{repo_root, tether};

#[test]
fn usage_errors_exit_1_not_2() {
    for args in [
        vec!["drift", "--bogus"],
        vec!["plan", "--detailed-exitcode", "--bogus"],
        vec!["apply", "--max-deletes", "many"],
        vec!["schema", "--concurrency", "3"],
        vec!["validate", "--api", "v2"],
        vec!["plan", "--api", "v3"],
        vec!["no-such-command"],
        vec![],
    ] {
        let run = tether(&repo_root(), &args, &[]);
        assert_eq!(run.code, 1, "{args:?}: {}", run.transcript());
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.transcript());
        assert!(
            run.stderr.contains("error:") || run.stderr.contains("Usage: tether"),
            "{args:?}: {}",
            run.transcript()
        );
    }
}

#[test]
fn help_and_version_exit_0() {
    let help = tether(&repo_root(), &["--help"], &[]);
    assert_eq!(help.code, 0, "{}", help.transcript());
    crate::common::assert_contains(&help.stdout, "Exit codes:");
    let version = tether(&repo_root(), &["--version"], &[]);
    assert_eq!(version.code, 0, "{}", version.transcript());
    crate::common::assert_starts_with(&version.stdout, "tether ");
    crate::common::assert_starts_with(
        &version.stdout,
        concat!("tether ", env!("CARGO_PKG_VERSION"), " (commit "),
    );
}

/// `--help` of each subcommand lists what that subcommand uses, and
/// nothing that only another one uses.
#[test]
fn each_subcommand_shows_only_its_own_options() {
    let help = |command: &str| {
        let run = tether(&repo_root(), &[command, "--help"], &[]);
        assert_eq!(run.code, 0, "{}", run.transcript());
        run.stdout
    };
    let atlas_options = ["--concurrency", "--retries", "--base-url", "--api"];
    let sim = help("sim");
    crate::common::assert_contains(&sim, "--latency-ms");
    for option in atlas_options
        .iter()
        .chain(&["--project", "--type", "--file"])
    {
        assert!(!sim.contains(option), "`sim --help` shows {option}:\n{sim}");
    }
    let schema = help("schema");
    for option in atlas_options.iter().chain(&["--project", "--file"]) {
        assert!(!schema.contains(option), "`schema --help` shows {option}");
    }
    let validate = help("validate");
    assert!(validate.contains("--file") && validate.contains("--ignore-unset"));
    for option in atlas_options.iter().chain(&["--project", "--type"]) {
        assert!(
            !validate.contains(option),
            "`validate --help` shows {option}"
        );
    }
    for command in ["plan", "apply", "drift"] {
        let text = help(command);
        for option in atlas_options
            .iter()
            .chain(&["--project", "--type", "--file"])
        {
            assert!(text.contains(option), "`{command} --help` lacks {option}");
        }
    }
    let import = help("import");
    assert!(import.contains("--org") && import.contains("--base-url"));
    crate::common::assert_lacks(&import, "--type");
    for command in ["plan", "validate", "sim", "schema"] {
        assert!(
            help(command).contains("--color"),
            "`{command} --help` lacks the global --color"
        );
    }
}

/// A base URL without its scheme names the setting it came from and the URL
/// to write instead; nothing is sent anywhere.
#[test]
fn a_base_url_without_a_scheme_names_its_setting_and_suggests_the_url() {
    let work =
        crate::common::folder_with("version: 1\nprojects:\n  - id: 65f1a2b3c4d5e6f7a8b9c0d1\n");
    let flag = tether(
        work.path(),
        &["plan", "--color", "never", "--base-url", "127.0.0.1:18080"],
        &[],
    );
    let variable = tether(
        work.path(),
        &["whoami", "--color", "never"],
        &[("MONGODB_ATLAS_BASE_URL", "localhost:18080")],
    );
    for (run, setting, url) in [
        (&flag, "`--base-url`", "`http://127.0.0.1:18080`"),
        (
            &variable,
            "`MONGODB_ATLAS_BASE_URL`",
            "`http://localhost:18080`",
        ),
    ] {
        assert_eq!(run.code, 1, "{}", run.transcript());
        let first = run.stderr.lines().next().unwrap_or_default();
        assert!(first.contains(setting), "{setting}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("did you mean {url}?")),
            "{url}: {}",
            run.stderr
        );
        crate::common::assert_lacks(&run.stderr, "named above");
    }
}
