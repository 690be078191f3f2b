//! Atlas CLI profiles: the credentials, address and organization people
//! already set up with `atlas auth login`, read from the CLI's `config.toml`
//! and, for the secrets, from the OS keyring (see [`super::keyring`]).

use std::path::{Path, PathBuf};

use super::credentials::Credentials;
use super::error::ApiError;
use super::keyring::{Keyring, KeyringFailure};
use super::origin::{API_KEY_KEYS, SERVICE_ACCOUNT_KEYS, SecretOrigin, described, keyring_service};
use crate::model::Origin;
use crate::printable::one_line;
use crate::regular_file::{self, FileError};
use crate::secret::Secret;

/// The variable that names the profile when `--profile` does not.
pub const PROFILE_VARIABLE: &str = "MONGODB_ATLAS_PROFILE";

/// The profile read when none is named, if the file has it.
pub const DEFAULT_PROFILE: &str = "default";

/// A larger `config.toml` is refused: a profile is a few hundred bytes.
pub const MAX_CONFIG_BYTES: u64 = 4 * 1024 * 1024;

const ATLAS_FOR_GOVERNMENT: &str = "https://cloud.mongodbgov.com";

/// How the profile came to be named, for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Asked {
    /// `--profile NAME`.
    Flag,
    /// `MONGODB_ATLAS_PROFILE`.
    Variable,
    /// Nobody named one: the `default` profile, since the file has it.
    Default,
}

/// One profile of the Atlas CLI's `config.toml`, its secrets not yet read.
pub struct Profile {
    pub name: String,
    pub file: PathBuf,
    settings: toml::Table,
}

/// What kind of credentials a profile holds (`auth_type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AuthType {
    ApiKeys,
    ServiceAccount,
    UserAccount,
}

impl AuthType {
    /// The TOML keys of the identifier and of the secret.
    fn keys(self) -> [&'static str; 2] {
        match self {
            AuthType::ApiKeys => API_KEY_KEYS,
            AuthType::ServiceAccount => SERVICE_ACCOUNT_KEYS,
            AuthType::UserAccount => ["access_token", "refresh_token"],
        }
    }
}

/// The folder the Atlas CLI keeps `config.toml` in, as Go's
/// `os.UserConfigDir` finds it (the CLI's `CLIConfigHome`), then `atlascli`.
pub fn config_dir(var: &impl Fn(&str) -> Option<String>) -> Result<PathBuf, String> {
    let set = |name: &str| var(name).filter(|value| !value.is_empty());
    let base = if cfg!(windows) {
        set("APPDATA")
            .map(PathBuf::from)
            .ok_or("`APPDATA` is not set")?
    } else if cfg!(target_os = "macos") {
        set("HOME")
            .map(|home| Path::new(&home).join("Library/Application Support"))
            .ok_or("`HOME` is not set")?
    } else {
        match set("XDG_CONFIG_HOME").filter(|dir| Path::new(dir).is_absolute()) {
            Some(dir) => PathBuf::from(dir),
            None => set("HOME")
                .map(|home| Path::new(&home).join(".config"))
                .ok_or("neither `XDG_CONFIG_HOME` nor `HOME` is set")?,
        }
    };
    Ok(base.join("atlascli"))
}

impl Profile {
    /// The profile `--profile` (`flag`) or `MONGODB_ATLAS_PROFILE` names,
    /// else the `default` profile when the file has one; `None` when no
    /// profile is named and there is no `default` to read.
    pub fn load(
        flag: Option<&str>,
        var: &impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Profile>, ApiError> {
        let named = match flag.filter(|name| !name.is_empty()) {
            Some(name) => Some((name.to_owned(), Asked::Flag)),
            None => var(PROFILE_VARIABLE)
                .filter(|name| !name.is_empty())
                .map(|name| (name, Asked::Variable)),
        };
        let asking = match &named {
            Some((name, Asked::Flag)) => format!("`--profile {}`", one_line(name)),
            Some((name, _)) => format!("`{PROFILE_VARIABLE}={}`", one_line(name)),
            None => format!(
                "the `{DEFAULT_PROFILE}` profile (read when neither `--profile` nor \
                 `{PROFILE_VARIABLE}` names one)"
            ),
        };
        let dir = match config_dir(var) {
            Ok(dir) => dir,
            Err(_) if named.is_none() => return Ok(None),
            Err(why) => {
                return Err(ApiError::Config(format!(
                    "{asking} names an Atlas CLI profile, but its configuration folder is \
                     unknown: {why}; set `HOME` (or `XDG_CONFIG_HOME`), or use the \
                     `MONGODB_ATLAS_*` credential variables instead"
                )));
            }
        };
        let file = dir.join("config.toml");
        let shown = shown_path(&file);
        let text = match regular_file::read_text(&file, MAX_CONFIG_BYTES) {
            Ok(text) => text,
            Err(FileError::NotFound { dangling: false }) if named.is_none() => {
                return Ok(None);
            }
            Err(FileError::NotFound { dangling: false }) => {
                return Err(ApiError::Config(format!(
                    "{asking} names an Atlas CLI profile, but there is no Atlas CLI \
                     configuration at `{shown}` (the `atlascli` folder of `XDG_CONFIG_HOME`, else of \
                     `~/.config`): run `atlas auth login --profile NAME` first, or use the \
                     `MONGODB_ATLAS_*` credential variables instead"
                )));
            }
            Err(err) => {
                return Err(ApiError::Config(format!(
                    "the Atlas CLI configuration `{shown}` {err}"
                )));
            }
        };
        let table = parse(&text, &file)?;
        let profiles: Vec<&String> = table
            .iter()
            .filter(|(_, value)| value.is_table())
            .map(|(name, _)| name)
            .collect();
        let (wanted, asked) = named.unwrap_or_else(|| (DEFAULT_PROFILE.to_owned(), Asked::Default));
        let listed = |names: &[&String]| {
            let names: Vec<String> = names.iter().map(|n| format!("`{}`", one_line(n))).collect();
            names.join(", ")
        };
        // The exact name wins. The Atlas CLI lowercases profile names (and
        // viper, the keys), so one that differs only in case is taken too,
        // but only when it is the only one: never a guess between two.
        let found = match profiles.iter().find(|name| ***name == wanted) {
            Some(name) => Some(*name),
            None => {
                let alike: Vec<&String> = profiles
                    .iter()
                    .filter(|name| name.eq_ignore_ascii_case(&wanted))
                    .copied()
                    .collect();
                match alike.as_slice() {
                    [] => None,
                    [one] => Some(*one),
                    several => {
                        return Err(ApiError::Config(format!(
                            "{asking}: `{shown}` has no profile `{}`, and its profiles {} differ \
                             from it only in case; give the exact name of the one to use",
                            one_line(&wanted),
                            listed(several)
                        )));
                    }
                }
            }
        };
        let Some(name) = found else {
            if asked == Asked::Default {
                return Ok(None);
            }
            let known = if profiles.is_empty() {
                "it has no profile".to_owned()
            } else {
                format!("its profiles are {}", listed(&profiles))
            };
            return Err(ApiError::Config(format!(
                "{asking}: `{shown}` has no profile `{}`; {known}",
                one_line(&wanted)
            )));
        };
        let settings = match table.get(name.as_str()) {
            Some(toml::Value::Table(settings)) => settings.clone(),
            _ => toml::Table::new(),
        };
        Ok(Some(Profile {
            name: name.clone(),
            file,
            settings,
        }))
    }

    /// "Atlas CLI profile `NAME` in `FILE`", for messages.
    pub fn described(&self) -> String {
        described(&self.name, &self.file)
    }

    /// The keyring service the Atlas CLI keeps this profile's secrets under.
    pub fn keyring_service(&self) -> String {
        keyring_service(&self.name)
    }

    /// The profile's `org_id`, when it has one.
    pub fn org_id(&self) -> Result<Option<String>, ApiError> {
        self.text("org_id")
    }

    /// The base URL the profile sets and the setting that set it:
    /// `ops_manager_url` (or its alias `base_url`), else
    /// `service = "cloudgov"`. `None` for Atlas's own address.
    pub fn base_url(&self) -> Result<Option<(String, &'static str)>, ApiError> {
        for key in ["ops_manager_url", "base_url"] {
            if let Some(url) = self.text(key)? {
                return Ok(Some((url, key)));
            }
        }
        match self.text("service")?.as_deref() {
            None | Some("cloud") => Ok(None),
            Some("cloudgov") => Ok(Some((ATLAS_FOR_GOVERNMENT.to_owned(), "service"))),
            // The value is not repeated: the file is not tether's to quote.
            Some(_) => Err(ApiError::Config(format!(
                "{} sets `service` to another service than Atlas, and tether speaks only to \
                 Atlas: set `service` to `cloud` or `cloudgov` (Atlas for Government), or leave \
                 it out",
                self.described()
            ))),
        }
    }

    /// The profile's credentials, the secret half (and the identifier, where
    /// the Atlas CLI put it there too) from `keyring` first, else from the
    /// file. Never a value in an error.
    pub fn credentials(
        &self,
        keyring: &dyn Keyring,
    ) -> Result<(Credentials, SecretOrigin), ApiError> {
        let auth = self.auth_type()?;
        if auth == AuthType::UserAccount {
            return Err(ApiError::Config(format!(
                "{} is a `user_account` profile (a browser login, whose tokens expire and are \
                 refreshed only by the Atlas CLI), which tether does not use: choose an API key \
                 or service account profile (`atlas auth login --profile NAME`, then \
                 `ServiceAccount` or `APIKeys`), or set `MONGODB_ATLAS_CLIENT_ID` and \
                 `MONGODB_ATLAS_CLIENT_SECRET`",
                self.described()
            )));
        }
        let [id_key, secret_key] = auth.keys();
        let id = self.lookup(id_key, keyring)?;
        let secret = self.lookup(secret_key, keyring)?;
        let (id, secret, origin) = match (id, secret) {
            (Found::Value(id, _), Found::Value(secret, origin)) => (id, secret, origin),
            (id, secret) => {
                let missing: Vec<(&str, Option<KeyringFailure>)> =
                    [(id_key, id), (secret_key, secret)]
                        .into_iter()
                        .filter_map(|(key, found)| match found {
                            Found::Value(..) => None,
                            Found::Missing(failure) => Some((key, failure)),
                        })
                        .collect();
                return Err(self.missing(&missing, [id_key, secret_key]));
            }
        };
        let credentials = match auth {
            AuthType::ApiKeys => Credentials::ApiKey {
                public: id.expose().to_owned(),
                private: secret,
            },
            _ => Credentials::ServiceAccount {
                client_id: id.expose().to_owned(),
                secret,
            },
        };
        credentials
            .check()
            .map_err(|err| ApiError::Config(format!("{}: {err}", self.described())))?;
        Ok((credentials, origin))
    }

    /// `auth_type`, or, for files written before it existed, the kind whose
    /// keys the file holds (API keys when it holds none).
    fn auth_type(&self) -> Result<AuthType, ApiError> {
        match self.text("auth_type")?.as_deref() {
            Some("api_keys") => Ok(AuthType::ApiKeys),
            Some("service_account") => Ok(AuthType::ServiceAccount),
            Some("user_account") => Ok(AuthType::UserAccount),
            Some(_) => Err(ApiError::Config(format!(
                "{} has an `auth_type` tether does not know: set it to `api_keys` or \
                 `service_account` (`user_account` is refused), or run `atlas auth login \
                 --profile {}` again",
                self.described(),
                one_line(&self.name)
            ))),
            None => {
                let holds = |auth: AuthType| {
                    auth.keys()
                        .iter()
                        .any(|key| self.settings.contains_key(*key))
                };
                Ok([AuthType::ServiceAccount, AuthType::UserAccount]
                    .into_iter()
                    .find(|auth| holds(*auth))
                    .unwrap_or(AuthType::ApiKeys))
            }
        }
    }

    /// A secure key: the keyring's entry, else the file's value. A keyring
    /// that fails is no error while the file holds the value.
    fn lookup(&self, key: &str, keyring: &dyn Keyring) -> Result<Found, ApiError> {
        let failure = match keyring.get(&self.keyring_service(), key) {
            Ok(Some(value)) if !value.expose().is_empty() => {
                return Ok(Found::Value(value, SecretOrigin::Keyring));
            }
            Ok(_) => None,
            Err(failure) => Some(failure),
        };
        Ok(match self.text(key)? {
            Some(value) => Found::Value(Secret::new(value), SecretOrigin::File),
            None => Found::Missing(failure),
        })
    }

    /// The error for credentials with keys found nowhere: which keys, and
    /// why the keyring did not give them.
    fn missing(&self, missing: &[(&str, Option<KeyringFailure>)], keys: [&str; 2]) -> ApiError {
        let service = one_line(&self.keyring_service()).into_owned();
        let names: Vec<String> = missing.iter().map(|(key, _)| format!("`{key}`")).collect();
        let names = names.join(" and ");
        let held = keys
            .iter()
            .find(|key| !missing.iter().any(|(m, _)| m == *key));
        let has = match held {
            Some(key) => format!("has `{key}` but no {names}"),
            None => format!("has no {names}"),
        };
        let instead = "or set the `MONGODB_ATLAS_*` credential variables instead";
        let failure = missing.iter().find_map(|(_, failure)| failure.as_ref());
        let (place, what) = match failure {
            None => (
                format!("neither in the file nor in the OS keyring (service `{service}`)"),
                format!(
                    "run `atlas auth login --profile {}` again",
                    one_line(&self.name)
                ),
            ),
            Some(failure @ KeyringFailure::Absent) => (
                format!(
                    "in the file, and {} where the Atlas CLI may keep it (service `{service}`)",
                    failure.reason()
                ),
                "unset `TETHER_KEYRING` to read the OS keyring, or put it in the file".to_owned(),
            ),
            Some(failure @ KeyringFailure::Unreadable(_)) => (
                format!(
                    "in the file, and the Atlas CLI keeps it in the OS keyring (service \
                     `{service}`), but {}",
                    failure.reason()
                ),
                "make the keyring readable (unlock it, or run in the desktop session that holds \
                 it) and retry, or put it in the file"
                    .to_owned(),
            ),
        };
        ApiError::Config(format!(
            "{} {has} {place}; {what}, {instead}",
            self.described()
        ))
    }

    /// A setting's text; empty counts as unset. A value of another type is
    /// an error that names the key and never shows the value.
    fn text(&self, key: &str) -> Result<Option<String>, ApiError> {
        match self.settings.get(key) {
            None => Ok(None),
            Some(toml::Value::String(text)) => {
                Ok(Some(text.trim().to_owned()).filter(|t| !t.is_empty()))
            }
            Some(_) => Err(ApiError::Config(format!(
                "{}: `{key}` must be a string",
                self.described()
            ))),
        }
    }
}

/// A path from the environment (`XDG_CONFIG_HOME`, `HOME`), for messages.
fn shown_path(path: &Path) -> String {
    crate::printable::path(path)
}

/// A secure key, as looked up.
enum Found {
    Value(Secret, SecretOrigin),
    /// In neither place; with why the keyring did not answer, if it did not.
    Missing(Option<KeyringFailure>),
}

/// The whole file, or an error at `file:line:col` that quotes no text of it
/// (a line may hold a secret).
fn parse(text: &str, file: &Path) -> Result<toml::Table, ApiError> {
    text.parse::<toml::Table>().map_err(|err| {
        let file = shown_path(file);
        let place = match err.span() {
            Some(span) => Origin::in_text(&file, text, span.start).to_string(),
            None => file,
        };
        ApiError::Config(format!(
            "`{place}`: the Atlas CLI configuration is not valid TOML: {}; fix it (or run \
             `atlas config` to rewrite it), or use the `MONGODB_ATLAS_*` credential variables \
             instead",
            err.message().trim_end()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::atlas::keyring::{MemoryKeyring, NoKeyring};
    use std::collections::HashMap;

    const PRIVATE: &str = "private-key-value-0000-1111";
    const CLIENT_SECRET: &str = "mdb_sa_sk_client_secret_value";

    /// A config folder holding `toml`, and the variables that point at it.
    fn setup(toml: &str) -> (tempfile::TempDir, HashMap<String, String>) {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("atlascli");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("config.toml"), toml).unwrap();
        let vars = HashMap::from([(
            "XDG_CONFIG_HOME".to_owned(),
            home.path().display().to_string(),
        )]);
        (home, vars)
    }

    fn load(
        flag: Option<&str>,
        vars: &HashMap<String, String>,
    ) -> Result<Option<Profile>, ApiError> {
        Profile::load(flag, &|name: &str| vars.get(name).cloned())
    }

    fn message(err: ApiError) -> String {
        let text = err.to_string();
        for secret in [PRIVATE, CLIENT_SECRET] {
            assert!(!text.contains(secret), "{text}");
        }
        text
    }

    #[test]
    fn the_folder_follows_xdg_then_home() {
        if cfg!(any(windows, target_os = "macos")) {
            return;
        }
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            config_dir(&vars(&[("XDG_CONFIG_HOME", "/x"), ("HOME", "/h")])).unwrap(),
            Path::new("/x/atlascli")
        );
        assert_eq!(
            config_dir(&vars(&[("XDG_CONFIG_HOME", "relative"), ("HOME", "/h")])).unwrap(),
            Path::new("/h/.config/atlascli")
        );
        assert!(config_dir(&vars(&[])).is_err());
    }

    #[test]
    fn a_named_profile_without_a_home_says_what_is_missing() {
        let err = message(Profile::load(Some("prod"), &|_: &str| None).err().unwrap());
        assert!(err.contains("`--profile prod`"), "{err}");
        assert!(err.contains("configuration folder is unknown"), "{err}");
        assert!(Profile::load(None, &|_: &str| None).unwrap().is_none());
    }

    #[test]
    fn api_keys_from_the_file_when_there_is_no_keyring() {
        let (_home, vars) = setup(&format!(
            "[default]\n  auth_type = \"api_keys\"\n  public_api_key = \"pubkey\"\n  \
             private_api_key = \"{PRIVATE}\"\n  org_id = \"6600000000000000000000aa\"\n"
        ));
        let profile = load(None, &vars).unwrap().expect("the default profile");
        let (credentials, origin) = profile.credentials(&NoKeyring).unwrap();
        assert!(
            matches!(credentials, Credentials::ApiKey { ref public, .. } if public == "pubkey")
        );
        assert_eq!(origin, SecretOrigin::File);
        assert_eq!(
            profile.org_id().unwrap().as_deref(),
            Some("6600000000000000000000aa")
        );
        assert_eq!(profile.base_url().unwrap(), None);
    }

    #[test]
    fn the_keyring_wins_over_the_file_and_a_locked_one_falls_back_to_it() {
        let (_home, vars) = setup(
            "[dev]\nauth_type = \"service_account\"\nclient_id = \"mdb_sa_id_dev\"\n\
             client_secret = \"stale-file-secret\"\nservice = \"cloudgov\"\n",
        );
        let profile = load(Some("dev"), &vars).unwrap().unwrap();
        let keyring = MemoryKeyring::default();
        keyring.insert("atlascli_dev", "client_secret", CLIENT_SECRET);
        let (credentials, origin) = profile.credentials(&keyring).unwrap();
        assert_eq!(origin, SecretOrigin::Keyring);
        assert!(
            matches!(credentials, Credentials::ServiceAccount { ref secret, .. } if secret.is(CLIENT_SECRET))
        );
        assert_eq!(
            profile.base_url().unwrap(),
            Some(("https://cloud.mongodbgov.com".to_owned(), "service"))
        );

        let locked = MemoryKeyring::default();
        locked.fail(
            "atlascli_dev",
            "client_secret",
            KeyringFailure::Unreadable("locked".into()),
        );
        let (_, origin) = profile.credentials(&locked).unwrap();
        assert_eq!(origin, SecretOrigin::File, "the file holds it: no error");
    }

    #[test]
    fn a_locked_keyring_that_holds_the_only_copy_is_an_error_naming_the_profile() {
        let (_home, vars) =
            setup("[dev]\nauth_type = \"service_account\"\nclient_id = \"mdb_sa_id_dev\"\n");
        let profile = load(Some("dev"), &vars).unwrap().unwrap();
        let locked = MemoryKeyring::default();
        locked.fail(
            "atlascli_dev",
            "client_secret",
            KeyringFailure::Unreadable("it is locked or refused access (Locked)".into()),
        );
        let err = message(profile.credentials(&locked).unwrap_err());
        assert!(err.contains("profile `dev`"), "{err}");
        assert!(
            err.contains("has `client_id` but no `client_secret` in the file"),
            "{err}"
        );
        assert!(err.contains("service `atlascli_dev`"), "{err}");
        assert!(err.contains("locked"), "{err}");
        assert!(err.contains("unlock it"), "{err}");

        let err = message(profile.credentials(&NoKeyring).unwrap_err());
        assert!(err.contains("`TETHER_KEYRING=none`"), "{err}");
    }

    #[test]
    fn half_a_credential_names_the_missing_key() {
        let (_home, vars) = setup(&format!(
            "[half]\nauth_type = \"api_keys\"\nprivate_api_key = \"{PRIVATE}\"\n"
        ));
        let profile = load(Some("half"), &vars).unwrap().unwrap();
        let err = message(profile.credentials(&MemoryKeyring::default()).unwrap_err());
        assert!(
            err.contains("has `private_api_key` but no `public_api_key`"),
            "{err}"
        );
        assert!(err.contains("`half`"), "{err}");
    }

    #[test]
    fn ids_may_be_in_the_keyring_too_and_case_does_not_matter() {
        let (_home, vars) = setup("[Prod]\nauth_type = \"api_keys\"\n");
        let profile = load(Some("prod"), &vars).unwrap().unwrap();
        let keyring = MemoryKeyring::default();
        keyring.insert("atlascli_Prod", "public_api_key", "pubkey");
        keyring.insert("atlascli_Prod", "private_api_key", PRIVATE);
        let (credentials, origin) = profile.credentials(&keyring).unwrap();
        assert_eq!(credentials.kind(), crate::atlas::CredentialKind::ApiKey);
        assert_eq!(origin, SecretOrigin::Keyring);
    }

    #[test]
    fn an_unknown_profile_lists_the_ones_there_are() {
        let (_home, vars) = setup("telemetry_enabled = false\n[default]\norg_id = \"x\"\n[prod]\n");
        let err = message(load(Some("staging"), &vars).err().unwrap());
        assert!(err.contains("no profile `staging`"), "{err}");
        assert!(err.contains("its profiles are `default`, `prod`"), "{err}");
        assert!(err.contains("`--profile staging`"), "{err}");
    }

    #[test]
    fn no_default_profile_and_no_file_mean_no_profile_unless_one_is_named() {
        let (_home, vars) = setup("[prod]\n");
        assert!(load(None, &vars).unwrap().is_none());
        let empty = tempfile::tempdir().unwrap();
        let vars = HashMap::from([(
            "XDG_CONFIG_HOME".to_owned(),
            empty.path().display().to_string(),
        )]);
        assert!(load(None, &vars).unwrap().is_none());
        let err = message(load(Some("prod"), &vars).err().unwrap());
        assert!(err.contains("no Atlas CLI configuration at"), "{err}");
        assert!(
            err.contains(
                &empty
                    .path()
                    .join("atlascli/config.toml")
                    .display()
                    .to_string()
            ),
            "{err}"
        );
        let mut named = vars.clone();
        named.insert(PROFILE_VARIABLE.to_owned(), "prod".to_owned());
        let err = message(load(None, &named).err().unwrap());
        assert!(err.contains("`MONGODB_ATLAS_PROFILE=prod`"), "{err}");
    }

    #[test]
    fn a_file_that_is_not_toml_is_an_error_at_its_place_without_its_text() {
        let (home, vars) = setup(&format!(
            "[default]\npublic_api_key = \"pubkey\"\nprivate_api_key = \"{PRIVATE}\n"
        ));
        let err = message(load(None, &vars).err().unwrap());
        let file = home.path().join("atlascli/config.toml");
        assert!(err.contains(&format!("`{}:3:", file.display())), "{err}");
        assert!(err.contains("not valid TOML"), "{err}");
    }

    #[test]
    fn user_accounts_are_refused_with_what_to_use_instead() {
        let (_home, vars) = setup(
            "[me]\nauth_type = \"user_account\"\naccess_token = \"jwt\"\nrefresh_token = \"r\"\n",
        );
        let profile = load(Some("me"), &vars).unwrap().unwrap();
        let err = message(profile.credentials(&NoKeyring).unwrap_err());
        assert!(err.contains("`user_account` profile"), "{err}");
        assert!(err.contains("service account"), "{err}");
        assert!(err.contains("`MONGODB_ATLAS_CLIENT_ID`"), "{err}");
    }

    #[test]
    fn ops_manager_url_sets_the_base_url_and_other_services_are_refused() {
        let (_home, vars) = setup(
            "[dev]\nops_manager_url = \"https://cloud-dev.mongodb.com/\"\n[om]\nservice = \"ops-manager\"\n",
        );
        let dev = load(Some("dev"), &vars).unwrap().unwrap();
        assert_eq!(
            dev.base_url().unwrap(),
            Some((
                "https://cloud-dev.mongodb.com/".to_owned(),
                "ops_manager_url"
            ))
        );
        let om = load(Some("om"), &vars).unwrap().unwrap();
        assert!(message(om.base_url().unwrap_err()).contains("speaks only to Atlas"));
    }

    /// A profile's `auth_type` or `service` may be anything the file holds:
    /// the error names the key, the profile and the file, and what is
    /// allowed, never the value.
    #[test]
    fn a_bad_auth_type_or_service_is_named_by_key_never_by_value() {
        let (home, vars) = setup(
            "[a]\nauth_type = \"s3cret-auth\\nX\"\n[s]\nservice = \"s3cret-service\\u202e\"\n",
        );
        let file = home
            .path()
            .join("atlascli/config.toml")
            .display()
            .to_string();
        let a = load(Some("a"), &vars).unwrap().unwrap();
        let err = message(a.credentials(&NoKeyring).unwrap_err());
        assert!(!err.contains("s3cret"), "{err}");
        assert!(err.contains("`auth_type`"), "{err}");
        assert!(err.contains("profile `a`"), "{err}");
        assert!(err.contains(&file), "{err}");
        assert!(err.contains("`api_keys` or `service_account`"), "{err}");
        let s = load(Some("s"), &vars).unwrap().unwrap();
        let err = message(s.base_url().unwrap_err());
        assert!(!err.contains("s3cret"), "{err}");
        assert!(err.contains("`service`"), "{err}");
        assert!(err.contains("`cloud` or `cloudgov`"), "{err}");
    }

    /// `--profile` takes the profile of that exact name; a name that differs
    /// only in case is taken when it is the only one (the Atlas CLI ignores
    /// case), and is an error listing them when there are several.
    #[test]
    fn the_exact_profile_name_wins_and_a_case_only_match_must_be_unique() {
        let (_home, vars) =
            setup("[Prod]\norg_id = \"upper\"\n[prod]\norg_id = \"lower\"\n[Dev]\n");
        let exact = |name: &str| load(Some(name), &vars).unwrap().unwrap();
        assert_eq!(exact("prod").name, "prod");
        assert_eq!(exact("prod").org_id().unwrap().as_deref(), Some("lower"));
        assert_eq!(exact("Prod").name, "Prod");
        assert_eq!(exact("dev").name, "Dev", "the only one, whatever its case");
        let err = message(load(Some("PROD"), &vars).err().unwrap());
        assert!(err.contains("`--profile PROD`"), "{err}");
        assert!(err.contains("`Prod`, `prod`"), "{err}");
        assert!(err.contains("exact name"), "{err}");
        let (_home, vars) = setup("[Default]\n[DEFAULT]\n");
        let err = message(load(None, &vars).err().unwrap());
        assert!(err.starts_with("the `default` profile"), "{err}");
        assert!(err.contains("`DEFAULT`, `Default`"), "{err}");
    }

    /// Names from the file, the flag or the variable are shown on one line,
    /// their control and invisible characters escaped.
    #[test]
    fn profile_names_in_errors_are_one_line() {
        let (_home, vars) = setup("[\"a\\nb\"]\nauth_type = \"api_keys\"\n[\"c\\u202ed\"]\n");
        let err = message(load(Some("x\ny"), &vars).err().unwrap());
        assert!(err.contains("`--profile x\\u{a}y`"), "{err}");
        assert!(err.contains("no profile `x\\u{a}y`"), "{err}");
        assert!(err.contains("`a\\u{a}b`, `c\\u{202e}d`"), "{err}");
        let profile = load(Some("a\nb"), &vars).unwrap().unwrap();
        let err = message(profile.credentials(&NoKeyring).unwrap_err());
        assert!(err.contains("profile `a\\u{a}b`"), "{err}");
        assert!(err.contains("service `atlascli_a\\u{a}b`"), "{err}");
        assert!(!err.contains('\n'), "{err}");
    }
}
