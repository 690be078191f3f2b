//! `tether import`: write a tether file from what Atlas has today.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::cli::ImportArgs;
use crate::engine::{self, ImportScope};
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::import::{ImportOptions, Imported, Layout, Organization, import};
use crate::model::{GroupId, IdOf, IntegrationType};
use crate::output::Printer;
use crate::printable::{self, one_line};
use crate::prometheus::{Scraped, scrape_configs};

pub fn run(args: &ImportArgs, printer: &Printer) -> Result<ExitStatus, Error> {
    let access = super::access(&args.atlas)?;
    let orgs = organizations(args, access.profile_org.as_deref())?;
    let scope = match (args.all_orgs, args.projects.is_empty(), orgs.is_empty()) {
        (true, _, _) => ImportScope::AllOrgs,
        (false, false, true) => ImportScope::Projects(&args.projects),
        (false, true, false) => ImportScope::Orgs(&orgs),
        _ => {
            return Err(Error::new(
                "say which projects to import: `--project ID|NAME` (repeatable), `--org ORG_ID` \
                 (repeatable) or `--all-orgs`",
                "for example `tether import --org 5f1e3b2c9d8e7f6a5b4c3d2e -o tether.yaml`; without \
                 `--project`, `MONGODB_ATLAS_ORG_ID` or the Atlas CLI profile's `org_id` names the \
                 organization",
            ));
        }
    };
    let replace = if args.force {
        super::Replace::Yes
    } else {
        super::Replace::No
    };
    let layout = match &args.output {
        Some(path) if is_directory(path) => Layout::PerOrganization,
        _ => Layout::OneFile,
    };
    // Refused before any request where the files are known already.
    match (&args.output, layout, scope) {
        (Some(dir), Layout::PerOrganization, ImportScope::Orgs(orgs)) => {
            directory_files(dir, orgs.iter().map(Some), replace)?;
        }
        (Some(_), Layout::PerOrganization, _) => {}
        (Some(path), Layout::OneFile, _) => super::check_output(path, None, replace)?,
        (None, _, _) => {}
    }
    // In the directory the files go to, the secrets would be read as one of them.
    let written_dir = args
        .output
        .as_deref()
        .filter(|_| layout == Layout::PerOrganization);
    if let Some(path) = &args.secrets_out {
        super::check_output(path, written_dir, replace)?;
    }
    let origin = super::atlas_origin(&access);
    let session = super::session::Session::start()?;
    let client = super::connect_with(&args.atlas, None, access, &session, printer)?;
    let found = session.read(engine::find_projects(&client, scope))??;
    if found.is_empty() && matches!(scope, ImportScope::AllOrgs) {
        return Err(Error::new(
            "Atlas lists no organization for these credentials; nothing was written",
            "check with `tether whoami` which credentials are in use, or name the projects \
             with `--project`",
        ));
    }
    for (org, project) in found
        .iter()
        .flat_map(|f| f.foreign.iter().map(move |p| (&f.org, p)))
    {
        printer.warnings(&format!(
            "warning: Atlas listed the project `{}` ({}) in organization {}, but the project says \
             it belongs to {}: it is not imported\n",
            one_line(&project.name),
            project.id,
            org.as_ref()
                .map_or_else(|| "?".to_owned(), ToString::to_string),
            project.org_id.as_deref().map_or_else(
                || "no organization".to_owned(),
                |o| format!("organization {}", one_line(o))
            ),
        ));
    }
    let projects: Vec<_> = found.iter().flat_map(|f| f.projects.clone()).collect();
    let progress = printer.progress(projects.len(), "reading");
    let step = progress.clone();
    // Every family, so that the file holds all that Atlas has.
    let every_family = engine::FamilyReads {
        log: true,
        metric: true,
        push_based: true,
    };
    let sources = session.read(engine::read_for_import(
        Arc::clone(&client),
        projects,
        every_family,
        Arc::new(move || step.step()),
    ));
    progress.finish();
    let sources = sources??;
    unreadable(&sources, args.skip_unreadable, printer)?;
    let mut sources = sources.into_iter();
    let read: Vec<Organization> = found
        .into_iter()
        .map(|f| Organization {
            id: f.org,
            whole: f.whole,
            sources: sources.by_ref().take(f.projects.len()).collect(),
        })
        .collect();
    let options = ImportOptions {
        factor: args.factor,
        api: client.api(),
    };
    let imported = import(&read, &options, layout);
    match (&args.output, layout) {
        (Some(dir), Layout::PerOrganization) => write_directory(dir, &imported, replace, printer)?,
        (Some(path), Layout::OneFile) => {
            let yaml: String = imported.files.iter().map(|f| f.yaml.as_str()).collect();
            super::write_file(path, &yaml, None, replace)?;
            printer.result(&format!(
                "Wrote {} with {} project(s).",
                printable::path(path),
                imported.files.iter().map(|f| f.projects).sum::<usize>()
            ));
        }
        (None, _) => {
            for file in &imported.files {
                printer.data(&file.yaml);
            }
        }
    }
    let sources: Vec<&crate::import::Source> = read.iter().flat_map(|o| &o.sources).collect();
    if let Some(path) = &args.secrets_out {
        super::write_file(path, &imported.secrets_template(), written_dir, replace)?;
        owner_only(path).map_err(|err| {
            Error::new(
                format!(
                    "cannot make `{}` readable by its owner only: {err}",
                    printable::path(path)
                ),
                "change its mode by hand (`chmod 600`) before filling it in",
            )
        })?;
        printer.result(&format!(
            "Wrote {} with {}: fill them in, then pass `--secrets {}`.",
            printable::path(path),
            crate::plural::count(imported.variables.len(), "variable", "variables"),
            printable::path(path)
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
        .into_iter()
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

/// Says which families the credentials could not read, and fails the
/// import unless `--skip-unreadable` asked to leave them out of the file.
fn unreadable(
    sources: &[crate::import::Source],
    skip: bool,
    printer: &Printer,
) -> Result<(), Error> {
    let unread = crate::import::unreadable(sources);
    if unread.is_empty() {
        return Ok(());
    }
    let what: Vec<String> = unread.iter().map(|family| family.described()).collect();
    let message = format!("the credentials could not read {}", what.join("; "));
    let why = "log and metric integrations need the Project Owner role for every operation, \
               reads included";
    if skip {
        printer.warnings(&format!(
            "warning: {message}: left out of the file, so tether does not manage them there\n  \
             hint: {why}; import again with Project Owner to manage them\n"
        ));
        Ok(())
    } else {
        Err(Error::new(
            message,
            format!(
                "{why}: import with credentials that have Project Owner on these projects, or \
                 pass `--skip-unreadable` to leave these families out of the file (then tether \
                 does not manage them there); nothing was written"
            ),
        ))
    }
}

/// The organizations to import, each checked as an id before it goes into
/// a URL: `--org`; without `--project` or `--all-orgs`, else
/// `MONGODB_ATLAS_ORG_ID`, else the profile's `org_id`.
fn organizations(args: &ImportArgs, profile_org: Option<&str>) -> Result<Vec<GroupId>, Error> {
    if !args.orgs.is_empty() || !args.projects.is_empty() || args.all_orgs {
        return args
            .orgs
            .iter()
            .map(|org| org_id(org, "--org ", "`--org`"))
            .collect();
    }
    if let Some(org) = std::env::var("MONGODB_ATLAS_ORG_ID")
        .ok()
        .filter(|org| !org.is_empty())
    {
        return Ok(vec![org_id(
            &org,
            "MONGODB_ATLAS_ORG_ID=",
            "`MONGODB_ATLAS_ORG_ID`",
        )?]);
    }
    profile_org
        .map(|org| org_id(org, "org_id = ", "the Atlas CLI profile's `org_id`"))
        .transpose()
        .map(|org| org.into_iter().collect())
}

/// `value` as an organization id, or an error that shows it as given
/// (`shown` before it) and says where it came from (`from`).
fn org_id(value: &str, shown: &str, from: &str) -> Result<GroupId, Error> {
    let reason = match value.parse::<GroupId>() {
        Ok(id) => return Ok(id),
        Err(reason) => reason,
    };
    let mut text: String = one_line(value).chars().take(64).collect();
    if text.chars().count() < one_line(value).chars().count() {
        text.push('…');
    }
    let message = if value.is_empty() {
        format!("{from} is empty: it is not an organization id")
    } else {
        format!("`{shown}{text}` is not an organization id: {reason}")
    };
    let help = if value.contains([',', ' ', ';']) {
        "repeat `--org` for each organization (`--org ID --org ID`), or import every \
         organization the credentials can see with `--all-orgs`"
            .to_owned()
    } else if let Some(hint) = GroupId::lowercase_hint(value) {
        hint
    } else {
        format!(
            "fix {from}: {}; nothing was sent to Atlas",
            IdOf::Organization.shape()
        )
    };
    Err(Error::new(message, help))
}

/// Whether `-o` names a directory: one that exists, or a path ending in a
/// separator (created).
fn is_directory(path: &Path) -> bool {
    path.is_dir()
        || path
            .as_os_str()
            .to_string_lossy()
            .ends_with(std::path::is_separator)
}

/// The file of an organization in `-o DIR`: its id, which is always a safe
/// file name, unique, and does not change when the organization is renamed.
fn file_name(org: Option<&GroupId>) -> String {
    match org {
        Some(org) => format!("{org}.yaml"),
        None => "projects.yaml".to_owned(),
    }
}

/// The files of `orgs` in `-o DIR`, each checked not to replace a file
/// without `--force`.
fn directory_files<'o>(
    dir: &Path,
    orgs: impl IntoIterator<Item = Option<&'o GroupId>>,
    replace: super::Replace,
) -> Result<Vec<PathBuf>, Error> {
    let paths: Vec<PathBuf> = orgs
        .into_iter()
        .map(|org| dir.join(file_name(org)))
        .collect();
    for path in &paths {
        super::check_output(path, None, replace)?;
    }
    Ok(paths)
}

/// Writes one file per organization into `dir` (made when missing), after
/// checking that none would replace a file without `--force`.
fn write_directory(
    dir: &Path,
    imported: &Imported,
    replace: super::Replace,
    printer: &Printer,
) -> Result<(), Error> {
    let paths = directory_files(dir, imported.files.iter().map(|f| f.org.as_ref()), replace)?;
    std::fs::create_dir_all(dir).map_err(|err| {
        Error::new(
            format!(
                "cannot make the directory `{}`: {err}",
                printable::path(dir)
            ),
            "check the path, or make the directory first",
        )
    })?;
    for (path, file) in paths.iter().zip(&imported.files) {
        super::write_file(path, &file.yaml, None, replace)?;
    }
    let mut others: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| !paths.contains(path))
        .filter_map(|path| {
            let name = path.file_name()?.to_string_lossy().into_owned();
            let lower = name.to_ascii_lowercase();
            (lower.ends_with(".yaml") || lower.ends_with(".yml"))
                .then(|| format!("`{}`", one_line(&name)))
        })
        .collect();
    others.sort();
    if !others.is_empty() {
        printer.warnings(&format!(
            "warning: `{}` also holds {}: `-f {}` reads them with the imported files, so the \
             plan may differ from what Atlas has; move them out to plan the import alone\n",
            printable::path(dir),
            others.join(", "),
            printable::path(dir)
        ));
    }
    printer.result(&format!(
        "Wrote {} in {} with {} project(s); read them together with `-f {}`.",
        crate::plural::count(paths.len(), "file", "files"),
        printable::path(dir),
        imported.files.iter().map(|f| f.projects).sum::<usize>(),
        printable::path(dir)
    ));
    Ok(())
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
