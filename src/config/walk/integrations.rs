//! The `integrations` of a layer (defaults, a template, a project): each
//! type, written as its fields or as `absent`. A log or metric kind
//! written here is pointed to its own section.

use super::families::FamilyKey;
use super::{Place, Walker, pairs};
use crate::config::raw::{RawEntry, RawIntegrations, RawSlot, Sp};
use crate::config::suggest::{did_you_mean, guess_or, one_of};
use crate::config::tree::{Key, Node, NodeValue};
use crate::model::{EntryKind, Family, IntegrationType, Lifecycle, spec};

/// The word that requires a type not to exist in the project.
const ABSENT: &str = "absent";

impl Walker<'_> {
    pub(super) fn integrations(
        &mut self,
        node: &Node<'_>,
        place: Place<'_>,
    ) -> Option<RawIntegrations> {
        let entries = self.mapping(
            node,
            "`integrations`",
            "integration types such as `PAGER_DUTY:` with their fields below them",
        )?;
        Some(self.integration_types(pairs(entries).collect(), place))
    }

    /// The types of a layer's integrations, in file order (a template's,
    /// without its family keys).
    pub(super) fn integration_types<'n>(
        &mut self,
        entries: Vec<(&'n Key<'n>, &'n Node<'n>)>,
        place: Place<'_>,
    ) -> RawIntegrations {
        let mut out = Vec::with_capacity(entries.len());
        // The types written beside with fields (not `absent`).
        let present: Vec<IntegrationType> = entries
            .iter()
            .filter(|(_, value)| matches!(value.value, NodeValue::Map(_) | NodeValue::Null))
            .filter_map(|(key, _)| key.text.parse().ok())
            .collect();
        for (key, value) in self.first_of_each(entries, place) {
            if self.family_key_too_deep(key, value) || self.misplaced_field(key, value, &present) {
                continue;
            }
            let Some(kind) = self.integration_type(key, place) else {
                self.blank_secret_like_values(value);
                continue;
            };
            if let Some(slot) = self.slot(kind, key, value) {
                out.push(RawEntry {
                    kind: Sp::new(kind, key.span.clone()),
                    slot,
                });
            }
        }
        RawIntegrations(out)
    }

    /// `log_integrations:` (or another family key) written under
    /// `integrations:`, one level too deep.
    fn family_key_too_deep(&mut self, key: &Key<'_>, value: &Node<'_>) -> bool {
        if FamilyKey::of(&key.text).is_none() {
            return false;
        }
        self.blank_secret_like_entry_values(value);
        self.problems
            .error(
                key.span.clone(),
                format!(
                    "`{}` is not an integration type: it goes beside `integrations:`, not under it",
                    key.text
                ),
            )
            .label("one level too deep")
            .help(format!(
                "move `{}:` out one level, to the indentation of `integrations:`",
                key.text
            ));
        true
    }

    /// A field of some integration type written among the types (indented
    /// one step too little): named as such, with the type to indent it
    /// under, preferring one written beside it. Its value is kept out of the
    /// quoted lines when the field is a secret of any type.
    fn misplaced_field(
        &mut self,
        key: &Key<'_>,
        value: &Node<'_>,
        present: &[IntegrationType],
    ) -> bool {
        let owners: Vec<IntegrationType> = IntegrationType::ALL
            .into_iter()
            .filter(|kind| spec(*kind).field(&key.text).is_some())
            .collect();
        if owners.is_empty() {
            return false;
        }
        if owners
            .iter()
            .any(|kind| spec(*kind).field(&key.text).is_some_and(|f| f.sensitive))
        {
            self.literal_secrets.push(value.span.clone());
        }
        let beside: Vec<IntegrationType> = owners
            .iter()
            .copied()
            .filter(|kind| present.contains(kind))
            .collect();
        let named = if beside.is_empty() { &owners } else { &beside };
        let names: Vec<&str> = named.iter().map(|kind| kind.as_str()).collect();
        let of: Vec<&str> = owners.iter().map(|kind| kind.as_str()).collect();
        let under = match names.as_slice() {
            [one] => format!("`{one}:`"),
            _ => format!("its type ({})", one_of(&names)),
        };
        self.problems
            .error(
                key.span.clone(),
                format!(
                    "`{}` is a field of {}, not an integration type",
                    key.text,
                    one_of(&of)
                ),
            )
            .label("a field among the types")
            .help(format!(
                "indent it under {under}: a field goes one level below its type"
            ));
        true
    }

    fn integration_type(&mut self, key: &Key<'_>, place: Place<'_>) -> Option<IntegrationType> {
        if let Ok(kind) = key.text.parse::<IntegrationType>() {
            return Some(kind);
        }
        let names = IntegrationType::ALL.map(IntegrationType::as_str);
        let message = format!("unknown integration type `{}`", key.text);
        let problem = self.unknown(key, message, "type");
        let folded = key.text.to_ascii_uppercase().replace('-', "_");
        if let Some(help) = other_family_hint(&key.text, &folded, place) {
            problem.help(help);
        } else if folded == "HIP_CHAT" || folded == "HIPCHAT" {
            problem.help("HipChat was retired by Atlas and has no settings to manage");
        } else {
            problem.help(guess_or(&key.text, names, || {
                format!("the types are {}", one_of(&names))
            }));
        }
        None
    }

    /// Under an unknown type nothing is known to be secret; blank every value
    /// whose key is the name of a secret field of any type.
    fn blank_secret_like_values(&mut self, node: &Node<'_>) {
        let NodeValue::Map(entries) = &node.value else {
            return;
        };
        for (key, value) in entries {
            let secret_name = IntegrationType::ALL
                .into_iter()
                .filter_map(|kind| spec(kind).field(&key.text))
                .any(|field| field.sensitive);
            if secret_name {
                self.literal_secrets.push(value.span.clone());
            }
        }
    }

    fn slot(&mut self, kind: IntegrationType, key: &Key<'_>, node: &Node<'_>) -> Option<RawSlot> {
        let entries = match &node.value {
            NodeValue::String(word) if word.as_ref() == ABSENT => return Some(RawSlot::Absent),
            NodeValue::Map(entries) => entries,
            NodeValue::Null => {
                self.problems
                    .error(key.span.clone(), format!("`{kind}` has no settings"))
                    .help(format!(
                        "write its fields below it, or `{kind}: absent` to require that it does \
                         not exist"
                    ));
                return None;
            }
            other => {
                let problem = self
                    .problems
                    .error(
                        node.span.clone(),
                        format!(
                            "`{kind}` must be a mapping of its fields or `absent`, not {}",
                            other.describe()
                        ),
                    )
                    .label("expected fields or `absent`");
                if other
                    .scalar_text()
                    .is_some_and(|w| did_you_mean(w, [ABSENT]).is_some())
                {
                    problem.help("did you mean `absent`? (lowercase)");
                }
                return None;
            }
        };
        if spec(kind).lifecycle == Lifecycle::Retired {
            self.problems
                .error(
                    key.span.clone(),
                    format!("`{kind}` was retired by Atlas and cannot be created or changed"),
                )
                .label("retired")
                .help(format!(
                    "write `{kind}: absent` to remove a legacy one, or delete this entry"
                ));
            return None;
        }
        let fields = self.fields(kind, key, entries);
        Some(RawSlot::Present(fields))
    }
}

/// The help for a type under `integrations:` that is a log or metric
/// integration (Atlas's `logIntegrations`, `metricIntegrations`), or looks
/// like one: where to write it instead.
fn other_family_hint(written: &str, folded: &str, place: Place<'_>) -> Option<String> {
    let family = match written.parse::<EntryKind>() {
        Ok(kind) => kind.family(),
        Err(_) if folded.contains("LOG") => Family::Log,
        Err(_)
            if ["METRIC", "OTEL", "OTLP", "OPENTELEMETRY"]
                .iter()
                .any(|word| folded.contains(word)) =>
        {
            Family::Metric
        }
        Err(_) => return None,
    };
    let section = family.section();
    let beside = match place {
        Place::Template(_) => "in the template, beside its types",
        _ => "beside `integrations:`",
    };
    let api = family.path();
    Some(match family {
        Family::Log => {
            let log_types: Vec<&str> = Family::Log.kinds().map(EntryKind::as_str).collect();
            let example = did_you_mean(folded, log_types.iter().copied())
                .map_or_else(String::new, |kind| format!(", as `- type: {kind}`"));
            format!(
                "log export is a log integration (Atlas's `{api}`), not a third-party \
                 integration: write it in `{section}:`, {beside}{example}"
            )
        }
        Family::Metric => format!(
            "OpenTelemetry metric export is a metric integration (Atlas's `{api}`), not a \
             third-party integration: write it in `{section}:`, {beside}"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::other_family_hint;
    use crate::config::walk::Place;
    use crate::model::Family;

    fn hint(written: &str) -> Option<String> {
        let folded = written.to_ascii_uppercase().replace('-', "_");
        other_family_hint(written, &folded, Place::Project)
    }

    #[test]
    fn log_and_metric_kinds_are_pointed_to_their_sections() {
        for written in Family::Log.kinds().map(|kind| kind.as_str()) {
            let help = hint(written).unwrap();
            assert!(help.contains("`log_integrations:`"), "{help}");
            assert!(help.ends_with(&format!("as `- type: {written}`")), "{help}");
        }
        assert!(
            hint("DATADOG_LOGS")
                .unwrap()
                .ends_with("as `- type: DATADOG_LOG_EXPORT`")
        );
        for written in ["OTEL", "OTEL_METRICS", "metrics"] {
            assert!(hint(written).unwrap().contains("`metric_integrations:`"));
        }
        assert_eq!(hint("PAGERDUTY"), None);
    }
}
