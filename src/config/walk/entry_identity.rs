//! Two entries of one list that are one: with the same key (their kind and
//! the values of its identity fields, `Entry::key`), tether could not tell
//! which live entry each is, unless both are pinned with distinct `id:`s;
//! and two entries pinned to one `id`.
//!
//! A project's list is one layer's list, taken whole (`family_layers.rs`),
//! so two entries of one project after layering are two entries of one
//! list: checked here, once, where the list is written, whichever projects
//! use it.

use std::collections::HashMap;

use super::Walker;
use crate::config::raw::RawFamilyEntry;
use crate::config::suggest::one_of;
use crate::model::{EntryKey, EntryKind, EntryValue, Family};

/// The entries seen with one key: the first, and the first with no `id:`.
struct SeenKey {
    first: usize,
    unpinned: Option<usize>,
}

impl Walker<'_> {
    pub(super) fn distinct_entries(&mut self, family: Family, entries: &[RawFamilyEntry]) {
        let mut keys: HashMap<EntryKey, SeenKey> = HashMap::new();
        let mut ids: HashMap<&str, usize> = HashMap::new();
        for (at, entry) in entries.iter().enumerate() {
            if let Some(id) = &entry.id {
                match ids.get(id.value.as_str()) {
                    Some(&first) => self.same_pin(family, &entries[first], entry),
                    None => {
                        ids.insert(&id.value, at);
                    }
                }
            }
            // An entry without one of its identity fields was refused for it.
            let Some(key) = key(entry) else {
                continue;
            };
            match keys.get_mut(&key) {
                None => {
                    let unpinned = entry.id.is_none().then_some(at);
                    keys.insert(
                        key,
                        SeenKey {
                            first: at,
                            unpinned,
                        },
                    );
                }
                Some(seen) => {
                    // Two pinned entries clash only by their ids, above.
                    let clash = match (&entry.id, seen.unpinned) {
                        (None, _) => Some(seen.first),
                        (Some(_), unpinned) => unpinned,
                    };
                    if entry.id.is_none() && seen.unpinned.is_none() {
                        seen.unpinned = Some(at);
                    }
                    if let Some(first) = clash {
                        self.same_key(&entries[first], entry);
                    }
                }
            }
        }
    }

    fn same_key(&mut self, first: &RawFamilyEntry, again: &RawFamilyEntry) {
        let kind = again.kind;
        let fields: Vec<&str> = kind.identity().map(|field| field.name).collect();
        let fields = one_of(&fields).replace(" or ", " and ");
        let (message, help) = if kind == EntryKind::Datadog {
            (
                format!("two Datadog log exports in one region: both have the same {fields}"),
                "a Datadog log export has nothing but its region to tell it apart, so two in \
                 one region must each be pinned with `id:` to its live entry (or merged into one)"
                    .to_owned(),
            )
        } else {
            let noun = match kind.family() {
                Family::Log => format!("`{kind}` entries"),
                Family::Metric => "metric integrations".to_owned(),
            };
            (
                format!("two {noun} have the same {fields}"),
                format!(
                    "tether matches an entry to Atlas's by what it points at ({fields}): merge \
                     the two, point one elsewhere, or pin each with `id:` to its live entry"
                ),
            )
        };
        self.problems
            .error(again.span.clone(), message)
            .label("declared again here")
            .related(first.span.clone(), "first declared here")
            .help(help);
    }

    fn same_pin(&mut self, family: Family, first: &RawFamilyEntry, again: &RawFamilyEntry) {
        let (Some(first_id), Some(again_id)) = (&first.id, &again.id) else {
            return;
        };
        self.problems
            .error(
                again_id.span.clone(),
                format!("two {}s are pinned to one `id`", family.noun()),
            )
            .label("pinned again here")
            .related(first_id.span.clone(), "first pinned here")
            .help("an `id` pins one entry to one live entry: keep one of the two, or correct one");
    }
}

/// What the entry points at, when every identity field was written.
fn key(entry: &RawFamilyEntry) -> Option<EntryKey> {
    let complete = entry.kind.identity().all(|field| {
        entry
            .get(field.name)
            .is_some_and(|value| matches!(value.value, EntryValue::Text(_)))
    });
    complete.then(|| {
        EntryKey::new(entry.kind, |name| {
            entry.get(name).and_then(|value| value.value.text())
        })
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use crate::config::{Unset, load_str};

    /// The errors of a project with these Datadog log exports, each given
    /// by its region and its `id` if pinned.
    fn errors(entries: &[(&str, Option<&str>)]) -> Vec<String> {
        let mut text = String::from("version: 1\nprojects:\n  - name: p\n    log_integrations:\n");
        for (region, id) in entries {
            text.push_str(&format!(
                "      - type: DATADOG_LOG_EXPORT\n        apiKey: ${{KEY}}\n        region: \
                 {region}\n        logTypes: [MONGOD]\n"
            ));
            if let Some(id) = id {
                text.push_str(&format!("        id: {id}\n"));
            }
        }
        let env = HashMap::from([("KEY".to_owned(), "k".to_owned())]);
        match load_str("t.yaml", &text, (&env, Unset::Error)) {
            Ok(_) => Vec::new(),
            Err(reports) => reports.0[0]
                .problems
                .iter()
                .map(|problem| problem.message.clone())
                .collect(),
        }
    }

    const A: Option<&str> = Some("65f1a2b3c4d5e6f7a8b9c0a1");
    const B: Option<&str> = Some("65f1a2b3c4d5e6f7a8b9c0b2");
    const ONE_REGION: &str = "two Datadog log exports in one region: both have the same `region`";
    const ONE_ID: &str = "two log integrations are pinned to one `id`";

    #[test]
    fn one_key_twice_is_an_error_unless_both_are_pinned_apart() {
        assert_eq!(errors(&[("US1", None), ("EU", None)]), [] as [&str; 0]);
        assert_eq!(errors(&[("US1", A), ("US1", B)]), [] as [&str; 0]);
        assert_eq!(errors(&[("US1", None), ("US1", None)]), [ONE_REGION]);
        assert_eq!(errors(&[("US1", None), ("US1", A)]), [ONE_REGION]);
        assert_eq!(errors(&[("US1", A), ("US1", None)]), [ONE_REGION]);
        assert_eq!(errors(&[("US1", A), ("US1", A)]), [ONE_ID]);
        assert_eq!(errors(&[("US1", A), ("EU", A)]), [ONE_ID]);
        // Each entry is reported once, against the first it clashes with.
        assert_eq!(
            errors(&[("US1", A), ("US1", None), ("US1", B), ("US1", None)]),
            [ONE_REGION, ONE_REGION, ONE_REGION]
        );
    }
}
