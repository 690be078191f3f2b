//! The runtime a command talks to Atlas on, with Ctrl-C and SIGTERM turned
//! into one stop request that every phase sees.

use std::future::Future;

use tokio_util::sync::CancellationToken;

use crate::error::Error;

pub struct Session {
    pub runtime: tokio::runtime::Runtime,
    /// Cancelled by Ctrl-C or SIGTERM. Reads stop at once; no write starts
    /// after it; a write already sent is finished and reported.
    pub stop: CancellationToken,
}

impl Session {
    /// A runtime (network-bound: two worker threads do) whose signal
    /// handlers are in place before this returns.
    pub fn start() -> Result<Session, Error> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|err| {
                Error::new(
                    format!("cannot start the async runtime: {err}"),
                    "the system is short of threads or memory",
                )
            })?;
        let stop = CancellationToken::new();
        let signals = {
            let _inside = runtime.enter();
            Signals::listen().map_err(|err| {
                Error::new(
                    format!("cannot listen for Ctrl-C and SIGTERM: {err}"),
                    "the system refused a signal handler; retry",
                )
            })?
        };
        let on_signal = stop.clone();
        runtime.spawn(async move {
            signals.next().await;
            on_signal.cancel();
        });
        Ok(Session { runtime, stop })
    }

    /// Runs `future` to its end, or until a stop is requested: then it is
    /// dropped, so `future` must not write.
    pub fn read<T>(&self, future: impl Future<Output = T>) -> Result<T, Error> {
        self.runtime.block_on(async {
            tokio::select! {
                biased;
                () = self.stop.cancelled() => Err(Error::interrupted()),
                out = future => Ok(out),
            }
        })
    }
}

/// Ctrl-C (SIGINT) and, on unix, SIGTERM.
struct Signals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Signals {
    #[cfg(unix)]
    fn listen() -> std::io::Result<Signals> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Signals {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    #[cfg(not(unix))]
    fn listen() -> std::io::Result<Signals> {
        Ok(Signals {})
    }

    #[cfg(unix)]
    async fn next(mut self) {
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
    }

    #[cfg(not(unix))]
    async fn next(self) {
        let _ = tokio::signal::ctrl_c().await;
    }
}
