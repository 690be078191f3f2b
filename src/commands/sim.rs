//! `tether sim`: serve the local Atlas simulator until Ctrl-C.

use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use miette::{IntoDiagnostic, WrapErr, miette};

use crate::cli::SimArgs;
use crate::sim::{self, AuthMode, Faults, PutAbsent, RateLimit, SimConfig, StateFile};

impl SimArgs {
    fn config(&self) -> miette::Result<SimConfig> {
        let state = match &self.state {
            Some(path) => StateFile::load(path).into_diagnostic()?,
            None => StateFile::default(),
        };
        let has_credentials = !state.api_keys.is_empty() || !state.service_accounts.is_empty();
        let auth = if self.no_auth || !has_credentials {
            AuthMode::None
        } else {
            AuthMode::Required
        };
        if auth == AuthMode::None && !is_loopback(self.listen) {
            return Err(miette!(
                help = "listen on loopback (`--listen 127.0.0.1:0`, the default), or give a \
                        `--state` file that lists `apiKeys` or `serviceAccounts`, without \
                        `--no-auth`, so that callers must sign in",
                "`--listen {}` is not a loopback address, and this simulator would answer \
                 anyone without credentials",
                self.listen
            ));
        }
        let mut config = SimConfig {
            listen: self.listen,
            state,
            write_back: self.state.clone().filter(|_| self.write_back),
            auth,
            token_lifetime: Duration::from_secs(self.token_lifetime),
            faults: Faults {
                latency: Duration::from_millis(self.latency_ms),
                jitter: Duration::from_millis(self.jitter_ms),
                rate_limit: self.rate_limit.map(|capacity| RateLimit {
                    capacity,
                    refill: self.rate_limit_refill.unwrap_or(capacity),
                    period: Duration::from_secs(self.rate_limit_period.max(1)),
                }),
                omit_rate_limit_headers: self.rate_limit_no_headers,
                error_500_rate: self.error_500_rate,
                error_503_rate: self.error_503_rate,
                drop_rate: self.drop_rate,
                read_after_write_delay: Duration::from_millis(self.read_after_write_delay_ms),
                failing_projects: self.fail_writes_to.clone(),
                forbidden: self.forbid.clone(),
                ..Faults::default()
            },
            seed: self.seed,
            worker_threads: self.threads,
            ..SimConfig::default()
        };
        if self.v2_put_creates {
            config.assumptions.v2_put_absent = PutAbsent::Create;
        }
        if let Some(secs) = self.nonce_lifetime {
            config.assumptions.nonce_lifetime = Duration::from_secs(secs);
        }
        Ok(config)
    }
}

/// Whether only this machine can reach `addr` (`::ffff:127.0.0.1` too).
fn is_loopback(addr: SocketAddr) -> bool {
    addr.ip().to_canonical().is_loopback()
}

/// Serves until Ctrl-C (or SIGTERM), then writes the state back if asked.
/// Serves until Ctrl-C; a failure comes as miette's report, rendered.
pub fn run(args: &SimArgs) -> Result<(), crate::error::Error> {
    serve(args).map_err(|report| crate::error::Error::rendered(format!("{report:?}\n")))
}

fn serve(args: &SimArgs) -> miette::Result<()> {
    let config = args.config()?;
    let projects = config.state.projects.len();
    let auth = config.auth;
    let handle = sim::spawn(config)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot start the simulator on `{}`", args.listen))?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "tether sim listening on {}", handle.base_url()).into_diagnostic()?;
    stdout.flush().into_diagnostic()?;
    drop(stdout);
    let auth = match auth {
        AuthMode::None => "no credentials required",
        AuthMode::Required => "Digest or service-account credentials required",
    };
    eprintln!("serving {projects} project(s), {auth}; press Ctrl-C to stop");

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .into_diagnostic()?;
    runtime.block_on(wait_for_stop())?;

    handle
        .shutdown()
        .map_err(|e| miette!("{e}"))
        .wrap_err("the simulator stopped but its state was not written back")?;
    if let Some(path) = args.state.as_ref().filter(|_| args.write_back) {
        eprintln!("wrote the state back to `{}`", crate::printable::path(path));
    }
    Ok(())
}

async fn wait_for_stop() -> miette::Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).into_diagnostic()?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result.into_diagnostic(),
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await.into_diagnostic()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_addresses_count_as_loopback() {
        for addr in [
            "127.0.0.1:0",
            "127.0.0.2:8080",
            "[::1]:0",
            "[::ffff:127.0.0.1]:0",
        ] {
            assert!(is_loopback(addr.parse().unwrap()), "{addr}");
        }
        for addr in ["0.0.0.0:0", "[::]:0", "10.0.0.1:0", "[::ffff:10.0.0.1]:0"] {
            assert!(!is_loopback(addr.parse().unwrap()), "{addr}");
        }
    }
}
