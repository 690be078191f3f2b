//! What a plan holds. Every value a plan can show is already in a safe form
//! (`Shown`): plain values as they are, secrets only as masks. The desired
//! integrations kept for apply hold their secrets in `Secret`, whose `Debug`
//! is redacted, so `{:?}` of a plan never shows a secret either.

use std::collections::BTreeMap;

use super::{ItemAction, Verb};
use crate::model::{
    ChangeEvent, Entry, EntryKey, EntryKind, Family, GroupId, Integration, IntegrationType, Mode,
};

/// The plan of every project of a run, in the order the projects were given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub projects: Vec<ProjectPlan>,
    /// Projects of the organizations `select` entries look at that no entry
    /// manages, as output names them: for information.
    pub unmanaged_projects: Vec<String>,
    /// The safety gates apply would refuse this plan by, with the settings
    /// of the run that made it (`plan` weighs them; none for drift).
    pub refusals: Vec<super::Refusal>,
}

impl From<Vec<ProjectPlan>> for Plan {
    fn from(projects: Vec<ProjectPlan>) -> Self {
        Plan {
            projects,
            unmanaged_projects: Vec::new(),
            refusals: Vec::new(),
        }
    }
}

/// The plan of one project, or the reason it could not be planned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectPlan {
    /// Known unless the project failed before its id was known.
    pub id: Option<GroupId>,
    pub name: Option<String>,
    /// How output names the project: `name (id)`, or whichever is known.
    pub label: String,
    pub mode: Mode,
    pub outcome: Outcome,
    /// Where the `select` entry that brought the project in was written.
    pub selected_by: Option<String>,
    /// Who changed the project's integrations lately: looked up by the
    /// engine for projects that differ from the file; `None` otherwise.
    pub attribution: Option<Attribution>,
    /// The alert configurations that notify through the integrations apply
    /// deletes here: looked up by the engine for projects with a delete;
    /// `None` otherwise.
    pub alerts: Option<AlertCheck>,
    /// Families the file manages here that Atlas would not let the
    /// credentials read (they need Project Owner): planned as if absent
    /// from the file, and said once per run.
    pub unread: Vec<Unread>,
}

/// A section of the file that could not be read in one project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unread {
    /// `log_integrations`, `metric_integrations` or `push_based_log_export`.
    pub section: &'static str,
    /// What Atlas answered, safe to print.
    pub reason: String,
}

/// The project's latest integration events (Atlas's
/// `INTEGRATION_CONFIGURED` and `INTEGRATION_REMOVED`): per project, since
/// Atlas does not name the integration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Attribution {
    /// The latest events of the last `window_days` days, newest first;
    /// possibly none.
    Events {
        window_days: u32,
        events: Vec<ChangeEvent>,
    },
    /// The events could not be read (a key without the role, for one): a
    /// note, never a failure.
    Unavailable { window_days: u32, reason: String },
}

/// What the alert configurations of a project say about its deletes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AlertCheck {
    /// Per deleted type, the alert configurations with a notification that
    /// uses it (types no alert uses are left out).
    Listed(BTreeMap<IntegrationType, Vec<AlertRef>>),
    /// They could not be listed: apply cannot tell what a delete silences.
    Unavailable(String),
}

/// An alert configuration that notifies through an integration: never its
/// notifications' settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertRef {
    pub id: String,
    pub event_type: String,
    pub enabled: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Planned {
        /// One item per type that is declared or live (unmanaged types
        /// excepted), in `IntegrationType` order.
        items: Vec<Item>,
        /// Live types the file leaves alone, listed for information.
        unmanaged: Vec<Unmanaged>,
    },
    /// The project could not be fetched (or its name not resolved).
    Failed { message: String },
}

impl ProjectPlan {
    pub(crate) fn planned(
        id: GroupId,
        name: Option<&str>,
        mode: Mode,
        items: Vec<Item>,
        unmanaged: Vec<Unmanaged>,
    ) -> Self {
        let label = match name {
            Some(name) => format!("{name} ({id})"),
            None => id.to_string(),
        };
        ProjectPlan {
            id: Some(id),
            name: name.map(str::to_owned),
            label,
            mode,
            outcome: Outcome::Planned { items, unmanaged },
            selected_by: None,
            attribution: None,
            alerts: None,
            unread: Vec::new(),
        }
    }

    /// A project that could not be planned, known by its id, its name or
    /// both at that point. The message must not hold a secret.
    pub fn failed(id: Option<GroupId>, name: Option<String>, mode: Mode, message: String) -> Self {
        let label = match (&name, &id) {
            (Some(name), Some(id)) => format!("{name} ({id})"),
            (Some(name), None) => name.clone(),
            (None, Some(id)) => id.to_string(),
            (None, None) => "(a project with neither id nor name)".to_owned(),
        };
        ProjectPlan {
            id,
            name,
            label,
            mode,
            outcome: Outcome::Failed { message },
            selected_by: None,
            attribution: None,
            alerts: None,
            unread: Vec::new(),
        }
    }

    /// The items of a planned project; none for a failed one.
    pub fn items(&self) -> &[Item] {
        match &self.outcome {
            Outcome::Planned { items, .. } => items,
            Outcome::Failed { .. } => &[],
        }
    }

    pub fn unmanaged(&self) -> &[Unmanaged] {
        match &self.outcome {
            Outcome::Planned { unmanaged, .. } => unmanaged,
            Outcome::Failed { .. } => &[],
        }
    }

    pub fn failure(&self) -> Option<&str> {
        match &self.outcome {
            Outcome::Planned { .. } => None,
            Outcome::Failed { message } => Some(message),
        }
    }

    /// Whether live state differs from the file in this project, whether or
    /// not apply will act on it.
    pub fn has_changes(&self) -> bool {
        self.items().iter().any(Item::is_change)
    }

    pub fn has_errors(&self) -> bool {
        self.items().iter().any(|item| !item.errors.is_empty())
    }

    /// The alert configurations that notify through `kind`, when the plan
    /// deletes it and they were listed.
    pub fn alert_refs(&self, kind: IntegrationType) -> &[AlertRef] {
        match &self.alerts {
            Some(AlertCheck::Listed(by_type)) => by_type.get(&kind).map_or(&[], Vec::as_slice),
            _ => &[],
        }
    }

    /// Why the alert configurations could not be listed, if they could not.
    pub fn alerts_unavailable(&self) -> Option<&str> {
        match &self.alerts {
            Some(AlertCheck::Unavailable(reason)) => Some(reason),
            _ => None,
        }
    }

    /// Whether anything beyond "all unchanged" is worth showing. Notes alone
    /// are not: they stay true run after run (a Prometheus password is never
    /// verifiable), and would otherwise put every such project in full.
    pub fn is_noteworthy(&self) -> bool {
        self.failure().is_some()
            || !self.unmanaged().is_empty()
            || !self.unread.is_empty()
            || self.items().iter().any(|item| {
                item.is_change()
                    || !item.errors.is_empty()
                    // The file should pin another id: something to do.
                    || item.notes.iter().any(|note| matches!(note, Note::PinMoved { .. }))
            })
    }
}

/// What one item of a plan is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    /// The project's integration of one type (`/integrations`).
    Integration(IntegrationType),
    /// One log or metric integration: what it points at, and the id of the
    /// live entry an update or delete writes to (`None` for a create).
    Entry { key: EntryKey, id: Option<String> },
    /// The project's legacy push-based log export.
    PushBased,
}

impl Subject {
    /// The integration type, for an item of `/integrations`.
    pub fn integration(&self) -> Option<IntegrationType> {
        match self {
            Subject::Integration(kind) => Some(*kind),
            Subject::Entry { .. } | Subject::PushBased => None,
        }
    }

    pub fn entry_kind(&self) -> Option<EntryKind> {
        match self {
            Subject::Entry { key, .. } => Some(key.kind),
            Subject::Integration(_) | Subject::PushBased => None,
        }
    }

    /// Atlas's name of the type: `PAGER_DUTY`, `S3_LOG_EXPORT`, `OTEL` (a
    /// metric integration), `PUSH_BASED_LOG_EXPORT`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Subject::Integration(kind) => kind.as_str(),
            Subject::Entry { key, .. } => key.kind.as_str(),
            Subject::PushBased => PUSH_BASED_TYPE,
        }
    }

    /// The file's section the item belongs to.
    pub fn section(&self) -> &'static str {
        match self {
            Subject::Integration(_) => INTEGRATIONS_SECTION,
            Subject::Entry { key, .. } => key.kind.family().section(),
            Subject::PushBased => PUSH_BASED_SECTION,
        }
    }

    pub fn family(&self) -> Option<Family> {
        self.entry_kind().map(EntryKind::family)
    }
}

impl std::fmt::Display for Subject {
    /// `PAGER_DUTY`, `S3_LOG_EXPORT acme-logs/payments/ (65f1...)`,
    /// `PUSH_BASED_LOG_EXPORT`. An entry's key may come from Atlas: output
    /// makes it safe to print.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Subject::Integration(kind) => write!(f, "{kind}"),
            Subject::Entry { key, id: None } => write!(f, "{key}"),
            Subject::Entry { key, id: Some(id) } => write!(f, "{key} ({id})"),
            Subject::PushBased => f.write_str(PUSH_BASED_TYPE),
        }
    }
}

pub use crate::model::PUSH_BASED_TYPE;

/// The file's section of the integrations of `/integrations`.
pub const INTEGRATIONS_SECTION: &str = "integrations";

/// The file's section of the push-based log export.
pub const PUSH_BASED_SECTION: &str = "push_based_log_export";

/// What a create or update writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Declared {
    Integration(Integration),
    Entry(Entry),
}

impl Declared {
    pub fn integration(&self) -> Option<&Integration> {
        match self {
            Declared::Integration(integration) => Some(integration),
            Declared::Entry(_) => None,
        }
    }

    pub fn entry(&self) -> Option<&Entry> {
        match self {
            Declared::Entry(entry) => Some(entry),
            Declared::Integration(_) => None,
        }
    }
}

/// What the plan says about one type in one project, or one entry of a
/// family.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub subject: Subject,
    pub change: Change,
    /// Set when the plan shows a difference that apply will not act on.
    pub report_only: Option<ReportOnly>,
    /// Information that is not a change.
    pub notes: Vec<Note>,
    /// Problems that stop this item from being applied (or checked).
    pub errors: Vec<ItemError>,
}

impl Item {
    /// Whether live state differs from the file for this type.
    pub fn is_change(&self) -> bool {
        !matches!(self.change, Change::Unchanged)
    }

    /// Whether apply will make this change.
    pub fn applies(&self) -> bool {
        self.is_change() && self.report_only.is_none() && self.errors.is_empty()
    }

    /// The integration type, for an item of `/integrations`.
    pub fn integration(&self) -> Option<IntegrationType> {
        self.subject.integration()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    Create {
        /// What the file declares; what apply writes.
        desired: Declared,
        /// Every field the write sets (defaults included), `before` empty.
        fields: Vec<FieldChange>,
    },
    Update {
        desired: Declared,
        /// Only the fields that differ (and, with `rotation`, the secrets
        /// sent again).
        fields: Vec<FieldChange>,
        /// `--rotate-secrets` asked for this PUT.
        rotation: bool,
    },
    Delete {
        reason: DeleteReason,
        /// The live fields, for the reviewer; `after` empty.
        fields: Vec<FieldChange>,
    },
    Unchanged,
}

impl Change {
    pub fn action(&self) -> ItemAction {
        match self {
            Change::Create { .. } => ItemAction::Create,
            Change::Update { .. } => ItemAction::Update,
            Change::Delete { .. } => ItemAction::Delete,
            Change::Unchanged => ItemAction::Unchanged,
        }
    }

    /// The write this change calls for; `None` when unchanged.
    pub fn verb(&self) -> Option<Verb> {
        self.action().verb()
    }
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DeleteReason {
    /// An authoritative project's file does not declare the type.
    NotDeclared,
    /// The file declares the type `absent`.
    DeclaredAbsent,
    /// A create replaces it: the file changed what a pinned entry points at,
    /// or its kind. Sent only once that create has succeeded.
    Replaced,
}

/// Why apply will not act on a difference the plan shows.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ReportOnly {
    /// The project is in `observe` mode.
    ObserveMode,
    /// A type declared `absent` is live in an `additive` project, and
    /// additive never deletes.
    AdditiveNeverDeletes,
}

/// One field of an item, before and after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldChange {
    pub field: &'static str,
    /// The field is a secret: values are masks (or not shown at all).
    pub sensitive: bool,
    pub before: Shown,
    pub after: Shown,
    /// The value compares unchanged and is sent again only because of
    /// `--rotate-secrets`.
    pub rotated: bool,
}

/// A value as output may show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shown {
    /// No value (not set, or the side of a create or delete that has none).
    None,
    Text(String),
    Bool(bool),
    /// A secret, as Atlas masks it; never the secret itself.
    Masked(String),
    /// A secret Atlas never returns and tether never shows.
    WriteOnly,
    /// A set of values, or the names of headers whose values are write-only.
    List(Vec<String>),
}

/// Information about an item that is neither a change nor an error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// Atlas never returns the field (Prometheus `password`), so it cannot be
    /// compared; it is not reported as a change.
    NotVerifiable { field: &'static str },
    /// The file leaves out an optional field that Atlas has a value for.
    /// Atlas's PUT only writes the fields it is sent, so tether cannot clear
    /// it: it stays as it is.
    NotCleared { field: &'static str, live: Shown },
    /// The declaration's `id:` names an entry that is gone, and one live
    /// entry points where the declaration does: an apply replaced the pinned
    /// entry. The plan goes on with that one; the file should pin it.
    PinMoved { pinned: String, now: String },
    /// The push-based log export is deprecated: log integrations replace it.
    Deprecated,
    /// The push-based log export goes once an S3 log integration takes
    /// over: while both exist, the logs arrive twice.
    LogsTwice {
        /// The push-based export's `prefixPath`, which the S3 log
        /// integration should not share.
        prefix: Option<String>,
    },
}

impl Note {
    pub fn field(&self) -> &'static str {
        match self {
            Note::NotVerifiable { field } | Note::NotCleared { field, .. } => field,
            Note::PinMoved { .. } => "id",
            Note::Deprecated | Note::LogsTwice { .. } => PUSH_BASED_SECTION,
        }
    }

    pub fn message(&self) -> String {
        match self {
            Note::NotVerifiable { field } => {
                format!("`{field}` is not verifiable: Atlas never returns it")
            }
            Note::NotCleared { field, .. } => format!(
                "`{field}` is set in Atlas but not in the file; tether cannot clear it, so it stays"
            ),
            Note::PinMoved { pinned, now } => format!(
                "the pinned `id: {pinned}` is gone, and `{now}` points where this declaration \
                 does (an apply replaced it): the plan goes on with `{now}`; write `id: {now}` \
                 in the file"
            ),
            Note::Deprecated => "the push-based log export is deprecated, and log integrations \
                 replace it: declare an `S3_LOG_EXPORT` under `log_integrations` and \
                 `push_based_log_export: absent` to move"
                .to_owned(),
            Note::LogsTwice { prefix } => format!(
                "the logs arrive twice while the push-based export and the S3 log integration \
                 both exist (apply creates the new one first); give the S3 log integration a \
                 `prefixPath` other than the old export's{}",
                prefix
                    .as_deref()
                    .map(|prefix| format!(" ({prefix:?})"))
                    .unwrap_or_default()
            ),
        }
    }
}

/// A problem that stops an item from being applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ItemError {
    /// The file sets a field only the v2 API knows while the v1.0 API is in
    /// use: it can neither be compared nor written.
    NeedsApiV2 { field: &'static str },
    /// The plan writes the integration and Atlas needs this field in every
    /// write body, but the file leaves it out (SLACK's `apiToken`).
    CannotWriteWithout { field: &'static str },
    /// More than one live entry points where the declaration does: tether
    /// will not guess which one the file means.
    Ambiguous { ids: Vec<String> },
    /// The declaration's `id:` names no live entry of the family.
    PinnedIdNotFound { id: String },
    /// `push_based_log_export: absent` while the project has no S3 log
    /// integration, live or planned: removing it would lose the logs.
    MigrationWithoutS3,
}

impl ItemError {
    pub fn message(&self, subject: &Subject) -> String {
        let kind = subject.type_name();
        match self {
            ItemError::NeedsApiV2 { field } => format!(
                "`{field}` needs Atlas's v2 API: the v1.0 API in use (`--api v1` or the file's \
                 `api: v1`) neither returns nor accepts it; use v2 (the default), or remove \
                 `{field}` from {kind}"
            ),
            ItemError::CannotWriteWithout { field }
                if subject.integration() == Some(IntegrationType::Slack) =>
            {
                format!(
                    "{kind} needs a write, and Atlas requires `{field}` in every write: tokens come \
                 from connecting Slack in the Atlas UI (OAuth); add `{field}: ${{VAR}}` with that \
                 token, or declare what Atlas already has so nothing needs writing"
                )
            }
            ItemError::CannotWriteWithout { field } => format!(
                "{kind} needs a write, and Atlas requires `{field}` in every write: add `{field}`"
            ),
            ItemError::Ambiguous { ids } => format!(
                "{} live entries ({}) point where this declaration does, and tether will not \
                 guess which one the file means; pin it with `id:`, or remove the extra ones",
                ids.len(),
                ids.join(", ")
            ),
            ItemError::PinnedIdNotFound { id } => format!(
                "the declaration's `id: {id}` names no live entry of `{}`; remove `id:` to \
                 create a new one, or correct it",
                subject.section()
            ),
            ItemError::MigrationWithoutS3 => "removing the push-based log export would stop its \
                 logs: declare an `S3_LOG_EXPORT` under `log_integrations` first (apply creates \
                 it, then removes the old export)"
                .to_owned(),
        }
    }
}

/// A live integration the file leaves alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unmanaged {
    /// A type tether models that an additive or observe project does not
    /// declare.
    Known(IntegrationType),
    /// A type tether does not model (newer, or retired like `HIP_CHAT`).
    Unknown(String),
    /// A live log or metric integration an additive or observe project does
    /// not declare.
    Entry { key: EntryKey, id: String },
}

impl Unmanaged {
    pub fn type_name(&self) -> &str {
        match self {
            Unmanaged::Known(kind) => kind.as_str(),
            Unmanaged::Unknown(name) => name,
            Unmanaged::Entry { key, .. } => key.kind.as_str(),
        }
    }
}
