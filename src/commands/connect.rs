//! The Atlas client and the async runtime for the commands that talk to
//! Atlas, built from the global options and the environment.

use crate::atlas::{ApiError, ApiVersion, Client, ClientConfig, Credentials, base_url};
use crate::cli::{Api, GlobalArgs};
use crate::output::Printer;

pub fn client(global: &GlobalArgs, printer: &Printer) -> Result<Client, ApiError> {
    let var = |name: &str| std::env::var(name).ok();
    let mut config = ClientConfig::new(
        base_url(global.base_url.as_deref(), var)?,
        Credentials::from_env(var)?,
    );
    config.api = match global.api {
        Api::V1 => ApiVersion::V1,
        Api::V2 => ApiVersion::V2,
    };
    config.concurrency = usize::from(global.concurrency);
    config.retry.max_attempts = global.retries + 1;
    config.log = printer.request_log();
    Client::new(config)
}

/// The runtime of one command: network-bound, so two worker threads do.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
}
