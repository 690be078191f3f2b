//! What the credentials are and where they came from, as messages name
//! them: the facts every error's hint reads. It sits below everything that
//! reads credentials (`credentials`, `access`, `profile`), which return
//! those errors, so that none of them and `error` import each other.

use std::path::{Path, PathBuf};

use crate::printable::one_line;

pub const DEFAULT_BASE_URL: &str = "https://cloud.mongodb.com";

/// Which kind of credentials a request carried, for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredentialKind {
    ApiKey,
    ServiceAccount,
    None,
}

impl CredentialKind {
    /// The credentials as messages name them: `the service account`.
    pub fn described(self) -> &'static str {
        match self {
            CredentialKind::ApiKey => "the API key",
            CredentialKind::ServiceAccount => "the service account",
            CredentialKind::None => "the credentials",
        }
    }

    /// Theirs, after [`CredentialKind::described`] was said: `its`.
    pub fn possessive(self) -> &'static str {
        match self {
            CredentialKind::ApiKey => "the key's",
            CredentialKind::ServiceAccount => "its",
            CredentialKind::None => "their",
        }
    }
}

/// What to do about a base URL that was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BaseUrlFix {
    /// The value lacks its scheme: this is the URL it likely means.
    Scheme(String),
    /// The value holds credentials.
    Credentials,
    Other,
}

/// A profile, as messages name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileName {
    pub name: String,
    pub file: PathBuf,
}

impl ProfileName {
    /// "Atlas CLI profile `NAME` in `FILE`", on one line.
    pub fn described(&self) -> String {
        described(&self.name, &self.file)
    }
}

/// Where the credentials came from: what hints tell the user to check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CredentialSource {
    /// The two variables the credentials came from.
    Variables([&'static str; 2]),
    /// An Atlas CLI profile, its secret from the keyring or the file.
    Profile {
        profile: ProfileName,
        secret: SecretOrigin,
    },
    /// No credentials anywhere.
    None,
}

/// Where the secret half of a profile's credentials was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretOrigin {
    /// The OS keyring, service `atlascli_<profile>`.
    Keyring,
    /// The `config.toml` file itself (no keyring, or it had no entry).
    File,
}

/// The TOML keys of an API key's identifier and secret in a profile.
pub const API_KEY_KEYS: [&str; 2] = ["public_api_key", "private_api_key"];

/// The TOML keys of a service account's identifier and secret in a profile.
pub const SERVICE_ACCOUNT_KEYS: [&str; 2] = ["client_id", "client_secret"];

/// The TOML keys of the identifier and of the secret of credentials of
/// `kind`, as a profile holds them.
pub fn keys_for(kind: CredentialKind) -> Option<[&'static str; 2]> {
    match kind {
        CredentialKind::ApiKey => Some(API_KEY_KEYS),
        CredentialKind::ServiceAccount => Some(SERVICE_ACCOUNT_KEYS),
        CredentialKind::None => None,
    }
}

/// "Atlas CLI profile `NAME` in `FILE`", on one line whatever the name and
/// the path hold.
pub fn described(name: &str, file: &Path) -> String {
    format!(
        "Atlas CLI profile `{}` in `{}`",
        one_line(name),
        crate::printable::path(file)
    )
}

/// The keyring service the Atlas CLI keeps profile `name`'s secrets under.
pub fn keyring_service(name: &str) -> String {
    format!("atlascli_{name}")
}
