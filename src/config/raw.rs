//! The file as written: every value with its span. The JSON Schema of the
//! file is generated from these types (see `schema.rs`), and nothing after
//! `resolve` sees them.

use schemars::JsonSchema;

use super::limits::{FILE_VERSION, MAX_PERCENT, MAX_PROJECT_NAME_CHARS, id_or_variable_pattern};
use super::tree::Span;
use crate::model::{
    ApiVersion, EntryField, EntryKind, EntryValue, Family, FieldSpec, IntegrationType, Mode,
};
use crate::secret::Secret;

/// A value and where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sp<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Sp<T> {
    pub fn new(value: T, span: Span) -> Self {
        Sp { value, span }
    }
}

/// A tether file: which integrations each Atlas project must have.
#[derive(Debug, Default, JsonSchema)]
#[schemars(title = "tether.yaml", deny_unknown_fields)]
pub struct RawFile {
    /// Version of the file format. Always `1`.
    #[schemars(range(min = FILE_VERSION, max = FILE_VERSION), required)]
    pub version: Option<Sp<u32>>,
    /// What every project gets unless it says otherwise.
    pub defaults: Option<RawDefaults>,
    /// Named bundles of integrations that a project opts into with `use`.
    pub templates: Option<RawTemplates>,
    /// The projects tether manages. Projects not listed are never touched.
    pub projects: Vec<RawProject>,
    /// Apply's safety gates; the command line's flags win.
    pub safety: Option<RawSafety>,
    /// Atlas API generation to speak (default `v2`); `--api` wins.
    pub api: Option<Sp<ApiVersion>>,
    /// Where the values of secrets written literally into the file are, so
    /// that diagnostics can blank them out.
    #[schemars(skip)]
    pub literal_secrets: Vec<Span>,
}

/// Apply refuses (exit 4, writing nothing) a plan past one of these.
#[derive(Debug, Default, JsonSchema)]
#[schemars(rename = "Safety", deny_unknown_fields)]
pub struct RawSafety {
    /// Most integrations one apply may delete (default 5).
    pub max_deletes: Option<Sp<u32>>,
    /// Most managed integrations, in percent, one apply may update (default
    /// 30; applied when at least 10 integrations are managed).
    #[schemars(range(min = 0, max = MAX_PERCENT))]
    pub max_update_percent: Option<Sp<u32>>,
    /// Most managed integrations, in percent, one apply may delete (default
    /// 30; applied when at least 10 integrations are managed).
    #[schemars(range(min = 0, max = MAX_PERCENT))]
    pub max_delete_percent: Option<Sp<u32>>,
}

#[derive(Debug, Default, JsonSchema)]
#[schemars(rename = "Defaults", deny_unknown_fields)]
pub struct RawDefaults {
    /// Mode of projects that do not set their own (default `authoritative`).
    pub mode: Option<Sp<Mode>>,
    /// Integrations every project gets; a project's own entry for a type, or a
    /// template's, replaces it as a whole.
    pub integrations: Option<RawIntegrations>,
    #[schemars(flatten)]
    pub families: RawFamilies,
}

/// Template name to the integrations it brings.
#[derive(Debug, Default)]
pub struct RawTemplates(pub Vec<RawTemplate>);

#[derive(Debug)]
pub struct RawTemplate {
    pub name: Sp<String>,
    pub integrations: RawIntegrations,
    /// Written in the template beside its integration types.
    pub families: RawFamilies,
}

/// One Atlas project. Give its `id`, its `name`, or both.
#[derive(Debug, Default, JsonSchema)]
#[schemars(
    rename = "Project",
    deny_unknown_fields,
    extend("anyOf" = [{"required": ["id"]}, {"required": ["name"]}, {"required": ["select"]}])
)]
pub struct RawProject {
    /// Atlas project id: 24 lowercase hexadecimal characters.
    #[schemars(pattern(id_or_variable_pattern()))]
    pub id: Option<Sp<String>>,
    /// Atlas project name, resolved to an id through Atlas (one call per
    /// project); next to an `id` it is a label for people and is not looked up.
    #[schemars(length(min = 1, max = MAX_PROJECT_NAME_CHARS))]
    pub name: Option<Sp<String>>,
    /// Templates to apply, in order; later ones win per integration type.
    #[schemars(rename = "use")]
    pub use_templates: Option<Vec<Sp<String>>>,
    /// Instead of `id`/`name`: manage every Atlas project this selects
    /// (an explicit `id`/`name` entry wins for its project; otherwise the
    /// first selector in file order that matches).
    pub select: Option<RawSelect>,
    /// How far tether may go in this project.
    pub mode: Option<Sp<Mode>>,
    /// This project's own integrations; they win over templates and defaults.
    pub integrations: Option<RawIntegrations>,
    #[schemars(flatten)]
    pub families: RawFamilies,
    /// The whole entry, for messages about the project.
    #[schemars(skip)]
    pub span: Span,
    /// The `id` holds a `${NAME}` that `--ignore-unset` kept as written: it
    /// cannot be checked.
    #[schemars(skip)]
    pub id_unset: bool,
}

/// Which projects of an organization an entry manages.
#[derive(Debug, Default, JsonSchema)]
#[schemars(rename = "Select", deny_unknown_fields)]
pub struct RawSelect {
    /// The organization's id (24 hexadecimal characters), or `${VARIABLE}`.
    #[schemars(pattern(id_or_variable_pattern()), required)]
    pub org: Option<Sp<String>>,
    /// A glob on the project's name: `*` any run of characters, `?` one.
    pub name: Option<Sp<String>>,
    /// Tags every selected project must carry, `key: value` (v2 API only).
    pub tags: Option<RawTags>,
    /// Globs on names or ids of projects to leave out.
    pub exclude: Option<Vec<Sp<String>>>,
}

/// Tag key to value.
#[derive(Debug, Default)]
pub struct RawTags(pub Vec<(Sp<String>, Sp<String>)>);

/// Integration type to its fields, or to `absent`.
#[derive(Debug, Default)]
pub struct RawIntegrations(pub Vec<RawEntry>);

#[derive(Debug)]
pub struct RawEntry {
    pub kind: Sp<IntegrationType>,
    pub slot: RawSlot,
}

#[derive(Debug)]
pub enum RawSlot {
    Absent,
    Present(Vec<RawField>),
}

#[derive(Debug)]
pub struct RawField {
    pub spec: &'static FieldSpec,
    pub value: Sp<RawValue>,
}

#[derive(Debug)]
pub enum RawValue {
    Text(String),
    Bool(bool),
    Secret(Secret),
}

/// What a layer (`defaults`, a template, a project or a `select` entry)
/// says about the log and metric families and the push-based export. A
/// family left out here is `None`: the layer does not mention it. Its JSON
/// Schema is generated from the model's table (see `schema.rs`).
#[derive(Debug, Default)]
pub struct RawFamilies {
    /// `log_integrations:`; `Some(vec![])` for `[]`.
    pub log: Option<Vec<RawFamilyEntry>>,
    pub metric: Option<Vec<RawFamilyEntry>>,
    /// Where `push_based_log_export: absent` is written.
    pub push_based_absent: Option<Span>,
}

impl RawFamilies {
    pub fn list(&self, family: Family) -> Option<&[RawFamilyEntry]> {
        family.pick(&self.log, &self.metric).as_deref()
    }

    pub fn list_mut(&mut self, family: Family) -> &mut Option<Vec<RawFamilyEntry>> {
        family.pick(&mut self.log, &mut self.metric)
    }
}

/// One entry of a family's list, with the fields that passed the walk.
#[derive(Debug)]
pub struct RawFamilyEntry {
    pub kind: EntryKind,
    /// `id:`, which pins the entry to a live one.
    pub id: Option<Sp<String>>,
    pub fields: Vec<(&'static EntryField, Sp<EntryValue>)>,
    /// Where messages about the whole entry point: its discriminator, or
    /// its first key.
    pub span: Span,
}

impl RawFamilyEntry {
    pub fn get(&self, name: &str) -> Option<&Sp<EntryValue>> {
        self.fields
            .iter()
            .find(|(field, _)| field.name == name)
            .map(|(_, value)| value)
    }
}

#[cfg(test)]
mod tests {
    use super::RawSafety;
    use crate::model::{DEFAULT_MAX_DELETES, DEFAULT_MAX_PERCENT, SHARE_FROM};

    /// The schema states the gates' defaults in words: the ones the gates use.
    #[test]
    fn the_safety_schema_states_the_defaults_the_gates_use() {
        let schema = serde_json::to_value(schemars::schema_for!(RawSafety)).expect("JSON");
        let description = |field: &str| {
            let text = &schema["properties"][field]["description"];
            text.as_str().unwrap_or_default().replace('\n', " ")
        };
        let deletes = format!("(default {DEFAULT_MAX_DELETES})");
        assert!(description("max_deletes").contains(&deletes));
        let share = format!(
            "(default {DEFAULT_MAX_PERCENT}; applied when at least {SHARE_FROM} integrations"
        );
        for field in ["max_update_percent", "max_delete_percent"] {
            assert!(description(field).contains(&share), "{field}");
        }
    }
}
