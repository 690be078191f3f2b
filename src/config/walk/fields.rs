//! The fields of one integration: known names, required and advised ones,
//! and each value checked against the model's field table.

use std::fmt;

use super::{Place, Walker, datadog_regions, pairs};
use crate::config::interpolate::MAX_VALUE_BYTES;
use crate::config::raw::{RawField, RawValue, Sp};
use crate::config::suggest::{did_you_mean, guess_or, one_of};
use crate::config::tree::{Key, Node, NodeValue};
use crate::model::{
    FieldKind, FieldSpec, Format, IntegrationType, Required, screaming_snake, spec,
};
use crate::secret::Secret;

/// A field, named as in messages: `PAGER_DUTY.serviceKey`.
struct FieldName(IntegrationType, &'static str);

impl fmt::Display for FieldName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}.{}`", self.0, self.1)
    }
}

impl Walker<'_> {
    pub(super) fn fields(
        &mut self,
        kind: IntegrationType,
        type_key: &Key,
        entries: &[(Key, Node)],
    ) -> Vec<RawField> {
        let type_spec = spec(kind);
        let mut fields = Vec::with_capacity(entries.len());
        let kept = self.first_of_each(pairs(entries), Place::Type(kind));
        // A secret written again is reported as a repeat, not walked: its
        // value is still kept out of the quoted lines.
        for (key, value) in pairs(entries) {
            let repeat = !kept.iter().any(|(_, first)| std::ptr::eq(*first, value));
            if repeat && type_spec.field(&key.text).is_some_and(|f| f.sensitive) {
                self.literal_secrets.push(value.span.clone());
            }
        }
        for &(key, value) in &kept {
            let Some(field) = type_spec.field(&key.text) else {
                self.unknown_field(kind, key, value);
                continue;
            };
            if let Some(value) = self.field_value(kind, field, value) {
                fields.push(RawField { spec: field, value });
            }
        }
        for field in type_spec.fields {
            if field.required == Required::Always && !kept.iter().any(|(k, _)| k.text == field.name)
            {
                self.problems
                    .error(
                        type_key.span.clone(),
                        format!("`{kind}` is missing the required field `{}`", field.name),
                    )
                    .label(format!("no `{}`", field.name))
                    .help(format!(
                        "add `{}:` below `{kind}:` ({})",
                        field.name,
                        field.doc.trim_end_matches('.')
                    ));
            }
            if let Some(why) = field.advised
                && !kept.iter().any(|(k, _)| k.text == field.name)
            {
                self.problems
                    .warning(
                        type_key.span.clone(),
                        format!("`{kind}` has no `{}`", field.name),
                    )
                    .label(format!("no `{}`", field.name))
                    .help(format!("{why}; add `{}:` below `{kind}:`", field.name));
            }
        }
        fields
    }

    fn unknown_field(&mut self, kind: IntegrationType, key: &Key<'_>, value: &Node<'_>) {
        let names: Vec<&str> = spec(kind).fields.iter().map(|f| f.name).collect();
        let guess = did_you_mean(&key.text, names.iter().copied());
        // A misspelt secret is still a secret: keep it out of the snippet.
        let guessed_secret = guess
            .and_then(|g| spec(kind).field(g))
            .is_some_and(|f| f.sensitive);
        if guessed_secret {
            self.literal_secrets.push(value.span.clone());
        }
        let message = format!("unknown field `{}` in `{kind}`", key.text);
        let problem = self.unknown(key, message, "field");
        match guess {
            _ if key.text == "type" => problem.help(format!(
                "the type is the key above (`{kind}:`); remove this line"
            )),
            Some(guess) => problem.help(format!("did you mean `{guess}`?")),
            None => problem.help(format!("the fields of `{kind}` are {}", one_of(&names))),
        };
    }

    fn field_value(
        &mut self,
        kind: IntegrationType,
        field: &'static FieldSpec,
        node: &Node<'_>,
    ) -> Option<Sp<RawValue>> {
        let what = FieldName(kind, field.name);
        if field.kind == FieldKind::Bool {
            let b = self.boolean(node, &what)?;
            return Some(Sp::new(RawValue::Bool(b), node.span.clone()));
        }
        let written = self.scalar_text(node, &what)?;
        // Refused for its length, a literal secret is still blanked from
        // the lines quoted around other problems.
        if field.sensitive && written.len() > MAX_VALUE_BYTES {
            self.literal_secrets.push(node.span.clone());
        }
        let interpolated = self.interpolate(written, node)?;
        let value = interpolated.value;
        if value.is_empty() {
            self.problems
                .error(node.span.clone(), format!("{what} is empty"))
                .label("empty")
                .help("give it a value, or leave the field out");
            return None;
        }
        let literal_secret = field.sensitive && !interpolated.from_env;
        if literal_secret {
            self.literal_secrets.push(node.span.clone());
        }
        // Some of the value is kept as written (`--ignore-unset`); the rest
        // may be a variable's value: kept like a secret whatever the field,
        // as every value from the environment is (below).
        if !interpolated.kept.is_empty() {
            return Some(Sp::new(
                RawValue::Secret(Secret::new(value)),
                node.span.clone(),
            ));
        }
        if !field.allowed.is_empty() && !field.allowed.contains(&value.as_str()) {
            let vocabulary = (kind == IntegrationType::Datadog
                && field.name == "region"
                && !interpolated.from_env)
                .then(|| datadog_regions::integration_hint(&value))
                .flatten();
            let help = vocabulary.unwrap_or_else(|| {
                guess_or(&value, field.allowed.iter().copied(), || {
                    format!("the values Atlas accepts are {}", one_of(field.allowed))
                })
            });
            // A value from the environment is never shown, whatever the field.
            let found = if interpolated.from_env {
                "the value of its variable".to_owned()
            } else {
                format!("`{value}`")
            };
            self.problems
                .error(node.span.clone(), format!("{what} cannot be {found}"))
                .label(format!("expected {}", one_of(field.allowed)))
                .help(help);
            return None;
        }
        if let Some(message) = format_problem(field, &value) {
            let source_hint = if interpolated.from_env {
                " (the value comes from the environment)"
            } else {
                ""
            };
            self.problems
                .error(node.span.clone(), format!("{what} {message}{source_hint}"))
                .help(field.doc);
            return None;
        }
        // A value from the environment is kept like a secret even in a field
        // that is not one (a `routingKey: ${ROUTING_KEY}`): compared exactly,
        // never shown.
        if !field.sensitive && !interpolated.from_env {
            return Some(Sp::new(RawValue::Text(value), node.span.clone()));
        }
        if literal_secret {
            self.problems
                .warning(
                    node.span.clone(),
                    format!("{what} is a secret written into the file"),
                )
                .label("literal secret")
                .help(format!(
                    "anyone who can read the repository can read it; use an environment variable \
                     instead, such as `{}: ${{{}}}`",
                    field.name,
                    suggested_variable(kind, field)
                ));
        }
        Some(Sp::new(
            RawValue::Secret(Secret::new(value)),
            node.span.clone(),
        ))
    }

    pub(super) fn boolean(&mut self, node: &Node<'_>, what: &dyn fmt::Display) -> Option<bool> {
        if let NodeValue::Bool(b) = node.value {
            return Some(b);
        }
        let found = node
            .value
            .scalar_text()
            .map_or_else(|| node.value.describe().to_owned(), |t| format!("`{t}`"));
        let problem = self
            .problems
            .error(
                node.span.clone(),
                format!("{what} must be `true` or `false`, not {found}"),
            )
            .label("expected true or false");
        match node.value.scalar_text() {
            Some("true" | "false") => problem.help("remove the quotes"),
            Some(_) => problem.help(
                "only `true` and `false` are booleans here; words such as `yes` and `on` are not",
            ),
            None => problem.help("write `true` or `false`"),
        };
        None
    }
}

/// What is wrong with a value's format, without repeating the value (it may
/// be a secret).
fn format_problem(field: &FieldSpec, value: &str) -> Option<String> {
    match field.format {
        Format::Any => None,
        Format::Hex => (!value.chars().all(|c| c.is_ascii_hexdigit()))
            .then(|| "must be hexadecimal: Atlas rejects other keys".to_owned()),
        Format::LowerHex40 => (value.len() != 40
            || !value
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
        .then(|| "must be 40 lowercase hexadecimal characters (0-9, a-f)".to_owned()),
        Format::HttpUrl => {
            let rest = value
                .strip_prefix("https://")
                .or_else(|| value.strip_prefix("http://"));
            let has_host = rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/'));
            (!has_host).then(|| "must be an absolute `http://` or `https://` URL".to_owned())
        }
        Format::Length { min, max } => {
            let n = value.chars().count();
            (n < min || n > max).then(|| format!("must be {min} to {max} characters; it has {n}"))
        }
        Format::MaxBytes(max) => (value.len() > max)
            .then(|| format!("is {} bytes; Atlas accepts at most {max}", value.len())),
    }
}

/// The variable name suggested for a literal secret, e.g. `PAGER_DUTY_SERVICE_KEY`.
pub fn suggested_variable(kind: IntegrationType, field: &FieldSpec) -> String {
    format!("{kind}_{}", screaming_snake(field.name))
}
