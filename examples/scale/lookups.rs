//! Part 7: attribution and alert references, the lookups `tether plan`
//! makes around its plan, and what they cost.

use std::time::Duration;

use tether::engine;
use tether::plan::Attribution;

use crate::Bench;
use crate::endpoints::{ALERTS, EVENTS};
use crate::in_process::plan_with_lookups;
use crate::report::{Table, bound, met, ratio, secs};
use crate::support::Res;

pub fn measure(bench: &Bench, table: &mut Table) -> Res<()> {
    let &Bench {
        ref args,
        ref runtime,
        ref sim,
        ref desired,
        ref tether,
        the_bound,
        deleting,
        ..
    } = bench;
    let (n, c, l, k) = (args.projects, args.concurrency, args.latency, args.changes);
    // 7. Attribution and alert references: the same plan with the lookups
    // `tether plan` makes around it and without them (`--no-attribution`
    // and no alert listing), alternated on the same simulator.
    let reps = args.lookup_reps;
    println!(
        "\n[7] plan with attribution and alert references ({k} drifted projects, {deleting} with \
         a delete) and without, alternated {reps} times"
    );
    let off = engine::Lookups::default();
    let on = engine::Lookups {
        attribution: true,
        alerts: true,
    };
    let (mut walls_off, mut walls_on) = (Vec::new(), Vec::new());
    let (mut counts_off, mut counts_on) = (None, None);
    let mut found = (0, 0);
    for _ in 0..reps {
        sim.reset_counters();
        let (without, wall) = plan_with_lookups(runtime, tether, desired, off)?;
        assert_eq!(without.plan.summary().to_apply(), k);
        walls_off.push(wall);
        counts_off = Some(sim.counters());
        sim.reset_counters();
        let (with, wall) = plan_with_lookups(runtime, tether, desired, on)?;
        walls_on.push(wall);
        counts_on = Some(sim.counters());
        let attributed = with
            .plan
            .projects
            .iter()
            .filter(|p| {
                matches!(&p.attribution, Some(Attribution::Events { events, .. }) if !events.is_empty())
            })
            .count();
        let referenced = with
            .plan
            .projects
            .iter()
            .filter(|p| !p.orphaned_alerts_by(&p.operations()).is_empty())
            .count();
        found = (attributed, referenced);
    }
    let (counts_off, counts_on) = (
        counts_off.expect("reps >= 1"),
        counts_on.expect("reps >= 1"),
    );
    let events = counts_on.get("GET", EVENTS) - counts_off.get("GET", EVENTS);
    let listings = counts_on.get("GET", ALERTS) - counts_off.get("GET", ALERTS);
    println!(
        "    requests: {} without, {} with: {events} events calls and {listings} alert listings \
         more; {} projects attributed, {} deletes found used by an enabled alert",
        counts_off.total(),
        counts_on.total(),
        found.0,
        found.1
    );
    assert_eq!(
        counts_off.total(),
        n as u64,
        "without: one GET-all per project"
    );
    assert_eq!(events, k as u64, "one events call per drifted project");
    assert_eq!(
        listings, deleting as u64,
        "one listing per project with a delete"
    );
    assert_eq!(
        counts_on.total() - counts_off.total(),
        (k + deleting) as u64,
        "nothing else"
    );
    assert_eq!(found, (k, deleting), "every lookup found what was seeded");
    let median = |walls: &mut Vec<Duration>| {
        walls.sort();
        walls[walls.len() / 2]
    };
    let (wall_off, wall_on) = (median(&mut walls_off), median(&mut walls_on));
    let with_requests = n + k + deleting;
    let vs_bound = ratio(wall_on, the_bound);
    let vs_own_bound = ratio(wall_on, bound(with_requests, c, l));
    let vs_off = ratio(wall_on, wall_off);
    println!(
        "    wall (median of {reps}): without {}, with {} = {vs_off:.3}x; with vs the plan's bound \
         {}: {vs_bound:.3}x; vs the bound of its {with_requests} requests {}: {vs_own_bound:.3}x",
        secs(wall_off),
        secs(wall_on),
        secs(the_bound),
        secs(bound(with_requests, c, l))
    );
    table.row(
        "7",
        &format!("requests of `plan` with attribution + alert references, {k} drifted, {deleting} deletes"),
        format!(
            "{} vs {} without: +{events} events calls, +{listings} alert listings",
            counts_on.total(),
            counts_off.total()
        ),
        &format!(
            "+{k} and +{deleting} exactly: {}",
            met(events == k as u64 && listings == deleting as u64)
        ),
    );
    table.row(
        "7",
        &format!("wall of that plan (fetch + diff + lookups), median of {reps}"),
        format!(
            "{} with, {} without ({vs_off:.3}x); **{vs_bound:.3}x the bound** {} ({vs_own_bound:.3}x \
             the bound of its {with_requests} requests)",
            secs(wall_on),
            secs(wall_off),
            secs(the_bound)
        ),
        &format!("<= 1.15x: {}", met(vs_bound <= 1.15)),
    );
    Ok(())
}
