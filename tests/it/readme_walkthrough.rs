//! The README's install section and Quickstart on `tether sim`, and the
//! Quickstart of docs/adopting.md, followed as written: the blocks after the
//! `readme-walkthrough:` markers are run by `sh -e` in a fresh home, against
//! a fake release served on loopback (whose `tether` runs the one just built)
//! and the simulator as Atlas. Only the `...` placeholders the text asks the
//! reader to fill in are filled in. The install ways that need the network or
//! docker are checked instead: each names the repository and version that
//! Cargo.toml says.
//!
//! When the documentation and tether part ways, this fails.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use tether::sim::StateFile;

use crate::common::{TODAY, repo_root, repository};

const ORG: &str = "5f1e3b2c9d8e7f6a5b4c3d2e";
const READ_ID: &str = "mdb_sa_id_readme";
const READ_SECRET: &str = "mdb_sa_sk_readme_secret_value";
const PD_KEY: &str = "readme-pd-key-0123456789abcdef0077";

/// The first ```sh block after `<!-- readme-walkthrough: NAME ` in `file`.
fn block(file: &str, name: &str) -> String {
    fenced(file, name, "sh")
}

/// The first ```LANGUAGE block after `<!-- readme-walkthrough: NAME ` in
/// `file` (a path from the repository's root).
fn fenced(file: &str, name: &str, language: &str) -> String {
    let text = std::fs::read_to_string(repo_root().join(file)).expect(file);
    let marker = format!("<!-- readme-walkthrough: {name} ");
    let (_, after) = text
        .split_once(&marker)
        .unwrap_or_else(|| panic!("{file} has no `{marker}` marker"));
    let (_, code) = after
        .split_once(&format!("```{language}\n"))
        .unwrap_or_else(|| panic!("a {language} block after the marker in {file}"));
    let (code, _) = code.split_once("```").expect("the block ends");
    code.to_owned()
}

/// The command of a line, without its comment.
fn command(line: &str) -> &str {
    line.split_once(" #").map_or(line, |(code, _)| code).trim()
}

/// A release of tether's version for this machine, served on loopback, whose
/// `tether` runs the binary under test. Returns the download base URL.
fn fake_release(dir: &Path) -> String {
    let version = env!("CARGO_PKG_VERSION");
    let target = format!("{}-unknown-linux-musl", std::env::consts::ARCH);
    let bytes = crate::install_script::archive_of(
        dir,
        &format!(
            "#!/bin/sh\nexec '{}' \"$@\"\n",
            assert_cmd::cargo::cargo_bin("tether").display()
        ),
    );
    let name = format!("tether-{version}-{target}.tar.gz");
    let sum = crate::install_script::sha256_hex(&bytes);
    let mut files = std::collections::HashMap::new();
    files.insert(
        format!("/v{version}/{name}.sha256"),
        format!("{sum}  {name}\n").into_bytes(),
    );
    files.insert(format!("/v{version}/{name}"), bytes);
    crate::install_script::serve(files)
}

/// Runs `script` with `sh -e` in `dir`, with only `env` (and a PATH that
/// starts with the home's `~/.local/bin`).
fn sh(script: &str, dir: &Path, home: &Path, env: &[(&str, &str)]) -> (bool, String) {
    let path = format!(
        "{}:{}",
        home.join(".local/bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = Command::new("sh")
        .args(["-e", "-c", script])
        .current_dir(dir)
        .env_clear()
        .env("HOME", home)
        .env("PATH", path)
        .env("TETHER_TODAY", TODAY)
        .envs(env.iter().copied())
        .output()
        .expect("sh runs");
    (
        output.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    )
}

/// Install, as the README says, then each other way checked for the
/// repository and version it names.
fn install(home: &Path, work: &Path) {
    let version = env!("CARGO_PKG_VERSION");
    let repo = format!("https://github.com/{}", repository());
    let image = format!("ghcr.io/{}:{version}", repository());
    let base = fake_release(work);
    std::fs::copy(repo_root().join("install.sh"), work.join("install.sh")).expect("install.sh");
    let mut ran = Vec::new();
    for line in block("README.md", "install")
        .lines()
        .map(command)
        .filter(|l| !l.is_empty())
    {
        if line.starts_with("sh install.sh ") {
            crate::common::assert_contains(line, &format!("--version {version} "));
            let (ok, log) = sh(line, work, home, &[("TETHER_DOWNLOAD_URL", &base)]);
            assert!(ok, "{line}\n{log}");
            ran.push("install.sh");
        } else if line.starts_with("cargo binstall ") {
            assert_eq!(line, format!("cargo binstall --git {repo} tether"));
            ran.push("binstall");
        } else if line.starts_with("docker run ") {
            assert_eq!(line, format!("docker run --rm {image} tether --version"));
            ran.push("docker");
        } else if line.starts_with("cargo install ") {
            assert_eq!(
                line,
                format!("cargo install --locked --git {repo} --tag v{version} tether")
            );
            ran.push("cargo install");
        } else {
            panic!("the README's install block has a way this test does not know: {line}");
        }
    }
    assert_eq!(ran, ["install.sh", "binstall", "docker", "cargo install"]);
    let (ok, log) = sh("tether --version", work, home, &[]);
    assert!(
        ok && log.starts_with(&format!("tether {version} ")),
        "{log}"
    );
}

#[test]
fn the_readme_install_and_the_atlas_quickstart_work_as_written() {
    let home = tempfile::tempdir().expect("home");
    let work = tempfile::tempdir().expect("work");
    install(home.path(), work.path());

    // Atlas: one organization whose project has a PagerDuty integration, and
    // a read-only service account.
    let state = StateFile::parse(&format!(
        "projects:\n  - id: 65f1a2b3c4d5e6f7a8b9c0f1\n    name: payments-prod\n    orgId: {ORG}\n    \
         integrations:\n      PAGER_DUTY:\n        serviceKey: {PD_KEY}\n\
         serviceAccounts:\n  - clientId: {READ_ID}\n    clientSecret: {READ_SECRET}\n    role: readOnly\n"
    ))
    .expect("state");
    let sim = crate::common::Sim::builder()
        .state(state)
        .auth_required()
        .start();

    // The user's own repository, with tether's recipes fetched beside it.
    let infra = work.path().join("infra");
    let recipes = infra.join("examples/ci/github");
    std::fs::create_dir_all(&recipes).expect("recipes");
    for entry in std::fs::read_dir(repo_root().join("examples/ci/github")).expect("recipes") {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, recipes.join(path.file_name().expect("name"))).expect("copy");
    }
    let git = Command::new("git")
        .args(["init", "-q"])
        .current_dir(&infra)
        .status()
        .expect("git runs");
    assert!(git.success());

    // The values the reader fills in for `NAME=...`.
    let values = BTreeMap::from([
        ("MONGODB_ATLAS_CLIENT_ID", READ_ID),
        ("MONGODB_ATLAS_CLIENT_SECRET", READ_SECRET),
        ("PAYMENTS_PROD_PAGER_DUTY_SERVICE_KEY", PD_KEY),
    ]);
    let written = block("docs/adopting.md", "quickstart");
    let mut script = written.clone();
    let mut asked = Vec::new();
    for word in written.split_whitespace() {
        if let Some(name) = word.strip_suffix("=...") {
            let value = values
                .get(name)
                .unwrap_or_else(|| panic!("the Quickstart asks for `{name}`, unknown here"));
            script = script.replacen(word, &format!("{name}='{value}'"), 1);
            asked.push(name);
        }
    }
    assert!(!script.contains("..."), "a placeholder is left:\n{script}");
    let base = sim.base_url();
    let (ok, log) = sh(
        &script,
        &infra,
        home.path(),
        &[
            ("MONGODB_ATLAS_BASE_URL", &base),
            ("GIT_AUTHOR_NAME", "Reader"),
            ("GIT_AUTHOR_EMAIL", "reader@example.com"),
            ("GIT_COMMITTER_NAME", "Reader"),
            ("GIT_COMMITTER_EMAIL", "reader@example.com"),
        ],
    );
    assert!(ok, "the Quickstart failed:\n{script}\n{log}");
    for secret in [READ_SECRET, PD_KEY] {
        assert!(!log.contains(secret), "a secret was printed:\n{log}");
    }

    // Step 2 exports exactly the variables import asked for.
    let named: Vec<&str> = log
        .lines()
        .filter_map(|l| l.strip_prefix("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| w.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
        .collect();
    let exported: Vec<&str> = asked
        .iter()
        .copied()
        .filter(|n| !n.starts_with("MONGODB_ATLAS_"))
        .collect();
    assert_eq!(named, exported, "{log}");
    // Step 3: no change.
    crate::common::assert_contains(&log, "Plan: 0 to create, 0 to update, 0 to delete");
    // Step 4: committed.
    let files = Command::new("git")
        .args(["show", "--name-only", "--format=%s", "HEAD"])
        .current_dir(&infra)
        .output()
        .expect("git runs");
    let files = String::from_utf8_lossy(&files.stdout);
    crate::common::assert_starts_with(&files, "Manage Atlas integrations with tether\n");
    for file in [
        "tether.yaml",
        ".github/workflows/tether-plan.yml",
        ".github/workflows/tether-apply.yml",
        ".github/workflows/tether-drift.yml",
    ] {
        assert!(files.lines().any(|l| l == file), "{file}: {files}");
    }
}

/// Stops the simulator when the test ends, passed or failed.
struct Serving(std::process::Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The README's Quickstart on `tether sim`, as written: the simulator started
/// as its first block says (on a free port instead of 7700), then the second
/// block run by `sh -e` in the repository, as after the clone. The plan it
/// prints is the README's picture, apply makes Atlas equal the file, and no
/// fake secret of the demo is printed.
#[cfg(unix)]
#[test]
fn the_readme_sim_quickstart_works_as_written() {
    use std::process::Stdio;

    const WRITTEN_ADDRESS: &str = "127.0.0.1:7700";
    let serve = block("README.md", "sim");
    let mut lines = serve.lines().map(command).filter(|l| !l.is_empty());
    assert_eq!(
        lines.next(),
        Some(format!("git clone https://github.com/{} && cd tether", repository()).as_str()),
        "the Quickstart starts in a clone of this repository:\n{serve}"
    );
    let sim_line = lines.next().expect("the line that starts the simulator");
    assert_eq!(lines.next(), None, "one simulator line:\n{serve}");
    let args: Vec<&str> = sim_line
        .strip_prefix("tether sim ")
        .unwrap_or_else(|| panic!("not `tether sim`: {sim_line}"))
        .split_whitespace()
        .collect();
    assert!(args.contains(&WRITTEN_ADDRESS), "{sim_line}");
    let child = Command::new(assert_cmd::cargo::cargo_bin("tether"))
        .arg("sim")
        .args(args.iter().map(|arg| {
            if *arg == WRITTEN_ADDRESS {
                "127.0.0.1:0"
            } else {
                *arg
            }
        }))
        .current_dir(repo_root())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("tether sim starts");
    let mut serving = Serving(child);
    let base = crate::common::sim_address(serving.0.stdout.take().expect("stdout"));

    let written = block("README.md", "sim-loop");
    let script = written.replace(&format!("http://{WRITTEN_ADDRESS}"), &base);
    assert_ne!(
        script, written,
        "the loop talks to the simulator:\n{written}"
    );
    let home = tempfile::tempdir().expect("home");
    let bin = home.path().join(".local/bin");
    std::fs::create_dir_all(&bin).expect("~/.local/bin");
    std::os::unix::fs::symlink(assert_cmd::cargo::cargo_bin("tether"), bin.join("tether"))
        .expect("tether on PATH");
    let (ok, log) = sh(&script, &repo_root(), home.path(), &[]);
    assert!(ok, "the Quickstart failed:\n{script}\n{log}");

    let picture = fenced("README.md", "plan picture", "text");
    assert!(
        log.contains(&picture),
        "the README's picture is not what the Quickstart's plan prints:\n{picture}\n---\n{log}"
    );
    for line in [
        "examples/demo/tether.yaml is valid: 4 projects",
        "Apply: 7 done, 0 failed, 0 not started",
        "No drift (exit 0)",
    ] {
        assert!(log.contains(line), "`{line}`:\n{log}");
    }
    let secrets = std::fs::read_to_string(repo_root().join("examples/demo/demo.env"))
        .expect("examples/demo/demo.env");
    for value in secrets
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('=').map(|(_, value)| value))
    {
        assert!(!log.contains(value), "a secret was printed:\n{log}");
    }
    drop(serving);
}
