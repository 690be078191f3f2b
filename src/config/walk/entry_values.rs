//! The value of one field of a log or metric entry, checked against its
//! shape in the model's table: text (with its length and the https rule),
//! a fixed list, 24 hexadecimal digits, a boolean, a set, and secrets,
//! which come from `${NAME}` only. Headers are in `headers`.

use std::fmt;

use super::Walker;
use super::datadog_regions;
use crate::config::interpolate::MAX_VALUE_BYTES;
use crate::config::raw::Sp;
use crate::config::suggest::{guess_or, one_of};
use crate::config::tree::{Node, NodeValue, Span};
use crate::model::{
    EntryField, EntryKind, EntryValue, Family, Shape, is_https_url, screaming_snake,
};
use crate::printable::{is_unsafe, one_line};
use crate::secret::Secret;

/// A field of an entry of a kind, named as in messages:
/// `S3_LOG_EXPORT.bucketName`, `metric_integrations.endpoint`.
#[derive(Clone, Copy)]
pub(super) struct EntryFieldName(pub EntryKind, pub &'static EntryField);

impl fmt::Display for EntryFieldName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let EntryFieldName(kind, field) = self;
        match kind.family() {
            Family::Log => write!(f, "`{kind}.{}`", field.name),
            Family::Metric => write!(f, "`{}.{}`", Family::Metric.section(), field.name),
        }
    }
}

/// The variable suggested for a secret of an entry written literally:
/// `DATADOG_LOG_EXPORT_API_KEY`, `METRIC_INTEGRATION_AUTHORIZATION`.
pub(super) fn entry_variable(kind: EntryKind, what: &str) -> String {
    let prefix = match kind.family() {
        Family::Log => kind.as_str(),
        Family::Metric => "METRIC_INTEGRATION",
    };
    format!("{prefix}_{what}")
}

/// What a message says of a value: the value, unless it came from the
/// environment.
fn shown(value: &str, from_env: bool) -> String {
    if from_env {
        "the value of its variable".to_owned()
    } else {
        format!("`{}`", one_line(value))
    }
}

impl Walker<'_> {
    pub(super) fn entry_value(
        &mut self,
        kind: EntryKind,
        field: &'static EntryField,
        node: &Node<'_>,
    ) -> Option<Sp<EntryValue>> {
        let what = EntryFieldName(kind, field);
        let value = match field.shape {
            Shape::Bool => EntryValue::Bool(self.boolean(node, &what)?),
            Shape::Set { values, min, max } => self.entry_set(&what, node, values, (min, max))?,
            Shape::Headers { min, max } => self.headers(&what, node, (min, max))?,
            Shape::Text | Shape::Enum(_) | Shape::Hex24 if field.is_secret() => {
                EntryValue::Secret(self.entry_secret(&what, node)?)
            }
            Shape::Text | Shape::Enum(_) | Shape::Hex24 => {
                let (text, from_env) = self.entry_text(&what, node)?;
                // A value from the environment is kept like a secret even in
                // a field that is not one, as integrations' are: compared
                // exactly, never shown. What an entry points at stays text:
                // it names the entry in every plan.
                if from_env && !field.identity {
                    EntryValue::Secret(Secret::new(text))
                } else {
                    EntryValue::Text(text)
                }
            }
        };
        Some(Sp::new(value, node.span.clone()))
    }

    /// A secret: from `${NAME}` (the environment, `TETHER_SECRETS_JSON` or
    /// a `--secrets` file), never written into the file.
    fn entry_secret(&mut self, what: &EntryFieldName, node: &Node<'_>) -> Option<Secret> {
        let EntryFieldName(kind, field) = *what;
        let written = self.scalar_text(node, what)?;
        // Refused for its length, a literal secret is still blanked from
        // the lines quoted around other problems.
        if written.len() > MAX_VALUE_BYTES {
            self.literal_secrets.push(node.span.clone());
        }
        let interpolated = self.interpolate(written, node)?;
        if !interpolated.from_env {
            let variable = entry_variable(kind, &screaming_snake(field.name));
            self.literal_secret(node.span.clone(), what, field.name, &variable);
            return None;
        }
        Some(Secret::new(interpolated.value))
    }

    /// A secret written into the file: an error for the families, with the
    /// hint integrations' warning gives. Its value is blanked from every
    /// quoted line.
    pub(super) fn literal_secret(
        &mut self,
        span: Span,
        what: &dyn fmt::Display,
        key: &str,
        variable: &str,
    ) {
        self.literal_secrets.push(span.clone());
        self.problems
            .error(span, format!("{what} is a secret written into the file"))
            .label("literal secret")
            .help(format!(
                "anyone who can read the repository can read it; use an environment variable \
                 instead, such as `{key}: ${{{variable}}}` (log and metric integrations take \
                 secrets from variables only)"
            ));
    }

    /// The text of a plain field, and whether any of it comes from the
    /// environment (or is kept as written there, under `--ignore-unset`).
    fn entry_text(&mut self, what: &EntryFieldName, node: &Node<'_>) -> Option<(String, bool)> {
        let EntryFieldName(kind, field) = *what;
        let written = self.scalar_text(node, what)?;
        let interpolated = self.interpolate(written, node)?;
        let from_env = interpolated.from_env;
        let source_hint = if from_env {
            " (the value comes from the environment)"
        } else {
            ""
        };
        let value = interpolated.value;
        let span = node.span.clone();
        if value.is_empty() && field.may_be_empty {
            return Some((value, from_env));
        }
        if value.trim().is_empty() {
            self.problems
                .error(span, format!("{what} is empty"))
                .label("empty")
                .help(if field.required {
                    "give it a value"
                } else {
                    "give it a value, or leave the field out"
                });
            return None;
        }
        if let Some((at, c)) = value.chars().enumerate().find(|(_, c)| is_unsafe(*c)) {
            self.problems
                .error(
                    span,
                    format!(
                        "{what} holds a control or invisible character (`{}`, character {}){source_hint}",
                        one_line(&c.to_string()),
                        at + 1
                    ),
                )
                .label("not one line of text")
                .help("Atlas takes it as one line of text; remove the character");
            return None;
        }
        if !interpolated.kept.is_empty() {
            return Some((value, from_env));
        }
        if let Shape::Enum(values) = field.shape
            && !values.contains(&value.as_str())
        {
            let vocabulary = (kind == EntryKind::Datadog && field.name == "region" && !from_env)
                .then(|| datadog_regions::log_export_hint(&value))
                .flatten();
            let help = vocabulary.unwrap_or_else(|| {
                let listed = || format!("the values Atlas accepts are {}", one_of(values));
                if from_env {
                    listed()
                } else {
                    guess_or(&value, values.iter().copied(), listed)
                }
            });
            self.problems
                .error(
                    span,
                    format!("{what} cannot be {}", shown(&value, from_env)),
                )
                .label(format!("expected {}", one_of(values)))
                .help(help);
            return None;
        }
        if field.shape == Shape::Hex24 && !is_hex24(&value) {
            self.problems
                .error(
                    span,
                    format!("{what} must be 24 hexadecimal digits{source_hint}"),
                )
                .label("not 24 hexadecimal digits")
                .help(field.doc);
            return None;
        }
        let length = value.chars().count();
        if let Some(max) = field.max_length
            && length > max
        {
            self.problems
                .error(
                    span,
                    format!(
                        "{what} is {length} characters; Atlas accepts at most {max}{source_hint}"
                    ),
                )
                .label("too long")
                .help(field.doc);
            return None;
        }
        // The https rule comes from the field's description in Atlas's
        // OpenAPI document; its schema allows any string.
        if field.https && !is_https_url(&value) {
            self.problems
                .error(
                    span,
                    format!("{what} must be an `https://` URL{source_hint}"),
                )
                .label("not https")
                .help(format!(
                    "Atlas's API reference says the endpoint must use https: {}",
                    field.doc
                ));
            return None;
        }
        Some((value, from_env))
    }

    /// A set: a list of the allowed values, each once, between `min` and
    /// `max` of them.
    fn entry_set(
        &mut self,
        what: &EntryFieldName,
        node: &Node<'_>,
        values: &[&str],
        (min, max): (usize, usize),
    ) -> Option<EntryValue> {
        let NodeValue::Seq(items) = &node.value else {
            self.problems
                .error(
                    node.span.clone(),
                    format!("{what} must be a list, not {}", node.value.describe()),
                )
                .help(format!(
                    "write it as a list of {}, such as `[{}]`",
                    one_of(values),
                    values.first().copied().unwrap_or_default()
                ));
            return None;
        };
        let item_what = format!("a value of {what}");
        let mut kept: Vec<(String, Span, bool)> = Vec::with_capacity(items.len());
        let mut valid = true;
        for item in items {
            let Some(written) = self.scalar_text(item, &item_what) else {
                valid = false;
                continue;
            };
            let Some(interpolated) = self.interpolate(written, item) else {
                valid = false;
                continue;
            };
            let (value, from_env) = (interpolated.value, interpolated.from_env);
            if interpolated.kept.is_empty() && !values.contains(&value.as_str()) {
                let listed = || format!("the values Atlas accepts are {}", one_of(values));
                let help = if from_env {
                    listed()
                } else {
                    guess_or(&value, values.iter().copied(), listed)
                };
                self.problems
                    .error(
                        item.span.clone(),
                        format!("{what} cannot hold {}", shown(&value, from_env)),
                    )
                    .label(format!("expected {}", one_of(values)))
                    .help(help);
                valid = false;
                continue;
            }
            if let Some((_, first, first_from_env)) = kept.iter().find(|(seen, ..)| *seen == value)
            {
                let again = if from_env || *first_from_env {
                    "a value".to_owned()
                } else {
                    format!("`{}`", one_line(&value))
                };
                self.problems
                    .error(
                        item.span.clone(),
                        format!("{again} is written twice in {what}"),
                    )
                    .label("written again here")
                    .related(first.clone(), "first written here")
                    .help("a set holds each value once: keep one of the two");
                valid = false;
                continue;
            }
            kept.push((value, item.span.clone(), from_env));
        }
        let count = items.len();
        if count < min {
            let least = if min == 1 {
                "at least one value".to_owned()
            } else {
                format!("at least {min} values")
            };
            self.problems
                .error(node.span.clone(), format!("{what} needs {least}"))
                .label("too few")
                .help(format!("list some of {}", one_of(values)));
            valid = false;
        }
        if count > max {
            self.problems
                .error(
                    node.span.clone(),
                    format!("{what} holds {count} values; Atlas accepts at most {max}"),
                )
                .label("too many");
            valid = false;
        }
        valid.then(|| EntryValue::Set(kept.into_iter().map(|(value, ..)| value).collect()))
    }
}

/// `^[a-fA-F0-9]{24}$`, the document's pattern for role ids.
fn is_hex24(value: &str) -> bool {
    value.len() == 24 && value.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use crate::config::{Unset, load_str};
    use crate::model::{EntryValue, Family};

    /// `--ignore-unset`: a value kept as `${NAME}` is not checked (its
    /// enum, its set, its length), and a secret kept so is still a secret.
    #[test]
    fn values_kept_as_written_are_not_checked_and_secrets_stay_secret() {
        let text = "version: 1
projects:
  - name: p
    log_integrations:
      - type: DATADOG_LOG_EXPORT
        id: ${DATADOG_EXPORT_ID}
        apiKey: ${DD_LOGS_API_KEY}
        region: ${DD_REGION}
        logTypes: [\"${LOG_TYPE}\", MONGOD]
      - type: OTEL_LOG_EXPORT
        otelEndpoint: ${OTEL_ENDPOINT}
        otelSuppliedHeaders:
          - name: Authorization
            value: Bearer ${OTEL_TOKEN}
        logTypes: []
";
        let loaded = load_str("t.yaml", text, (&HashMap::new(), Unset::Keep))
            .unwrap_or_else(|reports| panic!("{}", reports.render(false)));
        let project = &loaded.desired.projects[0];
        let entries = project.families.entries(Family::Log).expect("declared");
        assert_eq!(entries[0].id.as_deref(), Some("${DATADOG_EXPORT_ID}"));
        assert!(matches!(
            entries[0].get("apiKey"),
            Some(EntryValue::Secret(_))
        ));
        assert_eq!(
            entries[0].get("region"),
            Some(&EntryValue::Text("${DD_REGION}".to_owned()))
        );
        let Some(EntryValue::Headers(headers)) = entries[1].get("otelSuppliedHeaders") else {
            panic!("headers");
        };
        assert_eq!(headers[0].value.expose(), "Bearer ${OTEL_TOKEN}");
    }

    #[test]
    fn a_prefix_may_be_the_root_but_a_bucket_may_not_be_empty() {
        let file = |bucket: &str| {
            format!(
                "version: 1\nprojects:\n  - id: 65f1a2b3c4d5e6f7a8b9c0aa\n    log_integrations:\n      \
                 - type: S3_LOG_EXPORT\n        bucketName: \"{bucket}\"\n        prefixPath: \"\"\n        \
                 iamRoleId: 65f1a2b3c4d5e6f7a8b9c0ab\n        logTypes: [MONGOD]\n"
            )
        };
        let loaded = load_str("t.yaml", &file("acme"), (&HashMap::new(), Unset::Error))
            .unwrap_or_else(|reports| panic!("{}", reports.render(false)));
        let entries = loaded.desired.projects[0]
            .families
            .entries(Family::Log)
            .expect("declared");
        assert_eq!(
            entries[0].get("prefixPath"),
            Some(&EntryValue::Text(String::new()))
        );
        assert!(load_str("t.yaml", &file(""), (&HashMap::new(), Unset::Error)).is_err());
    }
}
