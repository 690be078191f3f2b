//! From the raw file to the domain model: references, duplicates and
//! layering. Layering is per integration type and replaces the whole object:
//! `defaults`, then each template in `use` order, then the project's own entry.
//! The log and metric families layer the same way, per family and as a
//! whole list (`family_layers.rs`).

use std::collections::{BTreeMap, HashMap, HashSet};

use super::family_layers::layer_families;
use super::lines::LineIndex;
use super::problem::Problems;
use super::raw::{
    RawDefaults, RawFamilies, RawFile, RawIntegrations, RawProject, RawSafety, RawSlot,
    RawTemplate, RawValue, Sp,
};
use super::suggest::did_you_mean;
use super::tree::Span;
use crate::model::{
    ApiVersion, Desired, DesiredProject, FieldValue, GroupId, IdOf, Integration, IntegrationType,
    Mode, ProjectRef, Safety, Selector, Slot, spec,
};

/// What every file of a configuration sees: the templates and the
/// `defaults` and `safety` of all its files.
pub struct Shared<'a> {
    pub templates: HashMap<&'a str, &'a RawTemplate>,
    pub defaults: Option<&'a RawDefaults>,
    pub safety: Option<&'a RawSafety>,
    pub api: Option<&'a Sp<ApiVersion>>,
}

impl<'a> Shared<'a> {
    /// The context of a configuration of one file.
    pub fn of(raw: &'a RawFile) -> Self {
        Shared {
            templates: raw
                .templates
                .iter()
                .flat_map(|t| &t.0)
                .map(|t| (t.name.value.as_str(), t))
                .collect(),
            defaults: raw.defaults.as_ref(),
            safety: raw.safety.as_ref(),
            api: raw.api.as_ref(),
        }
    }
}

pub fn resolve(raw: &RawFile, source: &str, problems: &mut Problems) -> Desired {
    let shared = Shared::of(raw);
    let (desired, used) = resolve_with(raw, &shared, source, problems);
    warn_unused_templates(raw, &used, problems);
    desired
}

/// Warns, in `raw`'s file, of its templates that no project `use`s.
pub fn warn_unused_templates(raw: &RawFile, used: &HashSet<String>, problems: &mut Problems) {
    for template in raw.templates.iter().flat_map(|t| &t.0) {
        if !used.contains(&template.name.value) {
            problems
                .warning(
                    template.name.span.clone(),
                    format!(
                        "template `{}` is not used by any project",
                        template.name.value
                    ),
                )
                .help("add it to a project's `use` list, or remove it");
        }
    }
}

/// Resolves one file's projects against the configuration's shared
/// templates and defaults; returns the templates it used.
pub fn resolve_with(
    raw: &RawFile,
    shared: &Shared<'_>,
    source: &str,
    problems: &mut Problems,
) -> (Desired, HashSet<String>) {
    let templates = &shared.templates;
    let defaults = shared.defaults;
    let default_mode = defaults
        .and_then(|d| d.mode.as_ref())
        .map_or(Mode::default(), |m| m.value);
    let default_integrations = defaults.and_then(|d| d.integrations.as_ref());
    let default_families = defaults.map(|d| &d.families);

    let lines = LineIndex::new(source);
    let mut seen = Seen::default();
    let mut used_templates: HashSet<String> = HashSet::new();
    let mut projects = Vec::with_capacity(raw.projects.len());
    let mut selectors = Vec::new();
    for project in &raw.projects {
        let reference = if project.select.is_some() {
            None
        } else {
            let reference = project_ref(project, source, problems);
            seen.check(reference.as_ref(), project, problems);
            reference
        };
        let mut layers: Vec<&RawIntegrations> = default_integrations.into_iter().collect();
        let mut family_layers: Vec<&RawFamilies> = default_families.into_iter().collect();
        for name in project.use_templates.iter().flatten() {
            match templates.get(name.value.as_str()) {
                Some(template) => {
                    layers.push(&template.integrations);
                    family_layers.push(&template.families);
                    used_templates.insert(name.value.clone());
                }
                None => unknown_template(name, templates, problems),
            }
        }
        layers.extend(&project.integrations);
        family_layers.push(&project.families);
        let mode = project.mode.as_ref().map_or(default_mode, |m| m.value);
        if let Some(select) = &project.select {
            if let Some(org) = &select.org {
                selectors.push(Selector {
                    org: org.value.clone(),
                    name: select.name.as_ref().map(|n| n.value.clone()),
                    tags: select
                        .tags
                        .iter()
                        .flat_map(|t| &t.0)
                        .map(|(k, v)| (k.value.clone(), v.value.clone()))
                        .collect(),
                    exclude: select
                        .exclude
                        .iter()
                        .flatten()
                        .map(|g| g.value.clone())
                        .collect(),
                    mode,
                    integrations: layer(&layers),
                    families: layer_families(&family_layers),
                    origin: lines.origin(source, project.span.start),
                });
            }
        } else if let Some(project_ref) = reference {
            projects.push(DesiredProject {
                project: project_ref,
                mode: project.mode.as_ref().map_or(default_mode, |m| m.value),
                integrations: layer(&layers),
                families: layer_families(&family_layers),
                origin: lines.origin(source, project.span.start),
                selected_by: None,
            });
        }
    }
    let safety = shared.safety.map_or(Safety::default(), |s| Safety {
        max_deletes: s.max_deletes.as_ref().map(|n| n.value),
        max_update_percent: s.max_update_percent.as_ref().map(|n| n.value),
        max_delete_percent: s.max_delete_percent.as_ref().map(|n| n.value),
    });
    (
        Desired {
            projects,
            selectors,
            safety,
            api: shared.api.map(|api| api.value),
        },
        used_templates,
    )
}

/// Whether `value` is written as is in the file, not put in from a variable.
fn written_in(source: &str, value: &Sp<String>) -> bool {
    source
        .get(value.span.clone())
        .is_some_and(|written| written.contains(value.value.as_str()))
}

fn project_ref(project: &RawProject, source: &str, problems: &mut Problems) -> Option<ProjectRef> {
    let name = project.name.as_ref().map(|n| n.value.clone());
    let Some(id) = &project.id else {
        return name.map(ProjectRef::Name);
    };
    let parsed = if project.id_unset {
        Ok(GroupId::placeholder(&id.value))
    } else {
        id.value.parse::<GroupId>()
    };
    let id = match parsed {
        Ok(id) => id,
        Err(reason) => {
            let help = GroupId::lowercase_hint(&id.value)
                .filter(|_| written_in(source, id))
                .unwrap_or_else(|| {
                    format!(
                        "{}; or give the project's `name` instead",
                        IdOf::Project.shape()
                    )
                });
            // A value that came from `${NAME}` is treated as a secret: the
            // pointer into the file shows where, never the value.
            let message = if written_in(source, id) {
                format!(
                    "`{}` is not an Atlas project id: {reason}",
                    crate::printable::one_line(&id.value)
                )
            } else {
                format!("the `id` is not an Atlas project id: {reason}")
            };
            problems
                .error(id.span.clone(), message)
                .label("not a project id")
                .help(help);
            return None;
        }
    };
    Some(match name {
        Some(name) => ProjectRef::Both { id, name },
        None => ProjectRef::Id(id),
    })
}

/// How two entries with the same project name clash, if they do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum NameClash {
    /// Both find their project by the name: one project declared twice.
    Twice,
    /// One finds its project by the name, which the other gives beside an id.
    Ambiguous,
}

/// Whether two entries with the same project name clash, each given as
/// whether it finds its project by the name (a name and no id). Atlas allows
/// one name in several organizations, so a name is ambiguous only where it
/// finds the project; two entries with ids never clash by name.
pub(super) fn name_clash(first_finds: bool, then_finds: bool) -> Option<NameClash> {
    match (first_finds, then_finds) {
        (true, true) => Some(NameClash::Twice),
        (false, false) => None,
        (true, false) | (false, true) => Some(NameClash::Ambiguous),
    }
}

/// Projects seen so far, by id and by name, to catch one declared twice
/// and a name that finds a project another entry names too.
#[derive(Default)]
struct Seen<'a> {
    /// Keys borrow the file's text: a valid id is its own written form.
    ids: HashMap<&'a str, &'a Span>,
    /// The first entry with the name, the first with it and no id, and
    /// whether that one was reported as ambiguous.
    names: HashMap<&'a str, (&'a Span, Option<&'a Span>, bool)>,
}

impl<'a> Seen<'a> {
    /// `reference` is `None` when the id is not valid; the name is still checked.
    fn check(
        &mut self,
        reference: Option<&ProjectRef>,
        project: &'a RawProject,
        problems: &mut Problems,
    ) {
        if let (Some(_), Some(written)) = (reference.and_then(ProjectRef::id), &project.id) {
            let id = written.value.as_str();
            match self.ids.get(id) {
                Some(first) => duplicate(problems, &written.span, first, &format!("id `{id}`")),
                None => {
                    self.ids.insert(id, &written.span);
                }
            }
        }
        let Some(written) = &project.name else {
            return;
        };
        let name = written.value.as_str();
        let finds = project.id.is_none();
        match self.names.get_mut(name) {
            None => {
                let name_only = finds.then_some(&written.span);
                self.names.insert(name, (&written.span, name_only, false));
            }
            Some((first, name_only, reported)) => {
                // The entry this one is compared with: the first that finds
                // its project by the name, else the first with the name.
                let earlier = name_only.unwrap_or(first);
                match name_clash(name_only.is_some(), finds) {
                    None => {}
                    Some(NameClash::Twice) => {
                        duplicate(problems, &written.span, earlier, &format!("name `{name}`"));
                    }
                    Some(NameClash::Ambiguous) if finds => {
                        ambiguous(problems, &written.span, earlier, name);
                        *name_only = Some(&written.span);
                        *reported = true;
                    }
                    Some(NameClash::Ambiguous) if !*reported => {
                        ambiguous(problems, earlier, &written.span, name);
                        *reported = true;
                    }
                    Some(NameClash::Ambiguous) => {}
                }
            }
        }
    }
}

fn duplicate(problems: &mut Problems, again: &Span, first: &Span, what: &str) {
    problems
        .error(
            again.clone(),
            format!("the project with {what} is declared twice"),
        )
        .label("declared again here")
        .related(first.clone(), "first declared here")
        .help("merge the two entries into one: a project has one entry in the file");
}

/// `finding` is an entry that finds its project by `name` alone; `other`
/// has the same name and an id.
fn ambiguous(problems: &mut Problems, finding: &Span, other: &Span, name: &str) {
    problems
        .error(
            finding.clone(),
            format!("the project name `{name}` finds a project, but another entry has it too"),
        )
        .label("found by this name")
        .related(other.clone(), "the same name, with an id")
        .help(
            "Atlas allows one name in several organizations: give this entry the project's \
             `id`, or merge the two entries if they are one project",
        );
}

fn unknown_template(
    name: &Sp<String>,
    templates: &HashMap<&str, &RawTemplate>,
    problems: &mut Problems,
) {
    let problem = problems
        .error(
            name.span.clone(),
            format!("there is no template `{}`", name.value),
        )
        .label("unknown template");
    let mut known: Vec<&str> = templates.keys().copied().collect();
    known.sort_unstable();
    match did_you_mean(&name.value, known.iter().copied()) {
        Some(guess) => problem.help(format!("did you mean `{guess}`?")),
        None if known.is_empty() => {
            problem.help("the file has no `templates`; define one there first")
        }
        None => problem.help(format!(
            "the templates are {}",
            super::suggest::one_of(&known)
        )),
    };
}

/// Later layers replace earlier ones per type, as a whole.
fn layer(layers: &[&RawIntegrations]) -> BTreeMap<IntegrationType, Slot> {
    let mut out = BTreeMap::new();
    for entry in layers.iter().flat_map(|layer| &layer.0) {
        out.insert(entry.kind.value, slot(entry.kind.value, &entry.slot));
    }
    out
}

fn slot(kind: IntegrationType, raw: &RawSlot) -> Slot {
    let RawSlot::Present(fields) = raw else {
        return Slot::Absent;
    };
    // Fields in the table's order, whatever order the file used.
    let fields = spec(kind)
        .fields
        .iter()
        .filter_map(|field_spec| {
            let raw_field = fields.iter().find(|f| f.spec.name == field_spec.name)?;
            let value = match &raw_field.value.value {
                RawValue::Text(text) => FieldValue::Text(text.clone()),
                RawValue::Bool(b) => FieldValue::Bool(*b),
                RawValue::Secret(secret) => FieldValue::Secret(secret.clone()),
            };
            Some((field_spec, value))
        })
        .collect();
    Slot::Present(Integration { kind, fields })
}
