//! The file's secrets hidden wherever they stand in what a plan shows from
//! outside: a live plain field that holds one (Atlas keeps whatever it was
//! sent), a name, an event's author, a failure's message. It runs after the
//! plan is made, so it changes what is shown, never what is compared or
//! written; identifiers (project, integration and alert ids) are left alone.

use super::types::{AlertCheck, Attribution, Change, FieldChange, Note, Plan, Shown, Unmanaged};
use crate::secret::KnownSecrets;

/// Hides every secret of `known` in the outside text of `plan`.
pub fn hide_secrets(plan: &mut Plan, known: &KnownSecrets) {
    if known.is_empty() {
        return;
    }
    for name in &mut plan.unmanaged_projects {
        known.hide_in(name);
    }
    for project in &mut plan.projects {
        if let Some(name) = &mut project.name {
            known.hide_in(name);
        }
        known.hide_in(&mut project.label);
        match &mut project.outcome {
            super::Outcome::Failed { message } => known.hide_in(message),
            super::Outcome::Planned { items, unmanaged } => {
                for item in items {
                    match &mut item.change {
                        Change::Create { fields, .. }
                        | Change::Update { fields, .. }
                        | Change::Delete { fields, .. } => hide_in_fields(fields, known),
                        Change::Unchanged => {}
                    }
                    for note in &mut item.notes {
                        if let Note::NotCleared { live, .. } = note {
                            hide_in_shown(live, known);
                        }
                    }
                }
                for entry in unmanaged {
                    if let Unmanaged::Unknown(name) = entry {
                        known.hide_in(name);
                    }
                }
            }
        }
        match &mut project.attribution {
            Some(Attribution::Events { events, .. }) => {
                for event in events {
                    known.hide_in(&mut event.created);
                    known.hide_in(&mut event.event_type);
                    for text in [
                        &mut event.username,
                        &mut event.public_key,
                        &mut event.remote_address,
                    ]
                    .into_iter()
                    .flatten()
                    {
                        known.hide_in(text);
                    }
                }
            }
            Some(Attribution::Unavailable { reason, .. }) => known.hide_in(reason),
            None => {}
        }
        match &mut project.alerts {
            Some(AlertCheck::Listed(by_type)) => {
                for alert in by_type.values_mut().flatten() {
                    known.hide_in(&mut alert.event_type);
                }
            }
            Some(AlertCheck::Unavailable(reason)) => known.hide_in(reason),
            None => {}
        }
    }
}

fn hide_in_fields(fields: &mut [FieldChange], known: &KnownSecrets) {
    for field in fields {
        hide_in_shown(&mut field.before, known);
        hide_in_shown(&mut field.after, known);
    }
}

fn hide_in_shown(shown: &mut Shown, known: &KnownSecrets) {
    if let Shown::Text(text) = shown {
        known.hide_in(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Item, ProjectPlan};
    use crate::secret::Secret;

    const KEY: &str = "pd-service-key-0123456789abcdef";

    #[test]
    fn a_secret_in_a_live_plain_field_is_shown_as_its_mask() {
        let field = FieldChange {
            field: "channelName",
            sensitive: false,
            before: Shown::Text(format!("#{KEY} alerts")),
            after: Shown::Text("#alerts".into()),
            rotated: false,
        };
        let item = Item {
            subject: crate::plan::Subject::Integration(crate::model::IntegrationType::Slack),
            change: Change::Delete {
                reason: crate::plan::DeleteReason::NotDeclared,
                fields: vec![field],
            },
            report_only: None,
            notes: Vec::new(),
            errors: Vec::new(),
        };
        let id = "65f1a2b3c4d5e6f7a8b9c0d1".parse().expect("an id");
        let project = ProjectPlan::planned(
            id,
            Some(&format!("name {KEY}")),
            crate::model::Mode::Authoritative,
            vec![item],
            Vec::new(),
        );
        let mut plan = Plan::from(vec![project]);
        plan.unmanaged_projects.push(KEY.to_owned());
        hide_secrets(&mut plan, &KnownSecrets::new([Secret::new(KEY)]));
        let shown = format!("{plan:?}");
        assert!(!shown.contains(KEY), "{shown}");
        let mask = Secret::new(KEY).mask();
        assert!(shown.contains(&format!("#{mask} alerts")), "{shown}");
        assert!(shown.contains("65f1a2b3c4d5e6f7a8b9c0d1"), "{shown}");
    }
}
