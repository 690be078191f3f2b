//! One entry of a log or metric family: its kind (a log integration's
//! `type`; a metric integration's `integrationType`, whose only value
//! `OTEL` may be left out), the `id:` that pins it to a live entry, its
//! fields by name and the required ones. The values are in `entry_values`.

use std::fmt;

use super::{Place, Walker, pairs};
use crate::config::raw::{RawFamilyEntry, Sp};
use crate::config::suggest::{did_you_mean, guess_or, one_of};
use crate::config::tree::{Key, Node, NodeValue, Span};
use crate::model::{EntryKind, Family, GroupId, IntegrationType, spec};
use crate::printable::one_line;

/// The key that pins an entry to a live one, in both families.
const PIN: &str = "id";

/// An entry, named as in messages: `` `S3_LOG_EXPORT` `` or "a metric
/// integration".
pub(super) struct EntryName(pub EntryKind);

impl fmt::Display for EntryName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.family() {
            Family::Log => write!(f, "`{}`", self.0),
            Family::Metric => f.write_str("a metric integration"),
        }
    }
}

impl Walker<'_> {
    pub(super) fn family_entry(
        &mut self,
        family: Family,
        node: &Node<'_>,
    ) -> Option<RawFamilyEntry> {
        let what = format!("a {}", family.noun());
        let example = match family {
            Family::Log => "`type:` and the type's fields below it",
            Family::Metric => "`endpoint:`, `providerType:` and the other fields below it",
        };
        let entries = self.mapping(node, &what, example)?;
        let kept = self.first_of_each(pairs(entries), Place::Entry(family));
        // A secret written again is reported as a repeat, not walked: its
        // value is still kept out of the quoted lines.
        for (key, value) in pairs(entries) {
            let repeat = !kept.iter().any(|(_, first)| std::ptr::eq(*first, value));
            if repeat && is_secret_like(&key.text) {
                self.blank_secret_like_value(&key.text, value);
            }
        }
        let discriminator = family.discriminator();
        let written_kind = kept
            .iter()
            .find(|(key, _)| key.text == discriminator)
            .map(|(_, value)| *value);
        let span = written_kind
            .map(|value| value.span.clone())
            .or_else(|| kept.first().map(|(key, _)| key.span.clone()))
            .unwrap_or_else(|| node.span.clone());
        let kind = match family {
            Family::Log => self.log_type(written_kind, &span),
            Family::Metric => {
                if let Some(value) = written_kind {
                    self.metric_type(value);
                }
                Some(EntryKind::Metric)
            }
        };
        let Some(kind) = kind else {
            self.blank_secret_like_entry_values(node);
            return None;
        };
        let mut entry = RawFamilyEntry {
            kind,
            id: None,
            fields: Vec::with_capacity(kept.len()),
            span,
        };
        for &(key, value) in &kept {
            if key.text == discriminator {
                continue;
            }
            if key.text == PIN {
                entry.id = self.entry_pin(family, value);
                continue;
            }
            match kind.field(&key.text) {
                Some(field) => {
                    if let Some(value) = self.entry_value(kind, field, value) {
                        entry.fields.push((field, value));
                    }
                }
                None => self.unknown_entry_field(kind, key, value),
            }
        }
        for field in kind.fields() {
            let must_write = field.required && field.only_value.is_none();
            if must_write && !kept.iter().any(|(key, _)| key.text == field.name) {
                self.problems
                    .error(
                        entry.span.clone(),
                        format!(
                            "{} is missing the required field `{}`",
                            EntryName(kind),
                            field.name
                        ),
                    )
                    .label(format!("no `{}`", field.name))
                    .help(format!(
                        "add `{}:` to the entry ({})",
                        field.name,
                        field.doc.trim_end_matches('.')
                    ));
            }
        }
        Some(entry)
    }

    /// A log integration's `type`, written as is: it decides which fields
    /// the entry has, so it never comes from a variable.
    fn log_type(&mut self, node: Option<&Node<'_>>, span: &Span) -> Option<EntryKind> {
        let names: Vec<&str> = Family::Log.kinds().map(EntryKind::as_str).collect();
        let Some(node) = node else {
            self.problems
                .error(span.clone(), "this log integration has no `type`")
                .label("which type?")
                .help(format!("add `type:` with one of {}", one_of(&names)));
            return None;
        };
        let written = self.scalar_text(node, &"`type`")?;
        if let Ok(kind) = written.parse::<EntryKind>()
            && kind.family() == Family::Log
        {
            return Some(kind);
        }
        self.problems
            .error(
                node.span.clone(),
                format!("unknown log integration type `{}`", one_line(written)),
            )
            .label("unknown type")
            .help(log_type_help(written, &names));
        None
    }

    /// A metric integration's `integrationType`: `OTEL`, its only value.
    fn metric_type(&mut self, node: &Node<'_>) {
        let Some(written) = self.scalar_text(node, &"`integrationType`") else {
            return;
        };
        let only = EntryKind::Metric.as_str();
        if written == only {
            return;
        }
        let help = match written.parse::<EntryKind>() {
            Ok(kind) if kind.family() == Family::Log => format!(
                "`{kind}` is a log integration: write it in `log_integrations:` as `- type: {kind}`"
            ),
            _ => format!(
                "metric integrations are OpenTelemetry (`{only}`), its only value, which may be \
                 left out"
            ),
        };
        self.problems
            .error(
                node.span.clone(),
                format!(
                    "a metric integration's `integrationType` can only be `{only}`, not `{}`",
                    one_line(written)
                ),
            )
            .label(format!("expected `{only}`"))
            .help(help);
    }

    /// `id:`, the 24 hexadecimal digits of the live entry it pins to.
    fn entry_pin(&mut self, family: Family, node: &Node<'_>) -> Option<Sp<String>> {
        let (id, unset) = self.text_or_unset(node, &"`id`")?;
        if unset {
            return Some(id);
        }
        let Err(reason) = id.value.parse::<GroupId>() else {
            return Some(id);
        };
        // A value from a variable is not shown, not even in lowercase.
        let written_here = node.value.scalar_text() == Some(id.value.as_str());
        let help = GroupId::lowercase_hint(&id.value)
            .filter(|_| written_here)
            .unwrap_or_else(|| {
                format!(
                    "`id` pins the entry to a live {}: the {} hexadecimal digits Atlas assigned \
                     it; leave it out to match the entry by what it points at",
                    family.noun(),
                    GroupId::LEN
                )
            });
        self.problems
            .error(
                node.span.clone(),
                format!(
                    "the `id` of this {} is not an id Atlas assigns: {reason}",
                    family.noun()
                ),
            )
            .label("not an id")
            .help(help);
        None
    }

    fn unknown_entry_field(&mut self, kind: EntryKind, key: &Key<'_>, value: &Node<'_>) {
        let family = kind.family();
        let mut names: Vec<&str> = kind.fields().iter().map(|field| field.name).collect();
        names.push(PIN);
        let guess = did_you_mean(&key.text, names.iter().copied());
        // A misspelt secret is still a secret: keep it out of the snippet.
        let guessed_secret = guess
            .and_then(|name| kind.field(name))
            .is_some_and(|field| field.is_secret() || field.is_headers());
        if guessed_secret || is_secret_like(&key.text) {
            self.blank_secret_like_value(&key.text, value);
        }
        let owners: Vec<&str> = family
            .kinds()
            .filter(|other| other.field(&key.text).is_some())
            .map(EntryKind::as_str)
            .collect();
        let problem = self
            .problems
            .error(
                key.span.clone(),
                format!(
                    "unknown field `{}` in {}",
                    one_line(&key.text),
                    EntryName(kind)
                ),
            )
            .label("unknown field");
        let help = if key.text == family.id_field() {
            format!("the pin to a live {} is written `{PIN}:`", family.noun())
        } else if family == Family::Metric && key.text == Family::Log.discriminator() {
            format!(
                "a metric integration has no `type`: its kind is `integrationType: {}`, which \
                 may be left out",
                EntryKind::Metric
            )
        } else if family == Family::Log && key.text == Family::Metric.discriminator() {
            "a log integration's kind is its `type`".to_owned()
        } else if let Some(guess) = guess {
            format!("did you mean `{guess}`?")
        } else if !owners.is_empty() {
            format!(
                "`{}` is a field of {}, not of `{kind}`",
                key.text,
                one_of(&owners)
            )
        } else {
            format!("the fields of {} are {}", EntryName(kind), one_of(&names))
        };
        problem.help(help);
    }

    /// Under an entry whose kind is not known nothing is known to be
    /// secret: blank every value whose key names a secret of any kind, and
    /// every header's value.
    pub(super) fn blank_secret_like_entry_values(&mut self, node: &Node<'_>) {
        match &node.value {
            NodeValue::Map(entries) => {
                for (key, value) in entries {
                    if is_secret_like(&key.text) {
                        self.blank_secret_like_value(&key.text, value);
                    }
                }
            }
            NodeValue::Seq(items) => {
                for item in items {
                    self.blank_secret_like_entry_values(item);
                }
            }
            _ => {}
        }
    }

    /// The value of a key that names a secret (its span) or headers (every
    /// header's value), kept out of the quoted lines.
    fn blank_secret_like_value(&mut self, key: &str, value: &Node<'_>) {
        let headers = Family::ALL
            .into_iter()
            .flat_map(Family::kinds)
            .filter_map(|kind| kind.field(key))
            .any(|field| field.is_headers());
        if headers {
            self.blank_header_values(value);
        } else {
            self.literal_secrets.push(value.span.clone());
        }
    }
}

/// Whether `key` is the name of a secret or of headers in any entry kind,
/// or of a secret of any integration type.
fn is_secret_like(key: &str) -> bool {
    let entry_field = Family::ALL
        .into_iter()
        .flat_map(Family::kinds)
        .filter_map(|kind| kind.field(key))
        .any(|field| field.is_secret() || field.is_headers());
    entry_field
        || IntegrationType::ALL
            .into_iter()
            .filter_map(|kind| spec(kind).field(key))
            .any(|field| field.sensitive)
}

/// The help for a log integration `type` that is not one, pointing at the
/// section a kind from another family belongs in.
fn log_type_help(written: &str, names: &[&str]) -> String {
    if written.contains("${") {
        return "the type decides which fields the entry has, so it is written as is, not from \
                a variable"
            .to_owned();
    }
    if written == EntryKind::Metric.as_str() {
        return format!(
            "did you mean `{}`? `{written}` metric export is a metric integration, in \
             `metric_integrations:`",
            EntryKind::Otel
        );
    }
    let folded = written.to_ascii_uppercase().replace('-', "_");
    let third_party = written.parse::<IntegrationType>().is_ok();
    let with_suffix = format!("{folded}_LOG_EXPORT");
    if let Some(kind) = names.iter().find(|name| **name == with_suffix) {
        return if third_party {
            format!(
                "did you mean `{kind}`? `{written}` is the third-party integration, written \
                 under `integrations:`"
            )
        } else {
            format!("did you mean `{kind}`?")
        };
    }
    if third_party {
        return format!(
            "`{written}` is a third-party integration: write it under `integrations:`, not in \
             `log_integrations`"
        );
    }
    guess_or(written, names.iter().copied(), || {
        format!("the types are {}", one_of(names))
    })
}

#[cfg(test)]
mod tests {
    use super::log_type_help;
    use crate::model::{EntryKind, Family};

    fn help(written: &str) -> String {
        let names: Vec<&str> = Family::Log.kinds().map(EntryKind::as_str).collect();
        log_type_help(written, &names)
    }

    #[test]
    fn a_type_from_another_section_is_pointed_there() {
        assert!(help("S3").starts_with("did you mean `S3_LOG_EXPORT`?"));
        assert!(help("DATADOG").contains("`DATADOG` is the third-party integration"));
        assert!(help("PAGER_DUTY").contains("under `integrations:`"));
        assert!(help("OTEL").contains("`metric_integrations:`"));
        assert!(help("${TYPE}").contains("not from a variable"));
        assert_eq!(help("GCS_LOG_EXPROT"), "did you mean `GCS_LOG_EXPORT`?");
    }
}
