//! A faithful local Atlas for tests, demos and users: the third-party
//! integration endpoints (v1.0 and v2), log and metric integrations and the
//! push-based log export (v2), projects, masking, Atlas's
//! validation and errors, Digest and service-account auth, injected faults
//! and request counters, served by axum on loopback. Written from Atlas's
//! documented behaviour, not from tether's client; every unverified choice is
//! in `assumptions`.

mod assumptions;
mod auth;
mod counters;
mod errors;
mod family_fields;
mod family_request;
mod family_validate;
mod faults;
mod id_family;
mod log_integrations;
mod media;
mod metric_integrations;
mod project;
mod push_based;
mod query;
mod request;
mod routes;
mod scalar;
mod schema;
mod server;
mod state;
mod state_file;
mod validate;
mod wire;

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::oneshot;

pub use assumptions::{Assumptions, NcPolicy, OverMaxItems, PutAbsent, PutSemantics};
pub use auth::{ApiKey, AuthMode, REALM, Role, ServiceAccount};
pub use counters::Counts;
pub use faults::{Faults, RateLimit};
pub use scalar::Scalar;
pub use schema::{AtlasField, Version, fields};
pub use state::{AlertConfig, Event};
pub use state_file::{EntryFile, ProjectFile, StateError, StateFile, TagFile};
pub use wire::{DEFAULT_ITEMS_PER_PAGE, MAX_ITEMS_PER_PAGE, V2_MEDIA_TYPE};

/// The families whose entries Atlas keys by an id of their own (see
/// [`SimHandle::change_entry_as_user`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryFamily {
    /// `/groups/{groupId}/logIntegrations`.
    LogIntegrations,
    /// `/groups/{groupId}/metricIntegrations`.
    MetricIntegrations,
}

/// How to run a simulator.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// Where to listen; `127.0.0.1:0` picks a free port.
    pub listen: SocketAddr,
    /// The initial state (projects, integrations with real secrets,
    /// credentials).
    pub state: StateFile,
    /// Write the state here on shutdown.
    pub write_back: Option<PathBuf>,
    pub auth: AuthMode,
    /// Credentials added to those of the state file.
    pub api_keys: Vec<ApiKey>,
    pub service_accounts: Vec<ServiceAccount>,
    /// Lifetime of bearer tokens (`expires_in`); Atlas: 3600 s.
    pub token_lifetime: Duration,
    pub faults: Faults,
    pub assumptions: Assumptions,
    /// Seed of the PRNG behind ids, nonces, tokens and fault decisions.
    pub seed: u64,
    /// Threads of the simulator's own runtime.
    pub worker_threads: usize,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            state: StateFile::default(),
            write_back: None,
            auth: AuthMode::None,
            api_keys: Vec::new(),
            service_accounts: Vec::new(),
            token_lifetime: Duration::from_secs(3600),
            faults: Faults::default(),
            assumptions: Assumptions::default(),
            seed: 0x5eed,
            worker_threads: 2,
        }
    }
}

/// Everything the handlers share.
#[derive(Debug)]
pub(crate) struct Sim {
    assumptions: Assumptions,
    state: RwLock<state::State>,
    auth: auth::Authenticator,
    faults: faults::Injector,
    counters: counters::Counters,
    rng: Mutex<fastrand::Rng>,
}

impl Sim {
    fn read(&self) -> RwLockReadGuard<'_, state::State> {
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, state::State> {
        self.state.write().unwrap_or_else(|e| e.into_inner())
    }

    fn rng(&self) -> MutexGuard<'_, fastrand::Rng> {
        self.rng.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A fresh 24-hex-character id.
    fn new_id(&self) -> String {
        new_id(&mut self.rng())
    }

    fn snapshot(&self) -> StateFile {
        let keys: Vec<ApiKey> = self.auth.api_keys().cloned().collect();
        let accounts: Vec<ServiceAccount> = self.auth.service_accounts().cloned().collect();
        StateFile::from_state(&self.read(), &keys, &accounts)
    }
}

fn new_id(rng: &mut fastrand::Rng) -> String {
    (0..24)
        .map(|_| char::from_digit(rng.u32(0..16), 16).unwrap_or('0'))
        .collect()
}

/// A running simulator. Dropping it shuts it down (and writes the state back
/// when configured to).
#[derive(Debug)]
pub struct SimHandle {
    addr: SocketAddr,
    sim: Arc<Sim>,
    write_back: Option<PathBuf>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

/// Starts a simulator on its own thread with its own tokio runtime, so that
/// plain `#[test]`s and async code can both use it.
pub fn spawn(config: SimConfig) -> io::Result<SimHandle> {
    let invalid = |e: StateError| io::Error::new(io::ErrorKind::InvalidData, e.to_string());
    let mut rng = fastrand::Rng::with_seed(config.seed);
    let state = config
        .state
        .to_state(|| new_id(&mut rng))
        .map_err(invalid)?;
    let mut api_keys = config.state.api_keys();
    api_keys.extend(config.api_keys.iter().cloned());
    let mut accounts = config.state.service_accounts();
    accounts.extend(config.service_accounts.iter().cloned());
    let sim = Arc::new(Sim {
        auth: auth::Authenticator::new(
            config.auth,
            api_keys,
            accounts,
            config.assumptions.nonce_lifetime,
            config.token_lifetime,
            config.assumptions.nc_policy,
        ),
        faults: faults::Injector::new(config.faults.clone(), config.assumptions.retry_after_on_503),
        assumptions: config.assumptions.clone(),
        state: RwLock::new(state),
        counters: counters::Counters::default(),
        rng: Mutex::new(rng),
    });

    let listener = std::net::TcpListener::bind(config.listen)?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(config.worker_threads.max(1))
        .thread_name("tether-sim")
        .enable_all()
        .build()?;
    let router = routes::router(sim.clone());
    let (stop, stopped) = oneshot::channel();
    let thread = std::thread::Builder::new()
        .name("tether-sim".into())
        .spawn(move || {
            runtime.block_on(async move {
                match tokio::net::TcpListener::from_std(listener) {
                    Ok(listener) => server::serve(listener, router, stopped).await,
                    Err(e) => eprintln!("tether sim: cannot listen on {addr}: {e}"),
                }
            });
            runtime.shutdown_timeout(Duration::from_millis(200));
        })?;
    Ok(SimHandle {
        addr,
        sim,
        write_back: config.write_back,
        stop: Some(stop),
        thread: Some(thread),
    })
}

impl SimHandle {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Requests so far, by method and path template.
    pub fn counters(&self) -> Counts {
        self.sim.counters.snapshot()
    }

    pub fn reset_counters(&self) {
        self.sim.counters.reset();
    }

    /// The current state as a state file, real secrets included (what a
    /// write-back would save). Writes still inside the read-after-write delay
    /// are included.
    pub fn snapshot(&self) -> StateFile {
        self.sim.snapshot()
    }

    /// Changes one integration "as a person in the Atlas UI": the change is
    /// validated like a v2 write and recorded in the project's events with
    /// `username` (an e-mail) instead of an API key. `settings` is the
    /// integration's JSON as the API takes it (`{"type": "WEBHOOK", ...}`).
    /// `Err` holds Atlas's error text.
    pub fn change_as_user(
        &self,
        group_id: &str,
        kind: &str,
        settings: &serde_json::Value,
        username: &str,
    ) -> Result<(), String> {
        routes::ui_change(&self.sim, group_id, kind, Some(settings), username, None)
            .map_err(|e| e.detail)
    }

    /// Removes one integration "as a person in the Atlas UI" (see
    /// [`SimHandle::change_as_user`]).
    pub fn remove_as_user(&self, group_id: &str, kind: &str, username: &str) -> Result<(), String> {
        routes::ui_change(&self.sim, group_id, kind, None, username, None).map_err(|e| e.detail)
    }

    /// Creates (`id` `None`), replaces (`id` and `settings`) or removes
    /// (`settings` `None`) one entry of `family` "as a person in the Atlas
    /// UI": validated like an API write, recorded as the same event
    /// (`*_LOG_STREAMING_*`, `OTEL_METRIC_INTEGRATION_*`) with `username`.
    /// `settings` is the entry's JSON as the API takes it. Returns its id;
    /// `Err` holds Atlas's error text.
    pub fn change_entry_as_user(
        &self,
        family: EntryFamily,
        group_id: &str,
        (id, settings): (Option<&str>, Option<&serde_json::Value>),
        username: &str,
    ) -> Result<String, String> {
        let family = match family {
            EntryFamily::LogIntegrations => &log_integrations::LOG_INTEGRATIONS,
            EntryFamily::MetricIntegrations => &metric_integrations::METRIC_INTEGRATIONS,
        };
        id_family::ui_change(&self.sim, family, group_id, id, settings, username)
            .map_err(|e| e.detail)
    }

    /// Adds an alert configuration to a project (its id is generated when
    /// empty) and returns its id.
    pub fn add_alert_config(&self, group_id: &str, mut alert: AlertConfig) -> Option<String> {
        if alert.id.is_empty() {
            alert.id = self.sim.new_id();
        }
        let id = alert.id.clone();
        let mut state = self.sim.write();
        state.get_mut(group_id)?.alert_configs.push(alert);
        Some(id)
    }

    /// A project's events, oldest first.
    pub fn events(&self, group_id: &str) -> Vec<Event> {
        self.sim
            .read()
            .get(group_id)
            .map(|project| project.events.clone())
            .unwrap_or_default()
    }

    /// Stops serving and writes the state back when configured to.
    pub fn shutdown(mut self) -> Result<(), StateError> {
        self.stop_and_save()
    }

    fn stop_and_save(&mut self) -> Result<(), StateError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        match self.write_back.take() {
            Some(path) => self.sim.snapshot().save(&path),
            None => Ok(()),
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        if let Err(e) = self.stop_and_save() {
            eprintln!("tether sim: {e}");
        }
    }
}
