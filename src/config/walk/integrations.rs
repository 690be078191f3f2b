//! The `integrations` of a layer (defaults, a template, a project): each
//! type, written as its fields or as `absent`.

use super::{Place, Walker, pairs};
use crate::config::raw::{RawEntry, RawIntegrations, RawSlot, Sp};
use crate::config::suggest::{did_you_mean, guess_or, one_of};
use crate::config::tree::{Key, Node, NodeValue};
use crate::model::{IntegrationType, Lifecycle, spec};

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
        let mut out = Vec::with_capacity(entries.len());
        // The types written beside with fields (not `absent`).
        let present: Vec<IntegrationType> = entries
            .iter()
            .filter(|(_, value)| matches!(value.value, NodeValue::Map(_) | NodeValue::Null))
            .filter_map(|(key, _)| key.text.parse().ok())
            .collect();
        for (key, value) in self.first_of_each(pairs(entries), place) {
            if self.misplaced_field(key, value, &present) {
                continue;
            }
            let Some(kind) = self.integration_type(key) else {
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
        Some(RawIntegrations(out))
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

    fn integration_type(&mut self, key: &Key<'_>) -> Option<IntegrationType> {
        if let Ok(kind) = key.text.parse::<IntegrationType>() {
            return Some(kind);
        }
        let names = IntegrationType::ALL.map(IntegrationType::as_str);
        let problem = self
            .problems
            .error(
                key.span.clone(),
                format!("unknown integration type `{}`", key.text),
            )
            .label("unknown type");
        let folded = key.text.to_ascii_uppercase().replace('-', "_");
        if folded.starts_with("DATADOG_LOG") || folded == "LOG_INTEGRATIONS" {
            problem.help(
                "Datadog log export is a log integration (Atlas's `logIntegrations` API), not a \
                 third-party integration; tether manages only the types listed in the README",
            );
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
