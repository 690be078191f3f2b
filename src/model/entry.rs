//! One entry of a log or metric family, as the file declares it and as Atlas
//! answers it, and what a project says about the families.

use std::fmt;

use super::by_name::value_named;
use super::family::{EntryField, EntryKind, Family};
use crate::secret::Secret;

/// One `{name, value}` header; values are write-only in Atlas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub name: String,
    pub value: Secret,
}

/// One field's value as the file declares it. Secret fields always hold a
/// `Secret`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryValue {
    Text(String),
    Secret(Secret),
    Bool(bool),
    /// A set, in the file's order.
    Set(Vec<String>),
    Headers(Vec<Header>),
}

impl EntryValue {
    /// The text of a `Text` value.
    pub fn text(&self) -> Option<&str> {
        match self {
            EntryValue::Text(text) => Some(text),
            _ => None,
        }
    }
}

/// One declared entry: its kind, an optional `id:` that pins it to a live
/// entry, and the fields written, in the table's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub kind: EntryKind,
    pub id: Option<String>,
    pub fields: Vec<(&'static EntryField, EntryValue)>,
}

impl Entry {
    pub fn get(&self, name: &str) -> Option<&EntryValue> {
        value_named(&self.fields, name)
    }

    /// What the entry points at, from its identity fields.
    pub fn key(&self) -> EntryKey {
        EntryKey::new(self.kind, |name| self.get(name).and_then(EntryValue::text))
    }

    /// The secrets it declares: its secret values and every header value.
    pub fn secrets(&self) -> impl Iterator<Item = Secret> + '_ {
        self.fields
            .iter()
            .flat_map(|(field, value)| -> Box<dyn Iterator<Item = Secret> + '_> {
                match value {
                    EntryValue::Secret(secret) => Box::new(std::iter::once(secret.clone())),
                    EntryValue::Headers(headers) => {
                        Box::new(headers.iter().map(|header| header.value.clone()))
                    }
                    // A secret field an entry built by hand holds as text
                    // (the file's never does), as `Integration::secrets`.
                    EntryValue::Text(text) if field.is_secret() => {
                        Box::new(std::iter::once(Secret::new(text.as_str())))
                    }
                    EntryValue::Text(_) | EntryValue::Bool(_) | EntryValue::Set(_) => {
                        Box::new(std::iter::empty())
                    }
                }
            })
    }

    /// Whether a write of the entry sends a secret (masked or write-only).
    pub fn has_secret(&self) -> bool {
        self.fields
            .iter()
            .any(|(field, _)| field.is_secret() || field.is_headers())
    }
}

/// Ids Atlas assigns are 24 hexadecimal digits; anything that is not a
/// short run of letters and digits is refused before it reaches a path or a
/// plan (the client's answers, a saved plan's document).
pub fn is_plain_id(id: &str) -> bool {
    const MAX_ID_LENGTH: usize = 64;
    !id.is_empty() && id.len() <= MAX_ID_LENGTH && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// What an entry points at: its kind and the values of its identity fields,
/// in the table's order. Two entries with one key are the same entry.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntryKey {
    pub kind: EntryKind,
    pub parts: Vec<String>,
}

impl EntryKey {
    /// The key of an entry of `kind` whose identity field `name` holds the
    /// text `text_of(name)`.
    pub fn new<'t>(kind: EntryKind, text_of: impl Fn(&str) -> Option<&'t str>) -> Self {
        EntryKey {
            kind,
            parts: kind
                .identity()
                .map(|field| text_of(field.name).unwrap_or_default().to_owned())
                .collect(),
        }
    }
}

impl fmt::Display for EntryKey {
    /// `S3_LOG_EXPORT acme-logs/payments/`: the parts joined by `/`. The
    /// parts may come from Atlas: renderers make them safe to print.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind, self.parts.join("/"))
    }
}

/// A field's value as Atlas answered it; secrets arrive masked, header
/// values never.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LiveEntryValue {
    Text(String),
    Bool(bool),
    Set(Vec<String>),
    /// The names of the headers, in Atlas's order.
    HeaderNames(Vec<String>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveEntry {
    pub kind: EntryKind,
    pub id: String,
    /// The modelled fields Atlas answered with a value, in the table's order.
    pub fields: Vec<(&'static EntryField, LiveEntryValue)>,
    /// Names of fields Atlas answered that the table does not have; their
    /// values are not kept (they may be secrets).
    pub unmodelled: Vec<String>,
}

impl LiveEntry {
    pub fn get(&self, name: &str) -> Option<&LiveEntryValue> {
        value_named(&self.fields, name)
    }

    pub fn key(&self) -> EntryKey {
        EntryKey::new(self.kind, |name| match self.get(name) {
            Some(LiveEntryValue::Text(text)) => Some(text),
            _ => None,
        })
    }
}

/// One family's entries in a project, as Atlas lists them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LiveEntries {
    pub entries: Vec<LiveEntry>,
    /// Kinds Atlas answered that tether does not model (a newer log type):
    /// reported, never touched.
    pub unknown_types: Vec<String>,
}

/// How plans and `--type` name the push-based log export.
pub const PUSH_BASED_TYPE: &str = "PUSH_BASED_LOG_EXPORT";

/// The legacy push-based log export of a project, as Atlas answers it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PushBasedExport {
    /// `UNCONFIGURED` when the project has none.
    pub state: String,
    pub bucket_name: Option<String>,
    pub prefix_path: Option<String>,
    pub iam_role_id: Option<String>,
}

impl PushBasedExport {
    pub const UNCONFIGURED: &'static str = "UNCONFIGURED";

    pub fn is_configured(&self) -> bool {
        self.state != Self::UNCONFIGURED
    }
}

/// What the file says about the families of one project. `None`: the file
/// does not mention the family there, so it is neither read nor written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeclaredFamilies {
    /// `log_integrations:`; `Some(vec![])` means none.
    pub log: Option<Vec<Entry>>,
    pub metric: Option<Vec<Entry>>,
    /// `push_based_log_export: absent`.
    pub push_based_absent: bool,
}

impl DeclaredFamilies {
    pub fn entries(&self, family: Family) -> Option<&[Entry]> {
        family.pick(&self.log, &self.metric).as_deref()
    }

    pub fn entries_mut(&mut self, family: Family) -> &mut Option<Vec<Entry>> {
        family.pick(&mut self.log, &mut self.metric)
    }

    /// Whether the file mentions any family here: only then is any read.
    pub fn is_empty(&self) -> bool {
        self.log.is_none() && self.metric.is_none() && !self.push_based_absent
    }

    /// The push-based export is read where log integrations are managed.
    pub fn reads_push_based(&self) -> bool {
        self.log.is_some() || self.push_based_absent
    }

    pub fn secrets(&self) -> impl Iterator<Item = Secret> + '_ {
        Family::ALL
            .into_iter()
            .filter_map(|family| self.entries(family))
            .flatten()
            .flat_map(Entry::secrets)
    }
}

/// A family Atlas would not list: the credentials lack Project Owner (401 or
/// 403), which every operation of these families needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable {
    /// What Atlas answered, safe to print.
    pub reason: String,
}

/// What Atlas has of the families a project's file mentions: `None` where it
/// mentions none (nothing was read).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LiveFamilies {
    pub log: Option<Result<LiveEntries, Unreadable>>,
    pub metric: Option<Result<LiveEntries, Unreadable>>,
    pub push_based: Option<Result<PushBasedExport, Unreadable>>,
}

impl LiveFamilies {
    pub fn entries(&self, family: Family) -> Option<&Result<LiveEntries, Unreadable>> {
        family.pick(&self.log, &self.metric).as_ref()
    }

    pub fn entries_mut(&mut self, family: Family) -> &mut Option<Result<LiveEntries, Unreadable>> {
        family.pick(&mut self.log, &mut self.metric)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_the_identity_fields_in_order() {
        let kind = EntryKind::Azure;
        let entry = Entry {
            kind,
            id: None,
            fields: ["prefixPath", "storageAccountName", "storageContainerName"]
                .into_iter()
                .map(|name| (kind.field(name).unwrap(), EntryValue::Text(name.to_owned())))
                .collect(),
        };
        assert_eq!(
            entry.key().to_string(),
            "AZURE_LOG_EXPORT storageAccountName/storageContainerName/prefixPath"
        );
    }
}
