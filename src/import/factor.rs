//! What `--factor` moves out of the projects: integrations several
//! projects have alike go to `defaults` or to a template.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::naming::template_names;
use super::parts::Part;
use super::{ImportOptions, Layout, Source, written_fields};
use crate::model::{IntegrationType, LiveIntegration};

/// Where a shared integration is written (others stay in their project).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Home {
    Defaults,
    Template(String),
}

/// The home of each moved integration of one file, by project (its index
/// in the file) and type.
pub(super) type Homes = BTreeMap<(usize, IntegrationType), Home>;

/// The homes of each file's moved integrations, with template names
/// unique across the files.
pub(super) fn homes(parts: &[Part<'_>], options: &ImportOptions, layout: Layout) -> Vec<Homes> {
    // `defaults` stands once in a directory: there, what all of one
    // organization's projects share goes to a template.
    let defaults_allowed = layout == Layout::OneFile;
    let mut homes: Vec<Homes> = vec![BTreeMap::new(); parts.len()];
    let mut templated: Vec<(usize, Group)> = Vec::new();
    for (at, part) in parts.iter().enumerate() {
        for group in groups(&part.sources, options) {
            if defaults_allowed && group.members.len() == part.sources.len() {
                for &index in &group.members {
                    homes[at].insert((index, group.kind), Home::Defaults);
                }
            } else {
                templated.push((at, group));
            }
        }
    }
    let representatives: Vec<&LiveIntegration> = templated
        .iter()
        .map(|(at, group)| &parts[*at].sources[group.members[0]].live.known[&group.kind])
        .collect();
    let names = template_names(&representatives, options);
    for ((at, group), name) in templated.iter().zip(names) {
        for &index in &group.members {
            homes[*at].insert((index, group.kind), Home::Template(name.clone()));
        }
    }
    homes
}

/// Whether every project, after factoring, has exactly what is shared by
/// all of them (`defaults`, or templates every project uses), and nothing
/// of the log and metric families (they are not factored): then one
/// `select` entry can manage them all.
pub(super) fn all_alike(sources: &[&Source], homes: &Homes) -> bool {
    let universal: BTreeSet<IntegrationType> = IntegrationType::ALL
        .iter()
        .copied()
        .filter(|kind| {
            let first = homes.get(&(0, *kind));
            first.is_some() && (0..sources.len()).all(|i| homes.get(&(i, *kind)) == first)
        })
        .collect();
    !sources.is_empty()
        && sources.iter().all(|source| {
            source.live.unknown_types.is_empty()
                && !source.has_families()
                && source.live.known.keys().copied().collect::<BTreeSet<_>>() == universal
        })
}

/// What makes two integrations "the same apart from secrets": the plain
/// fields, and the secrets' masks (equal masks are taken for one secret).
fn shape(integration: &LiveIntegration, options: &ImportOptions) -> String {
    let mut key = integration.kind.to_string();
    for (field, value) in written_fields(integration, options) {
        let _ = write!(key, "|{}={:?}", field.name, value);
    }
    key
}

/// Integrations of one type that several projects have alike: the
/// indexes of those projects, at least two.
struct Group {
    kind: IntegrationType,
    members: Vec<usize>,
}

/// The integrations that `--factor` may move out of their projects.
fn groups(sources: &[&Source], options: &ImportOptions) -> Vec<Group> {
    let mut found = Vec::new();
    if !options.factor || sources.len() < 2 {
        return found;
    }
    for kind in IntegrationType::ALL {
        let mut by_shape: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (index, source) in sources.iter().enumerate() {
            if let Some(integration) = source.live.known.get(&kind) {
                by_shape
                    .entry(shape(integration, options))
                    .or_default()
                    .push(index);
            }
        }
        found.extend(
            by_shape
                .into_values()
                .filter(|members| members.len() >= 2)
                .map(|members| Group { kind, members }),
        );
    }
    found
}
