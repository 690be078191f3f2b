//! The rooms of `src/` import only what ARCHITECTURE.md's table lets them:
//! the table is read from the file, so the page and this test are one
//! truth. Every `crate::NAME` path of every file (in `use` lines and inline),
//! and every `super::` path that climbs to the crate root, counts.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::common::repo_root;

type Graph = BTreeMap<String, BTreeSet<String>>;

const TABLE_HEADING: &str = "## Rooms and what each may import";

/// The rooms of `src/`: each directory and each `.rs` file but the crate
/// root (`lib.rs`) and `main.rs`.
fn rooms(src: &Path) -> BTreeSet<String> {
    std::fs::read_dir(src)
        .expect("src/")
        .map(|entry| entry.expect("an entry of src/").path())
        .filter_map(|path| {
            let name = path.file_name()?.to_str()?.to_owned();
            if path.is_dir() {
                Some(name)
            } else {
                let stem = name.strip_suffix(".rs")?;
                (stem != "lib" && stem != "main").then(|| stem.to_owned())
            }
        })
        .collect()
}

/// ARCHITECTURE.md's table: each room (`atlas/`, `cli.rs`) and the rooms it
/// may import (`nothing` for none).
fn allowed(architecture: &str) -> Graph {
    let (_, after) = architecture
        .split_once(TABLE_HEADING)
        .unwrap_or_else(|| panic!("ARCHITECTURE.md has no `{TABLE_HEADING}` section"));
    let mut table = Graph::new();
    for row in after
        .lines()
        .skip_while(|line| !line.starts_with('|'))
        .take_while(|line| line.starts_with('|'))
        .skip(2)
    {
        let cells: Vec<&str> = row.trim_matches('|').split('|').map(str::trim).collect();
        assert_eq!(cells.len(), 3, "a row of room, what, imports: {row}");
        let room = cells[0].trim_matches('`');
        let room = room
            .strip_suffix('/')
            .or_else(|| room.strip_suffix(".rs"))
            .unwrap_or_else(|| panic!("`{room}`: a room is `NAME/` or `NAME.rs`"));
        let imports: BTreeSet<String> = if cells[2] == "nothing" {
            BTreeSet::new()
        } else {
            cells[2]
                .split(',')
                .map(|name| name.trim().trim_matches('`').to_owned())
                .collect()
        };
        let repeated = table.insert(room.to_owned(), imports).is_some();
        assert!(!repeated, "ARCHITECTURE.md lists `{room}` twice");
    }
    table
}

/// Code without its `//` comments (doc comments included), so that a path
/// in prose is not an import.
fn without_comments(code: &str) -> String {
    code.lines()
        .map(|line| line.split_once("//").map_or(line, |(code, _)| code))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first segments of the paths that start after `prefix` ends, at `at`:
/// `NAME` for `NAME::...`, and each top-level name of a `{a, b::c}` group.
fn first_segments(code: &str, at: usize) -> Vec<String> {
    let rest = &code[at..];
    let ident = |text: &str| -> String {
        text.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let Some(group) = rest.strip_prefix('{') else {
        return vec![ident(rest)];
    };
    let mut names = Vec::new();
    let mut depth = 0;
    let mut expecting = true;
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => expecting = true,
            c if expecting && depth == 0 && (c.is_alphanumeric() || c == '_') => {
                names.push(ident(&group[i..]));
                expecting = false;
            }
            _ => {}
        }
    }
    names
}

/// The rooms the file at `relative` (under `src/`) uses.
fn uses_of(relative: &Path, code: &str, rooms: &BTreeSet<String>) -> BTreeSet<String> {
    let code = without_comments(code);
    let mut parts: Vec<String> = relative
        .iter()
        .map(|part| part.to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|last| last == "mod.rs") {
        parts.pop();
    }
    // How many `super::` reach the crate root from this file's module.
    let depth = parts.len();
    let mut used = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        used.extend(first_segments(&code, at + "crate::".len()));
    }
    let climb = "super::".repeat(depth);
    for (at, _) in code.match_indices(&climb) {
        let before = code[..at].chars().next_back();
        let after = &code[at + climb.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
            || after.starts_with("super::")
        {
            continue;
        }
        used.extend(first_segments(&code, at + climb.len()));
    }
    used.retain(|name| rooms.contains(name));
    used
}

/// Every `.rs` file under `src`: its path under `src` and its code.
fn source_files(src: &Path) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    let mut stack = vec![src.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("a directory of src/") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(src).expect("under src/").to_owned();
                let code = std::fs::read_to_string(&path).expect("a source file");
                files.push((relative, code));
            }
        }
    }
    files
}

/// What each room of the tree at `src` uses.
fn used(src: &Path, rooms: &BTreeSet<String>) -> Graph {
    let mut graph: Graph = rooms.iter().map(|r| (r.clone(), BTreeSet::new())).collect();
    for (relative, code) in source_files(src) {
        let Some(room) = relative.iter().next().and_then(|first| first.to_str()) else {
            continue;
        };
        let room = room.strip_suffix(".rs").unwrap_or(room);
        if !rooms.contains(room) {
            continue;
        }
        let mut uses = uses_of(&relative, &code, rooms);
        uses.remove(room);
        graph.get_mut(room).expect("a room").extend(uses);
    }
    graph
}

/// A path of rooms that comes back to where it started, if the graph has one.
fn circle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        room: &str,
        graph: &Graph,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|r| r == room) {
            let mut found = path[start..].to_vec();
            found.push(room.to_owned());
            return Some(found);
        }
        if done.contains(room) {
            return None;
        }
        path.push(room.to_owned());
        for next in graph.get(room).into_iter().flatten() {
            if let Some(found) = visit(next, graph, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(room.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|room| visit(room, graph, &mut Vec::new(), &mut done))
}

/// What no table may allow.
fn hard_rule_breaches(graph: &Graph) -> Vec<String> {
    let forbidden: &[(&str, &[&str])] = &[
        ("plan", &["atlas"]),
        ("model", &["atlas"]),
        ("sim", &["atlas", "engine", "commands", "cli"]),
    ];
    let mut breaches = Vec::new();
    for (room, never) in forbidden {
        for name in *never {
            if graph.get(*room).is_some_and(|uses| uses.contains(*name)) {
                breaches.push(format!("`{room}` must never use `{name}`"));
            }
        }
    }
    if let Some(circle) = circle(graph) {
        breaches.push(format!("rooms import each other: {}", circle.join(" -> ")));
    }
    breaches
}

#[test]
fn every_room_imports_only_what_architecture_md_allows() {
    let root = repo_root();
    let src = root.join("src");
    let rooms = rooms(&src);
    let table =
        allowed(&std::fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md"));
    let listed: BTreeSet<String> = table.keys().cloned().collect();
    assert_eq!(
        listed, rooms,
        "ARCHITECTURE.md's table lists each room of src/ once"
    );
    let used = used(&src, &rooms);
    let mut wrong = Vec::new();
    for (room, uses) in &used {
        let may = &table[room];
        for name in uses.difference(may) {
            wrong.push(format!(
                "`{room}` uses `{name}`, which ARCHITECTURE.md does not allow: remove the use, or add `{name}` to its row"
            ));
        }
        for name in may.difference(uses) {
            wrong.push(format!(
                "ARCHITECTURE.md lets `{room}` import `{name}`, which no file of it uses: remove `{name}` from its row"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let breaches = hard_rule_breaches(&table);
    assert!(breaches.is_empty(), "{}", breaches.join("\n"));
}

#[test]
fn main_only_parses_and_runs() {
    let main = std::fs::read_to_string(repo_root().join("src/main.rs")).expect("src/main.rs");
    let code = without_comments(&main);
    let paths: BTreeSet<String> = code
        .match_indices("tether::")
        .map(|(at, _)| first_segments(&code, at + "tether::".len()).join(","))
        .collect();
    assert_eq!(
        paths,
        BTreeSet::from(["cli".to_owned(), "run".to_owned()]),
        "main.rs parses the command line (`tether::cli`) and calls `tether::run`, nothing else"
    );
}

#[test]
fn uses_are_found_in_every_shape() {
    let rooms: BTreeSet<String> = ["atlas", "model", "plan", "secret", "json", "sim"]
        .map(str::to_owned)
        .into();
    let code = "use crate::{model::{Desired, Live}, secret::Secret};\n\
                use super::super::json;\n\
                use super::compare;\n\
                // crate::sim in a comment is no use\n\
                fn f() { let _ = crate::atlas::Client::new(); }\n";
    let uses = uses_of(Path::new("plan/diff.rs"), code, &rooms);
    assert_eq!(
        uses,
        ["atlas", "json", "model", "secret"]
            .map(str::to_owned)
            .into()
    );
    // From a file of the crate root's own children, one `super::` climbs.
    let uses = uses_of(Path::new("plan/mod.rs"), "use super::json::pretty;", &rooms);
    assert_eq!(uses, ["json"].map(str::to_owned).into());
}

#[test]
fn a_circle_or_a_forbidden_use_is_found() {
    let graph = |edges: &[(&str, &str)]| -> Graph {
        let mut graph = Graph::new();
        for (from, to) in edges {
            graph
                .entry((*from).to_owned())
                .or_default()
                .insert((*to).to_owned());
            graph.entry((*to).to_owned()).or_default();
        }
        graph
    };
    assert!(hard_rule_breaches(&graph(&[("commands", "engine"), ("engine", "plan")])).is_empty());
    let breaches = hard_rule_breaches(&graph(&[
        ("cli", "output"),
        ("output", "commands"),
        ("commands", "cli"),
    ]));
    assert_eq!(
        breaches,
        ["rooms import each other: cli -> output -> commands -> cli"]
    );
    let breaches = hard_rule_breaches(&graph(&[("sim", "atlas"), ("plan", "atlas")]));
    assert_eq!(
        breaches,
        [
            "`plan` must never use `atlas`",
            "`sim` must never use `atlas`"
        ]
    );
}

/// The module path of the file at `relative` under `src/`: `atlas::error`
/// for `atlas/error.rs`, `atlas::transport` for `atlas/transport/mod.rs`.
fn module_of(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .iter()
        .map(|part| part.to_string_lossy().into_owned())
        .collect();
    if let Some(last) = parts.pop() {
        let stem = last.strip_suffix(".rs").unwrap_or(&last).to_owned();
        if stem != "mod" {
            parts.push(stem);
        }
    }
    parts
}

/// The code of a file without its inline `#[cfg(test)] mod ... { }`, whose
/// `super::` means the file itself rather than its parent.
fn without_inline_tests(code: &str) -> &str {
    let mut at = 0;
    while let Some(found) = code[at..].find("#[cfg(test)]") {
        let start = at + found;
        let after = code[start + "#[cfg(test)]".len()..].trim_start();
        if after.starts_with("mod ") && after.split('\n').next().is_some_and(|l| l.contains('{')) {
            return &code[..start];
        }
        at = start + 1;
    }
    code
}

/// The modules (files and folders) directly under each module of `src/`:
/// what a `super::NAME` or `crate::...::NAME` may name as a sibling.
fn modules(src: &Path) -> BTreeSet<Vec<String>> {
    let mut found = BTreeSet::new();
    let mut stack = vec![src.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("a directory of src/") {
            let path = entry.expect("an entry").path();
            let relative = path.strip_prefix(src).expect("under src/").to_owned();
            if path.is_dir() {
                stack.push(path);
                found.insert(module_of(&relative.join("mod.rs")));
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.insert(module_of(&relative));
            }
        }
    }
    found
}

/// For every module, the sibling modules each of its children uses (a file
/// and the files below it count as one child): `atlas` -> `error` ->
/// {`origin`}.
fn sibling_uses(src: &Path) -> BTreeMap<Vec<String>, Graph> {
    let modules = modules(src);
    let mut uses: BTreeMap<Vec<String>, Graph> = BTreeMap::new();
    for (relative, code) in source_files(src) {
        let module = module_of(&relative);
        let code = without_comments(without_inline_tests(&code));
        for target in paths_named(&module, &code) {
            let common = module
                .iter()
                .zip(&target)
                .take_while(|(a, b)| a == b)
                .count();
            if module.len() <= common || target.len() <= common {
                continue;
            }
            let sibling = target[..=common].to_vec();
            if !modules.contains(&sibling) {
                continue;
            }
            uses.entry(module[..common].to_vec())
                .or_default()
                .entry(module[common].clone())
                .or_default()
                .insert(target[common].clone());
        }
    }
    uses
}

/// The module paths the code of `module` names through `crate::` and
/// `super::` (each name of a `{a, b}` group), resolved from the crate root.
fn paths_named(module: &[String], code: &str) -> Vec<Vec<String>> {
    let mut named = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        named.extend(segments_after(code, at + "crate::".len(), Vec::new()));
    }
    let mut at = 0;
    while let Some(found) = code[at..].find("super::") {
        let start = at + found;
        at = start + "super::".len();
        let before = code[..start].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let mut climbs = 1;
        while code[at..].starts_with("super::") {
            climbs += 1;
            at += "super::".len();
        }
        let Some(base) = module.len().checked_sub(climbs) else {
            continue;
        };
        named.extend(segments_after(code, at, module[..base].to_vec()));
    }
    named
}

/// `base` followed by the path that starts at `at` (`a::b`, or each name of
/// a `{a::b, c}` group, down to two segments: enough to name a sibling and
/// its child).
fn segments_after(code: &str, at: usize, base: Vec<String>) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    for first in first_segments(code, at) {
        let mut path = base.clone();
        path.push(first.clone());
        let next = at + code[at..].find(&first).unwrap_or(0) + first.len();
        if code[next..].starts_with("::") {
            for second in first_segments(code, next + 2) {
                let mut deeper = path.clone();
                deeper.push(second);
                paths.push(deeper);
            }
        }
        paths.push(path);
    }
    paths
}

/// No two modules import each other, at any depth: within each module,
/// the uses among its children (files and folders) have no circle.
#[test]
fn no_two_modules_import_each_other() {
    let src = repo_root().join("src");
    let circles: Vec<String> = sibling_uses(&src)
        .iter()
        .filter_map(|(parent, graph)| {
            let found = circle(graph)?;
            let parent = if parent.is_empty() {
                "the crate".to_owned()
            } else {
                format!("`{}`", parent.join("::"))
            };
            Some(format!("in {parent}: {}", found.join(" -> ")))
        })
        .collect();
    assert!(
        circles.is_empty(),
        "modules import each other:\n{}",
        circles.join("\n")
    );
}

#[test]
fn a_circle_of_sibling_modules_is_found() {
    let module = |path: &str| path.split("::").map(str::to_owned).collect::<Vec<_>>();
    let named = paths_named(
        &module("atlas::error"),
        "use super::origin::{Kind, Source};\nuse crate::atlas::credentials::X;\nfn f() { super::super::plan::g(); }",
    );
    assert!(named.contains(&module("atlas::origin")), "{named:?}");
    assert!(named.contains(&module("atlas::credentials")), "{named:?}");
    assert!(named.contains(&module("plan::g")), "{named:?}");
    let mut graph = Graph::new();
    graph
        .entry("error".into())
        .or_default()
        .insert("credentials".into());
    graph
        .entry("credentials".into())
        .or_default()
        .insert("error".into());
    assert!(circle(&graph).is_some());
    assert_eq!(
        without_inline_tests("a\n#[cfg(test)]\nmod tests {\n use super::*;\n}"),
        "a\n"
    );
}
