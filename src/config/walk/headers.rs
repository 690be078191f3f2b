//! The headers of an OpenTelemetry entry: 1 to 10 `{name, value}`, names
//! written as they are (Atlas answers them, plans show them), values
//! secret and from `${NAME}` only (Atlas never returns them), and all of
//! them together at most `MAX_HEADER_BYTES`.

use super::entry_values::{EntryFieldName, entry_variable};
use super::{KnownMapping, Place, Walker};
use crate::config::tree::{Node, NodeValue};
use crate::model::{EntryKind, EntryValue, Header, MAX_HEADER_BYTES};
use crate::printable::one_line;
use crate::secret::Secret;

known_mapping! {
    HEADER: HeaderKey, Place::Header, "a header", "`name:` and `value:` below it",
    { Name = "name", Value = "value" }
}

/// A header and the bytes of it that are known (a value kept as written
/// by `--ignore-unset` is not).
struct Walked {
    header: Header,
    known_bytes: usize,
}

impl Walker<'_> {
    pub(super) fn headers(
        &mut self,
        what: &EntryFieldName,
        node: &Node<'_>,
        (min, max): (usize, usize),
    ) -> Option<EntryValue> {
        let EntryFieldName(kind, _) = *what;
        let NodeValue::Seq(items) = &node.value else {
            self.blank_header_values(node);
            self.problems
                .error(
                    node.span.clone(),
                    format!(
                        "{what} must be a list of `name` and `value`, not {}",
                        node.value.describe()
                    ),
                )
                .help(
                    "write each header as a list item, `- name: Authorization` with `value: \
                     ${…}` below it",
                );
            return None;
        };
        // Every value is kept out of the quoted lines before anything else
        // is checked: any of them may be a secret.
        self.blank_header_values(node);
        let mut headers = Vec::with_capacity(items.len());
        let mut known_bytes = 0usize;
        let mut valid = true;
        for item in items {
            match self.header(kind, item) {
                Some(walked) => {
                    known_bytes = known_bytes.saturating_add(walked.known_bytes);
                    headers.push(walked.header);
                }
                None => valid = false,
            }
        }
        let count = items.len();
        if count < min || count > max {
            self.problems
                .error(
                    node.span.clone(),
                    format!("{what} holds {count} headers; Atlas takes {min} to {max}"),
                )
                .label(if count < min { "too few" } else { "too many" });
            valid = false;
        }
        // The 2 KB are in the field's description in Atlas's OpenAPI
        // document, not in its schema. The sum is not shown: it would tell
        // the length of the secrets.
        if known_bytes > MAX_HEADER_BYTES {
            self.problems
                .error(
                    node.span.clone(),
                    format!(
                        "the headers of {what} are longer than {MAX_HEADER_BYTES} bytes, names \
                         and values together"
                    ),
                )
                .label("over 2 KB")
                .help(
                    "Atlas takes at most 2 KB of headers for an entry (its API reference says \
                     so); shorten them, or send fewer",
                );
            valid = false;
        }
        valid.then_some(EntryValue::Headers(headers))
    }

    fn header(&mut self, kind: EntryKind, node: &Node<'_>) -> Option<Walked> {
        let (_, known) = self.known_mapping(node, &HEADER)?;
        let written = |which: HeaderKey| {
            known
                .iter()
                .find(|(key, _, _)| *key == which)
                .map(|(_, _, value)| *value)
        };
        let (name_node, value_node) = (written(HeaderKey::Name), written(HeaderKey::Value));
        for (missing, key, help) in [
            (
                name_node.is_none(),
                "name",
                "add `name:` with the header's name, such as `Authorization`",
            ),
            (
                value_node.is_none(),
                "value",
                "add `value: ${…}`: Atlas never returns header values, so they come from a \
                 variable",
            ),
        ] {
            if missing {
                self.problems
                    .error(node.span.clone(), format!("this header has no `{key}`"))
                    .label(format!("no `{key}`"))
                    .help(help);
            }
        }
        let name = name_node.and_then(|name| self.header_name(name));
        let value = value_node.and_then(|value| self.header_value(kind, name.as_deref(), value));
        let (name, (value, value_bytes)) = (name?, value?);
        Some(Walked {
            known_bytes: name.len().saturating_add(value_bytes.unwrap_or(0)),
            header: Header { name, value },
        })
    }

    /// A header's name, as written: no variable, a name HTTP allows.
    fn header_name(&mut self, node: &Node<'_>) -> Option<String> {
        let written = self.scalar_text(node, &"a header's `name`")?;
        // Written as `Authorization: Bearer …`, the name holds its value:
        // blanked from the lines quoted around every problem. A `${NAME}`
        // in it is no value: the error below shows it.
        if !without_references(written).bytes().all(is_token_byte) {
            self.literal_secrets.push(node.span.clone());
        }
        if written.contains("${") {
            self.problems
                .error(
                    node.span.clone(),
                    "a header's `name` cannot take a variable",
                )
                .label("`${` in a name")
                .help(
                    "write the name as it is: Atlas answers header names in clear and plans \
                     show them; only the `value` takes `${NAME}`",
                );
            return None;
        }
        if written.trim().is_empty() {
            self.problems
                .error(node.span.clone(), "a header's `name` is empty")
                .label("empty")
                .help("write the header's name, such as `Authorization`");
            return None;
        }
        if written.len() > MAX_HEADER_BYTES {
            self.problems
                .error(
                    node.span.clone(),
                    format!(
                        "a header's `name` is longer than {MAX_HEADER_BYTES} bytes, more than \
                         Atlas takes for all of an entry's headers"
                    ),
                )
                .label("too long");
            return None;
        }
        if !written.bytes().all(is_token_byte) {
            self.problems
                .error(
                    node.span.clone(),
                    "a header's `name` is not an HTTP header name",
                )
                .label("not a header name")
                .help(
                    "a name is letters, digits and ``!#$%&'*+-.^_`|~``, with no space or colon; \
                     the header's value goes in `value:`",
                );
            return None;
        }
        Some(written.to_owned())
    }

    /// A header's value: a secret, from `${NAME}`, on one line. Returns
    /// its length when it is known.
    fn header_value(
        &mut self,
        kind: EntryKind,
        name: Option<&str>,
        node: &Node<'_>,
    ) -> Option<(Secret, Option<usize>)> {
        let what = match name {
            Some(name) => format!("the `value` of the header `{}`", one_line(name)),
            None => "a header's `value`".to_owned(),
        };
        let written = self.scalar_text(node, &what)?;
        let interpolated = self.interpolate(written, node)?;
        if !interpolated.from_env {
            let variable = entry_variable(kind, &variable_part(name));
            self.literal_secret(node.span.clone(), &what, "value", &variable);
            return None;
        }
        if interpolated.value.chars().any(char::is_control) {
            self.problems
                .error(
                    node.span.clone(),
                    format!(
                        "{what} holds a line break or another control character (the value \
                         comes from the environment)"
                    ),
                )
                .label("not one line")
                .help("a header value is one line of text; check what its variable holds");
            return None;
        }
        let known = interpolated
            .kept
            .is_empty()
            .then_some(interpolated.value.len());
        Some((Secret::new(interpolated.value), known))
    }

    /// Every value under a list of headers (or a mapping written in its
    /// place), kept out of the quoted lines: any may be a secret.
    pub(super) fn blank_header_values(&mut self, node: &Node<'_>) {
        let mut blank = |entries: &[(crate::config::tree::Key<'_>, Node<'_>)]| {
            for (key, value) in entries {
                if key.text != "name" {
                    self.literal_secrets.push(value.span.clone());
                }
            }
        };
        match &node.value {
            NodeValue::Map(entries) => blank(entries),
            NodeValue::Seq(items) => {
                for item in items {
                    if let NodeValue::Map(entries) = &item.value {
                        blank(entries);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The part of a suggested variable's name that a header's name gives:
/// `X-Api-Key` → `X_API_KEY`.
fn variable_part(name: Option<&str>) -> String {
    let Some(name) = name else {
        return "HEADER".to_owned();
    };
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// A byte of an HTTP field name (RFC 9110's `tchar`).
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// `text` without its `${NAME}` references.
fn without_references(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        match rest[start..].find('}') {
            Some(end) => rest = &rest[start + end + 1..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::{is_token_byte, variable_part};

    #[test]
    fn header_names_are_http_tokens() {
        let token = |name: &str| name.bytes().all(is_token_byte);
        assert!(token("Authorization"));
        assert!(token("X-Api-Key"));
        assert!(!token("Authorization: Bearer x"));
        assert!(!token("a\nb"));
        assert!(!token("${NAME}"));
        assert_eq!(variable_part(Some("X-Api-Key")), "X_API_KEY");
        assert_eq!(variable_part(None), "HEADER");
    }

    #[test]
    fn references_are_not_what_a_name_holds() {
        assert_eq!(super::without_references("${NAME}"), "");
        assert_eq!(
            super::without_references("Authorization: Bearer sk123${X}"),
            "Authorization: Bearer sk123"
        );
        assert_eq!(super::without_references("a${b"), "a");
    }
}
