//! From what Atlas has to a tether file: every project by id with its name,
//! its integrations and its log and metric integrations, every secret as a
//! `${VARIABLE}` with the mask Atlas returned beside it in a comment, and,
//! with `--factor`, integrations shared by several projects moved to
//! `defaults` or to templates. Pure: the command fetches.
//!
//! By concept: which projects go to which file (`parts`), what `--factor`
//! moves out of the projects (`factor`), the names of templates and
//! variables (`naming`), the families the credentials could not read
//! (`unreadable`), and the YAML written (`yaml`, its families in
//! `yaml/families`).

mod factor;
mod naming;
mod parts;
mod unreadable;
mod yaml;

pub use unreadable::unreadable;

use crate::model::{
    ApiVersion, Family, FieldSpec, GroupId, LiveFamilies, LiveIntegration, LiveIntegrations,
    LiveValue, Project, Required, spec,
};

/// One project as read from Atlas.
pub struct Source {
    pub project: Project,
    pub live: LiveIntegrations,
    /// Its log and metric integrations and push-based log export; a family
    /// not read, or that the credentials could not read, is not written.
    pub families: LiveFamilies,
}

impl Source {
    /// Whether the file says anything of the project's families: entries,
    /// kinds tether does not model, or a configured push-based log export.
    fn has_families(&self) -> bool {
        let entries = Family::ALL.into_iter().any(|family| {
            matches!(self.families.entries(family), Some(Ok(live))
                if !live.entries.is_empty() || !live.unknown_types.is_empty())
        });
        let push_based =
            matches!(&self.families.push_based, Some(Ok(export)) if export.is_configured());
        entries || push_based
    }
}

#[derive(Clone, Copy, Debug, Default)]
pub struct ImportOptions {
    /// Move integrations that several projects share to `defaults` or a
    /// template.
    pub factor: bool,
    /// The API in use: only v2 returns v2-only fields.
    pub api: ApiVersion,
}

/// A variable the written file reads, which the user must set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variable {
    pub name: String,
    /// Where it is used: `payments-prod PAGER_DUTY.serviceKey`.
    pub used_by: String,
    /// What Atlas showed of it, to help find the right value: its mask,
    /// or why there is none. Never the value.
    pub hint: String,
}

/// The projects of one organization, as read from Atlas.
pub struct Organization {
    /// Its id, when Atlas gave one.
    pub id: Option<GroupId>,
    /// All of the organization's projects were read (`--org`,
    /// `--all-orgs`): then, with `--factor`, a `select` entry may stand for
    /// them.
    pub whole: bool,
    pub sources: Vec<Source>,
}

/// What import writes: one file, or one per organization (`-o DIR`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    OneFile,
    PerOrganization,
}

/// One file import writes, and the organization it is of (`None` for the
/// one file of [`Layout::OneFile`], or projects of no known organization).
pub struct ImportedFile {
    pub org: Option<GroupId>,
    pub yaml: String,
    pub projects: usize,
}

/// The files, and the variables they read: each name unique across the
/// files, and used only where Atlas shows the same mask.
pub struct Imported {
    pub files: Vec<ImportedFile>,
    pub variables: Vec<Variable>,
}

impl Imported {
    /// A secrets file (`--secrets`) listing every variable with an empty
    /// value and, in a comment, what it is for and what Atlas shows of it.
    pub fn secrets_template(&self) -> String {
        let mut out = String::from(
            "# Secrets for tether's `--secrets FILE`: fill in each value, keep this file out of\n\
             # git, and readable by its owner only. An empty value is an error at plan time.\n",
        );
        for variable in &self.variables {
            out.push_str(&format!(
                "{}: \"\"    # {}: {}\n",
                variable.name, variable.used_by, variable.hint
            ));
        }
        out
    }
}

/// The files for `orgs`: one, or one per organization (projects of the
/// same organization together, in the order first seen).
pub fn import(orgs: &[Organization], options: &ImportOptions, layout: Layout) -> Imported {
    let parts = parts::parts(orgs, layout);
    let homes = factor::homes(&parts, options, layout);
    let mut writer = yaml::Writer::new(options);
    let files = parts
        .iter()
        .zip(&homes)
        .map(|(part, homes)| ImportedFile {
            org: part.org.clone(),
            yaml: writer.file(part, homes),
            projects: part.sources.len(),
        })
        .collect();
    Imported {
        files,
        variables: writer.into_variables(),
    }
}

/// The fields of a live integration worth writing, with Atlas's defaults
/// and the fields the API version does not return left out.
fn written_fields(
    integration: &LiveIntegration,
    options: &ImportOptions,
) -> Vec<(&'static FieldSpec, LiveValue)> {
    let type_spec = spec(integration.kind);
    type_spec
        .fields
        .iter()
        .filter(|field| options.api.has_v2_fields() || !field.v2_only)
        .filter_map(|field| {
            // Never returned (Prometheus `password`): the import says so in
            // a comment, since whether one is set cannot be read.
            let value = integration.get(field.name).cloned()?;
            if field.live_default().as_ref() == Some(&value) {
                return None;
            }
            // Slack's token is the UI's business: tether keeps channel and team.
            if field.sensitive && field.required == Required::ToWrite {
                return None;
            }
            Some((field, value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::IntegrationType;

    /// The project `payments` with `live` as its integrations.
    fn payments(live: LiveIntegrations) -> Source {
        Source {
            project: Project {
                id: "65f1a2b3c4d5e6f7a8b9c0d1".parse().expect("id"),
                name: "payments".into(),
                org_id: None,
                tags: Vec::new(),
            },
            live,
            families: LiveFamilies::default(),
        }
    }

    fn import_one(source: Source) -> (String, Vec<Variable>) {
        let org = Organization {
            id: None,
            whole: false,
            sources: vec![source],
        };
        let imported = import(&[org], &ImportOptions::default(), Layout::OneFile);
        let [file] = <[ImportedFile; 1]>::try_from(imported.files)
            .ok()
            .expect("one file");
        (file.yaml, imported.variables)
    }

    /// Names Atlas sends of types and fields tether does not know are
    /// written in comments, where a line break cannot end the comment.
    #[test]
    fn unknown_type_and_field_names_stay_in_their_comments() {
        let live = LiveIntegrations {
            known: [(
                IntegrationType::Slack,
                LiveIntegration {
                    kind: IntegrationType::Slack,
                    id: None,
                    fields: Vec::new(),
                    unmodelled: vec!["retry\nINJECTED_FIELD: 1".into()],
                },
            )]
            .into(),
            unknown_types: vec!["NEW\r\nINJECTED_TYPE: 1".into()],
        };
        let source = payments(live);
        let (yaml, _) = import_one(source);
        let read: serde_json::Value = serde_saphyr::from_str(&yaml).expect("the file reads");
        let project = read["projects"][0].as_object().expect("a project");
        let keys: Vec<&String> = project.keys().collect();
        assert_eq!(keys, ["id", "integrations", "name"], "{}", yaml);
        assert_eq!(
            read["projects"][0]["integrations"]["SLACK"],
            serde_json::Value::Null,
            "{}",
            yaml
        );
        assert!(
            yaml.contains(
                "# also in Atlas, not managed by tether: NEW\\u{d}\\u{a}INJECTED_TYPE: 1"
            ),
            "{}",
            yaml
        );
    }

    /// A URL mask that kept `user:password@` is masked again before it
    /// reaches the file or the list of variables.
    #[test]
    fn a_url_mask_with_credentials_is_not_copied() {
        let webhook = spec(IntegrationType::Webhook);
        let url = webhook
            .fields
            .iter()
            .find(|f| f.name == "url")
            .expect("url");
        let live = LiveIntegrations {
            known: [(
                IntegrationType::Webhook,
                LiveIntegration {
                    kind: IntegrationType::Webhook,
                    id: None,
                    fields: vec![(
                        url,
                        LiveValue::Text("https://admin:hunter2@hooks.example.com/****ab12".into()),
                    )],
                    unmodelled: vec!["retryPolicy".into()],
                },
            )]
            .into(),
            unknown_types: Vec::new(),
        };
        let source = payments(live);
        let (yaml, variables) = import_one(source);
        let hints: String = variables.iter().map(|v| v.hint.clone()).collect();
        for text in [&yaml, &hints] {
            assert!(!text.contains("hunter2"), "{text}");
            assert!(!text.contains("admin"), "{text}");
        }
        assert!(yaml.contains("https://hooks.example.com/****ab12"));
        // A field this tether does not know is named, never dropped silently.
        assert!(
            yaml.contains("# retryPolicy: set in Atlas, but this tether does not know the field"),
            "{}",
            yaml
        );
    }
}
