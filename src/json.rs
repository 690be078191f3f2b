//! JSON for machines: one way to print a document.

use serde::Serialize;

/// Pretty-printed JSON with a final newline.
pub fn pretty(value: &impl Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("tether's documents serialize");
    text.push('\n');
    text
}
