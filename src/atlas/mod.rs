//! Everything that speaks HTTP to Atlas. Nothing else in tether opens a
//! connection.

mod access;
mod answer;
mod auth;
mod client;
mod credentials;
mod endpoints;
mod error;
mod failure;
mod families;
mod family_wire;
pub mod keyring;
mod limit;
mod listing;
mod origin;
mod pacing;
mod profile;
mod redact;
mod request;
mod retry;
mod run_secrets;
mod server_text;
mod settings;
mod transport;
mod version;
mod wire;

pub use access::{Access, AccessRequest, BaseUrlSource};
pub use client::{Client, ClientConfig};
pub use credentials::{CredentialKind, Credentials, DEFAULT_BASE_URL, base_url};
pub use endpoints::Deletion;
pub use error::{ApiError, ConnectionFailure, LongWait, RedirectRefusal};
pub use family_wire::{FAMILY_MEDIA_TYPE, PUSH_BASED_MEDIA_TYPE, entry_body};
pub use origin::{CredentialSource, ProfileName, SecretOrigin};
pub use pacing::PacingStats;
pub use profile::{PROFILE_VARIABLE, config_dir};
pub use redact::{Redactor, fragment_len};
pub use retry::{DEFAULT_RETRIES, RetryPolicy};
pub use server_text::{MAX_SHOWN_BYTES, server_text};
pub use settings::{
    ClientSettings, DEFAULT_CONCURRENCY, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT,
    RequestLog,
};
pub use version::{ApiVersion, V2_MEDIA_TYPE};
pub use wire::{integration_body, unsupported_fields};
