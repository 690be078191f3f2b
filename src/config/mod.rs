//! The YAML surface: read, parse, walk the schema, interpolate, resolve.
//! Everything after this module sees `model::Desired`, never YAML.

mod directory;
mod end_of_life;
mod family_layers;
mod interpolate;
mod limits;
mod lines;
mod load;
mod problem;
mod raw;
mod reference;
mod resolve;
mod schema;
mod secrets;
pub(crate) mod suggest;
mod tree;
mod walk;

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

pub use interpolate::{Env, NotUnicode, ProcessEnv, Unset};
pub use problem::{FileReport, Problem, Problems, Reports, Severity};
pub use reference::fields_markdown;
pub use schema::json_schema;
pub use secrets::{SECRETS_JSON, SecretSources, SourceError};
pub use walk::suggested_variable;

use crate::model::{Day, DeclaredFamilies, Desired, FieldValue, Integration, Slot};
use crate::secret::Secret;

/// A configuration that passed validation, and its warnings.
#[derive(Debug)]
pub struct Loaded {
    pub desired: Desired,
    pub warnings: Reports,
}

/// Reads and validates a file, or every `*.yaml`/`*.yml` of a directory as
/// one configuration. Every problem found is in the reports. End-of-life
/// warnings count days from today by the system clock.
pub fn load(path: &Path, env: (&dyn Env, Unset)) -> Result<Loaded, Reports> {
    load_on(path, env, Day::today())
}

/// [`load`], with end-of-life warnings counted from `today`.
pub fn load_on(path: &Path, env: (&dyn Env, Unset), today: Day) -> Result<Loaded, Reports> {
    if path.is_dir() {
        return directory::load_dir(path, env, today);
    }
    let mut problems = Problems::default();
    let shown = path.display().to_string();
    match load::read(path, load::Named::Flag, &mut problems) {
        Some(text) => load_str_on(&shown, &text, env, today),
        None => Err(Reports::from(FileReport {
            path: shown,
            source: None,
            problems,
        })),
    }
}

/// Validates YAML text; `path` is only used in messages.
pub fn load_str(path: &str, text: &str, env: (&dyn Env, Unset)) -> Result<Loaded, Reports> {
    load_str_on(path, text, env, Day::today())
}

/// [`load_str`], with end-of-life warnings counted from `today`.
pub fn load_str_on(
    path: &str,
    text: &str,
    env: (&dyn Env, Unset),
    today: Day,
) -> Result<Loaded, Reports> {
    let mut problems = Problems::default();
    let (desired, literal_secrets) = match load::parse(text, &mut problems) {
        Some(root) => {
            let raw = walk::Walker::new(text, env, &mut problems).file(&root);
            let mut desired = resolve::resolve(&raw, text, &mut problems);
            end_of_life::warn_end_of_life(&raw, today, &mut problems);
            hide_reused_secrets(&mut desired);
            let file: Arc<str> = Arc::from(path);
            for project in &mut desired.projects {
                project.origin.file = Arc::clone(&file);
            }
            for selector in &mut desired.selectors {
                selector.origin.file = Arc::clone(&file);
            }
            (desired, raw.literal_secrets)
        }
        None => (Desired::default(), Vec::new()),
    };
    let report = report(path, text, problems, &literal_secrets);
    if report.problems.has_errors() {
        Err(Reports::from(report))
    } else {
        Ok(Loaded {
            desired,
            warnings: Reports::from(report),
        })
    }
}

/// One file's problems, ready to show. Only problems are shown in context:
/// a clean file needs no copy. A file that is not a tether file at all (an
/// env file passed by mistake) is never quoted: its lines may be secrets.
fn report(
    path: &str,
    text: &str,
    problems: Problems,
    literal_secrets: &[tree::Span],
) -> FileReport {
    let any_problem = problems.iter().next().is_some();
    if looks_like_tether_file(text) {
        FileReport {
            path: path.to_owned(),
            source: any_problem.then(|| Arc::new(blank_out(text, literal_secrets))),
            problems: problems.sorted(),
        }
    } else {
        FileReport {
            path: path.to_owned(),
            source: None,
            problems: problems.sorted().unquoted(text),
        }
    }
}

/// A plain field whose value equals a secret of the file (a key pasted into
/// a `routingKey` too, or a log integration's key) is kept as a secret:
/// compared exactly, never shown.
pub(super) fn hide_reused_secrets(desired: &mut Desired) {
    let families = desired
        .projects
        .iter()
        .map(|p| &p.families)
        .chain(desired.selectors.iter().map(|s| &s.families))
        .flat_map(DeclaredFamilies::secrets);
    let secrets: HashSet<Secret> = desired
        .projects
        .iter()
        .map(|p| &p.integrations)
        .chain(desired.selectors.iter().map(|s| &s.integrations))
        .flat_map(|integrations| integrations.values())
        .filter_map(Slot::present)
        .flat_map(Integration::secrets)
        .chain(families)
        .collect();
    if secrets.is_empty() {
        return;
    }
    let all = desired
        .projects
        .iter_mut()
        .map(|p| &mut p.integrations)
        .chain(desired.selectors.iter_mut().map(|s| &mut s.integrations));
    for integrations in all {
        for slot in integrations.values_mut() {
            let Slot::Present(integration) = slot else {
                continue;
            };
            for (_, value) in &mut integration.fields {
                if let FieldValue::Text(text) = value
                    && secrets.contains(&Secret::new(text.as_str()))
                {
                    *value = FieldValue::Secret(Secret::new(std::mem::take(text)));
                }
            }
        }
    }
}

/// Whether the text has the top-level `version:` or `projects:` line of a
/// tether file. Anything else is no tether file, whatever its mistakes.
fn looks_like_tether_file(text: &str) -> bool {
    // An empty file has nothing to hide and a start to point at.
    text.trim().is_empty()
        || text
            .lines()
            .any(|line| line.starts_with("version:") || line.starts_with("projects:"))
}

/// The text with the given spans overwritten by `*`, byte for byte, so that
/// spans stay valid and no literal secret reaches a rendered diagnostic.
///
/// The same secret written again elsewhere (pasted into a plain field too)
/// is blanked wherever it stands.
fn blank_out(text: &str, spans: &[tree::Span]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let secrets: HashSet<&str> = spans
        .iter()
        .filter_map(|span| text.get(span.clone()))
        .map(|written| written.trim_matches(['"', '\'']))
        .filter(|secret| !secret.is_empty())
        .collect();
    // Line breaks stay: a block scalar spans lines, and every position
    // after it must keep its line.
    let blank = |region: &mut [u8]| {
        region
            .iter_mut()
            .filter(|b| **b != b'\n' && **b != b'\r')
            .for_each(|b| *b = b'*');
    };
    for secret in secrets {
        for (start, found) in text.match_indices(secret) {
            blank(&mut bytes[start..start + found.len()]);
        }
    }
    for span in spans {
        if let Some(region) = bytes.get_mut(span.clone()) {
            blank(region);
        }
    }
    String::from_utf8(bytes).unwrap_or_else(|_| "*".repeat(text.len()))
}

#[cfg(test)]
mod fuzz {
    //! Hostile files: whatever the bytes, the loader answers with a report
    //! and never panics.

    use std::collections::HashMap;

    use proptest::prelude::*;

    use super::{Unset, load_str};

    const REALISTIC: &str = include_str!("../../examples/realistic.yaml");
    const DEMO: &str = include_str!("../../examples/demo/tether.yaml");

    fn env() -> HashMap<String, String> {
        HashMap::new()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
            let _ = load_str("fuzz.yaml", &text, (&env(), Unset::Keep));
        }

        #[test]
        fn yaml_like_text_never_panics(text in "[ a-zA-Z0-9_:\\-\\[\\]{}&*!|>'\"#,\n\t$]{0,300}") {
            let _ = load_str("fuzz.yaml", &text, (&env(), Unset::Keep));
        }

        #[test]
        fn mutated_examples_never_panic(
            which in 0..2usize,
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<char>()), 1..8),
        ) {
            let source = if which == 0 { REALISTIC } else { DEMO };
            let mut chars: Vec<char> = source.chars().collect();
            for (at, c) in edits {
                let i = at.index(chars.len());
                chars[i] = c;
            }
            let text: String = chars.into_iter().collect();
            let _ = load_str("fuzz.yaml", &text, (&env(), Unset::Keep));
            let _ = load_str("fuzz.yaml", &text, (&env(), Unset::Error));
        }
    }
}
