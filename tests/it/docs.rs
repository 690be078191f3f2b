//! The documentation holds together: every relative link of the README,
//! CONTRIBUTING.md, ARCHITECTURE.md, BENCHMARKS.md and the manual in docs/
//! leads to a file that exists and, with `#...`, to a heading there; the
//! README links every page of the manual; the commands page shows every
//! shell that `tether completions` supports.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use crate::common::repo_root;

/// The pages whose links are checked, as paths from the repository's root.
fn pages(root: &Path) -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = [
        "README.md",
        "CONTRIBUTING.md",
        "ARCHITECTURE.md",
        "BENCHMARKS.md",
    ]
    .iter()
    .map(PathBuf::from)
    .collect();
    let mut manual: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .expect("docs/")
        .map(|entry| entry.expect("an entry of docs/").path())
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .map(|path| path.strip_prefix(root).expect("under the root").to_owned())
        .collect();
    manual.sort();
    pages.extend(manual);
    pages
}

/// GitHub's anchor of a heading: its text in lowercase, spaces as `-`, and
/// every other character that is not a letter, a digit, `-` or `_` dropped.
fn anchor_of(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | '_' => Some(c),
            c if c.is_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}

/// The anchors of a page's headings; a repeated one gets `-1`, `-2`, ... as
/// on GitHub.
fn anchors(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut heading: Option<String> = None;
    for event in Parser::new(text) {
        match event {
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::Text(part) | Event::Code(part) => {
                if let Some(heading) = heading.as_mut() {
                    heading.push_str(&part);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                let base = anchor_of(&heading.take().unwrap_or_default());
                let mut anchor = base.clone();
                let mut n = 0;
                while found.contains(&anchor) {
                    n += 1;
                    anchor = format!("{base}-{n}");
                }
                found.insert(anchor);
            }
            _ => {}
        }
    }
    found
}

/// The links of a page (and its images), in order.
fn links(text: &str) -> Vec<String> {
    Parser::new(text)
        .filter_map(|event| match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                Some(dest_url.into_string())
            }
            _ => None,
        })
        .collect()
}

/// Each relative link of `page` (a path from `root`) that leads nowhere,
/// with the reason.
fn broken_links(root: &Path, page: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(root.join(page))
        .unwrap_or_else(|e| panic!("{}: {e}", page.display()));
    let dir = page.parent().unwrap_or(Path::new(""));
    let mut broken = Vec::new();
    for link in links(&text) {
        if link.contains("://") || link.starts_with("mailto:") {
            continue;
        }
        let (path, anchor) = match link.split_once('#') {
            Some((path, anchor)) => (path, Some(anchor)),
            None => (link.as_str(), None),
        };
        let target = if path.is_empty() {
            page.to_owned()
        } else {
            dir.join(path)
        };
        let on_disk = root.join(&target);
        if !on_disk.exists() {
            broken.push(format!(
                "{}: `{link}`: no file {}",
                page.display(),
                target.display()
            ));
            continue;
        }
        if let Some(anchor) = anchor {
            let headings = std::fs::read_to_string(&on_disk)
                .map(|text| anchors(&text))
                .unwrap_or_default();
            if !headings.contains(anchor) {
                broken.push(format!(
                    "{}: `{link}`: {} has no heading whose anchor is `{anchor}`",
                    page.display(),
                    target.display()
                ));
            }
        }
    }
    broken
}

#[test]
fn every_relative_link_of_the_documentation_leads_to_a_file_and_a_heading() {
    let root = repo_root();
    let broken: Vec<String> = pages(&root)
        .iter()
        .flat_map(|page| broken_links(&root, page))
        .collect();
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn a_link_to_a_missing_file_or_heading_is_found() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("docs")).expect("docs/");
    std::fs::write(
        dir.path().join("docs/page.md"),
        "# A page\n\n## Where `${NAME}` finds its value\n\n## Twice\n\n## Twice\n",
    )
    .expect("page");
    std::fs::write(
        dir.path().join("README.md"),
        "# Read me\n\n\
         [ok](docs/page.md#where-name-finds-its-value) [ok](docs/page.md#twice-1) \
         [ok](#read-me) [ok](https://example.com/nowhere.md) `[code](nowhere.md)`\n\n\
         [gone](docs/gone.md) [no heading](docs/page.md#nowhere) [here](#nothing)\n",
    )
    .expect("readme");
    let broken = broken_links(dir.path(), Path::new("README.md"));
    assert_eq!(broken.len(), 3, "{broken:#?}");
    assert!(
        broken[0].contains("`docs/gone.md`: no file docs/gone.md"),
        "{broken:#?}"
    );
    assert!(broken[1].contains("`docs/page.md#nowhere`"), "{broken:#?}");
    assert!(broken[2].contains("`#nothing`"), "{broken:#?}");
    assert!(broken_links(dir.path(), Path::new("docs/page.md")).is_empty());
}

#[test]
fn anchors_follow_githubs_rules() {
    for (heading, anchor) in [
        ("Apply, safely", "apply-safely"),
        (
            "Who changed it (drift attribution)",
            "who-changed-it-drift-attribution",
        ),
        (
            "Security: what tether guarantees",
            "security-what-tether-guarantees",
        ),
        ("snake_case and kebab-case", "snake_case-and-kebab-case"),
        ("Zürich 2", "zürich-2"),
    ] {
        assert_eq!(anchor_of(heading), anchor, "{heading}");
    }
}

#[test]
fn the_readme_links_every_page_of_the_manual() {
    let root = repo_root();
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let linked: BTreeSet<String> = links(&readme)
        .into_iter()
        .map(|link| link.split('#').next().unwrap_or_default().to_owned())
        .collect();
    for page in pages(&root).iter().filter(|p| p.starts_with("docs")) {
        let page = page.to_string_lossy().replace('\\', "/");
        assert!(linked.contains(&page), "README.md does not link {page}");
    }
}

#[test]
fn the_readme_starts_with_the_two_set_up_commands() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README.md");
    let mut events = Parser::new(&readme);
    let first_block = events
        .by_ref()
        .skip_while(|e| !matches!(e, Event::Start(Tag::CodeBlock(_))))
        .find_map(|e| match e {
            Event::Text(code) => Some(code.into_string()),
            _ => None,
        })
        .expect("a code block");
    let commands: Vec<&str> = first_block
        .lines()
        .map(|line| line.split(" #").next().unwrap_or(line).trim())
        .collect();
    assert_eq!(commands, ["cargo run --release -- demo", "cargo test"]);
    let headings_before = Parser::new(readme.split(&first_block).next().unwrap_or_default())
        .filter(
            |e| matches!(e, Event::Start(Tag::Heading { level, .. }) if *level != HeadingLevel::H1),
        )
        .count();
    assert_eq!(headings_before, 0, "the set-up commands come first");
}

#[test]
fn the_commands_page_shows_every_shell_completions_supports() {
    use clap::ValueEnum;
    let page =
        std::fs::read_to_string(repo_root().join("docs/commands.md")).expect("docs/commands.md");
    for shell in clap_complete::Shell::value_variants() {
        let name = shell
            .to_possible_value()
            .expect("a name")
            .get_name()
            .to_owned();
        assert!(
            page.contains(&format!("tether completions {name} ")),
            "docs/commands.md shows no `tether completions {name}`"
        );
    }
}
