//! The CI recipes in `examples/ci/`: every file is YAML, every `tether`
//! command they run exists and its flags parse, and no step echoes a secret.

use std::path::{Path, PathBuf};

use clap::Parser;
use serde_json::Value;
use tether::cli::Cli;

use crate::common::repo_root;

fn recipes() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["examples/ci/github", "examples/ci/gitlab"] {
        for entry in std::fs::read_dir(repo_root().join(dir)).expect("recipe folder") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "yml" || e == "yaml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Every shell script of a workflow: GitHub's `run`, GitLab's `script` and
/// `before_script` (strings or lists of strings).
fn scripts(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                match (key.as_str(), child) {
                    ("run" | "script" | "before_script", Value::String(s)) => out.push(s.clone()),
                    ("run" | "script" | "before_script", Value::Array(items)) => {
                        out.extend(items.iter().filter_map(Value::as_str).map(str::to_owned))
                    }
                    _ => scripts(child, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| scripts(item, out)),
        _ => {}
    }
}

/// The `tether ...` command lines of a script, cut at redirections and
/// shell operators, as argument lists.
fn tether_commands(script: &str) -> Vec<Vec<String>> {
    script
        .replace("\\\n", " ")
        .lines()
        .map(str::trim)
        .filter(|line| line.starts_with("tether "))
        .map(|line| {
            let end = [" > ", " | ", " || ", " && ", ";"]
                .iter()
                .filter_map(|op| line.find(op))
                .min()
                .unwrap_or(line.len());
            line[..end]
                .split_whitespace()
                .map(|word| word.trim_matches('"').to_owned())
                .collect()
        })
        .collect()
}

fn parse(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).expect("readable");
    serde_saphyr::from_str::<Value>(&text)
        .unwrap_or_else(|e| panic!("{} is not valid YAML: {e}", path.display()))
}

#[test]
fn every_tether_command_in_the_recipes_parses() {
    let files = recipes();
    assert_eq!(files.len(), 4, "{files:?}");
    let mut verbs = Vec::new();
    for path in files {
        let mut found = Vec::new();
        scripts(&parse(&path), &mut found);
        let commands: Vec<Vec<String>> = found.iter().flat_map(|s| tether_commands(s)).collect();
        assert!(
            !commands.is_empty(),
            "{} runs no tether command",
            path.display()
        );
        for command in commands {
            if let Err(err) = Cli::try_parse_from(&command) {
                panic!(
                    "{}: `{}` does not parse:\n{err}",
                    path.display(),
                    command.join(" ")
                );
            }
            verbs.push(command[1].clone());
        }
    }
    for verb in ["validate", "plan", "apply", "drift"] {
        assert!(
            verbs.iter().any(|v| v == verb),
            "no recipe runs `tether {verb}`"
        );
    }
}

#[test]
fn recipes_never_echo_secrets() {
    for path in recipes() {
        let mut found = Vec::new();
        scripts(&parse(&path), &mut found);
        for script in found {
            assert!(
                !script.contains("set -x"),
                "{}: `set -x` prints secrets",
                path.display()
            );
            for line in script.lines().filter(|l| l.contains("echo")) {
                for secret in ["MONGODB_ATLAS", "SECRET", "KEY", "TOKEN", "secrets."] {
                    assert!(
                        !line.contains(secret),
                        "{}: `{line}` may print a secret",
                        path.display()
                    );
                }
            }
        }
    }
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let run = crate::common::tether(&repo_root(), &["completions", shell], &[]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        assert!(
            run.stdout.contains("validate") && run.stdout.contains("apply"),
            "{shell}"
        );
    }
}
