//! Which credentials and which Atlas a command uses, and where each came
//! from: the flags, the `MONGODB_ATLAS_*` variables, an Atlas CLI profile.
//!
//! Credential variables win over a profile's credentials; `--base-url`, then
//! `MONGODB_ATLAS_BASE_URL`, win over a profile's address. A profile is read
//! when one is named (`--profile`, `MONGODB_ATLAS_PROFILE`), or, when no
//! credential variable is set, the `default` profile if the file has one.

use super::credentials::{Credentials, DEFAULT_BASE_URL, parse_base_url};
use super::error::ApiError;
use super::keyring::Keyring;
use super::origin::{CredentialSource, ProfileName};
use super::profile::Profile;

/// What a command's options say about reaching Atlas.
#[derive(Clone, Copy, Debug, Default)]
pub struct AccessRequest<'a> {
    /// `--base-url`.
    pub base_url: Option<&'a str>,
    /// `--profile`.
    pub profile: Option<&'a str>,
}

/// The credentials and the address a command uses, with their sources.
#[derive(Clone, Debug)]
pub struct Access {
    pub credentials: Credentials,
    pub credentials_from: CredentialSource,
    pub base_url: reqwest::Url,
    pub base_url_from: BaseUrlSource,
    /// The profile that was read, if one was.
    pub profile: Option<ProfileName>,
    /// The profile's `org_id`: the organization when none is given.
    pub profile_org: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BaseUrlSource {
    Flag,
    Variable,
    /// The profile's setting that set it (`ops_manager_url`, `service`).
    Profile(&'static str),
    Default,
}

impl Access {
    /// Resolves `request` against the variables `var` reads, reading the
    /// secrets of a profile from `keyring` only when they are used.
    pub fn resolve(
        request: AccessRequest<'_>,
        var: impl Fn(&str) -> Option<String>,
        keyring: &dyn Keyring,
    ) -> Result<Access, ApiError> {
        let (from_variables, names) = Credentials::from_env_named(&var)?;
        let named = request.profile.is_some_and(|p| !p.is_empty())
            || var(super::profile::PROFILE_VARIABLE).is_some_and(|p| !p.is_empty());
        let profile = if names.is_some() && !named {
            None
        } else {
            Profile::load(request.profile, &var)?
        };
        let (credentials, credentials_from) = match (names, &profile) {
            (Some(names), _) => (from_variables, CredentialSource::Variables(names)),
            (None, Some(profile)) => {
                let (credentials, secret) = profile.credentials(keyring)?;
                let profile = ProfileName {
                    name: profile.name.clone(),
                    file: profile.file.clone(),
                };
                (credentials, CredentialSource::Profile { profile, secret })
            }
            (None, None) => (Credentials::None, CredentialSource::None),
        };
        let variable = var("MONGODB_ATLAS_BASE_URL").filter(|v| !v.is_empty());
        let from_profile = match &profile {
            Some(profile) => profile.base_url()?,
            None => None,
        };
        let (raw, base_url_from) = if let Some(flag) = request.base_url {
            (flag.to_owned(), BaseUrlSource::Flag)
        } else if let Some(variable) = variable {
            (variable, BaseUrlSource::Variable)
        } else if let Some((url, key)) = from_profile {
            (url, BaseUrlSource::Profile(key))
        } else {
            (DEFAULT_BASE_URL.to_owned(), BaseUrlSource::Default)
        };
        let setting = match (&profile, &base_url_from) {
            (Some(profile), BaseUrlSource::Profile(key)) => {
                format!("`{key}` of {}", profile.described())
            }
            (_, BaseUrlSource::Flag) => "`--base-url`".to_owned(),
            (_, BaseUrlSource::Variable) => "`MONGODB_ATLAS_BASE_URL`".to_owned(),
            _ => "the default base URL".to_owned(),
        };
        let base_url = parse_base_url(&raw, &setting)?;
        let profile_org = match &profile {
            Some(profile) => profile.org_id()?,
            None => None,
        };
        Ok(Access {
            credentials,
            credentials_from,
            base_url,
            base_url_from,
            profile: profile.map(|p| ProfileName {
                name: p.name,
                file: p.file,
            }),
            profile_org,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::atlas::keyring::{MemoryKeyring, NoKeyring};
    use crate::atlas::origin::SecretOrigin;
    use std::collections::HashMap;

    fn folder(toml: &str) -> tempfile::TempDir {
        let home = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(home.path().join("atlascli")).unwrap();
        std::fs::write(home.path().join("atlascli/config.toml"), toml).unwrap();
        home
    }

    fn vars(home: &tempfile::TempDir, pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let mut map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        map.insert("XDG_CONFIG_HOME".into(), home.path().display().to_string());
        move |name| map.get(name).cloned()
    }

    const PROFILES: &str = "[default]\nauth_type = \"service_account\"\nclient_id = \"mdb_sa_id_default\"\n\
        client_secret = \"default-secret\"\nops_manager_url = \"http://127.0.0.1:9/\"\norg_id = \"6600000000000000000000aa\"\n\
        [gov]\nauth_type = \"api_keys\"\npublic_api_key = \"pub\"\nprivate_api_key = \"priv\"\nservice = \"cloudgov\"\n";

    #[test]
    fn the_default_profile_gives_credentials_address_and_organization() {
        let home = folder(PROFILES);
        let access =
            Access::resolve(AccessRequest::default(), vars(&home, &[]), &NoKeyring).unwrap();
        assert!(matches!(
            access.credentials_from,
            CredentialSource::Profile {
                secret: SecretOrigin::File,
                ..
            }
        ));
        assert_eq!(access.base_url.as_str(), "http://127.0.0.1:9/");
        assert_eq!(
            access.base_url_from,
            BaseUrlSource::Profile("ops_manager_url")
        );
        assert_eq!(
            access.profile_org.as_deref(),
            Some("6600000000000000000000aa")
        );
        assert_eq!(access.profile.unwrap().name, "default");
    }

    #[test]
    fn variables_win_over_the_profile() {
        let home = folder(PROFILES);
        let env = [
            ("MONGODB_ATLAS_PUBLIC_API_KEY", "envpub"),
            ("MONGODB_ATLAS_PRIVATE_API_KEY", "envpriv"),
        ];
        // Not named: the default profile is not even read.
        let access =
            Access::resolve(AccessRequest::default(), vars(&home, &env), &NoKeyring).unwrap();
        assert!(access.profile.is_none());
        assert_eq!(access.base_url_from, BaseUrlSource::Default);
        // Named: its address, but the variables' credentials.
        let request = AccessRequest {
            profile: Some("gov"),
            ..AccessRequest::default()
        };
        let keyring = MemoryKeyring::default();
        let access = Access::resolve(request, vars(&home, &env), &keyring).unwrap();
        assert!(
            matches!(access.credentials, Credentials::ApiKey { ref public, .. } if public == "envpub")
        );
        assert_eq!(access.base_url.as_str(), "https://cloud.mongodbgov.com/");
        let with_url = [("MONGODB_ATLAS_BASE_URL", "http://127.0.0.1:7")];
        let access = Access::resolve(request, vars(&home, &with_url), &keyring).unwrap();
        assert_eq!(access.base_url_from, BaseUrlSource::Variable);
        assert!(matches!(
            access.credentials_from,
            CredentialSource::Profile {
                secret: SecretOrigin::File,
                ..
            }
        ));
        let flagged = AccessRequest {
            base_url: Some("http://127.0.0.1:8"),
            profile: Some("gov"),
        };
        let access = Access::resolve(flagged, vars(&home, &with_url), &keyring).unwrap();
        assert_eq!(access.base_url_from, BaseUrlSource::Flag);
    }

    #[test]
    fn a_profile_address_with_credentials_is_refused_by_profile_name() {
        let home = folder("[default]\nops_manager_url = \"https://u:hunter2@cloud.example\"\n");
        let err = Access::resolve(AccessRequest::default(), vars(&home, &[]), &NoKeyring)
            .unwrap_err()
            .to_string();
        assert!(err.contains("profile `default`"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
    }
}
