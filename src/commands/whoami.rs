//! `tether whoami`: the credentials in use, where they came from, the Atlas
//! they go to, and whether it accepts them. Never a secret.

use crate::atlas::{Credentials, base_url};
use crate::cli::WhoamiArgs;
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::model::ApiVersion;
use crate::output::Printer;

pub fn run(args: &WhoamiArgs, printer: &Printer) -> Result<ExitStatus, Error> {
    let var = |name: &str| std::env::var(name).ok();
    let (credentials, names) = Credentials::from_env_named(var)?;
    let kind = match credentials {
        Credentials::ServiceAccount { .. } => "a service account",
        Credentials::ApiKey { .. } => "a programmatic API key (HTTP Digest)",
        Credentials::None => "none",
    };
    let source = match names {
        Some([id, secret]) => format!(", from `{id}` and `{secret}`"),
        None => " (set `MONGODB_ATLAS_CLIENT_ID` and `MONGODB_ATLAS_CLIENT_SECRET`, or an API key)"
            .to_owned(),
    };
    // Parsed first: a base URL that holds credentials is refused, not shown.
    let url = base_url(args.atlas.base_url.as_deref(), var)?;
    let from = if args.atlas.base_url.is_some() {
        " (from `--base-url`)"
    } else if var("MONGODB_ATLAS_BASE_URL").is_some_and(|v| !v.is_empty()) {
        " (from `MONGODB_ATLAS_BASE_URL`)"
    } else {
        ""
    };
    let base = format!("{}{from}", url.as_str().trim_end_matches('/'));
    let api = match super::api_version(&args.atlas, None) {
        ApiVersion::V1 => "v1.0",
        ApiVersion::V2 => "v2",
    };
    printer.data(&format!(
        "Credentials: {kind}{source}\nAtlas:       {base}, API {api}\n"
    ));
    let session = super::session::Session::start()?;
    let client = super::connect(&args.atlas, None, &session, printer)?;
    let visible = session.read(client.visible_projects())??;
    printer.data(&format!(
        "Accepted:    yes; {} visible to these credentials\n",
        crate::plural::count(visible as usize, "project", "projects")
    ));
    Ok(ExitStatus::Success)
}
