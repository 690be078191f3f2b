//! `tether prometheus PROJECT...`: the scrape configuration of the projects'
//! Prometheus integrations, for Prometheus's `scrape_configs`.

use std::sync::Arc;

use crate::cli::PrometheusArgs;
use crate::engine;
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::model::IntegrationType;
use crate::output::Printer;
use crate::printable::one_line;
use crate::prometheus::{Scraped, scrape_configs};

pub fn run(args: &PrometheusArgs, printer: &Printer) -> Result<ExitStatus, Error> {
    let access = super::access(&args.atlas)?;
    let origin = super::atlas_origin(&access);
    let session = super::session::Session::start()?;
    let client = super::connect_with(&args.atlas, None, access, &session, printer)?;
    let projects = session
        .read(engine::find_projects(
            &client,
            engine::ImportScope::Projects(&args.projects),
        ))??
        .into_iter()
        .flat_map(|found| found.projects)
        .collect();
    let sources = session.read(engine::read_for_import(
        Arc::clone(&client),
        projects,
        engine::FamilyReads::default(),
        Arc::new(|| {}),
    ))??;
    let scraped: Vec<Scraped<'_>> = sources
        .iter()
        .filter_map(|source| {
            let integration = source.live.known.get(&IntegrationType::Prometheus);
            if integration.is_none() {
                printer.warnings(&format!(
                    "warning: {} ({}) has no `PROMETHEUS` integration\n",
                    one_line(&source.project.name),
                    source.project.id
                ));
            }
            integration.map(|integration| Scraped {
                project: &source.project,
                integration,
            })
        })
        .collect();
    if scraped.is_empty() {
        return Err(Error::new(
            "none of these projects has a `PROMETHEUS` integration",
            "declare one in the tether file and apply it, then run this again",
        ));
    }
    printer.data(&scrape_configs(&origin, &scraped));
    Ok(ExitStatus::Success)
}
