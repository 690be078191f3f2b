//! `tether import`: write a tether file from what Atlas has today.

use std::sync::Arc;

use crate::atlas::{ApiError, ApiVersion, Client};
use crate::cli::{GlobalArgs, ImportArgs};
use crate::commands::connect;
use crate::exit::ExitStatus;
use crate::fetch;
use crate::import::{ImportOptions, Source, import};
use crate::model::{GroupId, Project, ProjectRef};
use crate::output::Printer;

pub fn run(global: &GlobalArgs, args: &ImportArgs, printer: &Printer) -> ExitStatus {
    if global.projects.is_empty() == args.org.is_none() {
        printer.error(
            "say which projects to import: `--project ID|NAME` (repeatable) or `--org ORG_ID`",
            "for example `tether import --org 5f1e3b2c9d8e7f6a5b4c3d2e -o tether.yaml`",
        );
        return ExitStatus::Error;
    }
    let (client, runtime) = match (connect::client(global, printer), connect::runtime()) {
        (Ok(client), Ok(runtime)) => (Arc::new(client), runtime),
        (Err(err), _) => {
            printer.error(&err.to_string(), &err.hint());
            return ExitStatus::Error;
        }
        (_, Err(err)) => {
            printer.error(&format!("cannot start the async runtime: {err}"), "retry");
            return ExitStatus::Error;
        }
    };
    let projects = runtime.block_on(find_projects(
        &client,
        &global.projects,
        args.org.as_deref(),
    ));
    let projects = match projects {
        Ok(projects) => projects,
        Err(err) => {
            printer.error(&err.to_string(), &err.hint());
            return ExitStatus::Error;
        }
    };
    let references: Vec<ProjectRef> = projects
        .iter()
        .map(|p| ProjectRef::Both {
            id: p.id.clone(),
            name: p.name.clone(),
        })
        .collect();
    let progress = printer.progress(references.len(), "reading");
    let step = progress.clone();
    let observed = runtime.block_on(fetch::fetch_all(
        Arc::clone(&client),
        &references,
        Arc::new(move || step.step()),
    ));
    progress.finish();
    let mut sources = Vec::with_capacity(projects.len());
    for (project, observed) in projects.into_iter().zip(observed) {
        match observed.live {
            Ok(live) => sources.push(Source { project, live }),
            Err(err) => {
                printer.error(
                    &format!("project {} ({}): {err}", project.name, project.id),
                    &format!("{}; nothing was written", err.hint()),
                );
                return ExitStatus::Error;
            }
        }
    }
    let options = ImportOptions {
        factor: args.factor,
        v2_fields: client.api() == ApiVersion::V2,
    };
    let imported = import(&sources, &options);
    match &args.output {
        Some(path) => {
            if let Err(err) = std::fs::write(path, &imported.yaml) {
                printer.error(
                    &format!("cannot write `{}`: {err}", path.display()),
                    "check that the directory exists and is writable",
                );
                return ExitStatus::Error;
            }
            printer.result(&format!(
                "Wrote {} with {} project(s).",
                path.display(),
                sources.len()
            ));
        }
        None => printer.data(&imported.yaml),
    }
    if !imported.variables.is_empty() {
        let mut lines = format!(
            "Set these {} variable(s) before `tether plan` (Atlas's masks help find the values):\n",
            imported.variables.len()
        );
        let width = imported
            .variables
            .iter()
            .map(|v| v.name.len())
            .max()
            .unwrap_or(0);
        for variable in &imported.variables {
            lines.push_str(&format!(
                "  {:width$}  {}: {}\n",
                variable.name, variable.used_by, variable.hint
            ));
        }
        printer.warnings(&lines);
    }
    ExitStatus::Success
}

/// The projects to import, in the order asked (or Atlas's order for an org).
async fn find_projects(
    client: &Client,
    asked: &[String],
    org: Option<&str>,
) -> Result<Vec<Project>, ApiError> {
    if let Some(org) = org {
        return client.org_projects(org).await;
    }
    let mut projects = Vec::with_capacity(asked.len());
    for id_or_name in asked {
        let project = match id_or_name.parse::<GroupId>() {
            Ok(id) => client.project(&id).await?,
            Err(_) => client.project_by_name(id_or_name).await?,
        };
        if !projects.iter().any(|p: &Project| p.id == project.id) {
            projects.push(project);
        }
    }
    Ok(projects)
}
