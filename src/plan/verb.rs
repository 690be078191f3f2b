//! What a write does to one integration, and what a plan does to one (a
//! write, or nothing). Worked out once, from the plan's `Change`, and carried
//! unchanged by the operation, the document, the apply report and the saved
//! plan.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Verb {
    Create,
    Update,
    Delete,
}

impl Verb {
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Create => "create",
            Verb::Update => "update",
            Verb::Delete => "delete",
        }
    }
}

impl fmt::Display for Verb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a plan does to one integration: a write, or nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemAction {
    Create,
    Update,
    Delete,
    Unchanged,
}

impl ItemAction {
    /// The write; `None` when unchanged.
    pub fn verb(self) -> Option<Verb> {
        match self {
            ItemAction::Create => Some(Verb::Create),
            ItemAction::Update => Some(Verb::Update),
            ItemAction::Delete => Some(Verb::Delete),
            ItemAction::Unchanged => None,
        }
    }
}
