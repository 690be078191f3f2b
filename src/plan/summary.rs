//! The counts a plan leads with, and the questions exit codes ask.

use super::ItemAction;
use super::types::{Plan, ProjectPlan};

/// Counts over a whole plan.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    /// Integrations apply will create.
    pub create: usize,
    /// Integrations apply will update.
    pub update: usize,
    /// Integrations apply will delete.
    pub delete: usize,
    /// Integrations that already match the file.
    pub unchanged: usize,
    /// Differences the plan shows that apply will not act on: every change
    /// in an observe project, and types declared `absent` that are live in
    /// an additive project.
    pub report_only: usize,
    /// Items that cannot be applied or checked (an error each).
    pub errors: usize,
    pub failed_projects: usize,
    /// Live integrations the file leaves alone, for information.
    pub unmanaged: usize,
}

impl Summary {
    /// Creates, updates and deletes apply will make.
    pub fn to_apply(&self) -> usize {
        self.create + self.update + self.delete
    }

    /// Counts one item: an error, unchanged, a difference apply will not
    /// act on, or the write apply makes. The plan and its document both
    /// count this way.
    pub(crate) fn count_item(&mut self, action: ItemAction, report_only: bool, has_errors: bool) {
        if has_errors {
            self.errors += 1;
        } else if action == ItemAction::Unchanged {
            self.unchanged += 1;
        } else if report_only {
            self.report_only += 1;
        } else {
            match action {
                ItemAction::Create => self.create += 1,
                ItemAction::Update => self.update += 1,
                ItemAction::Delete => self.delete += 1,
                ItemAction::Unchanged => {}
            }
        }
    }

    pub(crate) fn add(&mut self, other: &Summary) {
        self.create += other.create;
        self.update += other.update;
        self.delete += other.delete;
        self.unchanged += other.unchanged;
        self.report_only += other.report_only;
        self.errors += other.errors;
        self.failed_projects += other.failed_projects;
        self.unmanaged += other.unmanaged;
    }
}

impl ProjectPlan {
    /// Counts over one project.
    pub fn summary(&self) -> Summary {
        let mut summary = Summary {
            failed_projects: usize::from(self.failure().is_some()),
            unmanaged: self.unmanaged().len(),
            ..Summary::default()
        };
        for item in self.items() {
            summary.count_item(
                item.change.action(),
                item.report_only.is_some(),
                !item.errors.is_empty(),
            );
        }
        summary
    }
}

impl Plan {
    pub fn summary(&self) -> Summary {
        let mut total = Summary::default();
        for project in &self.projects {
            total.add(&project.summary());
        }
        total
    }

    /// Whether live state differs from the file anywhere the plan could see,
    /// whether or not apply will act on it (observe projects and `absent`
    /// types in additive projects count: that is drift). Unmanaged
    /// integrations do not count, and neither do failed projects: ask
    /// `has_failures` for those.
    pub fn has_changes(&self) -> bool {
        self.projects.iter().any(|project| project.has_changes())
    }

    /// Whether any item carries an error (needs the v2 API, cannot write).
    pub fn has_errors(&self) -> bool {
        self.projects.iter().any(|project| project.has_errors())
    }

    pub fn has_failures(&self) -> bool {
        self.projects
            .iter()
            .any(|project| project.failure().is_some())
    }
}
