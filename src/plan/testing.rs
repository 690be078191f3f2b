//! Test support: Atlas's behaviour, as far as the planner's tests need it,
//! written from Atlas's documented behaviour with the mask rules of `secret`.

use crate::model::ApiVersion;
use std::collections::BTreeMap;

use super::operation::{Action, Operation};
use crate::model::{
    DesiredProject, FieldValue, GroupId, Integration, IntegrationType, LiveIntegration,
    LiveIntegrations, LiveValue, Mode, Origin, ProjectRef, Slot, spec,
};
use crate::secret::Secret;

pub(crate) fn group(hex_digit: char) -> GroupId {
    hex_digit
        .to_string()
        .repeat(24)
        .parse()
        .expect("24 hex digits")
}

/// An integration from `(field, value)` pairs; sensitive fields become
/// secrets.
pub(crate) fn integration(kind: IntegrationType, fields: &[(&str, &str)]) -> Integration {
    let table = spec(kind);
    let fields = table
        .fields
        .iter()
        .filter_map(|field| {
            let (_, text) = fields.iter().find(|(name, _)| *name == field.name)?;
            let value = match (field.kind, field.sensitive) {
                (crate::model::FieldKind::Bool, _) => FieldValue::Bool(*text == "true"),
                (_, true) => FieldValue::Secret(Secret::new(*text)),
                (_, false) => FieldValue::Text((*text).to_owned()),
            };
            Some((field, value))
        })
        .collect();
    Integration { kind, fields }
}

pub(crate) fn desired(mode: Mode, slots: Vec<(IntegrationType, Slot)>) -> DesiredProject {
    DesiredProject {
        project: ProjectRef::Name("test".into()),
        mode,
        integrations: slots.into_iter().collect(),
        families: Default::default(),
        origin: Origin::default(),
        selected_by: None,
    }
}

/// An authoritative project that declares one integration.
pub(crate) fn declaring(kind: IntegrationType, integration: Integration) -> DesiredProject {
    desired(
        Mode::Authoritative,
        vec![(kind, Slot::Present(integration))],
    )
}

/// What Atlas returns for an integration it stores as `stored` (the fields
/// a PUT of it sent): defaults filled in, v2-only fields only with v2,
/// secrets masked, write-only fields left out.
pub(crate) fn atlas_view(stored: &Integration, api: ApiVersion) -> LiveIntegration {
    let fields = stored
        .with_defaults()
        .fields
        .into_iter()
        .filter(|(field, _)| api.has_v2_fields() || !field.v2_only)
        .filter_map(|(field, value)| {
            let text = match &value {
                FieldValue::Bool(b) => return Some((field, LiveValue::Bool(*b))),
                FieldValue::Text(text) => text.as_str(),
                FieldValue::Secret(secret) => secret.expose(),
            };
            let shown = field.read_back.answered(text)?;
            Some((field, LiveValue::Text(shown)))
        })
        .collect();
    LiveIntegration {
        kind: stored.kind,
        id: None,
        fields,
        unmodelled: Vec::new(),
    }
}

/// A project's live state as Atlas lists it after PUTs of `stored`.
pub(crate) fn atlas_state(stored: &[Integration], api: ApiVersion) -> LiveIntegrations {
    LiveIntegrations {
        known: stored
            .iter()
            .map(|i| (i.kind, atlas_view(i, api)))
            .collect::<BTreeMap<_, _>>(),
        unknown_types: Vec::new(),
    }
}

/// Applies operations to one project's live state the way Atlas would: a
/// PUT writes the fields it sends and keeps the others, a DELETE removes.
pub(crate) fn apply_in_memory(
    live: &mut LiveIntegrations,
    operations: &[Operation],
    api: ApiVersion,
) {
    for operation in operations {
        match &operation.action {
            Action::Create(desired) | Action::Update(desired) => {
                let desired = desired
                    .integration()
                    .expect("the fixtures declare integrations only");
                let kind = operation.subject.integration().expect("an integration");
                let written = atlas_view(desired, api);
                let kept = live.known.remove(&kind);
                let fields = spec(kind)
                    .fields
                    .iter()
                    .filter_map(|field| {
                        let value = written
                            .get(field.name)
                            .or_else(|| kept.as_ref().and_then(|k| k.get(field.name)))?;
                        Some((field, value.clone()))
                    })
                    .collect();
                live.known.insert(
                    kind,
                    LiveIntegration {
                        kind,
                        id: None,
                        fields,
                        unmodelled: Vec::new(),
                    },
                );
            }
            Action::Delete => {
                if let Some(kind) = operation.subject.integration() {
                    live.known.remove(&kind);
                }
            }
        }
    }
}
