//! The sections of a project's plan in reading order: the file's key each
//! stands for, the heading a rendering puts over it, and how its items are
//! counted. Integrations come first and have no heading, so a plan without
//! log or metric integrations reads as it always has.

use super::document::ItemDocument;
use crate::model::Family;
use crate::plan::Subject;
use crate::plural::count;

pub(crate) struct Section {
    /// The file's key, as an item's `section` says it.
    pub name: &'static str,
    pub heading: Option<&'static str>,
    one: &'static str,
    many: &'static str,
}

pub(crate) fn sections() -> [Section; 4] {
    [
        Section {
            name: crate::plan::types::INTEGRATIONS_SECTION,
            heading: None,
            one: "integration",
            many: "integrations",
        },
        Section {
            name: Family::Log.section(),
            heading: Some("log integrations"),
            one: "log integration",
            many: "log integrations",
        },
        Section {
            name: Family::Metric.section(),
            heading: Some("metric integrations"),
            one: "metric integration",
            many: "metric integrations",
        },
        Section {
            name: Subject::PushBased.section(),
            heading: Some("push-based log export (deprecated)"),
            one: "push-based log export",
            many: "push-based log exports",
        },
    ]
}

/// The items of each section that has some, in the sections' order and
/// each section's items in the plan's; a section tether does not know
/// (only a document written by hand holds one) comes last under its name.
pub(crate) fn grouped(items: &[ItemDocument]) -> Vec<(Option<String>, Vec<&ItemDocument>)> {
    let known = sections();
    let mut groups: Vec<(Option<String>, Vec<&ItemDocument>)> = known
        .iter()
        .map(|section| {
            let items = items.iter().filter(|i| i.section == section.name).collect();
            (section.heading.map(str::to_owned), items)
        })
        .collect();
    for item in items {
        if known.iter().any(|section| section.name == item.section) {
            continue;
        }
        match groups
            .iter_mut()
            .skip(known.len())
            .find(|(heading, _)| heading.as_deref() == Some(item.section.as_str()))
        {
            Some((_, group)) => group.push(item),
            None => groups.push((Some(item.section.clone()), vec![item])),
        }
    }
    groups.retain(|(_, items)| !items.is_empty());
    groups
}

/// `2 integrations`, `2 integrations, 1 log integration`: the items of
/// each section that has some; `0 integrations` when there are none.
pub(crate) fn counted<'a>(items: impl IntoIterator<Item = &'a ItemDocument>) -> String {
    let known = sections();
    let mut counts = vec![0; known.len() + 1];
    for item in items {
        let at = known
            .iter()
            .position(|section| section.name == item.section)
            .unwrap_or(known.len());
        counts[at] += 1;
    }
    let mut parts: Vec<String> = known
        .iter()
        .zip(&counts)
        .filter(|(_, n)| **n > 0)
        .map(|(section, n)| count(*n, section.one, section.many))
        .collect();
    if counts[known.len()] > 0 {
        parts.push(count(counts[known.len()], "other item", "other items"));
    }
    if parts.is_empty() {
        return count(0, "integration", "integrations");
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sections_are_the_files_keys() {
        let names: Vec<&str> = sections().iter().map(|s| s.name).collect();
        assert_eq!(
            names,
            [
                "integrations",
                "log_integrations",
                "metric_integrations",
                "push_based_log_export"
            ]
        );
    }
}
