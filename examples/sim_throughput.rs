//! Throughput of the simulator on loopback: GET-all of integrations across
//! thousands of projects, many concurrent clients, no injected latency.
//!
//! cargo run --release --example sim_throughput -- --projects 5000 [--clients 32] [--seconds 5] [--threads 2]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tether::sim::{ProjectFile, Scalar, SimConfig, StateFile, spawn};

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn state(projects: u64) -> StateFile {
    let integration = |kind: &str, fields: &[(&str, &str)]| {
        let fields = fields
            .iter()
            .map(|(name, value)| ((*name).to_owned(), Scalar::Text((*value).to_owned())))
            .collect();
        (kind.to_owned(), fields)
    };
    let integrations: std::collections::BTreeMap<_, _> = [
        integration(
            "PAGER_DUTY",
            &[
                ("serviceKey", "0123456789abcdef0123456789abcdef"),
                ("region", "US"),
            ],
        ),
        integration(
            "DATADOG",
            &[
                ("apiKey", "fedcba9876543210fedcba9876543210"),
                ("region", "EU"),
            ],
        ),
        integration(
            "WEBHOOK",
            &[("url", "https://hooks.example.com/atlas/abcd2101")],
        ),
    ]
    .into_iter()
    .collect();
    let projects = (0..projects)
        .map(|i| ProjectFile {
            id: format!("{i:024x}"),
            name: format!("project-{i}"),
            org_id: format!("{:024x}", 0xff00 + i % 10),
            cluster_count: 1,
            integrations: integrations.clone(),
            ..ProjectFile::default()
        })
        .collect();
    StateFile {
        projects,
        ..StateFile::default()
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let projects = arg("--projects", 5000);
    let clients = arg("--clients", 32);
    let seconds = arg("--seconds", 5);
    let threads = arg("--threads", 2) as usize;
    // reqwest is built with `rustls-no-provider`.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let handle = spawn(SimConfig {
        state: state(projects),
        worker_threads: threads,
        ..SimConfig::default()
    })?;
    let base = handle.base_url();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()?;
    let done = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    runtime.block_on(async {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(clients as usize)
            .build()
            .expect("a client");
        let mut tasks = Vec::new();
        for c in 0..clients {
            let (client, base) = (client.clone(), base.clone());
            let (done, failed) = (done.clone(), failed.clone());
            tasks.push(tokio::spawn(async move {
                let mut i = c;
                while Instant::now() < deadline {
                    let url = format!(
                        "{base}/api/atlas/v1.0/groups/{:024x}/integrations",
                        i % projects
                    );
                    i += clients;
                    let ok = match client.get(&url).send().await {
                        Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                        Err(_) => false,
                    };
                    if ok {
                        done.fetch_add(1, Ordering::Relaxed);
                    } else {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }));
        }
        for task in tasks {
            let _ = task.await;
        }
    });
    let elapsed = started.elapsed().as_secs_f64();
    let done = done.load(Ordering::Relaxed);
    println!(
        "{projects} projects, {clients} clients, {threads} server threads: {done} GET-all in {elapsed:.1} s = {:.0} requests/s ({} failed)",
        done as f64 / elapsed,
        failed.load(Ordering::Relaxed)
    );
    let counts = handle.counters();
    println!("server counted {} requests", counts.total());
    Ok(())
}
