//! What a layer (`defaults`, a template, a project, a `select` entry) says
//! about the log and metric families: `log_integrations:` and
//! `metric_integrations:`, each a list of entries, and
//! `push_based_log_export: absent`, which removes the deprecated export.

use super::Walker;
use crate::config::raw::{RawFamilies, RawFamilyEntry};
use crate::config::suggest::did_you_mean;
use crate::config::tree::{Node, NodeValue, Span};
use crate::model::Family;
use crate::printable::one_line;

/// The key that removes the deprecated push-based log export.
pub(super) const PUSH_BASED: &str = "push_based_log_export";

/// Its only value.
const ABSENT: &str = "absent";

/// A key of a layer that says something about the families.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum FamilyKey {
    List(Family),
    PushBased,
}

/// The family keys a layer may hold, in the order messages list them
/// (`known_keys!` takes each of the three by its place).
pub(super) const FAMILY_KEYS: [(&str, FamilyKey); 3] = [
    (Family::Log.section(), FamilyKey::List(Family::Log)),
    (Family::Metric.section(), FamilyKey::List(Family::Metric)),
    (PUSH_BASED, FamilyKey::PushBased),
];

impl FamilyKey {
    pub(super) fn of(key: &str) -> Option<FamilyKey> {
        FAMILY_KEYS
            .into_iter()
            .find(|(name, _)| *name == key)
            .map(|(_, which)| which)
    }
}

impl Walker<'_> {
    /// The value of one family key of a layer, into `families`; repeats of
    /// the key were left out by the layer's walk.
    pub(super) fn family_key(
        &mut self,
        which: FamilyKey,
        node: &Node<'_>,
        families: &mut RawFamilies,
    ) {
        match which {
            FamilyKey::List(family) => *families.list_mut(family) = self.entry_list(family, node),
            FamilyKey::PushBased => families.push_based_absent = self.push_based(node),
        }
    }

    fn entry_list(&mut self, family: Family, node: &Node<'_>) -> Option<Vec<RawFamilyEntry>> {
        let section = family.section();
        let example = match family {
            Family::Log => "`- type: S3_LOG_EXPORT` with its fields below it",
            Family::Metric => "`- endpoint: https://…` with the other fields below it",
        };
        let items = match &node.value {
            NodeValue::Seq(items) => items,
            NodeValue::Null => {
                self.problems
                    .error(node.span.clone(), format!("`{section}` has no value"))
                    .label("empty")
                    .help(format!(
                        "write its entries below it, each as a list item ({example}), or \
                         `{section}: []` for none"
                    ));
                return None;
            }
            other => {
                self.blank_secret_like_entry_values(node);
                self.problems
                    .error(
                        node.span.clone(),
                        format!("`{section}` must be a list, not {}", other.describe()),
                    )
                    .help(format!(
                        "write each {} as a list item: {example}",
                        family.noun()
                    ));
                return None;
            }
        };
        let entries: Vec<RawFamilyEntry> = items
            .iter()
            .filter_map(|item| self.family_entry(family, item))
            .collect();
        self.distinct_entries(family, &entries);
        Some(entries)
    }

    fn push_based(&mut self, node: &Node<'_>) -> Option<Span> {
        if let NodeValue::String(word) = &node.value
            && word.as_ref() == ABSENT
        {
            return Some(node.span.clone());
        }
        if let NodeValue::Map(_) = &node.value {
            self.problems
                .error(
                    node.span.clone(),
                    "tether does not configure the deprecated push-based log export",
                )
                .label("only `absent`")
                .help(
                    "declare an `S3_LOG_EXPORT` in `log_integrations` instead, and \
                     `push_based_log_export: absent` to remove the old export once the new one \
                     exists",
                );
            return None;
        }
        let written = node.value.scalar_text();
        let found = written.map_or_else(
            || node.value.describe().to_owned(),
            |text| format!("`{}`", one_line(text)),
        );
        let help = if written.is_some_and(|word| word.eq_ignore_ascii_case(ABSENT)) {
            "did you mean `absent`? (lowercase)"
        } else if written.is_some_and(|word| did_you_mean(word, [ABSENT]).is_some()) {
            "did you mean `absent`?"
        } else {
            "`absent` removes the deprecated export once an S3 log integration of the project \
             exists; leave the key out to leave the export alone"
        };
        self.problems
            .error(
                node.span.clone(),
                format!("`{PUSH_BASED}` can only be `absent`, not {found}"),
            )
            .label("expected `absent`")
            .help(help);
        None
    }
}

#[cfg(test)]
mod tests {
    use super::{FamilyKey, PUSH_BASED};
    use crate::model::Family;

    #[test]
    fn the_keys_are_the_model_sections() {
        for family in Family::ALL {
            assert_eq!(
                FamilyKey::of(family.section()),
                Some(FamilyKey::List(family))
            );
        }
        assert_eq!(FamilyKey::of(PUSH_BASED), Some(FamilyKey::PushBased));
        assert_eq!(FamilyKey::of("integrations"), None);
    }
}
