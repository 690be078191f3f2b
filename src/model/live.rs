//! What Atlas has, as read: values exactly as Atlas returned them, masked
//! secrets included. Only the wire layer builds these.

use std::collections::BTreeMap;

use super::by_name::value_named;
use super::{FieldSpec, GroupId, IntegrationType};

/// A field's value as Atlas returned it; secrets arrive masked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LiveValue {
    Text(String),
    Bool(bool),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveIntegration {
    pub kind: IntegrationType,
    /// Atlas's id of the integration, when it sends one.
    pub id: Option<String>,
    /// The fields tether models that Atlas returned with a value, in the
    /// table's order. Fields Atlas sent as `null` or left out are absent.
    pub fields: Vec<(&'static FieldSpec, LiveValue)>,
    /// Names of fields Atlas returned with a value that tether's table does
    /// not have (a newer field): never compared or written, but named by
    /// `import` so that nothing is dropped silently. Their values are not
    /// kept: they may be secrets.
    pub unmodelled: Vec<String>,
}

impl LiveIntegration {
    pub fn get(&self, name: &str) -> Option<&LiveValue> {
        value_named(&self.fields, name)
    }
}

/// One project's integrations as Atlas lists them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LiveIntegrations {
    pub known: BTreeMap<IntegrationType, LiveIntegration>,
    /// Types Atlas returned that tether does not model (a newer type, or a
    /// retired one such as `HIP_CHAT`): reported, never touched.
    pub unknown_types: Vec<String>,
}

/// An Atlas project as listed by the projects endpoints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Project {
    pub id: GroupId,
    pub name: String,
    pub org_id: Option<String>,
    /// Its tags, `key` to `value` (the v2 API lists them; v1.0 does not).
    pub tags: Vec<(String, String)>,
}
