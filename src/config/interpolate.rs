//! `${NAME}` references to environment variables inside string values.
//!
//! Interpolation happens after parsing, on scalar values only, so a variable
//! can never change the structure of the file. `$${` writes a literal `${`.

use std::cell::RefCell;
use std::collections::HashMap;

use super::problem::{Alike, Problems};
use super::tree::Span;
use crate::model::Origin;

/// Where variable values come from: the process environment in the binary, a
/// map in tests.
pub trait Env {
    /// The variable's value; `Err` when it is set but is not UTF-8 text.
    fn var(&self, name: &str) -> Result<Option<String>, NotUnicode>;
}

/// A variable whose value is not UTF-8: tether refuses it rather than
/// writing a changed value to Atlas.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotUnicode;

/// The process environment. Each name is read once: a large file refers
/// to the same few variables thousands of times, and every read of the
/// environment takes a lock and scans it.
#[derive(Default)]
pub struct ProcessEnv {
    read: RefCell<HashMap<String, Result<Option<String>, NotUnicode>>>,
}

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Result<Option<String>, NotUnicode> {
        if let Some(value) = self.read.borrow().get(name) {
            return value.clone();
        }
        let value = match std::env::var_os(name) {
            None => Ok(None),
            Some(raw) => raw.into_string().map(Some).map_err(|_| NotUnicode),
        };
        self.read
            .borrow_mut()
            .insert(name.to_owned(), value.clone());
        value
    }
}

impl Env for HashMap<String, String> {
    fn var(&self, name: &str) -> Result<Option<String>, NotUnicode> {
        Ok(self.get(name).cloned())
    }
}

/// What to do with a reference to a variable that is not set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Unset {
    /// An error naming the variable: the default, and what plan and apply use.
    #[default]
    Error,
    /// Keep `${NAME}` as written, for checking a file where its secrets are
    /// not available (a pull request from a fork, say).
    Keep,
}

/// A value after interpolation.
pub struct Interpolated {
    pub value: String,
    /// True when at least one `${NAME}` was replaced, so the value did not
    /// come from the file itself.
    pub from_env: bool,
    /// The references kept as written (`Unset::Keep`), by name and place:
    /// when there is one, the value is a placeholder and cannot be checked.
    pub kept: Vec<(String, Span)>,
}

impl Interpolated {
    pub fn unresolved(&self) -> bool {
        !self.kept.is_empty()
    }
}

/// Whether `name` may be the name of a variable, as in `${NAME}`.
pub(super) fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// One value may be at most this long, as written or once its `${NAME}`s
/// are put in: twice Atlas's longest field (a webhook `bodyTemplate`, 16
/// KB). Checked as the value grows, so that many references to a long
/// variable stop at once.
pub const MAX_VALUE_BYTES: usize = 32 * 1024;

/// Replaces every `${NAME}` in `text`. Problems point into `span` (the
/// scalar's place in `source`), at the reference itself when it can be found.
/// A variable's value is never part of a message.
pub fn interpolate(
    text: &str,
    span: &Span,
    source: &str,
    (env, unset): (&dyn Env, Unset),
    problems: &mut Problems,
) -> Option<Interpolated> {
    if text.len() > MAX_VALUE_BYTES {
        too_long(span, source, None, problems);
        return None;
    }
    if !text.contains('$') {
        return Some(Interpolated {
            value: text.to_owned(),
            from_env: false,
            kept: Vec::new(),
        });
    }
    let mut value = String::with_capacity(text.len());
    let mut from_env = false;
    let mut kept = Vec::new();
    let mut ok = true;
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        value.push_str(&rest[..at]);
        let after = &rest[at..];
        if let Some(tail) = after.strip_prefix("$${") {
            value.push_str("${");
            rest = tail;
        } else if let Some(tail) = after.strip_prefix("${") {
            let Some(end) = tail.find('}') else {
                problems
                    .error(
                        reference_span(span, source, after),
                        "`${` is not closed by `}`",
                    )
                    .help("write `${NAME}`, or `$${` for a literal `${`");
                return None;
            };
            let name = &tail[..end];
            let reference = &after[..end + 3];
            rest = &tail[end + 1..];
            if !is_name(name) {
                problems
                    .error(
                        reference_span(span, source, reference),
                        format!("`{reference}` is not a valid variable reference"),
                    )
                    .help("variable names are letters, digits and `_`, not starting with a digit");
                ok = false;
                continue;
            }
            match env.var(name) {
                Err(NotUnicode) => {
                    problems
                        .error(
                            reference_span(span, source, reference),
                            format!("environment variable `{name}` is not valid UTF-8 text"),
                        )
                        .label("not UTF-8")
                        .help(format!(
                            "set `{name}` to the value as UTF-8 text; tether does not guess \
                             at bytes it would send to Atlas"
                        ));
                    ok = false;
                }
                // CI sets a secret a job may not read (a fork's pull request)
                // to an empty string: `--ignore-unset` takes it as unset.
                Ok(Some(v)) if v.is_empty() && unset == Unset::Keep => {
                    value.push_str(reference);
                    from_env = true;
                    kept.push((name.to_owned(), reference_span(span, source, reference)));
                }
                Ok(Some(v)) if v.is_empty() => {
                    problems
                        .error(
                            reference_span(span, source, reference),
                            format!("environment variable `{name}` is set but empty"),
                        )
                        .label("empty")
                        .help(format!(
                            "give `{name}` a value in the environment tether runs in"
                        ))
                        .alike(Alike::SetButEmpty, name.to_owned());
                    ok = false;
                }
                Ok(Some(v)) => {
                    if value.len() + v.len() > MAX_VALUE_BYTES {
                        too_long(span, source, Some(name), problems);
                        return None;
                    }
                    value.push_str(&v);
                    from_env = true;
                }
                Ok(None) if unset == Unset::Keep => {
                    value.push_str(reference);
                    from_env = true;
                    kept.push((name.to_owned(), reference_span(span, source, reference)));
                }
                Ok(None) => {
                    problems
                        .error(
                            reference_span(span, source, reference),
                            format!("environment variable `{name}` is not set"),
                        )
                        .label("not set")
                        .help(format!(
                            "export `{name}` before running tether (in CI, from a secret), or \
                             give it in `TETHER_SECRETS_JSON` or a `--secrets` file"
                        ))
                        .alike(Alike::NotSet, name.to_owned());
                    ok = false;
                }
            }
        } else {
            value.push('$');
            rest = &after[1..];
        }
    }
    value.push_str(rest);
    ok.then_some(Interpolated {
        value,
        from_env,
        kept,
    })
}

/// A value past [`MAX_VALUE_BYTES`], `name` the variable that took it
/// there. The place is in the message, not a span: the snippet would print
/// the long line.
fn too_long(span: &Span, source: &str, name: Option<&str>, problems: &mut Problems) {
    let at = Origin::in_text("", source, span.start);
    let place = format!("the value at line {}, column {}", at.line, at.column);
    let cap = MAX_VALUE_BYTES / 1024;
    let (message, help) = match name {
        None => (
            format!("{place} is longer than {cap} KiB, the most tether takes for one value"),
            "shorten it: Atlas's longest field, a webhook `bodyTemplate`, takes 16 KB".to_owned(),
        ),
        Some(name) => (
            format!(
                "with `${{{name}}}` put in, {place} is longer than {cap} KiB, the most tether \
                 takes for one value"
            ),
            format!("check what `{name}` holds: Atlas's longest field takes 16 KB"),
        ),
    };
    problems.file_error(message).help(help);
}

fn reference_span(span: &Span, source: &str, reference: &str) -> Span {
    source
        .get(span.clone())
        .and_then(|written| written.find(reference))
        .map_or(span.clone(), |at| {
            span.start + at..span.start + at + reference.len()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> HashMap<String, String> {
        HashMap::from([
            ("KEY".to_owned(), "s3cr3t".to_owned()),
            ("EMPTY".to_owned(), String::new()),
        ])
    }

    fn run(text: &str) -> (Option<String>, Vec<String>) {
        let mut problems = Problems::default();
        let source = format!("x: {text}");
        let out = interpolate(
            text,
            &(3..source.len()),
            &source,
            (&env(), Unset::Error),
            &mut problems,
        );
        let messages = problems.iter().map(|p| p.message.clone()).collect();
        (out.map(|i| i.value), messages)
    }

    #[test]
    fn replaces_references() {
        assert_eq!(run("a-${KEY}-b").0.as_deref(), Some("a-s3cr3t-b"));
        assert_eq!(run("plain $ and $5").0.as_deref(), Some("plain $ and $5"));
        assert_eq!(run("$${KEY}").0.as_deref(), Some("${KEY}"));
    }

    #[test]
    fn reports_problems_without_values() {
        let (out, messages) = run("${NOPE} ${EMPTY} ${1BAD}");
        assert!(out.is_none());
        assert_eq!(
            messages,
            [
                "environment variable `NOPE` is not set",
                "environment variable `EMPTY` is set but empty",
                "`${1BAD}` is not a valid variable reference",
            ]
        );
        assert_eq!(run("${OPEN").1, ["`${` is not closed by `}`"]);
    }

    #[test]
    fn keeps_unset_references_when_asked() {
        let mut problems = Problems::default();
        let source = "x: a${NOPE}";
        let out = interpolate(
            "a${NOPE}",
            &(3..11),
            source,
            (&env(), Unset::Keep),
            &mut problems,
        )
        .unwrap();
        assert_eq!(out.value, "a${NOPE}");
        assert!(out.unresolved() && out.from_env);
        assert_eq!(out.kept, [("NOPE".to_owned(), 4..11)]);
        assert!(!problems.has_errors());
    }

    #[test]
    fn points_at_the_reference() {
        let mut problems = Problems::default();
        let source = "url: https://x/${NOPE}";
        interpolate(
            "https://x/${NOPE}",
            &(5..22),
            source,
            (&env(), Unset::Error),
            &mut problems,
        );
        let span = problems.iter().next().unwrap().span.clone().unwrap();
        assert_eq!(&source[span], "${NOPE}");
    }
}
