//! Every way a call to Atlas can fail, each with a message that says what
//! happened and what to do. No message holds a credential or a secret.

use std::time::Duration;

use super::origin::{
    BaseUrlFix, CredentialKind, CredentialSource, DEFAULT_BASE_URL, SecretOrigin, keyring_service,
    keys_for,
};
use crate::printable::one_line;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("Atlas answered 401 Unauthorized to `{request}`")]
    Unauthorized {
        request: String,
        credentials: CredentialKind,
        /// Where they came from, when the client was told.
        from: Option<CredentialSource>,
    },

    #[error("Atlas answered 403 Forbidden to `{request}`{}", detail_suffix(.detail))]
    Forbidden {
        request: String,
        detail: Option<String>,
        write: bool,
        credentials: CredentialKind,
    },

    #[error("Atlas has no project with id `{group}`, or {} cannot see it", .credentials.described())]
    GroupNotFound {
        group: String,
        credentials: CredentialKind,
    },

    #[error("Atlas has no project named `{name}`, or {} cannot see it", .credentials.described())]
    ProjectNameNotFound {
        name: String,
        credentials: CredentialKind,
    },

    #[error("Atlas refused `{request}` ({status}{}){}", code_suffix(.error_code), detail_suffix(.detail))]
    Rejected {
        request: String,
        status: u16,
        error_code: Option<String>,
        detail: Option<String>,
    },

    #[error(
        "Atlas throttled `{request}` (429 Too Many Requests) {}{}",
        times(*.attempts),
        long_wait_suffix(.long_wait)
    )]
    Throttled {
        request: String,
        attempts: u32,
        /// Set when Atlas's last `Retry-After` is why tether stopped.
        long_wait: Option<LongWait>,
    },

    #[error(
        "Atlas answered {status} to `{request}` {}{}{}",
        times(*.attempts),
        detail_suffix(.detail),
        long_wait_suffix(.long_wait)
    )]
    ServerError {
        request: String,
        status: u16,
        attempts: u32,
        detail: Option<String>,
        /// Set when Atlas's last `Retry-After` is why tether stopped.
        long_wait: Option<LongWait>,
    },

    #[error(
        "no answer from Atlas to `{request}` within {} ms, {}",
        .timeout.as_millis(),
        times(*.attempts)
    )]
    Timeout {
        request: String,
        timeout: Duration,
        attempts: u32,
    },

    /// A 3xx that tether did not follow. Nothing was sent where it points.
    #[error(
        "Atlas answered {status} to `{request}`, a redirect to {}; {}",
        .to.as_deref().unwrap_or("an address that is not a URL"),
        .refusal
    )]
    Redirected {
        request: String,
        /// `302 Found`.
        status: String,
        /// The origin the redirect points to, never its path or query.
        to: Option<String>,
        refusal: RedirectRefusal,
    },

    #[error("the connection to {url} failed: {reason}")]
    Connection {
        url: String,
        reason: String,
        kind: ConnectionFailure,
    },

    #[error("Atlas's answer to `{request}` could not be read: {reason}")]
    InvalidResponse { request: String, reason: String },

    #[error("the service-account token request failed: {reason}")]
    Token {
        reason: String,
        /// Where the service account came from, when the client was told.
        from: Option<CredentialSource>,
    },

    #[error("`{kind}.{field}` exists only in Atlas's v2 API")]
    NeedsV2 {
        kind: crate::model::IntegrationType,
        field: &'static str,
    },

    #[error("{setting} is not a base URL tether can use: {problem}")]
    BaseUrl {
        /// Where the value was set: `--base-url`, a variable, a profile's key.
        setting: String,
        problem: String,
        fix: BaseUrlFix,
    },

    #[error("{0}")]
    Config(String),

    /// A write that was never sent: the client's stop token
    /// (`ClientSettings::stop`) was cancelled when its turn came. Atlas did
    /// not see it, so nothing of it changed.
    #[error("`{request}` was not sent: tether was asked to stop")]
    NotStarted { request: String },
}

/// Why a redirect was not followed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RedirectRefusal {
    /// A PUT, POST or DELETE: its body could carry secrets, and whether
    /// Atlas made the change is unknown.
    Write,
    /// A read sent to another scheme, host or port than `within`.
    OtherOrigin { within: String },
    /// A read redirected this many times already.
    TooMany(u32),
}

impl std::fmt::Display for RedirectRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RedirectRefusal::Write => {
                f.write_str("tether does not follow redirects of writes, so nothing was sent there")
            }
            RedirectRefusal::OtherOrigin { within } => write!(
                f,
                "tether follows a redirect of a read only within {within}, so nothing was sent there"
            ),
            RedirectRefusal::TooMany(n) => {
                write!(f, "tether follows at most {n} redirects of one read")
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnectionFailure {
    Dns,
    Refused,
    Tls,
    Other,
}

fn times(n: u32) -> String {
    if n == 1 {
        "once".to_owned()
    } else {
        format!("{n} times")
    }
}

/// A `Retry-After` longer than what is left of tether's wait for one
/// request: tether stops at once rather than wait part of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LongWait {
    /// What Atlas asked for.
    pub asked: Duration,
    /// What was left of `budget` when it asked.
    pub left: Duration,
    /// How long tether waits for one request in all.
    pub budget: Duration,
}

fn long_wait_suffix(long_wait: &Option<LongWait>) -> String {
    match long_wait {
        None => String::new(),
        Some(w) if w.asked > w.budget => format!(
            "; Atlas asked to wait {}, longer than tether waits for one request ({}); \
             run again later",
            seconds(w.asked),
            seconds(w.budget)
        ),
        Some(w) => format!(
            "; Atlas asked to wait {}, longer than the {} left of the {} tether waits \
             for one request; run again later",
            seconds(w.asked),
            seconds(w.left),
            seconds(w.budget)
        ),
    }
}

/// `12 s`, or `1.5 s` when not whole.
fn seconds(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

fn detail_suffix(detail: &Option<String>) -> String {
    detail
        .as_ref()
        .map_or_else(String::new, |d| format!(": {d}"))
}

fn code_suffix(code: &Option<String>) -> String {
    code.as_ref().map_or_else(String::new, |c| format!(" {c}"))
}

impl ApiError {
    /// What the user can do about it.
    pub fn hint(&self) -> String {
        match self {
            ApiError::Unauthorized {
                credentials, from, ..
            } => match (credentials, held_in(*credentials, from)) {
                (CredentialKind::ApiKey, Some(place)) => format!(
                    "the API key pair is wrong or revoked: check {place}, and that the base URL \
                     is the Atlas the key belongs to"
                ),
                (CredentialKind::ApiKey, None) => "the API key pair is wrong or revoked: check \
                    `MONGODB_ATLAS_PUBLIC_API_KEY` and `MONGODB_ATLAS_PRIVATE_API_KEY` (or the \
                    Terraform names `MONGODB_ATLAS_PUBLIC_KEY` and `MONGODB_ATLAS_PRIVATE_KEY`), \
                    and that the base URL is the Atlas the key belongs to"
                    .to_owned(),
                (CredentialKind::ServiceAccount, Some(place)) => format!(
                    "the service account was refused: check {place}, and that the secret has \
                     not expired"
                ),
                (CredentialKind::ServiceAccount, None) => "the service account was refused: \
                    check `MONGODB_ATLAS_CLIENT_ID` and `MONGODB_ATLAS_CLIENT_SECRET`, and that \
                    the secret has not expired"
                    .to_owned(),
                (CredentialKind::None, _) => "no Atlas credentials are set: export \
                    `MONGODB_ATLAS_CLIENT_ID` and `MONGODB_ATLAS_CLIENT_SECRET` (service account), \
                    or `MONGODB_ATLAS_PUBLIC_API_KEY` and `MONGODB_ATLAS_PRIVATE_API_KEY`"
                    .to_owned(),
            },
            ApiError::Forbidden {
                write, credentials, ..
            } => {
                let (who, whose) = (credentials.described(), credentials.possessive());
                let role = if *write {
                    "the Project Owner role on this project to change integrations"
                } else {
                    "at least the Project Read Only role on this project"
                };
                format!(
                    "{who} needs {role}; if it has it, add this machine's IP address to {whose} \
                     API access list"
                )
            }
            ApiError::GroupNotFound { credentials, .. } => format!(
                "check the project's `id` in the file against the Atlas URL of the project, and \
                 that {} can reach its organization",
                credentials.described()
            ),
            ApiError::ProjectNameNotFound { .. } => "check the `name` in the file (names are \
                case-sensitive), or give the project's `id` instead"
                .to_owned(),
            ApiError::Rejected { .. } => "Atlas's reason is above; fix the value in the file and \
                run again"
                .to_owned(),
            ApiError::Throttled {
                long_wait: Some(_), ..
            }
            | ApiError::ServerError {
                long_wait: Some(_), ..
            } => "Atlas asks clients to pause: nothing more was sent (plan never writes; apply \
                is safe to rerun)"
                .to_owned(),
            ApiError::Throttled { .. } => "Atlas's rate limit refills over about a minute: run \
                again later, or lower `--concurrency`"
                .to_owned(),
            ApiError::ServerError { .. } | ApiError::Timeout { .. } => "Atlas or the network is \
                having trouble: run again later (plan never writes; apply is safe to rerun)"
                .to_owned(),
            ApiError::Redirected { refusal, .. } => {
                let check = "something other than Atlas answers at the base URL: check \
                    `--base-url` or `MONGODB_ATLAS_BASE_URL` (Atlas is \
                    `https://cloud.mongodb.com`), and the proxy settings";
                match refusal {
                    RedirectRefusal::Write => format!(
                        "{check}; then run `tether plan` to see whether the change was made"
                    ),
                    RedirectRefusal::OtherOrigin { .. } => {
                        format!("{check}; if the new address is Atlas's, use it as the base URL")
                    }
                    RedirectRefusal::TooMany(_) => check.to_owned(),
                }
            }
            ApiError::Connection { kind, .. } => match kind {
                ConnectionFailure::Dns => "the host name does not resolve: check `--base-url` or \
                    `MONGODB_ATLAS_BASE_URL`, DNS, and the proxy settings (`HTTPS_PROXY`)"
                    .to_owned(),
                ConnectionFailure::Refused => "nothing answers at that address: check \
                    `--base-url` or `MONGODB_ATLAS_BASE_URL`"
                    .to_owned(),
                ConnectionFailure::Tls => "the TLS handshake failed: check that the address \
                    speaks HTTPS (a plain `http://` server behind an `https://` URL fails this \
                    way); a proxy that intercepts TLS needs its certificate in the system's store"
                    .to_owned(),
                ConnectionFailure::Other => "check the network, `--base-url` and the proxy \
                    settings (`HTTPS_PROXY`, `NO_PROXY`)"
                    .to_owned(),
            },
            ApiError::InvalidResponse { .. } => "something other than Atlas may have answered \
                (a proxy or captive portal); run with `-v` to see each request"
                .to_owned(),
            ApiError::Token { from, .. } => match held_in(CredentialKind::ServiceAccount, from) {
                Some(place) => format!("check {place}, and the base URL"),
                None => "check `MONGODB_ATLAS_CLIENT_ID`, `MONGODB_ATLAS_CLIENT_SECRET` and \
                        the base URL"
                    .to_owned(),
            },
            ApiError::NeedsV2 { .. } => "use the v2 API (the default: drop `--api v1` or the \
                file's `api: v1`), or leave the field at its default"
                .to_owned(),
            ApiError::BaseUrl { setting, fix, .. } => match fix {
                BaseUrlFix::Scheme(url) => format!(
                    "did you mean `{}`? A base URL starts with `http://` or `https://`",
                    one_line(url)
                ),
                BaseUrlFix::Credentials => format!(
                    "remove them from {setting}: credentials go in the `MONGODB_ATLAS_*` \
                     variables or a profile"
                ),
                BaseUrlFix::Other => format!(
                    "set {setting} to an http(s) URL such as `{DEFAULT_BASE_URL}` (Atlas for \
                     Government is `https://cloud.mongodbgov.com`)"
                ),
            },
            ApiError::Config(_) => "fix the setting named above".to_owned(),
            ApiError::NotStarted { .. } => "nothing of this change was made; run `tether apply` \
                again to make it"
                .to_owned(),
        }
    }

    /// The message and what to do, on one line (for reports and plans).
    pub fn explained(&self) -> String {
        format!("{self}; {}", self.hint())
    }
}

/// The two settings that hold credentials of `kind`, and where they are:
/// what a refusal's hint says to check. `None` when the client was not told.
fn held_in(kind: CredentialKind, from: &Option<CredentialSource>) -> Option<String> {
    match from.as_ref()? {
        CredentialSource::Variables([id, secret]) => Some(format!("`{id}` and `{secret}`")),
        CredentialSource::Profile { profile, secret } => {
            let [id_key, secret_key] = keys_for(kind)?;
            let found = match secret {
                SecretOrigin::Keyring => format!(
                    "the secret from the OS keyring, service `{}`",
                    one_line(&keyring_service(&profile.name))
                ),
                SecretOrigin::File => "the secret from the file".to_owned(),
            };
            Some(format!(
                "`{id_key}` and `{secret_key}` of {} ({found})",
                profile.described()
            ))
        }
        CredentialSource::None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::atlas::ProfileName;

    fn refused(credentials: CredentialKind, from: Option<CredentialSource>) -> String {
        ApiError::Unauthorized {
            request: "GET /api/atlas/v2/groups".into(),
            credentials,
            from,
        }
        .hint()
    }

    #[test]
    fn a_refusal_names_the_profile_keys_and_the_keyring_that_held_the_secret() {
        let from = CredentialSource::Profile {
            profile: ProfileName {
                name: "ci\nnext".into(),
                file: "/home/u/.config/atlascli/config.toml".into(),
            },
            secret: SecretOrigin::Keyring,
        };
        let hint = refused(CredentialKind::ServiceAccount, Some(from.clone()));
        assert_eq!(
            hint,
            "the service account was refused: check `client_id` and `client_secret` of Atlas \
             CLI profile `ci\\u{a}next` in `/home/u/.config/atlascli/config.toml` (the secret \
             from the OS keyring, service `atlascli_ci\\u{a}next`), and that the secret has not \
             expired"
        );
        let token = ApiError::Token {
            reason: "Atlas answered 401".into(),
            from: Some(from),
        }
        .hint();
        assert!(token.starts_with("check `client_id` and `client_secret` of Atlas CLI profile"));
        assert!(!token.contains("MONGODB_ATLAS"), "{token}");
    }

    #[test]
    fn a_project_not_found_names_the_kind_of_credentials() {
        for credentials in [CredentialKind::ServiceAccount, CredentialKind::None] {
            let by_id = ApiError::GroupNotFound {
                group: "65f1a2b3c4d5e6f7a8b9c0ff".into(),
                credentials,
            };
            let by_name = ApiError::ProjectNameNotFound {
                name: "api-prod".into(),
                credentials,
            };
            for said in [by_id.explained(), by_name.explained()] {
                assert!(said.contains(credentials.described()), "{said}");
                assert!(!said.contains("key"), "{said}");
            }
        }
    }

    #[test]
    fn a_forbidden_answer_names_the_kind_of_credentials() {
        let forbidden = |credentials, write| {
            ApiError::Forbidden {
                request: "PUT /api/atlas/v2/groups/x/integrations/SLACK".into(),
                detail: None,
                write,
                credentials,
            }
            .hint()
        };
        let account = forbidden(CredentialKind::ServiceAccount, true);
        assert!(
            account.starts_with("the service account needs the Project Owner role"),
            "{account}"
        );
        assert!(!account.contains("key"), "{account}");
        let key = forbidden(CredentialKind::ApiKey, false);
        assert!(
            key.starts_with("the API key needs at least the Project Read Only role"),
            "{key}"
        );
    }

    #[test]
    fn a_refusal_names_the_variables_that_were_set_or_all_when_unknown() {
        let from =
            CredentialSource::Variables(["MONGODB_ATLAS_PUBLIC_KEY", "MONGODB_ATLAS_PRIVATE_KEY"]);
        let hint = refused(CredentialKind::ApiKey, Some(from));
        assert!(
            hint.contains("check `MONGODB_ATLAS_PUBLIC_KEY` and `MONGODB_ATLAS_PRIVATE_KEY`,"),
            "{hint}"
        );
        assert!(!hint.contains("MONGODB_ATLAS_PUBLIC_API_KEY"), "{hint}");
        let unknown = refused(CredentialKind::ApiKey, None);
        assert!(
            unknown.contains("MONGODB_ATLAS_PUBLIC_API_KEY"),
            "{unknown}"
        );
        assert!(unknown.contains("MONGODB_ATLAS_PUBLIC_KEY"), "{unknown}");
    }
}
