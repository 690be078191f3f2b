//! A query parameter that every route reads the same way.

use std::collections::HashMap;

use super::errors::ApiError;

/// The boolean query parameter `name` (`true` or `false`), `default` when
/// absent; any other value is refused as Atlas refuses it.
pub(super) fn parse_bool(
    query: &HashMap<String, String>,
    name: &str,
    default: bool,
) -> Result<bool, ApiError> {
    match query.get(name).map(String::as_str) {
        None => Ok(default),
        Some("true") => Ok(true),
        Some("false") => Ok(false),
        Some(_) => Err(ApiError::invalid_query(name, "must be true or false")),
    }
}
