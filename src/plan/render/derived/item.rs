//! Whether one item of a document is one tether writes: its type in its
//! section, the names and sensitivity of its fields, its flags in its
//! project's mode, and the words of its notes and errors.

use std::fmt;

use crate::model::{EntryKey, EntryKind, Family, IntegrationType, Mode, is_plain_id};
use crate::plan::render::document::{
    EntryDocument, ItemDocument, ItemErrorKind, NoteKind, ProjectDocument, ValueDocument,
};
use crate::plan::types::INTEGRATIONS_SECTION;
use crate::plan::types::{ItemError, Note, PUSH_BASED_TYPE, Shown, Subject};
use crate::plan::{DeleteReason, ItemAction, ReportOnly};

/// What a project's items are told apart by: one item per object.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Object {
    Integration(IntegrationType),
    /// A live log or metric integration, by its id.
    Entry {
        family: Family,
        id: String,
    },
    /// One without a live id (a create), by what it points at.
    NewEntry {
        kind: EntryKind,
        target: String,
    },
    PushBased,
}

impl fmt::Display for Object {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Object::Integration(kind) => write!(f, "`{kind}`"),
            Object::Entry { family, id } => write!(f, "the {} `{id}`", family.noun()),
            Object::NewEntry { kind, target } => write!(f, "`{kind} {target:?}`"),
            Object::PushBased => write!(f, "`{PUSH_BASED_TYPE}`"),
        }
    }
}

/// What an item is about, once its type and section agree.
#[derive(Clone, Copy)]
enum About {
    Integration(IntegrationType),
    Entry(EntryKind),
    PushBased,
}

impl About {
    /// The subject tether's messages are written for: only the type and
    /// section matter to them.
    fn subject(self) -> Subject {
        match self {
            About::Integration(kind) => Subject::Integration(kind),
            About::Entry(kind) => Subject::Entry {
                key: EntryKey {
                    kind,
                    parts: Vec::new(),
                },
                id: None,
            },
            About::PushBased => Subject::PushBased,
        }
    }

    /// A field of the type, by name, and whether it is sensitive. A list
    /// of headers is not: its names are shown, its values never are.
    fn field(self, name: &str) -> Option<(&'static str, bool)> {
        match self {
            About::Integration(kind) => crate::model::spec(kind)
                .field(name)
                .map(|field| (field.name, field.sensitive)),
            About::Entry(kind) => kind
                .field(name)
                .map(|field| (field.name, field.is_secret())),
            About::PushBased => PUSH_BASED_FIELDS
                .iter()
                .find(|field| **field == name)
                .map(|field| (*field, false)),
        }
    }
}

/// The push-based log export's fields, as Atlas names them: none secret.
const PUSH_BASED_FIELDS: &[&str] = &["bucketName", "prefixPath", "iamRoleId", "state"];

fn about(item: &ItemDocument) -> Result<About, String> {
    match (item.section.as_str(), &item.entry) {
        (INTEGRATIONS_SECTION, None) => item
            .kind
            .parse()
            .map(About::Integration)
            .map_err(|_| format!("unknown integration type `{}`", item.kind)),
        (section, None) if section == Subject::PushBased.section() => {
            if item.kind == PUSH_BASED_TYPE {
                Ok(About::PushBased)
            } else {
                Err(format!("`{}` is not a type of `{section}`", item.kind))
            }
        }
        (section, Some(_)) => match item.kind.parse::<EntryKind>() {
            Ok(kind) if kind.family().section() == section => Ok(About::Entry(kind)),
            _ => Err(format!("`{}` is not a type of `{section}`", item.kind)),
        },
        (section, None) => Err(format!(
            "`{}` in `{section}` says no entry it is about",
            item.kind
        )),
    }
}

/// What the item is about, once its flags, field names and messages are
/// those tether writes for it.
pub(super) fn check_item(item: &ItemDocument, project: &ProjectDocument) -> Result<Object, String> {
    let about = about(item)?;
    let label = match &item.entry {
        Some(entry) => format!("{} {:?}", item.kind, entry.target),
        None => item.kind.clone(),
    };
    let wrong = |what: &str| Err(format!("{what} of `{label}` is not tether's"));
    let field_name = |name: &str| -> Result<&'static str, String> {
        about
            .field(name)
            .map(|(name, _)| name)
            .ok_or_else(|| format!("`{label}` has no field `{name}`"))
    };
    for field in &item.fields {
        let name = field_name(&field.field)?;
        // A plain field marked sensitive would escape the check that the
        // value shown is the value sent.
        if about.field(name).map(|(_, sensitive)| sensitive) != Some(field.sensitive) {
            return wrong(&format!("the sensitivity of `{name}`"));
        }
    }
    let applies = item.is_change() && item.report_only.is_none() && item.errors.is_empty();
    if item.applies != applies {
        return wrong("`applies`");
    }
    let reason_fits = match (about, item.delete_reason) {
        (_, None) => item.action != ItemAction::Delete,
        (_, Some(_)) if item.action != ItemAction::Delete => false,
        (_, Some(DeleteReason::NotDeclared)) => {
            project.mode == Mode::Authoritative && !matches!(about, About::PushBased)
        }
        (About::PushBased, Some(reason)) => reason == DeleteReason::DeclaredAbsent,
        (About::Entry(_), Some(_)) => true,
        (About::Integration(_), Some(reason)) => reason != DeleteReason::Replaced,
    };
    if !reason_fits {
        return wrong("`delete_reason`");
    }
    // The mode decides what apply leaves alone: a title that says
    // `observe` over a write apply sends would mislead its reviewer.
    let report_only = match (project.mode, item.action) {
        (_, ItemAction::Unchanged) | (Mode::Authoritative, _) => None,
        (Mode::Observe, _) => Some(ReportOnly::ObserveMode),
        (Mode::Additive, ItemAction::Delete) => Some(ReportOnly::AdditiveNeverDeletes),
        (Mode::Additive, _) => None,
    };
    if item.report_only != report_only {
        return wrong("`report_only` in its project's mode");
    }
    if item.rotation && item.action != ItemAction::Update {
        return wrong("`rotation`");
    }
    // Alert configurations notify through integrations only.
    let alerts_listed = project.alerts_checked
        && project.alerts_error.is_none()
        && matches!(about, About::Integration(_));
    if !item.alerts.is_empty() && !alerts_listed {
        return wrong("the alert list");
    }
    let object = match (about, &item.entry) {
        (About::Integration(kind), _) => Object::Integration(kind),
        (About::Entry(kind), Some(entry)) => entry_object(item, kind, entry).or_else(wrong)?,
        (About::PushBased, _) if matches!(item.action, ItemAction::Create | ItemAction::Update) => {
            return wrong("the action");
        }
        (About::PushBased, _) => Object::PushBased,
        (About::Entry(_), None) => unreachable!("an entry's section says an entry"),
    };
    for note in &item.notes {
        let typed = match (about, note.kind, &note.live) {
            (About::Integration(_) | About::Entry(_), NoteKind::NotVerifiable, None) => {
                Note::NotVerifiable {
                    field: field_name(&note.field)?,
                }
            }
            (About::Integration(_) | About::Entry(_), NoteKind::NotCleared, Some(_)) => {
                Note::NotCleared {
                    field: field_name(&note.field)?,
                    live: Shown::None,
                }
            }
            (About::Entry(_), NoteKind::PinMoved, Some(ValueDocument::List(ids)))
                if ids.len() == 2 && ids.iter().all(|id| is_plain_id(id)) =>
            {
                Note::PinMoved {
                    pinned: ids[0].clone(),
                    now: ids[1].clone(),
                }
            }
            (About::PushBased, NoteKind::Deprecated, None) => Note::Deprecated,
            (About::PushBased, NoteKind::LogsTwice, None) => Note::LogsTwice { prefix: None },
            (About::PushBased, NoteKind::LogsTwice, Some(ValueDocument::Text(prefix))) => {
                Note::LogsTwice {
                    prefix: Some(prefix.clone()),
                }
            }
            _ => return wrong("a note"),
        };
        if note.field != typed.field() || note.message != typed.message() {
            return wrong("a note's message");
        }
    }
    for error in &item.errors {
        let no_ids = error.ids.is_empty();
        let plain_ids = error.ids.iter().all(|id| is_plain_id(id));
        let typed = match (about, error.kind) {
            (About::Integration(_), kind)
                if !matches!(
                    kind,
                    ItemErrorKind::NeedsApiV2 | ItemErrorKind::CannotWriteWithout
                ) =>
            {
                return wrong("an error of a log or metric integration on an integration");
            }
            (About::Integration(_) | About::Entry(_), ItemErrorKind::NeedsApiV2) if no_ids => {
                ItemError::NeedsApiV2 {
                    field: field_name(&error.field)?,
                }
            }
            (About::Integration(_) | About::Entry(_), ItemErrorKind::CannotWriteWithout)
                if no_ids =>
            {
                ItemError::CannotWriteWithout {
                    field: field_name(&error.field)?,
                }
            }
            (About::Entry(_), ItemErrorKind::Ambiguous)
                if error.field == "id" && error.ids.len() > 1 && plain_ids =>
            {
                ItemError::Ambiguous {
                    ids: error.ids.clone(),
                }
            }
            (About::Entry(_), ItemErrorKind::PinnedIdNotFound)
                if error.field == "id" && error.ids.len() == 1 && plain_ids =>
            {
                ItemError::PinnedIdNotFound {
                    id: error.ids[0].clone(),
                }
            }
            (About::PushBased, ItemErrorKind::MigrationWithoutS3)
                if error.field == "log_integrations" && no_ids =>
            {
                ItemError::MigrationWithoutS3
            }
            _ => return wrong("an error"),
        };
        if error.message != typed.message(&about.subject()) {
            return wrong("an error's message");
        }
    }
    Ok(object)
}

/// A log or metric integration is known by its live id, which every item
/// but a create has, and a create by what it points at.
fn entry_object(
    item: &ItemDocument,
    kind: EntryKind,
    entry: &EntryDocument,
) -> Result<Object, &'static str> {
    if entry.replaces.is_some() && item.action != ItemAction::Create {
        return Err("`replaces`");
    }
    if entry
        .replaces
        .iter()
        .chain(&entry.id)
        .any(|id| !is_plain_id(id))
    {
        return Err("an id");
    }
    match (&entry.id, item.action) {
        (Some(_), ItemAction::Create) => Err("the live id of a create"),
        (None, ItemAction::Update | ItemAction::Delete) => Err("a write without a live id"),
        (None, ItemAction::Unchanged) if item.errors.is_empty() => {
            Err("an unchanged entry without a live id")
        }
        (Some(id), _) => Ok(Object::Entry {
            family: kind.family(),
            id: id.clone(),
        }),
        (None, _) => Ok(Object::NewEntry {
            kind,
            target: entry.target.clone(),
        }),
    }
}
