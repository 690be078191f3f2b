//! One version story: the crate's version is the one `tether --version`
//! prints, the CHANGELOG's first heading, and every version a user copies
//! from the README, the install page, the install script, the setup action,
//! the image, the recipes and the pre-commit hooks. A release bumps
//! Cargo.toml and this test names every place left behind.

use crate::common::{repo_root, tether};

/// Files that pin a tether version for the user to copy.
const PINNING_FILES: &[&str] = &[
    "README.md",
    "docs/install.md",
    "install.sh",
    "action.yml",
    "Dockerfile",
    ".pre-commit-hooks.yaml",
    "examples/ci/github/tether-plan.yml",
    "examples/ci/github/tether-apply.yml",
    "examples/ci/github/tether-drift.yml",
    "examples/ci/gitlab/tether.gitlab-ci.yml",
];

/// What stands right before a pinned tether version.
const PIN_PREFIXES: &[&str] = &[
    "--version ",
    "--version=",
    "tether:",
    "tether-",
    "--tag v",
    "tether@v",
    "# v",
    "TETHER_VERSION: ",
    "version: ",
    "rev: v",
    "such as ",
];

/// Every `MAJOR.MINOR.PATCH` right after a pin prefix in `text`, with its
/// line number.
fn pinned_versions(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (number, line) in text.lines().enumerate() {
        for prefix in PIN_PREFIXES {
            for (at, _) in line.match_indices(prefix) {
                let rest = &line[at + prefix.len()..];
                let version: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_digit() || *c == '.')
                    .collect();
                let parts: Vec<&str> = version.split('.').collect();
                if parts.len() == 3 && parts.iter().all(|p| !p.is_empty()) {
                    found.push((number + 1, version));
                }
            }
        }
    }
    found
}

#[test]
fn every_pinned_version_is_the_crates() {
    let ours = env!("CARGO_PKG_VERSION");
    for file in PINNING_FILES {
        let text = std::fs::read_to_string(repo_root().join(file))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let pins = pinned_versions(&text);
        assert!(!pins.is_empty(), "{file} pins no tether version");
        for (line, version) in pins {
            assert_eq!(
                version, ours,
                "{file}:{line} pins {version}, but Cargo.toml's version is {ours}"
            );
        }
    }
}

#[test]
fn the_changelogs_first_version_is_the_crates_and_dated_once_released() {
    let ours = env!("CARGO_PKG_VERSION");
    let text = std::fs::read_to_string(repo_root().join("CHANGELOG.md")).expect("CHANGELOG.md");
    let headings: Vec<&str> = text.lines().filter(|l| l.starts_with("## ")).collect();
    let first = headings.first().expect("a version heading");
    let (version, date) = first
        .strip_prefix("## [")
        .and_then(|rest| rest.split_once("] - "))
        .unwrap_or_else(|| panic!("`{first}` is not `## [VERSION] - DATE|Unreleased`"));
    assert_eq!(version, ours, "the CHANGELOG's first heading: {first}");
    let dated = date.len() == 10
        && date.char_indices().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    assert!(
        dated || date == "Unreleased",
        "`{first}`: a date or `Unreleased`"
    );
    for heading in &headings[1..] {
        assert!(
            !heading.contains("Unreleased"),
            "only the newest version may be unreleased: {heading}"
        );
    }
}

#[test]
fn tether_says_the_crates_version() {
    let run = tether(&repo_root(), &["--version"], &[]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    crate::common::assert_starts_with(
        &run.stdout,
        &format!("tether {}", env!("CARGO_PKG_VERSION")),
    );
}

#[test]
fn the_changelog_names_every_command() {
    let text = std::fs::read_to_string(repo_root().join("CHANGELOG.md")).expect("CHANGELOG.md");
    let help = tether(&repo_root(), &["--help"], &[]);
    let commands: Vec<&str> = help
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // A description that wraps goes on under its command, indented more.
        .filter(|l| !l[2..].starts_with(' '))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.len() > 5, "{}", help.stdout);
    for command in commands {
        assert!(
            text.contains(&format!("`{command}`")) || text.contains(&format!("`tether {command}`")),
            "the CHANGELOG never names `{command}`"
        );
    }
}

#[test]
fn a_stale_pin_is_found() {
    let pins = pinned_versions(
        "sh install.sh --version 0.0.9 --dir x\nuses: o/tether@v1.2.3\nRust 1.89+\n\
         actions/checkout@v4\nrev: v0.1.0",
    );
    assert_eq!(
        pins,
        [
            (1, "0.0.9".to_owned()),
            (2, "1.2.3".to_owned()),
            (5, "0.1.0".to_owned())
        ]
    );
}
