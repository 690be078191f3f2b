//! `tether import`: write a tether file from what Atlas has today.

use std::sync::Arc;

use crate::atlas::ApiVersion;
use crate::cli::ImportArgs;
use crate::engine;
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::import::{ImportOptions, import};
use crate::model::IntegrationType;
use crate::output::Printer;
use crate::prometheus::{Scraped, scrape_configs};

pub fn run(args: &ImportArgs, printer: &Printer) -> Result<ExitStatus, Error> {
    let access = super::access(&args.atlas)?;
    let org = organization(args, access.profile_org.as_deref());
    if args.projects.is_empty() == org.is_none() {
        return Err(Error::new(
            "say which projects to import: `--project ID|NAME` (repeatable) or `--org ORG_ID`",
            "for example `tether import --org 5f1e3b2c9d8e7f6a5b4c3d2e -o tether.yaml`; without \
             `--project`, `MONGODB_ATLAS_ORG_ID` or the Atlas CLI profile's `org_id` names the \
             organization",
        ));
    }
    let replace = if args.force {
        super::Replace::Yes
    } else {
        super::Replace::No
    };
    for path in args.output.iter().chain(&args.secrets_out) {
        super::check_output(path, None, replace)?;
    }
    let origin = super::atlas_origin(&access);
    let session = super::session::Session::start()?;
    let client = super::connect_with(&args.atlas, None, access, &session, printer)?;
    let projects = session.read(engine::find_projects(
        &client,
        &args.projects,
        org.as_deref(),
    ))??;
    let progress = printer.progress(projects.len(), "reading");
    let step = progress.clone();
    let sources = session.read(engine::read_for_import(
        Arc::clone(&client),
        projects,
        Arc::new(move || step.step()),
    ));
    progress.finish();
    let sources = sources??;
    let options = ImportOptions {
        factor: args.factor,
        v2_fields: client.api() == ApiVersion::V2,
    };
    let imported = import(&sources, &options, org.as_deref());
    match &args.output {
        Some(path) => {
            super::write_file(path, &imported.yaml, None, replace)?;
            printer.result(&format!(
                "Wrote {} with {} project(s).",
                path.display(),
                sources.len()
            ));
        }
        None => printer.data(&imported.yaml),
    }
    if let Some(path) = &args.secrets_out {
        super::write_file(path, &imported.secrets_template(), None, replace)?;
        owner_only(path).map_err(|err| {
            Error::new(
                format!(
                    "cannot make `{}` readable by its owner only: {err}",
                    path.display()
                ),
                "change its mode by hand (`chmod 600`) before filling it in",
            )
        })?;
        printer.result(&format!(
            "Wrote {} with {}: fill them in, then pass `--secrets {}`.",
            path.display(),
            crate::plural::count(imported.variables.len(), "variable", "variables"),
            path.display()
        ));
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
    let scraped: Vec<Scraped<'_>> = sources
        .iter()
        .filter_map(|source| {
            let integration = source.live.known.get(&IntegrationType::Prometheus)?;
            Some(Scraped {
                project: &source.project,
                integration,
            })
        })
        .collect();
    if !scraped.is_empty() {
        // Prometheus finds the nodes only with this, which Atlas's UI shows
        // once and its API never returns.
        printer.warnings(&format!(
            "\nPrometheus scrapes {} through Atlas's HTTP service discovery; add this to \
             prometheus.yml (`tether prometheus PROJECT` prints it again):\n{}",
            crate::plural::count(scraped.len(), "imported project", "imported projects"),
            scrape_configs(&origin, &scraped)
        ));
    }
    Ok(ExitStatus::Success)
}

/// The organization to import: `--org`; without `--project`, else
/// `MONGODB_ATLAS_ORG_ID`, else the profile's `org_id`.
fn organization(args: &ImportArgs, profile_org: Option<&str>) -> Option<String> {
    if args.org.is_some() || !args.projects.is_empty() {
        return args.org.clone();
    }
    std::env::var("MONGODB_ATLAS_ORG_ID")
        .ok()
        .filter(|org| !org.is_empty())
        .or_else(|| profile_org.map(str::to_owned))
}

#[cfg(unix)]
fn owner_only(path: &std::path::Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn owner_only(_path: &std::path::Path) -> std::io::Result<()> {
    Ok(())
}
