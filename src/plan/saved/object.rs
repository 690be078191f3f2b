//! What a saved operation writes to, known the same way in the plan that
//! saved it and in a plan made now: an integration by its type, a log or
//! metric integration by its live id (an update, a delete) or, still to be
//! created, by what it points at, and the push-based log export by its
//! project.

use super::SavedOperation;
use crate::model::{EntryKey, EntryKind, Family, GroupId, IntegrationType};
use crate::plan::{PUSH_BASED_TYPE, Subject, Verb};

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Object {
    Integration(IntegrationType),
    Entry { family: Family, id: String },
    NewEntry(EntryKey),
    PushBased,
}

impl Object {
    /// The object a plan's item or operation is about.
    pub fn of(subject: &Subject) -> Object {
        match subject {
            Subject::Integration(kind) => Object::Integration(*kind),
            Subject::Entry { key, id: Some(id) } => Object::Entry {
                family: key.kind.family(),
                id: id.clone(),
            },
            Subject::Entry { key, id: None } => Object::NewEntry(key.clone()),
            Subject::PushBased => Object::PushBased,
        }
    }
}

impl SavedOperation {
    /// The project and object it writes to, once its type, section, entry
    /// and verb agree; `Err` says what does not.
    pub fn object(&self) -> Result<(GroupId, Object), String> {
        let unknown = || {
            format!(
                "the saved plan names an unknown object `{} {}` in `{}`",
                self.group_id, self.kind, self.section
            )
        };
        let group: GroupId = self.group_id.parse().map_err(|_| unknown())?;
        let object = match (self.section.as_str(), &self.entry) {
            ("integrations", None) => {
                Object::Integration(self.kind.parse().map_err(|_| unknown())?)
            }
            (section, None)
                if section == Subject::PushBased.section()
                    && self.kind == PUSH_BASED_TYPE
                    && self.action == Verb::Delete =>
            {
                Object::PushBased
            }
            (section, Some(entry)) => {
                let kind: EntryKind = self.kind.parse().map_err(|_| unknown())?;
                if kind.family().section() != section || entry.key.len() != kind.identity().count()
                {
                    return Err(unknown());
                }
                match (&entry.id, self.action) {
                    (None, Verb::Create) => Object::NewEntry(EntryKey {
                        kind,
                        parts: entry.key.clone(),
                    }),
                    (Some(id), Verb::Update | Verb::Delete) if entry.replaces.is_none() => {
                        Object::Entry {
                            family: kind.family(),
                            id: id.clone(),
                        }
                    }
                    _ => return Err(unknown()),
                }
            }
            _ => return Err(unknown()),
        };
        Ok((group, object))
    }

    /// The subject a report names it by.
    pub fn subject(&self) -> Option<Subject> {
        let (_, object) = self.object().ok()?;
        Some(match object {
            Object::Integration(kind) => Subject::Integration(kind),
            Object::Entry { .. } => Subject::Entry {
                key: EntryKey {
                    kind: self.kind.parse().ok()?,
                    parts: self.entry.as_ref()?.key.clone(),
                },
                id: self.entry.as_ref()?.id.clone(),
            },
            Object::NewEntry(key) => Subject::Entry { key, id: None },
            Object::PushBased => Subject::PushBased,
        })
    }

    /// How messages name what it writes to: `PAGER_DUTY`, `S3_LOG_EXPORT
    /// "bucket/prefix/" (id)`, `S3_LOG_EXPORT "bucket/prefix/" (new,
    /// replaces id)`.
    pub fn label(&self) -> String {
        let target = self.entry.as_ref().map(|e| e.key.join("/"));
        words(
            &self.kind,
            self.entry
                .as_ref()
                .zip(target.as_deref())
                .map(|(e, target)| (target, e.id.as_deref(), e.replaces.as_deref())),
        )
    }
}

/// A type, and for an entry what it points at, its live id or that it is
/// new, and the entry it replaces.
pub(super) fn words(kind: &str, entry: Option<(&str, Option<&str>, Option<&str>)>) -> String {
    match entry {
        None => kind.to_owned(),
        Some((target, Some(id), _)) => format!("{kind} {target:?} ({id})"),
        Some((target, None, Some(replaced))) => {
            format!("{kind} {target:?} (new, replaces {replaced})")
        }
        Some((target, None, None)) => format!("{kind} {target:?} (new)"),
    }
}
