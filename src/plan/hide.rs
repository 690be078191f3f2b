//! The file's secrets hidden wherever they stand in what a plan shows from
//! outside: a live plain field that holds one (Atlas keeps whatever it was
//! sent), a name, an event's author, a failure's message. It runs after the
//! plan is made, so it changes what is shown, never what is compared or
//! written; identifiers (project, integration, entry and alert ids) are
//! left alone. What a log or metric integration points at is shown (and
//! saved) from its key, so the key is hidden too; its writes go by its id
//! or by what the file declares, never by the key.

use super::types::{
    AlertCheck, Attribution, Change, FieldChange, Note, Plan, Shown, Subject, Unmanaged,
};
use crate::model::EntryKey;
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
        for unread in &mut project.unread {
            known.hide_in(&mut unread.reason);
        }
        match &mut project.outcome {
            super::Outcome::Failed { message } => known.hide_in(message),
            super::Outcome::Planned { items, unmanaged } => {
                for item in items {
                    if let Subject::Entry { key, .. } = &mut item.subject {
                        hide_in_key(key, known);
                    }
                    match &mut item.change {
                        Change::Create { fields, .. }
                        | Change::Update { fields, .. }
                        | Change::Delete { fields, .. } => hide_in_fields(fields, known),
                        Change::Unchanged => {}
                    }
                    for note in &mut item.notes {
                        match note {
                            Note::NotCleared { live, .. } => hide_in_shown(live, known),
                            Note::LogsTwice {
                                prefix: Some(prefix),
                            } => known.hide_in(prefix),
                            // Ids are Atlas's, checked plain, never a secret.
                            Note::NotVerifiable { .. }
                            | Note::PinMoved { .. }
                            | Note::Deprecated
                            | Note::LogsTwice { prefix: None } => {}
                        }
                    }
                }
                for entry in unmanaged {
                    match entry {
                        Unmanaged::Unknown(name) => known.hide_in(name),
                        Unmanaged::Entry { key, .. } => hide_in_key(key, known),
                        Unmanaged::Known(_) => {}
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
    match shown {
        Shown::Text(text) => known.hide_in(text),
        Shown::List(values) => {
            for value in values {
                known.hide_in(value);
            }
        }
        Shown::None | Shown::Bool(_) | Shown::Masked(_) | Shown::WriteOnly => {}
    }
}

fn hide_in_key(key: &mut EntryKey, known: &KnownSecrets) {
    for part in &mut key.parts {
        known.hide_in(part);
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

    /// A live log or metric integration may hold a file's secret anywhere
    /// Atlas keeps what it was sent: what it points at, a header's name, a
    /// prefix; and Atlas's refusal to list a family may repeat one.
    #[test]
    fn a_secret_in_what_an_entry_points_at_is_hidden_but_not_its_id() {
        use crate::model::{EntryKey, EntryKind};
        use crate::plan::Unread;
        let key = EntryKey {
            kind: EntryKind::Otel,
            parts: vec![format!("https://otel.example.com/?token={KEY}")],
        };
        let entry_id = "65f1a2b3c4d5e6f7a8b9c0e1";
        let items = vec![
            Item {
                subject: Subject::Entry {
                    key: key.clone(),
                    id: Some(entry_id.to_owned()),
                },
                change: Change::Delete {
                    reason: crate::plan::DeleteReason::NotDeclared,
                    fields: vec![FieldChange {
                        field: "otelSuppliedHeaders",
                        sensitive: false,
                        before: Shown::List(vec![format!("X-{KEY}")]),
                        after: Shown::None,
                        rotated: false,
                    }],
                },
                report_only: None,
                notes: Vec::new(),
                errors: Vec::new(),
            },
            Item {
                subject: Subject::PushBased,
                change: Change::Unchanged,
                report_only: None,
                notes: vec![Note::LogsTwice {
                    prefix: Some(format!("{KEY}/")),
                }],
                errors: Vec::new(),
            },
        ];
        let id = "65f1a2b3c4d5e6f7a8b9c0d1".parse().expect("an id");
        let mut project = ProjectPlan::planned(
            id,
            None,
            crate::model::Mode::Authoritative,
            items,
            vec![Unmanaged::Entry {
                key,
                id: "65f1a2b3c4d5e6f7a8b9c0e2".into(),
            }],
        );
        project.unread.push(Unread {
            section: "metric_integrations",
            reason: format!("Atlas answered 403: {KEY}"),
        });
        let mut plan = Plan::from(vec![project]);
        hide_secrets(&mut plan, &KnownSecrets::new([Secret::new(KEY)]));
        let shown = format!("{plan:?}");
        assert!(!shown.contains(KEY), "{shown}");
        assert!(shown.contains(&Secret::new(KEY).mask()), "{shown}");
        assert!(shown.contains(entry_id), "{shown}");
    }
}
