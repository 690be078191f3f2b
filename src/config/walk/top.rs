//! The top of the file: `version`, `api`, `safety`, `defaults`, `templates`
//! and the `mode` a layer sets; `projects` is in `project.rs`.

use super::families::FamilyKey;
use super::{KnownMapping, Place, Walker, pairs};
use crate::config::limits::{FILE_VERSION, MAX_PERCENT};
use crate::config::raw::{
    RawDefaults, RawFamilies, RawFile, RawSafety, RawTemplate, RawTemplates, Sp,
};
use crate::config::suggest::{guess_or, one_of};
use crate::config::tree::{Key, Node, NodeValue};
use crate::model::{ApiVersion, Mode};

known_keys!(TopKey {
    Version = "version", Api = "api", Defaults = "defaults",
    Templates = "templates", Projects = "projects", Safety = "safety",
});

known_mapping! {
    SAFETY: SafetyLimit, Place::Safety,
    "`safety`", "`max_deletes:`, `max_update_percent:` or `max_delete_percent:` below it",
    {
        Deletes = "max_deletes", UpdatePercent = "max_update_percent",
        DeletePercent = "max_delete_percent",
    }
}

known_mapping! {
    DEFAULTS: DefaultsKey, Place::Defaults, "`defaults`", "`mode:` and `integrations:` below it",
    { Mode = "mode", Integrations = "integrations" } + families
}

impl Walker<'_> {
    pub fn file(mut self, root: &Node<'_>) -> RawFile {
        let mut file = RawFile::default();
        let example = format!("`version: {FILE_VERSION}` and `projects:`");
        let top = KnownMapping {
            what: "the file",
            example: &example,
            place: Place::Top,
            keys: TopKey::KEYS,
        };
        let Some((entries, known)) = self.known_mapping(root, &top) else {
            return file;
        };
        let wrote = |key: TopKey| known.iter().any(|(which, _, _)| *which == key);
        let wrote_version = wrote(TopKey::Version);
        let wrote_projects = wrote(TopKey::Projects);
        for (which, _, value) in known {
            match which {
                TopKey::Version => file.version = self.version(value),
                TopKey::Defaults => file.defaults = self.defaults(value),
                TopKey::Templates => file.templates = self.templates(value),
                TopKey::Safety => file.safety = self.safety(value),
                TopKey::Api => file.api = self.api(value),
                TopKey::Projects => file.projects = self.projects(value),
            }
        }
        let start = entries.first().map_or(0..0, |(key, _)| key.span.clone());
        let misspelt = |key: &str| self.suggested.contains(&key);
        let missing_version = !wrote_version && !misspelt("version");
        let missing_projects = !wrote_projects && !misspelt("projects") && !self.part;
        if missing_version {
            self.problems
                .error(
                    start.clone(),
                    format!("the file does not say `version: {FILE_VERSION}`"),
                )
                .help(format!("add `version: {FILE_VERSION}` as the first line"));
        }
        if missing_projects {
            self.problems
                .error(start, "the file has no `projects` list")
                .help("add `projects:` with at least one project, by `id` or by `name`");
        }
        file.literal_secrets = self.literal_secrets;
        file
    }

    fn version(&mut self, node: &Node<'_>) -> Option<Sp<u32>> {
        match &node.value {
            NodeValue::Number(n) if *n == FILE_VERSION.to_string() => {
                Some(Sp::new(FILE_VERSION, node.span.clone()))
            }
            other => {
                let found = other
                    .scalar_text()
                    .map_or_else(|| other.describe().to_owned(), |text| format!("`{text}`"));
                self.problems
                    .error(
                        node.span.clone(),
                        format!("unsupported file version {found}"),
                    )
                    .label(format!("expected {FILE_VERSION}"))
                    .help(format!("this tether reads `version: {FILE_VERSION}`"));
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
        let (_, known) = self.known_mapping(node, &SAFETY)?;
        let mut safety = RawSafety::default();
        for (which, key, value) in known {
            match which {
                SafetyLimit::Deletes => {
                    safety.max_deletes = self.whole_number(value, &key.text, None);
                }
                SafetyLimit::UpdatePercent => {
                    safety.max_update_percent =
                        self.whole_number(value, &key.text, Some(MAX_PERCENT));
                }
                SafetyLimit::DeletePercent => {
                    safety.max_delete_percent =
                        self.whole_number(value, &key.text, Some(MAX_PERCENT));
                }
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
        let (_, known) = self.known_mapping(node, &DEFAULTS)?;
        let mut defaults = RawDefaults::default();
        for (which, _, value) in known {
            match which {
                DefaultsKey::Mode => defaults.mode = self.mode(value),
                DefaultsKey::Integrations => {
                    defaults.integrations = self.integrations(value, Place::Defaults);
                }
                DefaultsKey::Family(which) => self.family_key(which, value, &mut defaults.families),
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
            if let Some(template) = self.template(key, value) {
                templates.push(template);
            }
        }
        Some(RawTemplates(templates))
    }

    /// A template: integration types, and the family keys beside them.
    fn template(&mut self, name: &Key<'_>, node: &Node<'_>) -> Option<RawTemplate> {
        let entries = self.mapping(
            node,
            "`integrations`",
            "integration types such as `PAGER_DUTY:` with their fields below them",
        )?;
        let place = Place::Template(&name.text);
        let (family_keys, types): (Vec<_>, Vec<_>) =
            pairs(entries).partition(|(key, _)| FamilyKey::of(&key.text).is_some());
        let integrations = self.integration_types(types, place);
        let mut families = RawFamilies::default();
        for (key, value) in self.first_of_each(family_keys, place) {
            if let Some(which) = FamilyKey::of(&key.text) {
                self.family_key(which, value, &mut families);
            }
        }
        Some(RawTemplate {
            name: Sp::new(name.text.to_string(), name.span.clone()),
            integrations,
            families,
        })
    }

    pub(super) fn mode(&mut self, node: &Node<'_>) -> Option<Sp<Mode>> {
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
}
