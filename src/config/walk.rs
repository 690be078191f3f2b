//! The schema walk: reads the spanned tree into the raw types, reporting
//! every shape problem (unknown keys, wrong kinds, bad enum values, missing
//! fields) and carrying on, so one run shows them all.

use std::fmt;

use super::interpolate::{Env, Interpolated, MAX_VALUE_BYTES, Unset, interpolate};
use super::problem::{Alike, Problems};
use super::raw::{
    RawDefaults, RawEntry, RawField, RawFile, RawIntegrations, RawProject, RawSafety, RawSelect,
    RawSlot, RawTags, RawTemplate, RawTemplates, RawValue, Sp,
};
use super::suggest::{did_you_mean, guess_or, one_of};
use super::tree::{Key, Node, NodeValue, Span};
use crate::model::{
    ApiVersion, FieldKind, FieldSpec, Format, GroupId, IntegrationType, Lifecycle, Mode, Required,
    screaming_snake, spec,
};
use crate::secret::Secret;

/// Where a key was written, for messages; formatted only when needed.
#[derive(Clone, Copy)]
enum Place<'p> {
    Top,
    Defaults,
    Templates,
    Template(&'p str),
    Project,
    Safety,
    Select,
    Type(IntegrationType),
}

impl fmt::Display for Place<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Top => f.write_str("at the top of the file"),
            Place::Defaults => f.write_str("in `defaults`"),
            Place::Templates => f.write_str("in `templates`"),
            Place::Template(name) => write!(f, "in template `{name}`"),
            Place::Project => f.write_str("in this project"),
            Place::Safety => f.write_str("in `safety`"),
            Place::Select => f.write_str("in `select`"),
            Place::Type(kind) => write!(f, "in `{kind}`"),
        }
    }
}

/// A field, named as in messages: `PAGER_DUTY.serviceKey`.
struct FieldName(IntegrationType, &'static str);

impl fmt::Display for FieldName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}.{}`", self.0, self.1)
    }
}

const TOP_KEYS: &[&str] = &[
    "version",
    "api",
    "defaults",
    "templates",
    "projects",
    "safety",
];
const SAFETY_KEYS: &[&str] = &["max_deletes", "max_update_percent", "max_delete_percent"];
const DEFAULTS_KEYS: &[&str] = &["mode", "integrations"];
const PROJECT_KEYS: &[&str] = &["id", "name", "select", "use", "mode", "integrations"];
const SELECT_KEYS: &[&str] = &["org", "name", "tags", "exclude"];
const ABSENT: &str = "absent";
const MAX_PROJECT_NAME: usize = 64;

pub struct Walker<'a> {
    source: &'a str,
    env: &'a dyn Env,
    unset: Unset,
    problems: &'a mut Problems,
    literal_secrets: Vec<Span>,
    /// Keys suggested for unknown ones: a misspelt `projects` should not also
    /// be reported as missing.
    suggested: Vec<&'static str>,
    /// One file of a directory: it may hold no `projects` (only `defaults`
    /// or `templates`, say).
    part: bool,
}

impl<'a> Walker<'a> {
    pub fn new(
        source: &'a str,
        (env, unset): (&'a dyn Env, Unset),
        problems: &'a mut Problems,
    ) -> Self {
        Walker {
            source,
            env,
            unset,
            problems,
            literal_secrets: Vec::new(),
            suggested: Vec::new(),
            part: false,
        }
    }

    /// Walks one file of a directory configuration.
    pub fn part_of_directory(mut self) -> Self {
        self.part = true;
        self
    }

    pub fn file(mut self, root: &Node<'_>) -> RawFile {
        let mut file = RawFile::default();
        let Some(entries) = self.mapping(root, "the file", "`version: 1` and `projects:`") else {
            return file;
        };
        let mut saw_projects = false;
        for (key, value) in self.known_keys(entries, TOP_KEYS, Place::Top) {
            match key.text.as_ref() {
                "version" => file.version = self.version(value),
                "defaults" => file.defaults = self.defaults(value),
                "templates" => file.templates = self.templates(value),
                "safety" => file.safety = self.safety(value),
                "api" => file.api = self.api(value),
                "projects" => {
                    saw_projects = true;
                    file.projects = self.projects(value);
                }
                _ => unreachable!("known_keys only returns listed keys"),
            }
        }
        let start = entries.first().map_or(0..0, |(key, _)| key.span.clone());
        let misspelt = |key: &str| self.suggested.contains(&key);
        let missing_version = file.version.is_none()
            && !entries.iter().any(|(k, _)| k.text == "version")
            && !misspelt("version");
        let missing_projects = !saw_projects && !misspelt("projects") && !self.part;
        if missing_version {
            self.problems
                .error(start.clone(), "the file does not say `version: 1`")
                .help("add `version: 1` as the first line");
        }
        if missing_projects {
            self.problems
                .error(start, "the file has no `projects` list")
                .help("add `projects:` with at least one project, by `id` or by `name`");
        }
        file.literal_secrets = self.literal_secrets;
        file
    }

    /// The entries of a mapping, or an error saying what was expected.
    fn mapping<'n>(
        &mut self,
        node: &'n Node<'n>,
        what: &str,
        example: &str,
    ) -> Option<&'n [(Key<'n>, Node<'n>)]> {
        match &node.value {
            NodeValue::Map(entries) => Some(entries),
            other => {
                self.problems
                    .error(
                        node.span.clone(),
                        format!("{what} must be a mapping, not {}", other.describe()),
                    )
                    .help(format!("write {example}"));
                None
            }
        }
    }

    /// Entries whose key is in `allowed`; reports unknown and repeated keys.
    /// An unknown key written twice is reported as unknown twice.
    fn known_keys<'n>(
        &mut self,
        entries: &'n [(Key<'n>, Node<'n>)],
        allowed: &[&'static str],
        place: Place<'_>,
    ) -> Vec<(&'n Key<'n>, &'n Node<'n>)> {
        let mut known = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            if !allowed.contains(&key.text.as_ref()) {
                let problem = self
                    .problems
                    .error(
                        key.span.clone(),
                        format!("unknown key `{}` {place}", key.text),
                    )
                    .label("unknown key");
                match did_you_mean(&key.text, allowed.iter().copied()) {
                    Some(guess) => {
                        self.suggested.push(guess);
                        problem.help(format!("did you mean `{guess}`?"))
                    }
                    None => problem.help(format!("the keys allowed here are {}", one_of(allowed))),
                };
                continue;
            }
            known.push((key, value));
        }
        self.first_of_each(known, place)
    }

    /// The entries in file order with every repeat of a key left out; each
    /// repeat is reported where it is written again, pointing at the first.
    fn first_of_each<'n>(
        &mut self,
        entries: impl IntoIterator<Item = (&'n Key<'n>, &'n Node<'n>)>,
        place: Place<'_>,
    ) -> Vec<(&'n Key<'n>, &'n Node<'n>)> {
        let mut kept: Vec<(&Key<'_>, &Node<'_>)> = Vec::new();
        for (key, value) in entries {
            match kept.iter().find(|(k, _)| k.text == key.text) {
                Some((first, _)) => {
                    self.problems
                        .error(
                            key.span.clone(),
                            format!("`{}` is written twice {place}", key.text),
                        )
                        .label("written again here")
                        .related(first.span.clone(), "first written here")
                        .help("keep one of the two");
                }
                None => kept.push((key, value)),
            }
        }
        kept
    }

    fn version(&mut self, node: &Node<'_>) -> Option<Sp<u32>> {
        match &node.value {
            NodeValue::Number(n) if n == "1" => Some(Sp::new(1, node.span.clone())),
            other => {
                let found = other
                    .scalar_text()
                    .map_or_else(|| other.describe().to_owned(), |text| format!("`{text}`"));
                self.problems
                    .error(
                        node.span.clone(),
                        format!("unsupported file version {found}"),
                    )
                    .label("expected 1")
                    .help("this tether reads `version: 1`");
                None
            }
        }
    }

    fn api(&mut self, node: &Node<'_>) -> Option<Sp<ApiVersion>> {
        let written = self.scalar_text(node, &"`api`")?;
        if let Some(api) = ApiVersion::ALL.into_iter().find(|a| a.as_str() == written) {
            return Some(Sp::new(api, node.span.clone()));
        }
        let names = ApiVersion::ALL.map(ApiVersion::as_str);
        let help = if matches!(written, "v1.0" | "1" | "1.0") {
            "write `api: v1` for the v1.0 endpoints".to_owned()
        } else if matches!(written, "2" | "V2") {
            "write `api: v2`".to_owned()
        } else {
            "`v2` is Atlas's current API; `v1` speaks the deprecated v1.0 endpoints".to_owned()
        };
        self.problems
            .error(node.span.clone(), format!("unknown API `{written}`"))
            .label(format!("expected {}", one_of(&names)))
            .help(help);
        None
    }

    fn safety(&mut self, node: &Node<'_>) -> Option<RawSafety> {
        let entries = self.mapping(
            node,
            "`safety`",
            "`max_deletes:`, `max_update_percent:` or `max_delete_percent:` below it",
        )?;
        let mut safety = RawSafety::default();
        for (key, value) in self.known_keys(entries, SAFETY_KEYS, Place::Safety) {
            match key.text.as_ref() {
                "max_deletes" => safety.max_deletes = self.whole_number(value, &key.text, None),
                "max_update_percent" => {
                    safety.max_update_percent = self.whole_number(value, &key.text, Some(100));
                }
                "max_delete_percent" => {
                    safety.max_delete_percent = self.whole_number(value, &key.text, Some(100));
                }
                _ => unreachable!("known_keys only returns listed keys"),
            }
        }
        Some(safety)
    }

    /// A whole number, at most `max` when given.
    fn whole_number(&mut self, node: &Node<'_>, what: &str, max: Option<u32>) -> Option<Sp<u32>> {
        let parsed = match &node.value {
            NodeValue::Number(n) => n.parse::<u32>().ok(),
            _ => None,
        };
        match parsed {
            Some(n) if max.is_none_or(|max| n <= max) => Some(Sp::new(n, node.span.clone())),
            _ => {
                let range = max.map_or_else(
                    || "a whole number, 0 or more".to_owned(),
                    |max| format!("a whole number from 0 to {max}"),
                );
                self.problems
                    .error(node.span.clone(), format!("`{what}` must be {range}"))
                    .label(format!("expected {range}"));
                None
            }
        }
    }

    fn defaults(&mut self, node: &Node<'_>) -> Option<RawDefaults> {
        let entries = self.mapping(node, "`defaults`", "`mode:` and `integrations:` below it")?;
        let mut defaults = RawDefaults::default();
        for (key, value) in self.known_keys(entries, DEFAULTS_KEYS, Place::Defaults) {
            match key.text.as_ref() {
                "mode" => defaults.mode = self.mode(value),
                "integrations" => defaults.integrations = self.integrations(value, Place::Defaults),
                _ => unreachable!("known_keys only returns listed keys"),
            }
        }
        Some(defaults)
    }

    fn templates(&mut self, node: &Node<'_>) -> Option<RawTemplates> {
        let entries = self.mapping(
            node,
            "`templates`",
            "template names, each with integration types below it",
        )?;
        let mut templates = Vec::with_capacity(entries.len());
        for (key, value) in self.first_of_each(pairs(entries), Place::Templates) {
            if let Some(integrations) = self.integrations(value, Place::Template(&key.text)) {
                templates.push(RawTemplate {
                    name: Sp::new(key.text.to_string(), key.span.clone()),
                    integrations,
                });
            }
        }
        Some(RawTemplates(templates))
    }

    fn projects(&mut self, node: &Node<'_>) -> Vec<RawProject> {
        match &node.value {
            NodeValue::Seq(items) => items.iter().filter_map(|item| self.project(item)).collect(),
            other => {
                self.problems
                    .error(
                        node.span.clone(),
                        format!("`projects` must be a list, not {}", other.describe()),
                    )
                    .help("write each project as a list item: `- id: …` or `- name: …`");
                Vec::new()
            }
        }
    }

    fn project(&mut self, node: &Node<'_>) -> Option<RawProject> {
        let entries = self.mapping(
            node,
            "a project",
            "`id:` or `name:`, and its `integrations:`",
        )?;
        let mut project = RawProject {
            id: None,
            name: None,
            select: None,
            use_templates: None,
            mode: None,
            integrations: None,
            span: node.span.clone(),
            id_unset: false,
        };
        let mut select_key = None;
        let mut named = false;
        for (key, value) in self.known_keys(entries, PROJECT_KEYS, Place::Project) {
            match key.text.as_ref() {
                "id" => {
                    named = true;
                    if let Some((id, unset)) = self.text_or_unset(value, &"`id`") {
                        project.id = Some(id);
                        project.id_unset = unset;
                    }
                }
                "name" => {
                    named = true;
                    project.name = self.project_name(value);
                }
                "select" => {
                    select_key = Some(key.span.clone());
                    project.select = self.select(value);
                }
                "use" => project.use_templates = self.use_list(value),
                "mode" => project.mode = self.mode(value),
                "integrations" => project.integrations = self.integrations(value, Place::Project),
                _ => unreachable!("known_keys only returns listed keys"),
            }
        }
        if let Some(span) = select_key {
            if named {
                self.problems
                    .error(
                        span,
                        "an entry names a project or selects projects, not both",
                    )
                    .label("`select` beside `id`/`name`")
                    .help("keep `id`/`name` for one project, or `select` for many, in two entries");
            }
            return Some(project);
        }
        if !named {
            self.problems
                .error(
                    node.span.clone(),
                    "this project has neither `id` nor `name`",
                )
                .label("which project?")
                .help(
                    "add `id:` (24 hex characters from the Atlas URL) or `name:`, or `select:` \
                     for every matching project of an organization",
                );
        }
        Some(project)
    }

    fn select(&mut self, node: &Node<'_>) -> Option<RawSelect> {
        let entries = self.mapping(
            node,
            "`select`",
            "`org:`, and `name:`, `tags:` or `exclude:` below it",
        )?;
        let mut select = RawSelect {
            org: None,
            name: None,
            tags: None,
            exclude: None,
        };
        for (key, value) in self.known_keys(entries, SELECT_KEYS, Place::Select) {
            match key.text.as_ref() {
                "org" => select.org = self.org_id(value),
                "name" => select.name = self.glob(value, &"`select.name`"),
                "tags" => select.tags = self.tags(value),
                "exclude" => {
                    select.exclude = match &value.value {
                        NodeValue::Seq(items) => Some(
                            items
                                .iter()
                                .filter_map(|item| self.glob(item, &"a glob of `select.exclude`"))
                                .collect(),
                        ),
                        _ => {
                            self.problems
                                .error(
                                    value.span.clone(),
                                    "`select.exclude` must be a list of globs",
                                )
                                .help("write `exclude: [\"sandbox-*\"]`");
                            None
                        }
                    };
                }
                _ => unreachable!("known_keys only returns listed keys"),
            }
        }
        if !entries.iter().any(|(k, _)| k.text == "org") {
            self.problems
                .error(node.span.clone(), "`select` has no `org`")
                .label("which organization?")
                .help("add `org:` with the organization's id (or `${ATLAS_ORG_ID}`)");
        }
        Some(select)
    }

    fn org_id(&mut self, node: &Node<'_>) -> Option<Sp<String>> {
        let (org, unset) = self.text_or_unset(node, &"`select.org`")?;
        if unset {
            return Some(org);
        }
        let valid = org.value.len() == 24
            && org
                .value
                .chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c));
        if !valid {
            let lowercase = org.value.to_ascii_lowercase();
            let written_here = node.value.scalar_text() == Some(org.value.as_str());
            let help = if written_here && lowercase.parse::<GroupId>().is_ok() {
                format!("did you mean `{lowercase}`? Atlas ids are lowercase")
            } else {
                "an organization id is 24 lowercase hexadecimal characters, as in the \
                 organization's Atlas URL"
                    .to_owned()
            };
            self.problems
                .error(node.span.clone(), "`select.org` is not an organization id")
                .label("not an organization id")
                .help(help);
        }
        valid.then_some(org)
    }

    /// A glob: `*` for any run of characters, `?` for one; nothing else is
    /// special, and the characters other glob dialects use are refused
    /// rather than taken literally by surprise.
    fn glob(&mut self, node: &Node<'_>, what: &dyn fmt::Display) -> Option<Sp<String>> {
        let (glob, unset) = self.text_or_unset(node, what)?;
        if unset {
            // `${NAME}` has braces; what the variable holds is unknown.
            return Some(glob);
        }
        if let Some(c) = glob
            .value
            .chars()
            .find(|c| matches!(c, '[' | ']' | '{' | '}' | '\\'))
        {
            self.problems
                .error(
                    node.span.clone(),
                    format!("{what} has `{c}`, which tether's globs do not use"),
                )
                .label("not a glob character")
                .help("globs here know `*` (any run of characters) and `?` (one character)");
            return None;
        }
        Some(glob)
    }

    /// `key: value` strings, for `select.tags`.
    fn tags(&mut self, node: &Node<'_>) -> Option<RawTags> {
        let entries = self.mapping(node, "`select.tags`", "`key: value` tags below it")?;
        let mut tags = Vec::with_capacity(entries.len());
        for (key, value) in self.first_of_each(pairs(entries), Place::Select) {
            match &value.value {
                NodeValue::String(text) | NodeValue::Number(text) => tags.push((
                    Sp::new(key.text.to_string(), key.span.clone()),
                    Sp::new(text.to_string(), value.span.clone()),
                )),
                other => {
                    self.problems
                        .error(
                            value.span.clone(),
                            format!(
                                "the tag `{}` must be a string, not {}",
                                key.text,
                                other.describe()
                            ),
                        )
                        .help("write each tag as `key: value`");
                }
            }
        }
        Some(RawTags(tags))
    }

    fn project_name(&mut self, node: &Node<'_>) -> Option<Sp<String>> {
        let (name, unset) = self.text_or_unset(node, &"`name`")?;
        if unset {
            return Some(name);
        }
        if name.value == "." || name.value == ".." {
            self.problems
                .error(
                    node.span.clone(),
                    format!("`{}` cannot be a project name", name.value),
                )
                .label("not a name")
                .help(
                    "a lookup by this name would address another path of Atlas's API; use the \
                     project's name as Atlas shows it, or its `id`",
                );
            return None;
        }
        if let Some((at, c)) = name.value.chars().enumerate().find(|(_, c)| !c.is_ascii()) {
            self.problems
                .warning(
                    node.span.clone(),
                    format!(
                        "the project name has non-ASCII letters (`{}`, U+{:04X}, character {}), \
                         which can look like ASCII ones",
                        // A bidi control or a zero-width character shows as
                        // its escape, not as itself.
                        crate::printable::one_line(&c.to_string()),
                        u32::from(c),
                        at + 1
                    ),
                )
                .label("non-ASCII")
                .help("check that it is the name Atlas shows, or use the project's `id`");
        }
        let length = name.value.chars().count();
        if length > MAX_PROJECT_NAME {
            self.problems
                .error(
                    node.span.clone(),
                    format!("project names are at most {MAX_PROJECT_NAME} characters; this one has {length}"),
                )
                .help("use the project's name exactly as Atlas shows it, or its `id`");
            return None;
        }
        Some(name)
    }

    /// A string scalar, interpolated (numbers are taken as written), and
    /// whether it holds a `${NAME}` kept as written, whose value cannot be
    /// checked.
    fn text_or_unset(
        &mut self,
        node: &Node<'_>,
        what: &dyn fmt::Display,
    ) -> Option<(Sp<String>, bool)> {
        let written = self.scalar_text(node, what)?;
        let interpolated = self.interpolate(written, node)?;
        if interpolated.value.trim().is_empty() {
            self.problems
                .error(node.span.clone(), format!("{what} is empty"))
                .help("give it a value");
            return None;
        }
        let unset = interpolated.unresolved();
        Some((Sp::new(interpolated.value, node.span.clone()), unset))
    }

    /// Puts in the variables of a value; one note for each use of a
    /// variable kept as written (the report shows one line per variable).
    fn interpolate(&mut self, written: &str, node: &Node<'_>) -> Option<Interpolated> {
        let interpolated = interpolate(
            written,
            &node.span,
            self.source,
            (self.env, self.unset),
            self.problems,
        )?;
        for (name, span) in &interpolated.kept {
            self.problems
                .note(span.clone(), format!("`{name}` has no value"))
                .alike(Alike::KeptAsWritten, name.clone());
        }
        Some(interpolated)
    }

    fn scalar_text<'n>(&mut self, node: &'n Node<'_>, what: &dyn fmt::Display) -> Option<&'n str> {
        match &node.value {
            NodeValue::Null => {
                self.problems
                    .error(node.span.clone(), format!("{what} has no value"))
                    .label("empty")
                    .help("write a value after the colon");
                None
            }
            NodeValue::Seq(_) | NodeValue::Map(_) => {
                self.problems
                    .error(
                        node.span.clone(),
                        format!("{what} must be a string, not {}", node.value.describe()),
                    )
                    .help("write a single value on the same line");
                None
            }
            other => other.scalar_text(),
        }
    }

    fn use_list(&mut self, node: &Node<'_>) -> Option<Vec<Sp<String>>> {
        let NodeValue::Seq(items) = &node.value else {
            let example = node
                .value
                .scalar_text()
                .map_or_else(|| "use: [name]".to_owned(), |name| format!("use: [{name}]"));
            self.problems
                .error(node.span.clone(), "`use` must be a list of template names")
                .help(format!("write `{example}`"));
            return None;
        };
        Some(
            items
                .iter()
                .filter_map(|item| {
                    let name = self.scalar_text(item, &"a template name")?;
                    Some(Sp::new(name.to_owned(), item.span.clone()))
                })
                .collect(),
        )
    }

    fn mode(&mut self, node: &Node<'_>) -> Option<Sp<Mode>> {
        let written = self.scalar_text(node, &"`mode`")?;
        let names = Mode::ALL.map(Mode::as_str);
        if let Some(mode) = Mode::ALL.into_iter().find(|m| m.as_str() == written) {
            return Some(Sp::new(mode, node.span.clone()));
        }
        let help = guess_or(written, names, || {
            "`authoritative` deletes what the file does not declare, `additive` never deletes, \
             `observe` never writes"
                .to_owned()
        });
        self.problems
            .error(node.span.clone(), format!("unknown mode `{written}`"))
            .label(format!("expected {}", one_of(&names)))
            .help(help);
        None
    }

    fn integrations(&mut self, node: &Node<'_>, place: Place<'_>) -> Option<RawIntegrations> {
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

    fn fields(
        &mut self,
        kind: IntegrationType,
        type_key: &Key,
        entries: &[(Key, Node)],
    ) -> Vec<RawField> {
        let type_spec = spec(kind);
        let mut fields = Vec::with_capacity(entries.len());
        let kept = self.first_of_each(pairs(entries), Place::Type(kind));
        for &(key, value) in &kept {
            let Some(field) = type_spec.field(&key.text) else {
                self.unknown_field(kind, key, value);
                continue;
            };
            if let Some(value) = self.field_value(kind, field, value) {
                fields.push(RawField { spec: field, value });
            }
        }
        for field in type_spec.fields {
            if field.required == Required::Always && !kept.iter().any(|(k, _)| k.text == field.name)
            {
                self.problems
                    .error(
                        type_key.span.clone(),
                        format!("`{kind}` is missing the required field `{}`", field.name),
                    )
                    .label(format!("no `{}`", field.name))
                    .help(format!(
                        "add `{}:` below `{kind}:` ({})",
                        field.name,
                        field.doc.trim_end_matches('.')
                    ));
            }
            if let Some(why) = field.advised
                && !kept.iter().any(|(k, _)| k.text == field.name)
            {
                self.problems
                    .warning(
                        type_key.span.clone(),
                        format!("`{kind}` has no `{}`", field.name),
                    )
                    .label(format!("no `{}`", field.name))
                    .help(format!("{why}; add `{}:` below `{kind}:`", field.name));
            }
        }
        fields
    }

    fn unknown_field(&mut self, kind: IntegrationType, key: &Key<'_>, value: &Node<'_>) {
        let names: Vec<&str> = spec(kind).fields.iter().map(|f| f.name).collect();
        let guess = did_you_mean(&key.text, names.iter().copied());
        // A misspelt secret is still a secret: keep it out of the snippet.
        let guessed_secret = guess
            .and_then(|g| spec(kind).field(g))
            .is_some_and(|f| f.sensitive);
        if guessed_secret {
            self.literal_secrets.push(value.span.clone());
        }
        let problem = self
            .problems
            .error(
                key.span.clone(),
                format!("unknown field `{}` in `{kind}`", key.text),
            )
            .label("unknown field");
        match guess {
            _ if key.text == "type" => problem.help(format!(
                "the type is the key above (`{kind}:`); remove this line"
            )),
            Some(guess) => problem.help(format!("did you mean `{guess}`?")),
            None => problem.help(format!("the fields of `{kind}` are {}", one_of(&names))),
        };
    }

    fn field_value(
        &mut self,
        kind: IntegrationType,
        field: &'static FieldSpec,
        node: &Node<'_>,
    ) -> Option<Sp<RawValue>> {
        let what = FieldName(kind, field.name);
        if field.kind == FieldKind::Bool {
            return self.boolean(node, &what);
        }
        let written = self.scalar_text(node, &what)?;
        // Refused for its length, a literal secret is still blanked from
        // the lines quoted around other problems.
        if field.sensitive && written.len() > MAX_VALUE_BYTES {
            self.literal_secrets.push(node.span.clone());
        }
        let interpolated = self.interpolate(written, node)?;
        let value = interpolated.value;
        if value.is_empty() {
            self.problems
                .error(node.span.clone(), format!("{what} is empty"))
                .label("empty")
                .help("give it a value, or leave the field out");
            return None;
        }
        let literal_secret = field.sensitive && !interpolated.from_env;
        if literal_secret {
            self.literal_secrets.push(node.span.clone());
        }
        if !interpolated.kept.is_empty() {
            return Some(Sp::new(
                if field.sensitive {
                    RawValue::Secret(Secret::new(value))
                } else {
                    RawValue::Text(value)
                },
                node.span.clone(),
            ));
        }
        if !field.allowed.is_empty() && !field.allowed.contains(&value.as_str()) {
            let help = guess_or(&value, field.allowed.iter().copied(), || {
                format!("the values Atlas accepts are {}", one_of(field.allowed))
            });
            // A value from the environment is never shown, whatever the field.
            let found = if interpolated.from_env {
                "the value of its variable".to_owned()
            } else {
                format!("`{value}`")
            };
            self.problems
                .error(node.span.clone(), format!("{what} cannot be {found}"))
                .label(format!("expected {}", one_of(field.allowed)))
                .help(help);
            return None;
        }
        if let Some(message) = format_problem(field, &value) {
            let source_hint = if interpolated.from_env {
                " (the value comes from the environment)"
            } else {
                ""
            };
            self.problems
                .error(node.span.clone(), format!("{what} {message}{source_hint}"))
                .help(field.doc);
            return None;
        }
        // A value from the environment is kept like a secret even in a field
        // that is not one (a `routingKey: ${ROUTING_KEY}`): compared exactly,
        // never shown.
        if !field.sensitive && !interpolated.from_env {
            return Some(Sp::new(RawValue::Text(value), node.span.clone()));
        }
        if literal_secret {
            self.problems
                .warning(
                    node.span.clone(),
                    format!("{what} is a secret written into the file"),
                )
                .label("literal secret")
                .help(format!(
                    "anyone who can read the repository can read it; use an environment variable \
                     instead, such as `{}: ${{{}}}`",
                    field.name,
                    suggested_variable(kind, field)
                ));
        }
        Some(Sp::new(
            RawValue::Secret(Secret::new(value)),
            node.span.clone(),
        ))
    }

    fn boolean(&mut self, node: &Node<'_>, what: &dyn fmt::Display) -> Option<Sp<RawValue>> {
        if let NodeValue::Bool(b) = node.value {
            return Some(Sp::new(RawValue::Bool(b), node.span.clone()));
        }
        let found = node
            .value
            .scalar_text()
            .map_or_else(|| node.value.describe().to_owned(), |t| format!("`{t}`"));
        let problem = self
            .problems
            .error(
                node.span.clone(),
                format!("{what} must be `true` or `false`, not {found}"),
            )
            .label("expected true or false");
        match node.value.scalar_text() {
            Some("true" | "false") => problem.help("remove the quotes"),
            Some(_) => problem.help(
                "only `true` and `false` are booleans here; words such as `yes` and `on` are not",
            ),
            None => problem.help("write `true` or `false`"),
        };
        None
    }
}

/// A mapping's entries as pairs of references, as `Walker::first_of_each`
/// takes them.
fn pairs<'n>(
    entries: &'n [(Key<'n>, Node<'n>)],
) -> impl Iterator<Item = (&'n Key<'n>, &'n Node<'n>)> {
    entries.iter().map(|(key, value)| (key, value))
}

/// What is wrong with a value's format, without repeating the value (it may
/// be a secret).
fn format_problem(field: &FieldSpec, value: &str) -> Option<String> {
    match field.format {
        Format::Any => None,
        Format::Hex => (!value.chars().all(|c| c.is_ascii_hexdigit()))
            .then(|| "must be hexadecimal: Atlas rejects other keys".to_owned()),
        Format::LowerHex40 => (value.len() != 40
            || !value
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
        .then(|| "must be 40 lowercase hexadecimal characters (0-9, a-f)".to_owned()),
        Format::HttpUrl => {
            let rest = value
                .strip_prefix("https://")
                .or_else(|| value.strip_prefix("http://"));
            let has_host = rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/'));
            (!has_host).then(|| "must be an absolute `http://` or `https://` URL".to_owned())
        }
        Format::Length { min, max } => {
            let n = value.chars().count();
            (n < min || n > max).then(|| format!("must be {min} to {max} characters; it has {n}"))
        }
        Format::MaxBytes(max) => (value.len() > max)
            .then(|| format!("is {} bytes; Atlas accepts at most {max}", value.len())),
    }
}

/// The variable name suggested for a literal secret, e.g. `PAGER_DUTY_SERVICE_KEY`.
pub fn suggested_variable(kind: IntegrationType, field: &FieldSpec) -> String {
    format!("{kind}_{}", screaming_snake(field.name))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use crate::config::{Unset, load_str};

    /// Each problem as `line:column message [related line:column]`.
    fn problems(text: &str) -> Vec<String> {
        let at = |offset: usize| {
            let before = &text[..offset];
            let line = before.matches('\n').count() + 1;
            let column = offset - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            format!("{line}:{column}")
        };
        let report = load_str("t.yaml", text, (&HashMap::new(), Unset::Keep))
            .expect_err("the file has problems");
        report.0[0]
            .problems
            .iter()
            .map(|p| {
                let related: Vec<String> = p.related.iter().map(|(s, _)| at(s.start)).collect();
                let span = p.span.as_ref().map_or_else(String::new, |s| at(s.start));
                format!("{span} {} {related:?}", p.message)
            })
            .collect()
    }

    #[test]
    fn repeated_keys_are_reported_once_each_at_every_level() {
        let text = "\
version: 1
version: 1
colour: red
colour: red
templates:
  t:
    WEBHOOK:
      url: https://h.test/a
      url: https://h.test/b
  t:
    WEBHOOK:
      url: https://h.test/c
defaults:
  integrations:
    PAGER_DUTY:
      serviceKey: k
    PAGER_DUTY: absent
    NOPE: {}
    NOPE: {}
projects:
  - id: 65f1a2b3c4d5e6f7a8b9c0d1
    id: 65f1a2b3c4d5e6f7a8b9c0d2
    colour: red
    colour: red
";
        // An unknown key written twice is unknown twice, not a repeat.
        assert_eq!(
            problems(text),
            [
                r#"2:1 `version` is written twice at the top of the file ["1:1"]"#,
                "3:1 unknown key `colour` at the top of the file []",
                "4:1 unknown key `colour` at the top of the file []",
                "6:3 template `t` is not used by any project []",
                "8:12 `WEBHOOK.url` is a secret written into the file []",
                r#"9:7 `url` is written twice in `WEBHOOK` ["8:7"]"#,
                r#"10:3 `t` is written twice in `templates` ["6:3"]"#,
                "16:19 `PAGER_DUTY.serviceKey` is a secret written into the file []",
                r#"17:5 `PAGER_DUTY` is written twice in `defaults` ["15:5"]"#,
                "18:5 unknown integration type `NOPE` []",
                r#"19:5 `NOPE` is written twice in `defaults` ["18:5"]"#,
                r#"22:5 `id` is written twice in this project ["21:5"]"#,
                "23:5 unknown key `colour` in this project []",
                "24:5 unknown key `colour` in this project []",
            ]
        );
    }
}
