//! The operating system's keyring, where the Atlas CLI keeps a profile's
//! secrets, behind a seam: tests and `TETHER_KEYRING=none` never reach the
//! real one.
//!
//! Where the Atlas CLI puts them (mongodb/mongodb-atlas-cli,
//! `internal/config/secure/go_keyring.go` and `internal/config/proxy_store.go`):
//! through zalando/go-keyring, service `atlascli_<profile>`, one entry per
//! property, the account (user) name being the property's TOML key:
//! `public_api_key`, `private_api_key`, `client_id`, `client_secret` (and
//! `access_token`, `refresh_token`, which tether does not use). go-keyring
//! stores them as Secret Service items with the attributes `service` and
//! `username` on Linux, generic passwords (service, account) on macOS, and
//! Windows credentials whose target is `<service>:<user>`.

use std::collections::HashMap;
use std::sync::Mutex;

use super::error::ApiError;
use crate::secret::Secret;

/// Where a profile's secrets may be looked up.
pub trait Keyring {
    /// The value kept for `account` under `service`, `Ok(None)` when the
    /// keyring has no such entry.
    fn get(&self, service: &str, account: &str) -> Result<Option<Secret>, KeyringFailure>;
}

/// Why the keyring gave no answer. The text never holds a stored value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyringFailure {
    /// There is no keyring to ask (`TETHER_KEYRING=none`).
    Absent,
    /// The keyring is there but did not answer: locked, access refused, no
    /// Secret Service on the session bus, or another failure.
    Unreadable(String),
}

impl KeyringFailure {
    /// Why, for a message.
    pub fn reason(&self) -> String {
        match self {
            KeyringFailure::Absent => "no keyring is used (`TETHER_KEYRING=none`)".to_owned(),
            KeyringFailure::Unreadable(why) => format!("the OS keyring could not be read: {why}"),
        }
    }
}

/// The keyring `TETHER_KEYRING` asks for: the system's (unset or `system`)
/// or none (`none`, for CI and tests: secrets come from the TOML file only).
pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Box<dyn Keyring>, ApiError> {
    match var("TETHER_KEYRING").as_deref().map(str::trim) {
        None | Some("") | Some("system") => Ok(Box::new(SystemKeyring)),
        Some("none") => Ok(Box::new(NoKeyring)),
        Some(other) => Err(ApiError::Config(format!(
            "`TETHER_KEYRING` is `{other}`: set it to `system` (the default) or `none`"
        ))),
    }
}

/// No keyring at all: every lookup is [`KeyringFailure::Absent`].
pub struct NoKeyring;

impl Keyring for NoKeyring {
    fn get(&self, _service: &str, _account: &str) -> Result<Option<Secret>, KeyringFailure> {
        Err(KeyringFailure::Absent)
    }
}

/// A keyring held in memory, for tests and for tools that embed tether.
#[derive(Default)]
pub struct MemoryKeyring {
    entries: Mutex<HashMap<(String, String), Result<String, KeyringFailure>>>,
}

impl MemoryKeyring {
    /// Keeps `value` for `account` under `service`.
    pub fn insert(&self, service: &str, account: &str, value: &str) {
        self.set(service, account, Ok(value.to_owned()));
    }

    /// Makes the lookup of `account` under `service` fail with `failure`
    /// (a locked keyring, say).
    pub fn fail(&self, service: &str, account: &str, failure: KeyringFailure) {
        self.set(service, account, Err(failure));
    }

    fn set(&self, service: &str, account: &str, entry: Result<String, KeyringFailure>) {
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert((service.to_owned(), account.to_owned()), entry);
    }
}

impl Keyring for MemoryKeyring {
    fn get(&self, service: &str, account: &str) -> Result<Option<Secret>, KeyringFailure> {
        let entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match entries.get(&(service.to_owned(), account.to_owned())) {
            None => Ok(None),
            Some(Ok(value)) => decode_go_keyring(value).map(|v| Some(Secret::new(v))),
            Some(Err(failure)) => Err(failure.clone()),
        }
    }
}

/// The operating system's keyring, through the `keyring` crate.
pub struct SystemKeyring;

impl Keyring for SystemKeyring {
    fn get(&self, service: &str, account: &str) -> Result<Option<Secret>, KeyringFailure> {
        let (service, account) = (service.to_owned(), account.to_owned());
        // The Secret Service client blocks on a tokio runtime of its own,
        // which cannot start on a thread that is inside another runtime:
        // the keyring crate's documentation asks for a thread of its own.
        let read = std::thread::spawn(move || read_system(&service, &account))
            .join()
            .map_err(|_| KeyringFailure::Unreadable("the keyring client stopped".into()))?;
        match read? {
            Some(value) => decode_go_keyring(&value).map(|v| Some(Secret::new(v))),
            None => Ok(None),
        }
    }
}

fn read_system(service: &str, account: &str) -> Result<Option<String>, KeyringFailure> {
    // go-keyring names a Windows credential `<service>:<user>`.
    let entry = if cfg!(windows) {
        ::keyring::Entry::new_with_target(&format!("{service}:{account}"), service, account)
    } else {
        ::keyring::Entry::new(service, account)
    };
    let unreadable = |err: ::keyring::Error| {
        // Only variants whose text names no stored value are shown.
        let why = match &err {
            ::keyring::Error::NoStorageAccess(inner) => {
                format!("it is locked or refused access ({inner})")
            }
            ::keyring::Error::PlatformFailure(inner) => inner.to_string(),
            ::keyring::Error::BadEncoding(_) => "the entry is not UTF-8 text".to_owned(),
            ::keyring::Error::Ambiguous(_) => "more than one entry matches".to_owned(),
            ::keyring::Error::TooLong(name, _) | ::keyring::Error::Invalid(name, _) => {
                format!("the keyring refused the entry's `{name}`")
            }
            _ => "an unknown keyring failure".to_owned(),
        };
        KeyringFailure::Unreadable(why)
    };
    match entry.and_then(|entry| entry.get_password()) {
        Ok(value) => Ok(Some(value)),
        Err(::keyring::Error::NoEntry) => Ok(None),
        Err(err) => Err(unreadable(err)),
    }
}

/// A value as go-keyring stored it: on macOS, a value it had to encode
/// carries a prefix (`go-keyring-base64:` then base64, or, in older
/// versions, `go-keyring-encoded:` then hex).
fn decode_go_keyring(stored: &str) -> Result<String, KeyringFailure> {
    use base64::Engine as _;
    let bad = || KeyringFailure::Unreadable("the entry's go-keyring encoding is broken".into());
    if let Some(encoded) = stored.strip_prefix("go-keyring-base64:") {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .map_err(|_| bad())?;
        return String::from_utf8(bytes).map_err(|_| bad());
    }
    if let Some(encoded) = stored.strip_prefix("go-keyring-encoded:") {
        let encoded = encoded.trim();
        if encoded.len() % 2 != 0 {
            return Err(bad());
        }
        let bytes = (0..encoded.len())
            .step_by(2)
            .map(|i| {
                encoded
                    .get(i..i + 2)
                    .and_then(|pair| u8::from_str_radix(pair, 16).ok())
            })
            .collect::<Option<Vec<u8>>>()
            .ok_or_else(bad)?;
        return String::from_utf8(bytes).map_err(|_| bad());
    }
    Ok(stored.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_keyring_encodings_are_decoded() {
        assert_eq!(decode_go_keyring("plain").unwrap(), "plain");
        assert_eq!(
            decode_go_keyring("go-keyring-base64:c2VjcmV0LXZhbHVl").unwrap(),
            "secret-value"
        );
        assert_eq!(
            decode_go_keyring("go-keyring-encoded:736563726574").unwrap(),
            "secret"
        );
        let broken = decode_go_keyring("go-keyring-encoded:7365zz").unwrap_err();
        assert!(!broken.reason().contains("7365"), "{broken:?}");
    }

    #[test]
    fn tether_keyring_chooses_the_keyring() {
        let none = from_env(|_| Some("none".to_owned())).unwrap();
        assert_eq!(
            none.get("atlascli_default", "client_secret").unwrap_err(),
            KeyringFailure::Absent
        );
        let err = from_env(|_| Some("vault".to_owned())).err().unwrap();
        assert!(
            err.to_string().contains("`system` (the default) or `none`"),
            "{err}"
        );
    }

    #[test]
    fn the_memory_keyring_answers_and_fails_as_told() {
        let keyring = MemoryKeyring::default();
        keyring.insert("atlascli_dev", "client_secret", "sk-value");
        keyring.fail(
            "atlascli_dev",
            "client_id",
            KeyringFailure::Unreadable("locked".into()),
        );
        assert!(
            keyring
                .get("atlascli_dev", "client_secret")
                .unwrap()
                .unwrap()
                .is("sk-value")
        );
        assert!(keyring.get("atlascli_dev", "client_id").is_err());
        assert!(
            keyring
                .get("atlascli_dev", "public_api_key")
                .unwrap()
                .is_none()
        );
    }
}
