//! The numbers and shapes the file's values must keep, each written once:
//! the walk checks them and the JSON Schema of the file states them.

use crate::model::GroupId;

/// The version of the file format this tether reads.
pub const FILE_VERSION: u32 = 1;

/// The longest project name Atlas accepts, in characters.
pub const MAX_PROJECT_NAME_CHARS: usize = 64;

pub use crate::model::MAX_PERCENT;

/// A `${NAME}` reference to a variable, as a regular expression.
pub const VARIABLE_REFERENCE: &str = r"\$\{[A-Za-z_][A-Za-z0-9_]*\}";

/// An Atlas id (project or organization) or a value that holds a `${NAME}`,
/// as a regular expression: what the schema accepts for `id` and
/// `select.org`.
pub fn id_or_variable_pattern() -> String {
    format!("^([0-9a-f]{{{}}}|.*{VARIABLE_REFERENCE}.*)$", GroupId::LEN)
}

#[cfg(test)]
mod tests {
    use super::VARIABLE_REFERENCE;
    use crate::config::interpolate::is_name;

    /// The schema's pattern and the interpolation's own check are two
    /// writings of one shape: they must agree on every name.
    #[test]
    fn the_schema_and_the_interpolation_agree_on_what_a_variable_name_is() {
        let schema = serde_json::json!({"pattern": format!("^{VARIABLE_REFERENCE}$")});
        let validator = jsonschema::validator_for(&schema).expect("the pattern compiles");
        for name in [
            "A", "_", "_a1", "PD_KEY", "a", "1A", "A-B", "A B", "", "É", "A.B", "A$", "AΣ",
        ] {
            let reference = serde_json::json!(format!("${{{name}}}"));
            assert_eq!(
                validator.is_valid(&reference),
                is_name(name),
                "`{name}`: the schema and the interpolation disagree"
            );
        }
    }
}
