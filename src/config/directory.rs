//! `-f DIR`: every `*.yaml`/`*.yml` directly in a directory, in name order,
//! is one configuration, so that each team can own a file. `defaults` and
//! `safety` may stand in one file only; template names and projects are
//! unique across files, and a duplicate points at both. Every problem is
//! reported in the file it is in. An entry named like a configuration that
//! cannot be read as one (a dangling link, a FIFO, a device, a directory, a
//! name in `.YAML`) is an error, never skipped.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::interpolate::{Env, Unset};
use super::lines::LineIndex;
use super::problem::{FileReport, Problems, Reports};
use super::raw::RawFile;
use super::resolve::{self, Shared};
use super::walk::Walker;
use super::{Loaded, hide_reused_secrets, load, report};
use crate::model::{Day, Desired};

/// One file of the directory, read and walked.
struct Part {
    path: String,
    text: String,
    raw: RawFile,
    problems: Problems,
}

pub fn load_dir(dir: &Path, env: (&dyn Env, Unset), today: Day) -> Result<Loaded, Reports> {
    let files = yaml_files(dir).map_err(|problem| {
        let mut problems = Problems::default();
        problems
            .file_error(problem)
            .help("pass a directory of tether files, or one file, to `-f`");
        Reports::from(FileReport {
            path: dir.display().to_string(),
            source: None,
            problems,
        })
    })?;
    let mut parts = Vec::with_capacity(files.len());
    let mut unread = Vec::new();
    for entry in files {
        let path = match entry {
            Entry::Read(path) => path,
            Entry::Misnamed(path) => {
                let mut problems = Problems::default();
                problems
                    .file_error("is not read: tether reads `*.yaml` and `*.yml` in lowercase only")
                    .help(format!(
                        "rename it to `{}`, or move it out of the directory",
                        crate::printable::one_line(&lowercase_extension(&path).to_string())
                    ));
                unread.push(FileReport {
                    path: path.display().to_string(),
                    source: None,
                    problems,
                });
                continue;
            }
        };
        let shown = path.display().to_string();
        let mut problems = Problems::default();
        let Some(text) = load::read(&path, load::Named::InDirectory, &mut problems) else {
            unread.push(FileReport {
                path: shown,
                source: None,
                problems,
            });
            continue;
        };
        let raw = match load::parse(&text, &mut problems) {
            Some(root) => Walker::new(&text, env, &mut problems)
                .part_of_directory()
                .file(&root),
            None => RawFile::default(),
        };
        parts.push(Part {
            path: shown,
            text,
            raw,
            problems,
        });
    }
    let desired = resolve_parts(&mut parts);
    for part in &mut parts {
        super::end_of_life::warn_end_of_life(&part.raw, today, &mut part.problems);
    }
    let mut reports: Vec<FileReport> = unread;
    reports.extend(parts.into_iter().map(|part| {
        report(
            &part.path,
            &part.text,
            part.problems,
            &part.raw.literal_secrets,
        )
    }));
    let reports = Reports(reports);
    if reports.has_errors() {
        Err(reports)
    } else {
        Ok(Loaded {
            desired,
            warnings: reports,
        })
    }
}

/// An entry of the directory whose name says it is a configuration.
enum Entry {
    /// Named `*.yaml` or `*.yml`: read, and an error if it cannot be.
    Read(PathBuf),
    /// Named so in another case (`team.YAML`): refused, not guessed at, so
    /// that one spelling names every configuration (a CODEOWNERS rule for
    /// `*.yaml` does not cover `team.YAML`).
    Misnamed(PathBuf),
}

/// Every entry directly in `dir` whose name ends in `.yaml` or `.yml`, in
/// any case, in name order. Nothing that looks like a configuration is
/// skipped: another file's selector would take over its projects.
fn yaml_files(dir: &Path) -> Result<Vec<Entry>, String> {
    let entries = std::fs::read_dir(dir).map_err(|err| format!("cannot be read: {err}"))?;
    let mut paths = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|err| format!("cannot be listed: {err}"))?;
        paths.push(entry.path());
    }
    paths.sort();
    let files: Vec<Entry> = paths
        .into_iter()
        .filter_map(|path| {
            let name = path.file_name()?.as_encoded_bytes();
            let suffix = |ext: &[u8]| {
                name.len() > ext.len() && name[name.len() - ext.len()..].eq_ignore_ascii_case(ext)
            };
            if name.ends_with(b".yaml") || name.ends_with(b".yml") {
                Some(Entry::Read(path))
            } else if suffix(b".yaml") || suffix(b".yml") {
                Some(Entry::Misnamed(path))
            } else {
                None
            }
        })
        .collect();
    if files.is_empty() {
        return Err("is a directory with no `*.yaml` or `*.yml` file in it".to_owned());
    }
    Ok(files)
}

/// The name `path` would have with its extension in lowercase.
fn lowercase_extension(path: &Path) -> String {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{}", ext.to_ascii_lowercase()),
        None => name.into_owned(),
    }
}

/// Resolves every part against what all of them share, reporting what two
/// parts may not both have.
fn resolve_parts(parts: &mut [Part]) -> Desired {
    // Keys a directory has once, in whichever file says them.
    type Said = fn(&RawFile) -> bool;
    let once: [(&str, Said); 3] = [
        ("defaults", |raw| raw.defaults.is_some()),
        ("safety", |raw| raw.safety.is_some()),
        ("api", |raw| raw.api.is_some()),
    ];
    let mut first_of: [Option<usize>; 3] = [None; 3];
    let mut templates: HashMap<String, String> = HashMap::new();
    let mut clashes: Vec<(usize, String)> = Vec::new();
    let mut span_clashes: Vec<(usize, std::ops::Range<usize>, String, &str)> = Vec::new();
    const ONE_FILE: &str = "declare it in one file of the directory";
    for (at, part) in parts.iter().enumerate() {
        let lines = LineIndex::new(&part.text);
        for ((key, present), first) in once.iter().zip(first_of.iter_mut()) {
            if !present(&part.raw) {
                continue;
            }
            match *first {
                Some(first) => clashes.push((
                    at,
                    format!(
                        "`{key}` is also in `{}`: a directory has one `{key}`",
                        parts[first].path
                    ),
                )),
                None => *first = Some(at),
            }
        }
        for template in part.raw.templates.iter().flat_map(|t| &t.0) {
            let here = lines.origin(&part.text, template.name.span.start);
            let place = format!("{}:{}:{}", part.path, here.line, here.column);
            if let Some(first) = templates.get(&template.name.value) {
                span_clashes.push((
                    at,
                    template.name.span.clone(),
                    format!(
                        "template `{}` is also defined at {first}",
                        template.name.value
                    ),
                    ONE_FILE,
                ));
            } else {
                templates.insert(template.name.value.clone(), place);
            }
        }
    }
    // Repeats within one file are the file's own problem.
    let mut ids: HashMap<&str, (usize, String)> = HashMap::new();
    let mut names: HashMap<&str, Vec<(usize, String, bool)>> = HashMap::new();
    for (at, part) in parts.iter().enumerate() {
        let lines = LineIndex::new(&part.text);
        for project in &part.raw.projects {
            let here = lines.origin(&part.text, project.span.start);
            let place = format!("{}:{}:{}", part.path, here.line, here.column);
            if let Some(written) = &project.id {
                match ids.get(written.value.as_str()) {
                    Some((first, place)) if *first != at => span_clashes.push((
                        at,
                        written.span.clone(),
                        format!("project `{}` is also declared at {place}", written.value),
                        ONE_FILE,
                    )),
                    Some(_) => {}
                    None => {
                        ids.insert(&written.value, (at, place.clone()));
                    }
                }
            }
            if let Some(written) = &project.name {
                let finds = project.id.is_none();
                let seen = names.entry(&written.value).or_default();
                if let Some((_, first, _)) = seen.iter().find(|(file, _, name_only)| {
                    *file != at && resolve::name_clash(*name_only, finds).is_some()
                }) {
                    span_clashes.push((
                        at,
                        written.span.clone(),
                        format!("project `{}` is also declared at {first}", written.value),
                        "a name alone finds one project, and Atlas allows one name in several \
                         organizations: give the entries their `id`s, or declare the project in \
                         one file",
                    ));
                }
                seen.push((at, place, finds));
            }
        }
    }
    for (at, message) in clashes {
        parts[at]
            .problems
            .file_error(message)
            .help("keep it in one file of the directory");
    }
    for (at, span, message, help) in span_clashes {
        parts[at]
            .problems
            .error(span, message)
            .label("declared twice")
            .help(help);
    }

    let raws: Vec<&RawFile> = parts.iter().map(|part| &part.raw).collect();
    let shared = Shared {
        templates: raws
            .iter()
            .flat_map(|raw| raw.templates.iter().flat_map(|t| &t.0))
            .map(|t| (t.name.value.as_str(), t))
            .collect(),
        defaults: raws.iter().find_map(|raw| raw.defaults.as_ref()),
        safety: raws.iter().find_map(|raw| raw.safety.as_ref()),
        api: raws.iter().find_map(|raw| raw.api.as_ref()),
    };
    let mut desired = Desired::default();
    let mut used: HashSet<String> = HashSet::new();
    let mut resolved = Vec::with_capacity(parts.len());
    for part in parts.iter() {
        let mut problems = Problems::default();
        let (mut one, used_here) =
            resolve::resolve_with(&part.raw, &shared, &part.text, &mut problems);
        let file: Arc<str> = Arc::from(part.path.as_str());
        for project in &mut one.projects {
            project.origin.file = Arc::clone(&file);
        }
        for selector in &mut one.selectors {
            selector.origin.file = Arc::clone(&file);
        }
        used.extend(used_here);
        desired.safety = one.safety;
        desired.projects.extend(one.projects);
        desired.selectors.extend(one.selectors);
        resolved.push(problems);
    }
    for (part, problems) in parts.iter_mut().zip(resolved) {
        part.problems.extend(problems);
        resolve::warn_unused_templates(&part.raw, &used, &mut part.problems);
    }
    hide_reused_secrets(&mut desired);
    desired
}
