//! The domain: what the file asks for, in a form that no longer knows about
//! YAML. Nothing here depends on the rest of the crate but `secret`.

mod activity;
mod by_name;
mod day;
mod end_of_life;
mod entry;
mod family;
mod group_id;
mod integration_type;
mod live;
mod names;
mod safety;
mod spec;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

#[cfg(test)]
pub(crate) use activity::notification;
pub use activity::{AlertConfig, ChangeEvent, Notification};
pub use day::{Day, NotADay};
pub use end_of_life::{
    END_OF_LIFE, EndOfLife, Ending, Milestone, TEAMS_CONNECTOR_HOST_SUFFIX, When, end_of_life,
};
pub use entry::{
    DeclaredFamilies, Entry, EntryKey, EntryValue, Header, LiveEntries, LiveEntry, LiveEntryValue,
    LiveFamilies, PUSH_BASED_TYPE, PushBasedExport, Unreadable, is_plain_id,
};
pub use family::{
    Answered, DATADOG_LOG_REGIONS, EntryField, EntryKind, Family, LOG_TYPES, MAX_ENDPOINT_LENGTH,
    MAX_HEADER_BYTES, METRIC_SELECTION, Shape, UnknownEntryKind, is_https_url,
};
pub use group_id::{GroupId, IdOf, InvalidGroupId};
pub use integration_type::{IntegrationType, UnknownIntegrationType};
pub use live::{LiveIntegration, LiveIntegrations, LiveValue, Project};
pub use safety::{DEFAULT_MAX_DELETES, DEFAULT_MAX_PERCENT, MAX_PERCENT, SHARE_FROM, Safety};
pub use spec::{
    DefaultValue, FieldKind, FieldSpec, Format, Lifecycle, ReadBack, Required, TypeSpec, spec,
};

use by_name::value_named;
use names::atlas_names;

use crate::secret::Secret;

/// The generation of Atlas's Administration API to speak. v2 is the default:
/// MongoDB files the v1.0 specification as deprecated.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum ApiVersion {
    /// `/api/atlas/v1.0`, the seed's endpoints.
    V1,
    /// `/api/atlas/v2` with the versioned media type.
    #[default]
    V2,
}

impl ApiVersion {
    pub const ALL: [ApiVersion; 2] = [ApiVersion::V1, ApiVersion::V2];

    /// The name a file and the command line use.
    pub const fn as_str(self) -> &'static str {
        match self {
            ApiVersion::V1 => "v1",
            ApiVersion::V2 => "v2",
        }
    }

    /// Whether this API returns and accepts the fields only v2 has.
    pub const fn has_v2_fields(self) -> bool {
        matches!(self, ApiVersion::V2)
    }
}

/// How far tether may go in one project.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Live integrations the file does not declare are deleted.
    #[default]
    Authoritative,
    /// Creates and updates, never deletes.
    Additive,
    /// Never writes; plan and drift report only.
    Observe,
}

impl Mode {
    pub const ALL: [Mode; 3] = [Mode::Authoritative, Mode::Additive, Mode::Observe];

    pub const fn as_str(self) -> &'static str {
        match self {
            Mode::Authoritative => "authoritative",
            Mode::Additive => "additive",
            Mode::Observe => "observe",
        }
    }
}

atlas_names!(ApiVersion);
atlas_names!(Mode);

/// One field's value. Sensitive fields always hold a `Secret`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldValue {
    Text(String),
    Secret(Secret),
    Bool(bool),
}

impl FieldValue {
    pub fn from_default(default: DefaultValue) -> Self {
        match default {
            DefaultValue::Str(s) => FieldValue::Text(s.to_owned()),
            DefaultValue::Bool(b) => FieldValue::Bool(b),
        }
    }
}

impl FieldSpec {
    /// Atlas's default, as the file would declare it.
    pub fn default_value(&self) -> Option<FieldValue> {
        self.default.map(FieldValue::from_default)
    }

    /// Atlas's default, as Atlas returns it.
    pub fn live_default(&self) -> Option<LiveValue> {
        self.default.map(|default| match default {
            DefaultValue::Str(text) => LiveValue::Text(text.to_owned()),
            DefaultValue::Bool(b) => LiveValue::Bool(b),
        })
    }

    /// Whether a declared value is something other than Atlas's default.
    pub fn differs_from_default(&self, value: &FieldValue) -> bool {
        self.default_value().as_ref() != Some(value)
    }
}

/// A camelCase field name in the form of an environment variable's name:
/// `serviceKey` → `SERVICE_KEY`. Both the variable suggested for a literal
/// secret and the variables an import writes are named with it.
pub fn screaming_snake(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    for c in camel.chars() {
        if c.is_ascii_uppercase() && !out.is_empty() {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// One integration as the file declares it: only the fields written, in the
/// table's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Integration {
    pub kind: IntegrationType,
    pub fields: Vec<(&'static FieldSpec, FieldValue)>,
}

impl Integration {
    /// The secrets it declares: its secret values, and the text of a field
    /// the table marks sensitive (a project built by hand may hold one as
    /// text; the file's never does).
    pub fn secrets(&self) -> impl Iterator<Item = Secret> + '_ {
        self.fields.iter().filter_map(|(spec, value)| match value {
            FieldValue::Secret(secret) => Some(secret.clone()),
            FieldValue::Text(text) if spec.sensitive => Some(Secret::new(text.as_str())),
            FieldValue::Text(_) | FieldValue::Bool(_) => None,
        })
    }

    pub fn get(&self, name: &str) -> Option<&FieldValue> {
        value_named(&self.fields, name)
    }

    /// The same integration with every field Atlas defaults filled in, so that
    /// leaving out a default is not a change.
    pub fn with_defaults(&self) -> Integration {
        let fields = spec(self.kind)
            .fields
            .iter()
            .filter_map(|field| {
                let value = self
                    .get(field.name)
                    .cloned()
                    .or_else(|| field.default_value())?;
                Some((field, value))
            })
            .collect();
        Integration {
            kind: self.kind,
            fields,
        }
    }

    pub fn has_secret(&self) -> bool {
        self.fields.iter().any(|(spec, _)| spec.sensitive)
    }
}

/// What the file says about one type in one project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Slot {
    Present(Integration),
    /// The type must not exist in the project.
    Absent,
}

impl Slot {
    /// The integration a present slot declares.
    pub fn present(&self) -> Option<&Integration> {
        match self {
            Slot::Present(integration) => Some(integration),
            Slot::Absent => None,
        }
    }
}

/// How the file names a project: by id, by name (resolved through Atlas), or
/// both (the id is used; the name is checked).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProjectRef {
    Id(GroupId),
    Name(String),
    Both { id: GroupId, name: String },
}

impl ProjectRef {
    pub fn id(&self) -> Option<&GroupId> {
        match self {
            ProjectRef::Id(id) | ProjectRef::Both { id, .. } => Some(id),
            ProjectRef::Name(_) => None,
        }
    }

    pub fn name(&self) -> Option<&str> {
        match self {
            ProjectRef::Name(name) | ProjectRef::Both { name, .. } => Some(name),
            ProjectRef::Id(_) => None,
        }
    }
}

impl fmt::Display for ProjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProjectRef::Id(id) => write!(f, "{id}"),
            ProjectRef::Name(name) => f.write_str(name),
            ProjectRef::Both { id, name } => write!(f, "{name} ({id})"),
        }
    }
}

/// Where something was written, for messages after validation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    /// The file as messages name it.
    pub file: Arc<str>,
    pub line: usize,
    pub column: usize,
}

impl Origin {
    /// Where byte `offset` falls in `text`: the 1-based line and character
    /// column. One position at a time; many positions in one file go
    /// through `config`'s line index instead, which does not rescan.
    pub fn in_text(file: &str, text: &str, offset: usize) -> Origin {
        let before = text.get(..offset).unwrap_or(text);
        let line_start = before.rfind('\n').map_or(0, |at| at + 1);
        Origin {
            file: file.into(),
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DesiredProject {
    pub project: ProjectRef,
    pub mode: Mode,
    /// Every type the file mentions for this project after layering.
    pub integrations: BTreeMap<IntegrationType, Slot>,
    /// The log and metric families, where the file mentions them.
    pub families: DeclaredFamilies,
    pub origin: Origin,
    /// The `select` entry that brought this project in; `None` for a project
    /// the file names.
    pub selected_by: Option<Origin>,
}

/// An entry that manages the Atlas projects it selects, instead of one it
/// names: every project of `org` whose name matches `name` (a glob), that
/// carries every tag of `tags`, and that no glob of `exclude` matches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selector {
    pub org: String,
    pub name: Option<String>,
    pub tags: Vec<(String, String)>,
    pub exclude: Vec<String>,
    pub mode: Mode,
    /// As for a project: defaults, templates in `use` order, its own.
    pub integrations: BTreeMap<IntegrationType, Slot>,
    pub families: DeclaredFamilies,
    pub origin: Origin,
}

/// The whole file, validated and layered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Desired {
    pub projects: Vec<DesiredProject>,
    /// Entries that select projects, in file order: the first that matches
    /// a project manages it, unless a project entry names it.
    pub selectors: Vec<Selector>,
    /// The file's `safety:` settings for apply's gates.
    pub safety: Safety,
    /// The file's `api:`; the command line's `--api` wins.
    pub api: Option<ApiVersion>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offset_is_a_line_and_a_character_column() {
        let text = "a = 1\nnamé = [\n";
        let at = Origin::in_text("c.toml", text, text.find('[').unwrap());
        assert_eq!(at.to_string(), "c.toml:2:8");
        assert_eq!(Origin::in_text("c.toml", text, 0).to_string(), "c.toml:1:1");
        assert_eq!(
            Origin::in_text("c.toml", text, 99).to_string(),
            "c.toml:3:1",
            "past the end: the end"
        );
    }

    #[test]
    fn field_names_as_variable_names() {
        assert_eq!(
            screaming_snake("microsoftTeamsWebhookUrl"),
            "MICROSOFT_TEAMS_WEBHOOK_URL"
        );
        assert_eq!(screaming_snake("url"), "URL");
        // No field name starts with a capital or holds a digit, so every one
        // becomes capitals joined by single `_`.
        for kind in IntegrationType::ALL {
            for field in spec(kind).fields {
                let name = screaming_snake(field.name);
                assert!(
                    !name.starts_with('_') && !name.contains("__"),
                    "{}: {name}",
                    field.name
                );
                assert!(
                    name.chars().all(|c| c.is_ascii_uppercase() || c == '_'),
                    "{name}"
                );
            }
        }
    }
}
