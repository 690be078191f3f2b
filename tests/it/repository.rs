//! Where tether lives is said once, in Cargo.toml's `repository`: every file
//! a user copies or runs (install script, setup action, image, recipes,
//! README and the manual in docs/) must name that same place, so moving the
//! repository is one commit that this test checks whole.

use std::path::Path;

use crate::common::{repo_root, repository, skip_part};

/// Files that must name the repository (and name no other for tether).
const NAMING_FILES: &[&str] = &[
    "README.md",
    "install.sh",
    "action.yml",
    "Dockerfile",
    "examples/ci/github/tether-plan.yml",
    "examples/ci/github/tether-apply.yml",
    "examples/ci/github/tether-drift.yml",
    "examples/ci/gitlab/tether.gitlab-ci.yml",
];

/// Files that may name it, and then must name it right (with every page of
/// docs/, see [`manual_pages`]).
const OTHER_FILES: &[&str] = &[
    "CONTRIBUTING.md",
    "ARCHITECTURE.md",
    "BENCHMARKS.md",
    "CHANGELOG.md",
    ".github/workflows/release.yml",
    ".pre-commit-hooks.yaml",
];

/// `owner/name` after each `github.com/`, `ghcr.io/` and `uses: ` in `text`;
/// for `uses:`, only actions of tether's owner or name (not `actions/...`).
fn named_repositories(text: &str, ours: &str) -> Vec<String> {
    let (owner, name) = ours.split_once('/').expect("owner/name");
    let mut found = Vec::new();
    for prefix in ["github.com/", "ghcr.io/", "uses: "] {
        for (at, _) in text.match_indices(prefix) {
            let rest = &text[at + prefix.len()..];
            let path: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
                .collect();
            let mut segments = path.split('/');
            let (Some(o), Some(n)) = (segments.next(), segments.next()) else {
                continue;
            };
            if o.is_empty() || n.is_empty() {
                continue;
            }
            if prefix == "uses: " && o != owner && n != name {
                continue;
            }
            found.push(format!("{o}/{n}"));
        }
    }
    found
}

#[test]
fn cargo_toml_says_where_the_repository_is() {
    let ours = repository();
    assert_eq!(ours.split('/').count(), 2, "owner/name: {ours}");
    assert!(
        env!("CARGO_PKG_REPOSITORY").starts_with("https://github.com/"),
        "the install script, action and recipes download from GitHub releases"
    );
}

/// The manual's pages, `docs/NAME.md`, as paths from the repository's root.
fn manual_pages() -> Vec<String> {
    let mut pages: Vec<String> = std::fs::read_dir(repo_root().join("docs"))
        .expect("docs/")
        .map(|entry| entry.expect("an entry of docs/").file_name())
        .filter_map(|name| name.into_string().ok())
        .filter(|name| name.ends_with(".md"))
        .map(|name| format!("docs/{name}"))
        .collect();
    pages.sort();
    pages
}

#[test]
fn every_file_names_the_same_repository() {
    let ours = repository();
    let root = repo_root();
    let pages = manual_pages();
    for (file, must_name) in NAMING_FILES
        .iter()
        .map(|f| (*f, true))
        .chain(OTHER_FILES.iter().map(|f| (*f, false)))
        .chain(pages.iter().map(|f| (f.as_str(), false)))
    {
        let path = root.join(file);
        if !must_name && !Path::new(&path).exists() {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
        let named = named_repositories(&text, ours);
        if must_name {
            assert!(
                named.iter().any(|n| n == ours),
                "{file} does not name {ours} (Cargo.toml's `repository`)"
            );
        }
        if let Some(other) = named.iter().find(|n| *n != ours) {
            panic!("{file} names {other}, but Cargo.toml's `repository` is {ours}");
        }
    }
}

#[test]
fn a_stale_name_is_caught() {
    let named = named_repositories(
        "uses: actions/checkout@v4\nuses: old-owner/tether@v0.1.0\nghcr.io/${{ github.repository }}\n\
         https://github.com/tether-cli/tether/releases",
        "new-owner/tether",
    );
    assert_eq!(named, ["tether-cli/tether", "old-owner/tether"]);
}

/// Every `uses:` of tether's setup action in the recipes, the install page
/// and the action's own example names the same full commit SHA, with the
/// version as a comment: the action runs where credentials are, and a tag
/// can be moved. When this checkout has that commit, its `action.yml`
/// reads as today's (comments aside), so the pin runs today's action.
#[test]
fn the_setup_action_is_pinned_by_one_full_commit_sha() {
    let ours = repository();
    let needle = format!("uses: {ours}@");
    let mut pins = Vec::new();
    for file in [
        "docs/install.md",
        "action.yml",
        "examples/ci/github/tether-plan.yml",
        "examples/ci/github/tether-apply.yml",
        "examples/ci/github/tether-drift.yml",
    ] {
        let text = std::fs::read_to_string(repo_root().join(file)).expect(file);
        for (at, _) in text.match_indices(&needle) {
            let rest = &text[at + needle.len()..];
            let sha: String = rest
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            assert!(
                sha.len() == 40 && sha.chars().all(|c| c.is_ascii_hexdigit()),
                "{file}: `{needle}{sha}` is not pinned by a full commit SHA"
            );
            assert!(
                rest[40..].starts_with(&format!(" # v{}", env!("CARGO_PKG_VERSION"))),
                "{file}: the pin's comment names the version"
            );
            pins.push(sha);
        }
    }
    assert!(pins.len() >= 5, "{pins:?}");
    pins.dedup();
    assert_eq!(pins.len(), 1, "one SHA everywhere: {pins:?}");
    let pinned = std::process::Command::new("git")
        .args(["show", &format!("{}:action.yml", pins[0])])
        .current_dir(repo_root())
        .output();
    match pinned {
        Ok(out) if out.status.success() => {
            let then: serde_json::Value =
                serde_saphyr::from_str(&String::from_utf8_lossy(&out.stdout)).expect("YAML");
            let now: serde_json::Value = serde_saphyr::from_str(
                &std::fs::read_to_string(repo_root().join("action.yml")).expect("action.yml"),
            )
            .expect("YAML");
            assert_eq!(
                then, now,
                "action.yml changed since the pinned commit {}: pin the commit that last changed it",
                pins[0]
            );
        }
        _ => skip_part(&format!(
            "commit {} is not in this checkout (shallow?): its action.yml is not compared",
            pins[0]
        )),
    }
}
