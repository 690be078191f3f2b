//! The plan: what apply would change, computed from the file's view of each
//! project and Atlas's, without any I/O; and its renderings for people and
//! machines. Depends on `model` and `secret`, and the small helpers `json`,
//! `plural` and `printable` (ARCHITECTURE.md's table, which a test checks).

mod compare;
mod diff;
mod families;
mod hide;
mod operation;
mod refusal;
pub mod render;
pub mod saved;
mod summary;
mod types;
mod verb;

#[cfg(test)]
mod family_fixture;
#[cfg(test)]
mod fixture;
#[cfg(test)]
mod proptests;
#[cfg(test)]
pub(crate) mod testing;

pub use diff::{PlanOptions, plan_project};
pub use families::{entry_matches, plan_families};
pub use hide::hide_secrets;
pub use operation::{Action, Operation};
pub use refusal::Refusal;
pub use summary::Summary;
pub use types::{
    AlertCheck, AlertRef, Attribution, Change, Declared, DeleteReason, FieldChange, Item,
    ItemError, Note, Outcome, PUSH_BASED_TYPE, Plan, ProjectPlan, ReportOnly, Shown, Subject,
    Unmanaged, Unread,
};
pub use verb::{ItemAction, Verb};
