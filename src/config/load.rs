//! Reading the file and parsing it into a spanned tree. Only syntax is
//! checked here; the schema walk and the semantic checks come after.

use std::io;
use std::path::Path;

use serde_saphyr::{DuplicateKeyPolicy, Error as YamlError, Spanned};

use super::problem::Problems;
use super::tree::{Node, NodeValue, RawNode, Span};

/// Larger files are refused before parsing. A tether.yaml for thousands of
/// projects is a few megabytes.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Reads the file as UTF-8 text.
pub fn read(path: &Path, problems: &mut Problems) -> Option<String> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => {
            problems
                .file_error("is a directory, not a file")
                .help("pass the YAML file itself, for example `-f tether.yaml`");
            return None;
        }
        Ok(meta) if meta.len() > MAX_FILE_BYTES => {
            problems
                .file_error(format!(
                    "is {} MiB; tether reads files of at most {} MiB",
                    meta.len() / (1024 * 1024),
                    MAX_FILE_BYTES / (1024 * 1024)
                ))
                .help("check that `-f` points at the right file");
            return None;
        }
        _ => {}
    }
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) => {
            let (message, help) = match err.kind() {
                io::ErrorKind::NotFound => (
                    "does not exist".to_owned(),
                    "create it (see `examples/minimal.yaml`), or point at another file with \
                     `-f FILE`",
                ),
                io::ErrorKind::PermissionDenied => (
                    "cannot be read: permission denied".to_owned(),
                    "check the file's permissions",
                ),
                _ => (
                    format!("cannot be read: {err}"),
                    "check that the path names a readable file",
                ),
            };
            problems.file_error(message).help(help);
            return None;
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(err) => {
            let valid = &err.as_bytes()[..err.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&valid[line_start..])
                .chars()
                .count()
                + 1;
            let byte = err.as_bytes()[valid.len()];
            problems
                .file_error(format!(
                    "is not UTF-8 text: byte 0x{byte:02x} at line {line}, column {column}"
                ))
                .help("save the file as UTF-8");
            None
        }
    }
}

fn yaml_options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        // Only `true` and `false` are booleans: `on`, `yes` and `no` stay strings.
        strict_booleans: true,
        // Repeated keys reach the schema walk, which points at both.
        duplicate_keys: DuplicateKeyPolicy::PassThrough,
        with_snippet: false,
        // Room for a 10 MB file of projects; aliases stay on a short leash so
        // that a "billion laughs" file is refused at once.
        budget: serde_saphyr::budget! {
            max_events: 20_000_000,
            max_nodes: 10_000_000,
            max_aliases: 10_000,
            max_recorded_anchor_events: 100_000,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 100_000,
        },
    }
}

/// Parses YAML text into a tree. `None` means the text is not YAML, or is
/// empty; the reason is in `problems`.
pub fn parse(text: &str, problems: &mut Problems) -> Option<Node> {
    match serde_saphyr::from_str_with_options::<Spanned<RawNode>>(text, yaml_options()) {
        Ok(root) => {
            let root = Node::from_spanned(text, root);
            if root.value == NodeValue::Null {
                problems.error(0..0, "the file is empty").help(
                    "start with `version: 1` and a `projects:` list; see `examples/minimal.yaml`",
                );
                return None;
            }
            Some(root)
        }
        Err(err) => {
            report_syntax_error(text, &err, problems);
            None
        }
    }
}

fn report_syntax_error(text: &str, err: &YamlError, problems: &mut Problems) {
    let message = bare_message(err);
    let parser_place = err
        .location()
        .map_or(0..0, |loc| point_at(text, loc.line(), loc.column()));
    // The parser notices a tab where the scalar before it ends; the tab that
    // breaks the indentation is the useful place to point at.
    let is_tab = message.contains("tab");
    let span = if is_tab {
        first_indenting_tab(text).unwrap_or(parser_place)
    } else {
        parser_place
    };
    let (message, help) = match innermost(err) {
        YamlError::Budget { .. }
        | YamlError::AliasReplayLimitExceeded { .. }
        | YamlError::AliasExpansionLimitExceeded { .. }
        | YamlError::AliasReplayStackDepthExceeded { .. } => (
            "the file expands to too much YAML through anchors and aliases".to_owned(),
            "tether refuses documents that grow this much when aliases are expanded; write the \
             repeated parts out, or use `defaults` and `templates`"
                .to_owned(),
        ),
        YamlError::MultipleDocuments { .. } => (
            "the file holds more than one YAML document".to_owned(),
            "keep everything in one document: remove the `---` separator".to_owned(),
        ),
        _ if is_tab => (
            "invalid YAML: a tab in the indentation".to_owned(),
            "indent with spaces: YAML does not allow tabs for indentation".to_owned(),
        ),
        _ => (
            format!("invalid YAML: {message}"),
            "fix the syntax at this place; nothing else in the file was checked".to_owned(),
        ),
    };
    let problem = problems.error(span, message);
    problem.help(help);
    if is_tab {
        problem.label("a tab");
    }
}

/// The first tab in the leading white space of a line.
fn first_indenting_tab(text: &str) -> Option<Span> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        if let Some(at) = line[..indent].find('\t') {
            return Some(offset + at..offset + at + 1);
        }
        offset += line.len();
    }
    None
}

/// serde-saphyr's message without the place (the diagnostic shows it).
fn bare_message(err: &YamlError) -> String {
    let full = innermost(err).to_string();
    let first_line = full.lines().next().unwrap_or_default();
    let message = first_line.strip_prefix("error: ").unwrap_or(first_line);
    let message = message.split(" at line ").next().unwrap_or(message);
    match message.strip_prefix("line ") {
        Some(rest) => rest.split_once(": ").map_or(message, |(_, m)| m).to_owned(),
        None => message.to_owned(),
    }
}

/// The error itself, out of the wrappers that only add places.
fn innermost(err: &YamlError) -> &YamlError {
    match err.without_snippet() {
        YamlError::AliasError { error, .. } => innermost(error),
        other => other,
    }
}

/// The byte offset of a 1-based line and character column, as a span of one
/// character (or empty at the end of the text).
pub fn point_at(text: &str, line: u64, column: u64) -> Span {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth((line - 2) as usize)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    let rest = &text[line_start..];
    let start = rest
        .char_indices()
        .nth(column.saturating_sub(1) as usize)
        .map_or(text.len(), |(i, _)| line_start + i);
    let end = text[start..]
        .chars()
        .next()
        .filter(|c| *c != '\n')
        .map_or(start, |c| start + c.len_utf8());
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn point_at_finds_lines_and_columns() {
        let text = "ab\ncdé\nf";
        assert_eq!(point_at(text, 1, 1), 0..1);
        assert_eq!(point_at(text, 2, 3), 5..7);
        assert_eq!(point_at(text, 3, 1), 8..9);
        assert_eq!(point_at(text, 9, 9), 9..9);
    }

    #[test]
    fn numbers_keep_their_written_text() {
        let mut problems = Problems::default();
        let root = parse("id: 012345678901234567890123\nb: 0x1F\n", &mut problems).unwrap();
        let NodeValue::Map(entries) = root.value else {
            panic!("expected a map")
        };
        assert_eq!(
            entries[0].1.value,
            NodeValue::Number("012345678901234567890123".into())
        );
        assert_eq!(entries[1].1.value, NodeValue::Number("0x1F".into()));
    }

    #[test]
    fn repeated_keys_are_kept() {
        let mut problems = Problems::default();
        let root = parse("a: 1\na: 2\n", &mut problems).unwrap();
        let NodeValue::Map(entries) = root.value else {
            panic!("expected a map")
        };
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1].0.span, 5..6);
    }
}
