//! `-f DIR`: the `*.yaml`/`*.yml` files of a directory, in name order, are
//! one configuration, each team owning a file.

use std::path::Path;

use tempfile::TempDir;
use tether::sim::SimHandle;

use crate::common::{Run, fixtures, tether, tether_against};
use crate::gitops::ENV;

/// `validate -f .` in `dir`, with no variables.
fn validate_dir(dir: &Path) -> Run {
    tether(dir, &["validate", "--color", "never", "-f", "."], &[])
}

/// A new folder holding each `(name, text)` of `files`.
fn folder_of(files: &[(&str, &str)]) -> TempDir {
    let work = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        std::fs::write(work.path().join(name), text).expect("write");
    }
    work
}

/// The simulator of the loop fixture, and its file [`split`] in a folder.
fn loop_split() -> (SimHandle, TempDir) {
    let sim = crate::common::Sim::builder()
        .state_fixture("loop/state.yaml")
        .start();
    let work = tempfile::tempdir().expect("tempdir");
    split(work.path());
    (sim, work)
}

/// The loop fixture's file, split: defaults in one file, each half of the
/// projects in another.
fn split(dir: &Path) {
    let whole = std::fs::read_to_string(fixtures().join("loop/tether.yaml")).expect("fixture");
    let (head, projects) = whole.split_once("projects:\n").expect("a projects list");
    let entries: Vec<&str> = projects.split("\n  - ").collect();
    let half = entries.len() / 2;
    let rejoin = |part: &[&str]| format!("version: 1\nprojects:\n{}\n", part.join("\n  - "));
    std::fs::write(dir.join("00-defaults.yaml"), head).expect("write");
    std::fs::write(dir.join("10-payments.yaml"), rejoin(&entries[..half])).expect("write");
    std::fs::write(
        dir.join("20-others.yml"),
        format!(
            "version: 1\nprojects:\n  - {}\n",
            entries[half..].join("\n  - ")
        ),
    )
    .expect("write");
    std::fs::write(dir.join("README.md"), "not a tether file").expect("write");
}

#[test]
fn a_directory_plans_as_the_same_single_file() {
    let (sim, work) = loop_split();
    let single = tether_against(
        &fixtures().join("loop"),
        &sim,
        &["plan", "--output", "json"],
        ENV,
    );
    let directory = tether_against(
        &fixtures(),
        &sim,
        &[
            "plan",
            "--output",
            "json",
            "-f",
            work.path().to_str().expect("utf-8"),
        ],
        ENV,
    );
    assert_eq!(single.code, 0, "{}", single.transcript());
    assert_eq!(directory.code, 0, "{}", directory.transcript());
    assert_eq!(directory.stdout, single.stdout);
    let validated = tether(work.path(), &["validate", "-f", "."], ENV);
    assert_eq!(validated.code, 0, "{}", validated.transcript());
    crate::common::assert_contains(&validated.stdout, "4 projects");
}

#[test]
fn problems_name_their_file_and_duplicates_point_at_both() {
    let work = folder_of(&[
        (
            "a.yaml",
            "version: 1\napi: v1\ndefaults:\n  mode: additive\ntemplates:\n  paging:\n    PAGER_DUTY: absent\nprojects:\n  - id: 65f1a2b3c4d5e6f7a8b9c0d1\n    use: [paging]\n",
        ),
        (
            "b.yaml",
            "version: 1\napi: v2\ndefaults:\n  mode: observe\ntemplates:\n  paging:\n    OPS_GENIE: absent\nprojects:\n  - id: 65f1a2b3c4d5e6f7a8b9c0d1\n    bogus: 1\n",
        ),
    ]);
    let run = validate_dir(work.path());
    crate::common::assert_exit_saying(
        &run,
        1,
        &[
            "`defaults` is also in `./a.yaml`",
            "`api` is also in `./a.yaml`",
            "template `paging` is also defined at ./a.yaml:6:3",
            "project `65f1a2b3c4d5e6f7a8b9c0d1` is also declared at ./a.yaml:9:5",
            "[./b.yaml:10:5]",
            "./b.yaml",
        ],
    );
}

#[test]
fn an_output_in_the_configuration_directory_is_refused() {
    let (sim, work) = loop_split();
    let refused = tether_against(
        work.path(),
        &sim,
        &["plan", "-f", ".", "--out", "plan.yaml"],
        ENV,
    );
    crate::common::assert_exit_saying(&refused, 1, &["is in the directory tether reads"]);
    assert_eq!(sim.counters().total(), 0);
}

/// What looks like a configuration of the directory (a name ending in
/// `.yaml` or `.yml`, in any case) and cannot be read as one is an error
/// naming it: skipped, it would let another file's selector take over the
/// team's project and delete what the team declared.
#[cfg(unix)]
#[test]
fn an_entry_named_like_a_configuration_that_cannot_be_read_is_an_error_never_skipped() {
    use std::os::unix::fs::symlink;
    type Make = fn(&Path);
    let cases: [(&str, Make, &str, &str); 8] = [
        (
            "team-b.yaml",
            |path| symlink(path.with_file_name("gone.yaml"), path).expect("symlink"),
            "is a symbolic link to a file that does not exist",
            "point the link at the tether file, or remove the link",
        ),
        (
            "team-b.YAML",
            |path| std::fs::write(path, "version: 1\nprojects: []\n").expect("write"),
            "is not read: tether reads `*.yaml` and `*.yml` in lowercase only",
            "rename it to `team-b.yaml`, or move it out of the directory",
        ),
        (
            "team-b.Yml",
            |path| std::fs::write(path, "version: 1\nprojects: []\n").expect("write"),
            "is not read: tether reads `*.yaml` and `*.yml` in lowercase only",
            "rename it to `team-b.yml`, or move it out of the directory",
        ),
        (
            "team-b.yaml",
            |path| {
                let made = std::process::Command::new("mkfifo")
                    .arg(path)
                    .status()
                    .expect("mkfifo runs");
                assert!(made.success());
            },
            "is not a regular file: it is a named pipe (FIFO)",
            "put the YAML file itself in the directory, or move this out of it",
        ),
        (
            "team-b.yaml",
            |path| symlink("/dev/null", path).expect("symlink"),
            "is not a regular file: it is a device",
            "put the YAML file itself in the directory, or move this out of it",
        ),
        (
            "team-b.yml",
            |path| symlink("/dev/zero", path).expect("symlink"),
            "is not a regular file: it is a device",
            "put the YAML file itself in the directory, or move this out of it",
        ),
        (
            "team-b.yaml",
            |path| std::fs::create_dir(path).expect("mkdir"),
            "is not a regular file: it is a directory",
            "put the YAML file itself in the directory, or move this out of it",
        ),
        (
            "TEAM-B.YML",
            |path| symlink("/dev/zero", path).expect("symlink"),
            "is not read: tether reads `*.yaml` and `*.yml` in lowercase only",
            "rename it to `TEAM-B.yml`, or move it out of the directory",
        ),
    ];
    for (name, make, message, help) in cases {
        let work = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            work.path().join("team-a.yaml"),
            "version: 1\nprojects:\n  - select: {org: 6600000000000000000000aa}\n    \
             integrations:\n      PAGER_DUTY: absent\n",
        )
        .expect("write");
        std::fs::write(work.path().join("notes.md"), "not a configuration").expect("write");
        make(&work.path().join(name));
        let run = validate_dir(work.path());
        assert_eq!(run.code, 1, "{name}: {}", run.transcript());
        assert!(
            run.stderr.contains(&format!("./{name}: {message}")),
            "{name}: {}",
            run.transcript()
        );
        assert!(run.stderr.contains(help), "{name}: {}", run.transcript());
        assert!(
            !run.stdout.contains("valid"),
            "{name}: {}",
            run.transcript()
        );
    }
}

/// Hidden files and every letter of a name are as before: `.team.yaml` is
/// read; backups and editors' files (`team.yaml~`, `team.yaml.swp`) are not
/// configurations.
#[test]
fn hidden_files_are_read_and_backups_are_not_configurations() {
    let work = folder_of(&[
        ("a.yaml", "version: 1\nprojects: []\n"),
        (".b.yaml", "version: 1\nbogus: 1\n"),
        ("a.yaml~", "not: [yaml"),
        ("a.yaml.swp", "\u{0}binary"),
    ]);
    let run = validate_dir(work.path());
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(run.stderr.contains("./.b.yaml"), "{}", run.transcript());
    assert!(!run.stderr.contains("a.yaml~"), "{}", run.transcript());
    assert!(!run.stderr.contains("a.yaml.swp"), "{}", run.transcript());
}

/// One team file per organization: the same project name with different
/// ids in two files is two projects; a name alone in one file that another
/// file also has cannot tell which it means.
#[test]
fn one_name_in_two_files_is_ambiguous_only_where_it_finds_the_project() {
    let api_prod = |id: &str| format!("version: 1\nprojects:\n  - id: {id}\n    name: api-prod\n");
    let (a, b) = (
        api_prod("65f1a2b3c4d5e6f7a8b9c0d1"),
        api_prod("65f1a2b3c4d5e6f7a8b9c0d2"),
    );
    let work = folder_of(&[("org-a.yaml", &a), ("org-b.yaml", &b)]);
    let run = validate_dir(work.path());
    assert_eq!(run.code, 0, "{}", run.transcript());
    crate::common::assert_contains(&run.stdout, "2 projects");

    std::fs::write(
        work.path().join("org-c.yaml"),
        "version: 1\nprojects:\n  - name: api-prod\n",
    )
    .expect("write");
    let run = validate_dir(work.path());
    assert_eq!(run.code, 1, "{}", run.transcript());
    crate::common::assert_contains(
        &run.stderr,
        "project `api-prod` is also declared at ./org-a.yaml:3:5",
    );
    crate::common::assert_contains(&run.stderr, "[./org-c.yaml:3:11]");
    crate::common::assert_contains(&run.stderr, "1 error and 0 warnings");
}

/// A directory of team files that use the same unset variables: one block
/// for the whole directory, one line per variable naming each file's place.
#[test]
fn unset_variables_of_a_directory_are_one_line_each() {
    let work = tempfile::tempdir().expect("tempdir");
    for team in ["a", "b", "c"] {
        std::fs::write(
            work.path().join(format!("{team}.yaml")),
            format!(
                "version: 1\nprojects:\n  - name: {team}-prod\n    integrations:\n      \
                 PAGER_DUTY:\n        serviceKey: ${{PD_KEY}}\n      DATADOG:\n        \
                 apiKey: ${{DD_KEY}}\n"
            ),
        )
        .expect("write");
    }
    let run = validate_dir(work.path());
    assert_eq!(run.code, 1, "{}", run.transcript());
    for name in ["`PD_KEY`", "`DD_KEY`"] {
        let lines: Vec<&str> = run.stderr.lines().filter(|l| l.contains(name)).collect();
        assert_eq!(lines.len(), 1, "{name}: {}", run.stderr);
        for team in ["a", "b", "c"] {
            assert!(
                lines[0].contains(&format!("./{team}.yaml:")),
                "{}",
                run.stderr
            );
        }
    }
    crate::common::assert_contains(&run.stderr, "  × 2 environment variables are not set:");
    crate::common::assert_contains(&run.stderr, "6 errors and 0 warnings");
}
