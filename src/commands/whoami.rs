//! `tether whoami`: the credentials in use, where they came from, the Atlas
//! they go to, and whether it accepts them. Never a secret.

use crate::atlas::{BaseUrlSource, CredentialSource, Credentials, SecretOrigin};
use crate::cli::WhoamiArgs;
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::model::ApiVersion;
use crate::output::Printer;
use crate::printable::one_line;

pub fn run(args: &WhoamiArgs, printer: &Printer) -> Result<ExitStatus, Error> {
    // Resolved first: a base URL that holds credentials is refused, not shown.
    let access = super::access(&args.atlas)?;
    let kind = match access.credentials {
        Credentials::ServiceAccount { .. } => "a service account",
        Credentials::ApiKey { .. } => "a programmatic API key (HTTP Digest)",
        Credentials::None => "none",
    };
    let source = match &access.credentials_from {
        CredentialSource::Variables([id, secret]) => format!(", from `{id}` and `{secret}`"),
        CredentialSource::Profile { profile, secret } => {
            let secret = match secret {
                SecretOrigin::Keyring => "the secret from the OS keyring",
                SecretOrigin::File => "the secret from the file",
            };
            format!(", from {} ({secret})", profile.described())
        }
        CredentialSource::None => {
            " (set `MONGODB_ATLAS_CLIENT_ID` and `MONGODB_ATLAS_CLIENT_SECRET`, an API key, \
              or use an Atlas CLI profile with `--profile`)"
                .to_owned()
        }
    };
    let from = match (&access.base_url_from, &access.profile) {
        (BaseUrlSource::Flag, _) => " (from `--base-url`)".to_owned(),
        (BaseUrlSource::Variable, _) => " (from `MONGODB_ATLAS_BASE_URL`)".to_owned(),
        (BaseUrlSource::Profile(key), Some(profile)) => {
            format!(" (from `{key}` of profile `{}`)", one_line(&profile.name))
        }
        _ => String::new(),
    };
    let base = format!("{}{from}", access.base_url.as_str().trim_end_matches('/'));
    let api = match super::api_version(&args.atlas, None) {
        ApiVersion::V1 => "v1.0",
        ApiVersion::V2 => "v2",
    };
    let mut lines = format!("Credentials: {kind}{source}\nAtlas:       {base}, API {api}\n");
    if let (Some(org), Some(profile)) = (&access.profile_org, &access.profile) {
        lines.push_str(&format!(
            "Org:         {} (`org_id` of profile `{}`)\n",
            one_line(org),
            one_line(&profile.name)
        ));
    }
    printer.data(&lines);
    let session = super::session::Session::start()?;
    let client = super::connect_with(&args.atlas, None, access, &session, printer)?;
    let visible = session.read(client.visible_projects())??;
    printer.data(&format!(
        "Accepted:    yes; {} visible to these credentials\n",
        crate::plural::count(visible as usize, "project", "projects")
    ));
    Ok(ExitStatus::Success)
}
