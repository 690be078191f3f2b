//! How the engine gets a client: the settings from the command's options
//! (or a library caller's), an address and credentials.

use crate::atlas::{Client, ClientConfig, ClientSettings, CredentialSource, Credentials, base_url};
use crate::error::Error;

/// How to reach Atlas, for a caller that resolves neither the address nor
/// the credentials itself (see [`connect`]).
#[derive(Clone, Default)]
pub struct Connection {
    /// Else `MONGODB_ATLAS_BASE_URL`, else Atlas's address.
    pub base_url: Option<String>,
    pub settings: ClientSettings,
}

/// A client for Atlas at `connection.base_url`, with credentials from the
/// variables `var` reads.
pub fn connect(
    connection: Connection,
    var: impl Fn(&str) -> Option<String>,
) -> Result<Client, Error> {
    let url = base_url(connection.base_url.as_deref(), &var)?;
    let (credentials, names) = Credentials::from_env_named(&var)?;
    let from = names.map_or(CredentialSource::None, CredentialSource::Variables);
    connect_to(connection.settings, url, credentials, from)
}

/// A client for Atlas at `url` with `credentials`, found already where
/// `from` says (see [`crate::atlas::Access`]).
pub fn connect_to(
    settings: ClientSettings,
    url: reqwest::Url,
    credentials: Credentials,
    from: CredentialSource,
) -> Result<Client, Error> {
    Ok(Client::new(ClientConfig {
        base_url: url,
        credentials,
        credentials_from: Some(from),
        settings,
    })?)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::atlas::{ApiVersion, RetryPolicy};

    const GIVEN: &str = "http://127.0.0.1:18081";
    const IN_VARIABLE: &str = "http://127.0.0.1:18082";

    fn variables(name: &str) -> Option<String> {
        (name == "MONGODB_ATLAS_BASE_URL").then(|| IN_VARIABLE.to_owned())
    }

    #[test]
    fn the_base_url_given_is_the_one_used_over_the_variable() {
        let connection = Connection {
            base_url: Some(GIVEN.to_owned()),
            settings: ClientSettings::default(),
        };
        let client = connect(connection, variables).expect("a client");
        assert_eq!(client.base_url().as_str(), format!("{GIVEN}/"));
        let client = connect(Connection::default(), variables).expect("a client");
        assert_eq!(client.base_url().as_str(), format!("{IN_VARIABLE}/"));
    }

    #[test]
    fn the_settings_given_are_the_ones_the_client_has() {
        let settings = ClientSettings {
            api: ApiVersion::V1,
            concurrency: 3,
            retry: RetryPolicy::with_retries(0),
            request_timeout: Duration::from_secs(1),
            ..ClientSettings::default()
        };
        let url = base_url(Some(GIVEN), |_| None).expect("a URL");
        let client =
            connect_to(settings, url, Credentials::None, CredentialSource::None).expect("a client");
        assert_eq!(client.api(), ApiVersion::V1);
        assert_eq!(client.current_concurrency(), 3);
        assert_eq!(client.base_url().as_str(), format!("{GIVEN}/"));
    }
}
