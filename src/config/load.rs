//! Reading the file and parsing it into a spanned tree. Only syntax is
//! checked here; the schema walk and the semantic checks come after.

use std::path::Path;

use super::problem::Problems;
use super::tree::{self, Node, NodeValue, Span, SyntaxError};
use crate::regular_file::{self, FileError};

/// Larger files are refused before parsing. A tether.yaml for thousands of
/// projects is a few megabytes.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Where a file to read was named.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Named {
    /// By `-f FILE`.
    Flag,
    /// As an entry of `-f DIR`.
    InDirectory,
}

/// Reads the file as UTF-8 text.
pub fn read(path: &Path, named: Named, problems: &mut Problems) -> Option<String> {
    let bytes = match regular_file::read(path, MAX_FILE_BYTES) {
        Ok(bytes) => bytes,
        Err(err) => {
            let help = match (&err, named) {
                (FileError::NotFound { dangling: false }, _) => {
                    "create it (see `examples/minimal.yaml`), or point at another file with \
                     `-f FILE`"
                }
                (FileError::NotFound { dangling: true }, _) => {
                    "point the link at the tether file, or remove the link"
                }
                (FileError::NotRegular(_), Named::Flag) => {
                    "pass the YAML file itself, for example `-f tether.yaml`"
                }
                (FileError::NotRegular(_), Named::InDirectory) => {
                    "put the YAML file itself in the directory, or move this out of it"
                }
                (FileError::TooLarge { .. }, _) => "check that `-f` points at the right file",
                _ if err.is_permission_denied() => "check the file's permissions",
                _ => "check that the path names a readable file",
            };
            problems.file_error(err.to_string()).help(help);
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

/// Parses YAML text into a tree. `None` means the text is not YAML, or is
/// empty; the reason is in `problems`.
pub fn parse<'a>(text: &'a str, problems: &mut Problems) -> Option<Node<'a>> {
    match tree::parse(text) {
        Ok(Some(root)) if root.value != NodeValue::Null => Some(root),
        Ok(_) => {
            problems.error(0..0, "the file is empty").help(
                "start with `version: 1` and a `projects:` list; see `examples/minimal.yaml`",
            );
            None
        }
        Err(err) => {
            report_syntax_error(text, err, problems);
            None
        }
    }
}

fn report_syntax_error(text: &str, err: SyntaxError, problems: &mut Problems) {
    let (span, message, help, label) = match err {
        SyntaxError::Scan { message, span } if message.contains("tab") => (
            // The parser notices a tab where the scalar before it ends; the
            // tab that breaks the indentation is the useful place.
            first_indenting_tab(text).unwrap_or(span),
            "invalid YAML: a tab in the indentation".to_owned(),
            "indent with spaces: YAML does not allow tabs for indentation",
            Some("a tab"),
        ),
        SyntaxError::Scan { message, span } => (
            span,
            format!("invalid YAML: {message}"),
            "fix the syntax at this place; nothing else in the file was checked",
            None,
        ),
        SyntaxError::MultipleDocuments { span } => (
            span,
            "the file holds more than one YAML document".to_owned(),
            "keep everything in one document: remove the `---` separator",
            Some("a second document starts here"),
        ),
        SyntaxError::AliasBudget { span } => (
            span,
            "the file expands to too much YAML through anchors and aliases".to_owned(),
            "tether refuses documents that grow this much when aliases are expanded; write the \
             repeated parts out, or use `defaults` and `templates`",
            Some("expanding this alias goes past the budget"),
        ),
        SyntaxError::UnknownAlias { span } => (
            span,
            "this alias names no anchor defined before it".to_owned(),
            "define the anchor (`&name`) before its first use (`*name`)",
            Some("unknown alias"),
        ),
        SyntaxError::TooDeep { span } => (
            span,
            format!("the YAML is nested more than {} levels deep", 64),
            "a tether file is a few levels deep; check the indentation",
            Some("too deep"),
        ),
        SyntaxError::UnsupportedTag { tag, span } => (
            span,
            format!("YAML tags such as `{tag}` are not supported"),
            "remove the tag; write plain values",
            Some("tagged value"),
        ),
        SyntaxError::ComplexKey { span } => (
            span,
            "a key must be a plain value, not a list or a mapping".to_owned(),
            "write keys as plain words, such as `PAGER_DUTY:`",
            Some("complex key"),
        ),
    };
    let problem = problems.error(span, message);
    problem.help(help);
    if let Some(label) = label {
        problem.label(label);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_tab_that_breaks_indentation() {
        assert_eq!(first_indenting_tab("a:\n  b: 1\n \tc: 2\n"), Some(11..12));
        assert_eq!(first_indenting_tab("a: \"x\ty\"\n"), None);
    }
}
