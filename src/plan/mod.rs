//! The plan: what apply would change, computed from the file's view of each
//! project and Atlas's, without any I/O; and its renderings for people and
//! machines. Depends on `model` and `secret` only.
//!
//! The command layer fetches each project, then:
//!
//! ```ignore
//! let options = PlanOptions { rotate_secrets: args.rotate_secrets, v2_fields: api == Api::V2 };
//! let projects = fetched.iter().map(|f| match &f.live {
//!     Ok(live) => plan_project(&f.id, f.name.as_deref(), f.desired, live, &options),
//!     Err(e) => ProjectPlan::failed(f.display.clone(), f.name.clone(), f.desired.mode, e.to_string()),
//! });
//! let plan = Plan::from(projects.collect::<Vec<_>>());
//! print!("{}", render::text(&plan, printer.color()));
//! let exit = if plan.has_failures() || plan.has_errors() { 1 } else if plan.has_changes() { 2 } else { 0 };
//! ```

mod compare;
mod diff;
mod operation;
pub mod render;
pub mod saved;
mod summary;
mod types;

#[cfg(test)]
mod fixture;
#[cfg(test)]
mod proptests;
#[cfg(test)]
pub(crate) mod testing;

pub use diff::{Fetched, PlanOptions, plan, plan_project};
pub use operation::{Action, Operation};
pub use summary::Summary;
pub use types::{
    Change, DeleteReason, FieldChange, Item, ItemError, Note, Outcome, Plan, ProjectPlan,
    ReportOnly, Shown, Unmanaged,
};
