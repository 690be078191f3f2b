//! Credentials and the base URL, from the environment names Atlas users
//! already have from the Atlas CLI and the Terraform provider.

use super::error::ApiError;
pub use super::origin::{BaseUrlFix, CredentialKind, DEFAULT_BASE_URL};
use crate::secret::Secret;

#[derive(Clone, Debug)]
pub enum Credentials {
    /// A programmatic API key, answered with HTTP Digest.
    ApiKey { public: String, private: Secret },
    /// A service account, exchanged for a bearer token.
    ServiceAccount { client_id: String, secret: Secret },
    /// No credentials: only for a local simulator without auth.
    None,
}

impl Credentials {
    pub fn kind(&self) -> CredentialKind {
        match self {
            Credentials::ApiKey { .. } => CredentialKind::ApiKey,
            Credentials::ServiceAccount { .. } => CredentialKind::ServiceAccount,
            Credentials::None => CredentialKind::None,
        }
    }

    /// Refuses credentials that cannot be sent, naming which and never its
    /// value (see [`check_value`]).
    pub fn check(&self) -> Result<(), ApiError> {
        match self {
            Credentials::ApiKey { public, private } => {
                check_value("the public API key", public, Part::Id)?;
                check_value("the private API key", private.expose(), Part::Secret)
            }
            Credentials::ServiceAccount { client_id, secret } => {
                check_value("the service account's client id", client_id, Part::Id)?;
                check_value(
                    "the service account's secret",
                    secret.expose(),
                    Part::Secret,
                )
            }
            Credentials::None => Ok(()),
        }
    }

    /// Reads the environment through `var`. A service account wins over an
    /// API key when both are set (Atlas recommends service accounts); half of
    /// a pair is an error that names the missing half.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Credentials, ApiError> {
        Credentials::from_env_named(var).map(|(credentials, _)| credentials)
    }

    /// As [`Credentials::from_env`], with the names of the two variables the
    /// credentials came from (`None` without credentials).
    pub fn from_env_named(
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<(Credentials, Option<[&'static str; 2]>), ApiError> {
        let get = |name: &str| var(name).filter(|v| !v.is_empty());
        let pair = |a: &'static str, b: &'static str| -> Result<Option<Pair>, ApiError> {
            match (get(a), get(b)) {
                (Some(x), Some(y)) => {
                    check_value(&format!("`{a}`"), &x, Part::Id)?;
                    check_value(&format!("`{b}`"), &y, Part::Secret)?;
                    Ok(Some((x, y, [a, b])))
                }
                (None, None) => Ok(None),
                (Some(_), None) => Err(missing_half(a, b)),
                (None, Some(_)) => Err(missing_half(b, a)),
            }
        };
        if let Some((client_id, secret, names)) =
            pair("MONGODB_ATLAS_CLIENT_ID", "MONGODB_ATLAS_CLIENT_SECRET")?
        {
            let credentials = Credentials::ServiceAccount {
                client_id,
                secret: Secret::new(secret),
            };
            return Ok((credentials, Some(names)));
        }
        let cli = pair(
            "MONGODB_ATLAS_PUBLIC_API_KEY",
            "MONGODB_ATLAS_PRIVATE_API_KEY",
        )?;
        let terraform = pair("MONGODB_ATLAS_PUBLIC_KEY", "MONGODB_ATLAS_PRIVATE_KEY")?;
        Ok(match cli.or(terraform) {
            Some((public, private, names)) => (
                Credentials::ApiKey {
                    public,
                    private: Secret::new(private),
                },
                Some(names),
            ),
            None => (Credentials::None, None),
        })
    }
}

/// A credential pair as read: the id, the secret, and their variables.
type Pair = (String, String, [&'static str; 2]);

/// Which half of a credential pair a value is.
#[derive(Clone, Copy)]
enum Part {
    /// A public key or client id: sent in a header as is.
    Id,
    /// A private key or client secret: hashed or base64-encoded first.
    Secret,
}

/// An id must be visible ASCII, since it goes in an HTTP header as is (a
/// `"` or `\` is escaped there). A secret is never sent as is, but must
/// hold no control character: none of Atlas's do, and a trailing newline
/// or carriage return is a copy slip that would only show as a 401.
fn check_value(name: &str, value: &str, part: Part) -> Result<(), ApiError> {
    match part {
        Part::Id if !value.bytes().all(|b| b.is_ascii_graphic()) => Err(ApiError::Config(format!(
            "{name} holds a character that cannot go in an HTTP header (a space, a \
                 newline or another control character, or a letter that is not ASCII): set \
                 it to the key alone"
        ))),
        Part::Secret if value.chars().any(char::is_control) => Err(ApiError::Config(format!(
            "{name} holds a control character (such as a newline), which no Atlas key has: \
             set it to the key alone"
        ))),
        _ => Ok(()),
    }
}

fn missing_half(set: &str, missing: &str) -> ApiError {
    ApiError::Config(format!(
        "`{set}` is set but `{missing}` is not: set both, or neither"
    ))
}

/// The base URL from `--base-url`, else `MONGODB_ATLAS_BASE_URL`, else
/// Atlas's. Atlas for Government is `https://cloud.mongodbgov.com`.
pub fn base_url(
    flag: Option<&str>,
    var: impl Fn(&str) -> Option<String>,
) -> Result<reqwest::Url, ApiError> {
    if let Some(flag) = flag {
        return parse_base_url(flag, "`--base-url`");
    }
    match var("MONGODB_ATLAS_BASE_URL").filter(|v| !v.is_empty()) {
        Some(variable) => parse_base_url(&variable, "`MONGODB_ATLAS_BASE_URL`"),
        None => parse_base_url(DEFAULT_BASE_URL, "the default base URL"),
    }
}

/// A base URL, checked: http(s), a host, no credentials in it. `setting`
/// names where it was set, for the message.
pub fn parse_base_url(raw: &str, setting: &str) -> Result<reqwest::Url, ApiError> {
    let refused = |problem: String, fix: BaseUrlFix| ApiError::BaseUrl {
        setting: setting.to_owned(),
        problem,
        fix,
    };
    // The text is never repeated in a message: it could hold credentials.
    let url = match reqwest::Url::parse(raw.trim_end_matches('/')) {
        Ok(url) => url,
        Err(err) => {
            return Err(refused(
                format!("it is not a URL ({err})"),
                with_scheme(raw).map_or(BaseUrlFix::Other, BaseUrlFix::Scheme),
            ));
        }
    };
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refused(
            "it must not hold credentials (a user name or password)".into(),
            BaseUrlFix::Credentials,
        ));
    }
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        let fix = with_scheme(raw).map_or(BaseUrlFix::Other, BaseUrlFix::Scheme);
        return Err(refused("it is not an http(s) URL".into(), fix));
    }
    Ok(url)
}

/// `raw` with the scheme it lacks (`127.0.0.1:18080`, `localhost:8080`,
/// `cloud.mongodb.com`): `http://` for this machine, `https://` for any
/// other host. `None` when it has a scheme, or would not be a plain URL
/// with one (a user name, a query, characters a URL does not hold).
fn with_scheme(raw: &str) -> Option<String> {
    if raw.contains("://") || raw.len() > 255 || !raw.bytes().all(|b| b.is_ascii_graphic()) {
        return None;
    }
    let url = reqwest::Url::parse(&format!("http://{}", raw.trim_end_matches('/'))).ok()?;
    let plain = url.username().is_empty()
        && url.password().is_none()
        && url.query().is_none()
        && url.fragment().is_none();
    let host = url.host_str()?;
    if !plain || host.is_empty() {
        return None;
    }
    let local = host == "localhost"
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    let scheme = if local { "http" } else { "https" };
    Some(format!("{scheme}://{}", raw.trim_end_matches('/')))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn reads_cli_terraform_and_service_account_names() {
        // The Atlas CLI's names, then Terraform's.
        for (public_name, private_name, value) in [
            (
                "MONGODB_ATLAS_PUBLIC_API_KEY",
                "MONGODB_ATLAS_PRIVATE_API_KEY",
                "pub",
            ),
            (
                "MONGODB_ATLAS_PUBLIC_KEY",
                "MONGODB_ATLAS_PRIVATE_KEY",
                "tf",
            ),
        ] {
            let read = Credentials::from_env(env(&[(public_name, value), (private_name, "priv")]));
            assert!(matches!(
                read.unwrap(),
                Credentials::ApiKey { public, .. } if public == value
            ));
        }
        let both = env(&[
            ("MONGODB_ATLAS_PUBLIC_KEY", "tf"),
            ("MONGODB_ATLAS_PRIVATE_KEY", "priv"),
            ("MONGODB_ATLAS_CLIENT_ID", "id"),
            ("MONGODB_ATLAS_CLIENT_SECRET", "secret"),
        ]);
        assert_eq!(
            Credentials::from_env(both).unwrap().kind(),
            CredentialKind::ServiceAccount
        );
        assert_eq!(
            Credentials::from_env(env(&[])).unwrap().kind(),
            CredentialKind::None
        );
    }

    #[test]
    fn half_a_pair_names_the_missing_half_and_not_the_value() {
        let err = Credentials::from_env(env(&[("MONGODB_ATLAS_PUBLIC_API_KEY", "pubvalue")]))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`MONGODB_ATLAS_PRIVATE_API_KEY` is not"),
            "{err}"
        );
        assert!(!err.contains("pubvalue"));
    }

    #[test]
    fn credentials_that_cannot_be_sent_are_refused_by_name_not_value() {
        let cases = [
            ("MONGODB_ATLAS_PUBLIC_API_KEY", "pub\nvalue"),
            ("MONGODB_ATLAS_PUBLIC_API_KEY", "pub value"),
            ("MONGODB_ATLAS_PUBLIC_API_KEY", "pübvalue"),
            ("MONGODB_ATLAS_PRIVATE_API_KEY", "privvalue\r\n"),
            ("MONGODB_ATLAS_CLIENT_ID", "idvalue\u{7f}"),
            ("MONGODB_ATLAS_CLIENT_SECRET", "secretvalue\n"),
        ];
        for (bad, value) in cases {
            let mut vars = vec![
                ("MONGODB_ATLAS_PUBLIC_API_KEY", "pubvalue"),
                ("MONGODB_ATLAS_PRIVATE_API_KEY", "privvalue"),
            ];
            if bad.contains("CLIENT") {
                vars = vec![
                    ("MONGODB_ATLAS_CLIENT_ID", "idvalue"),
                    ("MONGODB_ATLAS_CLIENT_SECRET", "secretvalue"),
                ];
            }
            for var in &mut vars {
                if var.0 == bad {
                    var.1 = value;
                }
            }
            let err = Credentials::from_env(env(&vars)).unwrap_err().to_string();
            assert!(err.starts_with(&format!("`{bad}` holds")), "{err}");
            assert!(!err.contains("value"), "{err}");
        }
        let quoted = env(&[
            ("MONGODB_ATLAS_PUBLIC_API_KEY", "pub\"key"),
            ("MONGODB_ATLAS_PRIVATE_API_KEY", "priv value é"),
        ]);
        assert!(
            Credentials::from_env(quoted).is_ok(),
            "escaped in the header"
        );
    }

    #[test]
    fn an_uppercase_scheme_is_accepted() {
        for raw in ["HTTPS://cloud.mongodb.com", "Https://cloud.mongodb.com/"] {
            assert_eq!(
                base_url(Some(raw), env(&[])).unwrap().as_str(),
                "https://cloud.mongodb.com/"
            );
        }
    }

    #[test]
    fn base_url_precedence_and_checks() {
        let var = env(&[("MONGODB_ATLAS_BASE_URL", "https://cloud.mongodbgov.com/")]);
        assert_eq!(
            base_url(None, &var).unwrap().as_str(),
            "https://cloud.mongodbgov.com/"
        );
        assert_eq!(
            base_url(Some("http://127.0.0.1:9"), &var).unwrap().as_str(),
            "http://127.0.0.1:9/"
        );
        assert_eq!(
            base_url(None, env(&[])).unwrap().as_str(),
            "https://cloud.mongodb.com/"
        );
        assert!(base_url(Some("ftp://x"), env(&[])).is_err());
        let fix = |raw: &str| match base_url(Some(raw), env(&[])) {
            Err(ApiError::BaseUrl { fix, .. }) => fix,
            other => panic!("{raw}: {other:?}"),
        };
        let scheme = |url: &str| BaseUrlFix::Scheme(url.to_owned());
        assert_eq!(fix("127.0.0.1:18080"), scheme("http://127.0.0.1:18080"));
        assert_eq!(fix("localhost:8080/"), scheme("http://localhost:8080"));
        assert_eq!(
            fix("cloud.mongodb.com"),
            scheme("https://cloud.mongodb.com")
        );
        assert_eq!(fix("user:pw@10.0.0.1:80"), BaseUrlFix::Other);
        assert_eq!(fix("ftp://x"), BaseUrlFix::Other);
        let err = base_url(Some("https://user:pw@x.example"), env(&[])).unwrap_err();
        assert!(!err.to_string().contains("pw"));
    }
}
