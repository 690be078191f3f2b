//! From what Atlas has to a tether file: every project by id with its name,
//! every secret as a `${VARIABLE}` with the mask Atlas returned beside it in
//! a comment, and, with `--factor`, integrations shared by several projects
//! moved to `defaults` or to templates. Pure: the command fetches.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;

use crate::model::{
    FieldSpec, GroupId, IntegrationType, LiveIntegration, LiveIntegrations, LiveValue, Project,
    ReadBack, Required, screaming_snake, spec,
};
use crate::printable::{is_unsafe, one_line};

/// One project as read from Atlas.
pub struct Source {
    pub project: Project,
    pub live: LiveIntegrations,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct ImportOptions {
    /// Move integrations that several projects share to `defaults` or a
    /// template.
    pub factor: bool,
    /// The API in use returns v2-only fields (`--api v2`).
    pub v2_fields: bool,
}

/// Whether every project, after factoring, has exactly what is shared by
/// all of them (`defaults`, or templates every project uses): then one
/// `select` entry can manage them all.
fn all_alike(sources: &[&Source], homes: &BTreeMap<(usize, IntegrationType), Home>) -> bool {
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
                && source.live.known.keys().copied().collect::<BTreeSet<_>>() == universal
        })
}

/// A variable the written file reads, which the user must set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variable {
    pub name: String,
    /// Where it is used: `payments-prod PAGER_DUTY.serviceKey`.
    pub used_by: String,
    /// What Atlas showed of it, to help find the right value: its mask,
    /// or why there is none. Never the value.
    pub hint: String,
}

/// The projects of one organization, as read from Atlas.
pub struct Organization {
    /// Its id, when Atlas gave one.
    pub id: Option<GroupId>,
    /// All of the organization's projects were read (`--org`,
    /// `--all-orgs`): then, with `--factor`, a `select` entry may stand for
    /// them.
    pub whole: bool,
    pub sources: Vec<Source>,
}

/// What import writes: one file, or one per organization (`-o DIR`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    OneFile,
    PerOrganization,
}

/// One file import writes, and the organization it is of (`None` for the
/// one file of [`Layout::OneFile`], or projects of no known organization).
pub struct ImportedFile {
    pub org: Option<GroupId>,
    pub yaml: String,
    pub projects: usize,
}

/// The files, and the variables they read: each name unique across the
/// files, and used only where Atlas shows the same mask.
pub struct Imported {
    pub files: Vec<ImportedFile>,
    pub variables: Vec<Variable>,
}

impl Imported {
    /// A secrets file (`--secrets`) listing every variable with an empty
    /// value and, in a comment, what it is for and what Atlas shows of it.
    pub fn secrets_template(&self) -> String {
        let mut out = String::from(
            "# Secrets for tether's `--secrets FILE`: fill in each value, keep this file out of\n\
             # git, and readable by its owner only. An empty value is an error at plan time.\n",
        );
        for variable in &self.variables {
            out.push_str(&format!(
                "{}: \"\"    # {}: {}\n",
                variable.name, variable.used_by, variable.hint
            ));
        }
        out
    }
}

/// `payments-prod` → `PAYMENTS_PROD`: letters and digits kept, the rest `_`.
fn variable_part(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    while out.contains("__") {
        out = out.replace("__", "_");
    }
    let out = out.trim_matches('_').to_owned();
    if out.starts_with(|c: char| c.is_ascii_digit()) || out.is_empty() {
        format!("P_{out}")
    } else {
        out
    }
}

/// A YAML scalar that tether reads back as `text`: plain when that cannot
/// be misread, else double-quoted (JSON's quoting is valid YAML, and so are
/// its `\uXXXX` escapes, used for every character that could break or
/// hide a line). Every `${` is written `$${`, so that text from Atlas is
/// never taken for a reference to a variable (see `config::interpolate`).
fn scalar(text: &str) -> String {
    let text = &text.replace("${", "$${");
    let safe = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && text.starts_with(|c: char| c.is_ascii_alphabetic())
        && !matches!(
            text.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        );
    if safe {
        return text.to_owned();
    }
    let quoted = serde_json::to_string(text).expect("a string serializes");
    let mut out = String::with_capacity(quoted.len());
    for c in quoted.chars() {
        if is_unsafe(c) {
            // All of them are in the Basic Multilingual Plane.
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// The fields of a live integration worth writing, with Atlas's defaults
/// and the fields the API version does not return left out.
fn written_fields(
    integration: &LiveIntegration,
    options: &ImportOptions,
) -> Vec<(&'static FieldSpec, LiveValue)> {
    let type_spec = spec(integration.kind);
    type_spec
        .fields
        .iter()
        .filter(|field| options.v2_fields || !field.v2_only)
        .filter_map(|field| {
            // Never returned (Prometheus `password`): the import says so in
            // a comment, since whether one is set cannot be read.
            let value = integration.get(field.name).cloned()?;
            if field.live_default().as_ref() == Some(&value) {
                return None;
            }
            // Slack's token is the UI's business: tether keeps channel and team.
            if field.sensitive && field.required == Required::ToWrite {
                return None;
            }
            Some((field, value))
        })
        .collect()
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

/// Where a shared integration is written (others stay in their project).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Home {
    Defaults,
    Template(String),
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

/// `team ${X}/EU!` → `team-x-eu`: lowercase letters and digits, the rest
/// one `-`, at most 24 characters; empty when nothing is left.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.truncate(24);
    out.trim_matches('-').to_owned()
}

/// What a template's name may say of the integration it holds, by field,
/// in the order tried: its enum fields (a region, even when Atlas's
/// default), its other plain fields, then the last characters of its
/// secrets' masks (shown beside the variable anyway).
fn name_words(
    integration: &LiveIntegration,
    options: &ImportOptions,
) -> [Vec<(&'static str, String)>; 3] {
    let written = written_fields(integration, options);
    let text = |value: &LiveValue| match value {
        LiveValue::Text(t) => t.clone(),
        LiveValue::Bool(b) => b.to_string(),
    };
    let enums = spec(integration.kind)
        .fields
        .iter()
        .filter(|f| !f.sensitive && !f.allowed.is_empty())
        .filter(|f| options.v2_fields || !f.v2_only)
        .filter_map(|f| {
            let value = integration
                .get(f.name)
                .cloned()
                .or_else(|| f.live_default())?;
            Some((f.name, slug(&text(&value))))
        })
        .collect();
    let plain = written
        .iter()
        .filter(|(f, _)| !f.sensitive && f.allowed.is_empty())
        .map(|(f, value)| match value {
            LiveValue::Bool(true) => (f.name, slug(f.name)),
            LiveValue::Bool(false) => (f.name, format!("no-{}", slug(f.name))),
            LiveValue::Text(t) => (f.name, slug(t)),
        })
        .collect();
    let masks = written
        .iter()
        .filter(|(f, _)| f.sensitive)
        .filter_map(|(f, value)| match value {
            LiveValue::Text(t) if crate::secret::looks_masked(t) => {
                let tail: String = t.chars().filter(char::is_ascii_alphanumeric).collect();
                let tail = &tail[tail.len().saturating_sub(4)..];
                Some((f.name, slug(tail)))
            }
            _ => None,
        })
        .collect();
    [enums, plain, masks]
}

/// Appends to each name that others share the words (of `said`, per
/// name) of the fields whose values tell those names apart.
fn refine(names: &mut [String], said: &[&[(&str, String)]]) {
    let mut by_name: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (index, name) in names.iter().enumerate() {
        by_name.entry(name.clone()).or_default().push(index);
    }
    for members in by_name.values().filter(|m| m.len() > 1) {
        let word = |m: usize, field: &str| {
            said[m]
                .iter()
                .find(|(f, _)| *f == field)
                .map(|(_, w)| w.as_str())
        };
        let fields: BTreeSet<&str> = members
            .iter()
            .flat_map(|&m| said[m].iter().map(|(f, _)| *f))
            .collect();
        let telling: Vec<&str> = fields
            .into_iter()
            .filter(|field| {
                let values: BTreeSet<Option<&str>> =
                    members.iter().map(|&m| word(m, field)).collect();
                values.len() > 1
            })
            .collect();
        for &m in members {
            let mut parts = vec![names[m].clone()];
            parts.extend(
                said[m]
                    .iter()
                    .filter(|(f, w)| telling.contains(f) && !w.is_empty())
                    .map(|(_, w)| w.clone()),
            );
            names[m] = parts.join("-");
        }
    }
}

/// A name for each template, unique among them all (every file of the
/// output): the type and its enum values (`datadog-eu`), then, only
/// between templates that would share a name, the plain fields that tell
/// them apart, then their masks' last characters (`pager-duty-us-8237`),
/// then a number.
fn template_names(templates: &[&LiveIntegration], options: &ImportOptions) -> Vec<String> {
    let words: Vec<[Vec<(&str, String)>; 3]> = templates
        .iter()
        .map(|integration| name_words(integration, options))
        .collect();
    let join = |parts: Vec<String>| {
        parts
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("-")
    };
    let mut names: Vec<String> = templates
        .iter()
        .zip(&words)
        .map(|(integration, words)| {
            let mut parts = vec![slug(integration.kind.as_str())];
            parts.extend(words[0].iter().map(|(_, w)| w.clone()));
            join(parts)
        })
        .collect();
    for level in [1, 2] {
        let said: Vec<&[(&str, String)]> = words.iter().map(|w| w[level].as_slice()).collect();
        refine(&mut names, &said);
    }
    let mut taken: HashSet<String> = HashSet::new();
    for name in &mut names {
        let base = name.clone();
        let mut n = 2;
        while !taken.insert(name.clone()) {
            *name = format!("{base}-{n}");
            n += 1;
        }
    }
    names
}

struct Writer<'a> {
    out: String,
    variables: Vec<Variable>,
    taken: HashSet<String>,
    options: &'a ImportOptions,
}

impl Writer<'_> {
    fn variable(&mut self, base: &str, used_by: String, hint: String) -> String {
        let mut name = base.to_owned();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        self.taken.insert(name.clone());
        self.variables.push(Variable {
            name: name.clone(),
            used_by,
            hint,
        });
        name
    }

    /// Writes `TYPE:` and its fields at `indent`.
    fn integration(
        &mut self,
        integration: &LiveIntegration,
        indent: &str,
        prefix: &str,
        used_by: &str,
    ) {
        let kind = integration.kind;
        let _ = writeln!(self.out, "{indent}{kind}:");
        let fields = written_fields(integration, self.options);
        let has_ui_token = spec(kind).fields.iter().any(|f| {
            f.sensitive && f.required == Required::ToWrite && integration.get(f.name).is_some()
        });
        if has_ui_token {
            let _ = writeln!(
                self.out,
                "{indent}  # apiToken: connected through the Atlas UI; tether keeps the channel and team"
            );
        }
        for name in &integration.unmodelled {
            let _ = writeln!(
                self.out,
                "{indent}  # {}: set in Atlas, but this tether does not know the field; not managed",
                one_line(name)
            );
        }
        for field in spec(kind).fields {
            if field.read_back == ReadBack::Never {
                let _ = writeln!(
                    self.out,
                    "{indent}  # {}: write-only, Atlas never returns it; add `{}: ${{VAR}}` to manage it",
                    field.name, field.name
                );
            }
        }
        for (field, value) in fields {
            let line = if field.sensitive {
                let masked = match &value {
                    LiveValue::Text(t) => t.clone(),
                    LiveValue::Bool(b) => b.to_string(),
                };
                let base = variable_name(prefix, field.name);
                let comment = match &masked {
                    // Masked again as output shows it: Atlas's URL mask may
                    // keep the credentials of the URL.
                    mask if crate::secret::looks_masked(mask) => {
                        let shown = match field.read_back {
                            ReadBack::UrlMasked => crate::secret::url_mask(mask),
                            _ => crate::secret::shown_mask(mask),
                        };
                        format!("Atlas shows {shown}")
                    }
                    _ => "Atlas returns it in clear; it is not written here".to_owned(),
                };
                // A mask ends with what Atlas returned: it stays in its comment.
                let comment = one_line(&comment).into_owned();
                let name = self.variable(
                    &base,
                    format!("{} {kind}.{}", one_line(used_by), field.name),
                    comment.clone(),
                );
                format!("{}: ${{{name}}}    # {comment}", field.name)
            } else {
                match value {
                    LiveValue::Text(text) => format!("{}: {}", field.name, scalar(&text)),
                    LiveValue::Bool(b) => format!("{}: {b}", field.name),
                }
            };
            let _ = writeln!(self.out, "{indent}  {line}");
        }
    }
}

/// The URL of the file's JSON Schema, as the repository keeps it
/// (`schemas/tether.schema.json` on `main`), for the modeline.
fn schema_url() -> String {
    let repository = env!("CARGO_PKG_REPOSITORY").trim_end_matches('/');
    let owner_name = repository
        .strip_prefix("https://github.com/")
        .unwrap_or(repository);
    format!("https://raw.githubusercontent.com/{owner_name}/main/schemas/tether.schema.json")
}

/// One file to write: its projects, and the organization a `select` entry
/// may name when they are all of its projects.
struct Part<'a> {
    org: Option<GroupId>,
    select_org: Option<GroupId>,
    sources: Vec<&'a Source>,
}

/// The files for `orgs`: one, or one per organization (projects of the
/// same organization together, in the order first seen).
pub fn import(orgs: &[Organization], options: &ImportOptions, layout: Layout) -> Imported {
    let parts: Vec<Part<'_>> = match layout {
        Layout::OneFile => {
            let select_org = match orgs {
                [only] if only.whole => only.id.clone(),
                _ => None,
            };
            vec![Part {
                org: None,
                select_org,
                sources: orgs.iter().flat_map(|o| &o.sources).collect(),
            }]
        }
        Layout::PerOrganization => {
            let mut parts: Vec<Part<'_>> = Vec::new();
            let mut whole: Vec<bool> = Vec::new();
            for org in orgs {
                match parts.iter().position(|p| p.org == org.id) {
                    Some(at) => {
                        parts[at].sources.extend(&org.sources);
                        whole[at] &= org.whole;
                    }
                    None => {
                        parts.push(Part {
                            org: org.id.clone(),
                            select_org: None,
                            sources: org.sources.iter().collect(),
                        });
                        whole.push(org.whole);
                    }
                }
            }
            for (part, whole) in parts.iter_mut().zip(whole) {
                part.select_org = part.org.clone().filter(|_| whole);
            }
            parts
        }
    };
    // `defaults` stands once in a directory: there, what all of one
    // organization's projects share goes to a template.
    let defaults_allowed = layout == Layout::OneFile;
    let mut homes: Vec<BTreeMap<(usize, IntegrationType), Home>> =
        vec![BTreeMap::new(); parts.len()];
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
    let mut writer = Writer {
        out: String::new(),
        variables: Vec::new(),
        taken: HashSet::new(),
        options,
    };
    let mut files = Vec::with_capacity(parts.len());
    for (part, homes) in parts.iter().zip(&homes) {
        write_part(&mut writer, part, homes);
        files.push(ImportedFile {
            org: part.org.clone(),
            yaml: std::mem::take(&mut writer.out),
            projects: part.sources.len(),
        });
    }
    Imported {
        files,
        variables: writer.variables,
    }
}

/// Writes one file into `writer.out`.
fn write_part(
    writer: &mut Writer<'_>,
    part: &Part<'_>,
    homes: &BTreeMap<(usize, IntegrationType), Home>,
) {
    let sources = &part.sources;
    let _ = write!(
        writer.out,
        "# yaml-language-server: $schema={}\n\
         # Written by `tether import` from what Atlas has. Secrets are `${{VARIABLES}}`:\n\
         # set them (the masks Atlas returned are in the comments), then `tether plan`\n\
         # should show no changes. The schema of this very version, for editors\n\
         # offline: `tether schema > tether.schema.json`.\n",
        schema_url()
    );
    if let Some(org) = &part.org {
        let _ = writeln!(writer.out, "# The projects of organization {org}.");
    }
    writer.out.push_str("version: 1\n");
    // Defaults and templates first: one representative project each.
    let mut defaults: Vec<&LiveIntegration> = Vec::new();
    let mut templates: BTreeMap<String, &LiveIntegration> = BTreeMap::new();
    for ((index, kind), home) in homes {
        let integration = &sources[*index].live.known[kind];
        match home {
            Home::Defaults if !defaults.iter().any(|i| i.kind == *kind) => {
                defaults.push(integration)
            }
            Home::Template(name) => {
                templates.entry(name.clone()).or_insert(integration);
            }
            _ => {}
        }
    }
    if !defaults.is_empty() {
        writer.out.push_str("\ndefaults:\n  integrations:\n");
        for integration in defaults {
            let prefix = integration.kind.to_string();
            writer.integration(integration, "    ", &prefix, "defaults");
        }
    }
    if !templates.is_empty() {
        writer.out.push_str("\ntemplates:\n");
        for (name, integration) in &templates {
            let _ = writeln!(writer.out, "  {name}:");
            let prefix = variable_part(name);
            writer.integration(integration, "    ", &prefix, &format!("template {name}"));
        }
    }
    writer.out.push_str("\nprojects:\n");
    let used = |index: usize| -> Vec<String> {
        IntegrationType::ALL
            .iter()
            .filter_map(|kind| match homes.get(&(index, *kind)) {
                Some(Home::Template(name)) => Some(scalar(name)),
                _ => None,
            })
            .collect()
    };
    if let Some(org) = part
        .select_org
        .as_ref()
        .filter(|_| writer.options.factor && all_alike(sources, homes))
    {
        let _ = writeln!(
            writer.out,
            "  # Every project of the organization is alike: this entry manages them all,\n  \
             # and any project created there later.\n  - select:\n      org: {org}"
        );
        let names = used(0);
        if !names.is_empty() {
            let _ = writeln!(writer.out, "    use: [{}]", names.join(", "));
        }
        return;
    }
    if sources.is_empty() {
        writer.out.push_str("  []\n");
    }
    for (index, source) in sources.iter().enumerate() {
        let project = &source.project;
        let _ = writeln!(writer.out, "  - id: {}", project.id);
        let _ = writeln!(writer.out, "    name: {}", scalar(&project.name));
        let names = used(index);
        if !names.is_empty() {
            let _ = writeln!(writer.out, "    use: [{}]", names.join(", "));
        }
        let own: Vec<&LiveIntegration> = source
            .live
            .known
            .values()
            .filter(|i| !homes.contains_key(&(index, i.kind)))
            .collect();
        let defaults_not_live: Vec<IntegrationType> = homes
            .iter()
            .filter(|(_, home)| **home == Home::Defaults)
            .map(|((_, kind), _)| *kind)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .filter(|kind| !source.live.known.contains_key(kind))
            .collect();
        if !source.live.unknown_types.is_empty() {
            let _ = writeln!(
                writer.out,
                "    # also in Atlas, not managed by tether: {}",
                one_line(&source.live.unknown_types.join(", "))
            );
        }
        if own.is_empty() && defaults_not_live.is_empty() {
            if source.live.known.is_empty() {
                writer.out.push_str("    # no integrations in Atlas\n");
            }
            continue;
        }
        writer.out.push_str("    integrations:\n");
        for integration in own {
            let prefix = format!("{}_{}", variable_part(&project.name), integration.kind);
            writer.integration(integration, "      ", &prefix, &project.name);
        }
        for kind in defaults_not_live {
            let _ = writeln!(writer.out, "      {kind}: absent");
        }
    }
}

/// `{PREFIX}_{FIELD}`, without saying the type twice: the prefix ends in
/// the type (`PAYMENTS_MICROSOFT_TEAMS`), and a field may start with it
/// (`microsoftTeamsWebhookUrl`), giving `PAYMENTS_MICROSOFT_TEAMS_WEBHOOK_URL`.
fn variable_name(prefix: &str, field: &str) -> String {
    let field = screaming_snake(field);
    // The longest end of the prefix that the field starts with, on `_`.
    let repeated = prefix
        .match_indices('_')
        .map(|(at, _)| &prefix[at + 1..])
        .chain(std::iter::once(prefix))
        .filter(|end| field.starts_with(&format!("{end}_")))
        .map(str::len)
        .max();
    match repeated {
        Some(len) => format!("{prefix}{}", &field[len..]),
        None => format!("{prefix}_{field}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The project `payments` with `live` as its integrations.
    fn payments(live: LiveIntegrations) -> Source {
        Source {
            project: Project {
                id: "65f1a2b3c4d5e6f7a8b9c0d1".parse().expect("id"),
                name: "payments".into(),
                org_id: None,
                tags: Vec::new(),
            },
            live,
        }
    }

    fn import_one(source: Source) -> (String, Vec<Variable>) {
        let org = Organization {
            id: None,
            whole: false,
            sources: vec![source],
        };
        let imported = import(&[org], &ImportOptions::default(), Layout::OneFile);
        let [file] = <[ImportedFile; 1]>::try_from(imported.files)
            .ok()
            .expect("one file");
        (file.yaml, imported.variables)
    }

    fn live(kind: IntegrationType, fields: &[(&str, &str)]) -> LiveIntegration {
        let specs = spec(kind).fields;
        LiveIntegration {
            kind,
            id: None,
            fields: fields
                .iter()
                .map(|(name, value)| {
                    let field = specs.iter().find(|f| f.name == *name).expect("a field");
                    (field, LiveValue::Text((*value).to_owned()))
                })
                .collect(),
            unmodelled: Vec::new(),
        }
    }

    fn names(templates: &[LiveIntegration]) -> Vec<String> {
        let refs: Vec<&LiveIntegration> = templates.iter().collect();
        template_names(&refs, &ImportOptions::default())
    }

    #[test]
    fn template_names_say_the_type_and_what_tells_them_apart() {
        use IntegrationType::{Datadog, PagerDuty, Slack};
        let key = |tail: &str| format!("****************************{tail}");
        assert_eq!(
            names(&[
                live(Datadog, &[("apiKey", &key("ab12")), ("region", "EU")]),
                live(Datadog, &[("apiKey", &key("cd34")), ("region", "US")]),
            ]),
            ["datadog-eu", "datadog-us"]
        );
        // Atlas's default region is named too; then the keys tell them apart.
        assert_eq!(
            names(&[
                live(PagerDuty, &[("serviceKey", &key("8237"))]),
                live(PagerDuty, &[("serviceKey", &key("51cd"))]),
                live(PagerDuty, &[("serviceKey", &key("efdf")), ("region", "EU")]),
            ]),
            ["pager-duty-us-8237", "pager-duty-us-51cd", "pager-duty-eu"]
        );
        // Only the plain field that differs is said, made safe to write.
        assert_eq!(
            names(&[
                live(Slack, &[("channelName", "#alerts"), ("teamName", "acme")]),
                live(
                    Slack,
                    &[("channelName", "\n${X}: ops"), ("teamName", "acme")]
                ),
            ]),
            ["slack-alerts", "slack-x-ops"]
        );
        // Alike in all Atlas shows (one organization's key in another): numbered.
        let same = live(PagerDuty, &[("serviceKey", &key("8237"))]);
        assert_eq!(
            names(&[same.clone(), same.clone(), same]),
            ["pager-duty-us", "pager-duty-us-2", "pager-duty-us-3"]
        );
    }

    #[test]
    fn variable_names_say_the_type_once() {
        assert_eq!(
            variable_name("PAYMENTS_MICROSOFT_TEAMS", "microsoftTeamsWebhookUrl"),
            "PAYMENTS_MICROSOFT_TEAMS_WEBHOOK_URL"
        );
        assert_eq!(
            variable_name("PAYMENTS_PAGER_DUTY", "serviceKey"),
            "PAYMENTS_PAGER_DUTY_SERVICE_KEY"
        );
        assert_eq!(
            variable_name("MICROSOFT_TEAMS", "microsoftTeamsWebhookUrl"),
            "MICROSOFT_TEAMS_WEBHOOK_URL"
        );
        assert_eq!(variable_name("SLACK", "apiToken"), "SLACK_API_TOKEN");
    }

    #[test]
    fn names_and_scalars() {
        assert_eq!(variable_part("payments-prod"), "PAYMENTS_PROD");
        assert_eq!(variable_part("9 lives!"), "P_9_LIVES");
        assert_eq!(scalar("payments-prod"), "payments-prod");
        assert_eq!(scalar("#alerts"), "\"#alerts\"");
        assert_eq!(scalar("yes"), "\"yes\"");
        assert_eq!(scalar("123"), "\"123\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(scalar("a ${B} $${C} $"), "\"a $${B} $$${C} $\"");
        assert_eq!(
            scalar("a\u{202e}b\u{2028}c\nd"),
            "\"a\\u202eb\\u2028c\\nd\""
        );
    }

    /// Names Atlas sends of types and fields tether does not know are
    /// written in comments, where a line break cannot end the comment.
    #[test]
    fn unknown_type_and_field_names_stay_in_their_comments() {
        let live = LiveIntegrations {
            known: [(
                IntegrationType::Slack,
                LiveIntegration {
                    kind: IntegrationType::Slack,
                    id: None,
                    fields: Vec::new(),
                    unmodelled: vec!["retry\nINJECTED_FIELD: 1".into()],
                },
            )]
            .into(),
            unknown_types: vec!["NEW\r\nINJECTED_TYPE: 1".into()],
        };
        let source = payments(live);
        let (yaml, _) = import_one(source);
        let read: serde_json::Value = serde_saphyr::from_str(&yaml).expect("the file reads");
        let project = read["projects"][0].as_object().expect("a project");
        let keys: Vec<&String> = project.keys().collect();
        assert_eq!(keys, ["id", "integrations", "name"], "{}", yaml);
        assert_eq!(
            read["projects"][0]["integrations"]["SLACK"],
            serde_json::Value::Null,
            "{}",
            yaml
        );
        assert!(
            yaml.contains(
                "# also in Atlas, not managed by tether: NEW\\u{d}\\u{a}INJECTED_TYPE: 1"
            ),
            "{}",
            yaml
        );
    }

    /// A URL mask that kept `user:password@` is masked again before it
    /// reaches the file or the list of variables.
    #[test]
    fn a_url_mask_with_credentials_is_not_copied() {
        let webhook = spec(IntegrationType::Webhook);
        let url = webhook
            .fields
            .iter()
            .find(|f| f.name == "url")
            .expect("url");
        let live = LiveIntegrations {
            known: [(
                IntegrationType::Webhook,
                LiveIntegration {
                    kind: IntegrationType::Webhook,
                    id: None,
                    fields: vec![(
                        url,
                        LiveValue::Text("https://admin:hunter2@hooks.example.com/****ab12".into()),
                    )],
                    unmodelled: vec!["retryPolicy".into()],
                },
            )]
            .into(),
            unknown_types: Vec::new(),
        };
        let source = payments(live);
        let (yaml, variables) = import_one(source);
        let hints: String = variables.iter().map(|v| v.hint.clone()).collect();
        for text in [&yaml, &hints] {
            assert!(!text.contains("hunter2"), "{text}");
            assert!(!text.contains("admin"), "{text}");
        }
        assert!(yaml.contains("https://hooks.example.com/****ab12"));
        // A field this tether does not know is named, never dropped silently.
        assert!(
            yaml.contains("# retryPolicy: set in Atlas, but this tether does not know the field"),
            "{}",
            yaml
        );
    }
}
