//! The numbers and shapes the file's values must keep, each written once:
//! the walk checks them and the JSON Schema of the file states them.

use crate::model::GroupId;

/// The version of the file format this tether reads.
pub const FILE_VERSION: u32 = 1;

/// The longest project name Atlas accepts, in characters.
pub const MAX_PROJECT_NAME_CHARS: usize = 64;

/// The highest value of a percentage of `safety`.
pub const MAX_PERCENT: u32 = 100;

/// A `${NAME}` reference to a variable, as a regular expression.
pub const VARIABLE_REFERENCE: &str = r"\$\{[A-Za-z_][A-Za-z0-9_]*\}";

/// An Atlas id (project or organization) or a value that holds a `${NAME}`,
/// as a regular expression: what the schema accepts for `id` and
/// `select.org`.
pub fn id_or_variable_pattern() -> String {
    format!("^([0-9a-f]{{{}}}|.*{VARIABLE_REFERENCE}.*)$", GroupId::LEN)
}
