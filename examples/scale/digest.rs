//! Part 2 (cont.): requests with Digest auth and name-only projects, on a
//! simulator of their own.

use std::time::Instant;

use tether::atlas::Credentials;
use tether::secret::Secret;

use crate::args::Args;
use crate::endpoints::{BY_NAME, INTEGRATIONS};
use crate::in_process::{client, plan_through, start_sim};
use crate::report::{Table, bound, secs};
use crate::support::Res;
use crate::workload::{API_PRIVATE, API_PUBLIC, desired_yaml, drifts_none, load, sim_state};

pub fn measure(args: &Args, runtime: &tokio::runtime::Runtime, table: &mut Table) -> Res<()> {
    let (c, l) = (args.concurrency, args.latency);
    // 2 (cont.). With Digest auth and name-only projects, on its own simulator.
    let a = args.auth_projects;
    let m = args.named;
    println!("\n[2] requests with Digest auth: {a} projects, {m} of them by name only");
    {
        let auth_drifts = drifts_none(a);
        let auth_sim = start_sim(sim_state(a, &auth_drifts), args, true)?;
        let credentials = Credentials::ApiKey {
            public: API_PUBLIC.to_owned(),
            private: Secret::new(API_PRIVATE),
        };
        let authed = client(&auth_sim.base_url(), credentials, c)?;
        let auth_desired = load(&desired_yaml(a, m, false))?;
        let started = Instant::now();
        let auth_plan = plan_through(runtime, &authed, &auth_desired)?;
        let wall = started.elapsed();
        let counts = auth_sim.counters();
        let (gets, names, challenges) = (
            counts.get("GET", INTEGRATIONS),
            counts.get("GET", BY_NAME),
            counts.status(401),
        );
        println!(
            "    {} requests: {gets} GET-all, {names} name look-ups, {challenges} answered 401 \
             (Digest challenge); {} per project; wall {} ({} for the bound of {} requests)",
            counts.total(),
            counts.total() as f64 / a as f64,
            secs(wall),
            secs(bound(a + m, c, l)),
            a + m
        );
        assert_eq!(auth_plan.plan.summary().to_apply(), 0);
        assert!(challenges <= 1, "at most one Digest challenge per run");
        assert_eq!(
            counts.total(),
            (a + m) as u64 + challenges,
            "one GET per project, one per name, at most one challenge"
        );
        table.row(
            "2",
            &format!("requests, Digest auth, {a} projects of which {m} by name"),
            format!(
                "{} = {gets} GET-all + {names} by name + {challenges} challenge(s) ({:.3} per project)",
                counts.total(),
                counts.total() as f64 / a as f64
            ),
            "A + M + <=1: met",
        );
    }
    Ok(())
}
