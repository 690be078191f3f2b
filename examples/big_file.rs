//! The large-file benchmark: the target is that a 10 MB file of valid
//! projects validates in well under a second. One run, every number side by
//! side.
//!
//! ```sh
//! cargo build --release            # the benchmark runs the real `tether` binary
//! cargo run --release --example big_file -- --megabytes 10 --runs 7
//! ```
//!
//! The file is `examples/realistic.yaml` with its projects repeated under
//! fresh ids and names until it reaches the size: defaults, templates,
//! `use`, comments, quoted templates and every integration type, as a
//! platform team writes them. Its variables come from `examples/realistic.env`.
//!
//! Measured, runs interleaved so that the machine's load hits all alike:
//! - `tether validate -q` on the file (process start and file read included):
//!   wall time, and CPU time and peak RSS when GNU time is there;
//! - in-process, `config::load_str` (no process, no file read) and, for
//!   reference, serde-saphyr parsing the same text into a generic value.
//!
//! No timed assertions: the machine is shared. Exit codes are checked.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tether::config::{Unset, load_str};
use tether::model::Slot;

mod support;

use support::Res;

const REALISTIC: &str = include_str!("realistic.yaml");
const REALISTIC_ENV: &str = include_str!("realistic.env");

struct Args {
    megabytes: usize,
    runs: usize,
}

impl Args {
    fn parse() -> Res<Args> {
        let mut args = Args {
            megabytes: 10,
            runs: 7,
        };
        let mut given = std::env::args().skip(1);
        while let Some(flag) = given.next() {
            let mut value = || -> Res<usize> {
                let text = given.next().ok_or(format!("{flag} needs a number"))?;
                Ok(text
                    .parse()
                    .map_err(|_| format!("{flag}: `{text}` is not a number"))?)
            };
            match flag.as_str() {
                "--megabytes" => args.megabytes = value()?.max(1),
                "--runs" => args.runs = value()?.max(1),
                _ => {
                    return Err(
                        format!("unknown flag `{flag}`: use --megabytes N, --runs R").into(),
                    );
                }
            }
        }
        Ok(args)
    }
}

/// `KEY=value` lines, quotes around the value removed.
fn realistic_env() -> HashMap<String, String> {
    REALISTIC_ENV
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.split_once('='))
        .map(|(key, value)| (key.to_owned(), value.trim_matches('\'').to_owned()))
        .collect()
}

/// The realistic file with its project entries repeated, each copy under a
/// fresh id and name, until the text is at least `bytes` long. Returns the
/// text and the number of projects.
fn big_file(bytes: usize) -> (String, usize) {
    let (head, projects) = REALISTIC
        .split_once("projects:\n")
        .expect("realistic.yaml has a projects list");
    let mut entries: Vec<String> = Vec::new();
    for line in projects.split_inclusive('\n') {
        match entries.last_mut() {
            Some(entry) if !line.starts_with("  - ") => entry.push_str(line),
            _ => entries.push(line.to_owned()),
        }
    }
    let mut text = format!("{head}projects:\n");
    let mut count = 0usize;
    while text.len() < bytes {
        for entry in &entries {
            for line in entry.split_inclusive('\n') {
                if let Some(rest) = line.strip_prefix("  - id: ") {
                    text.push_str(&format!("  - id: {count:024x}{}", &rest[24..]));
                } else if let Some(at) = ["  - name: ", "    name: "]
                    .iter()
                    .find_map(|prefix| line.starts_with(prefix).then_some(prefix.len()))
                {
                    // `name: payments-prod   # comment` -> `name: payments-prod-7   # comment`
                    let end = line[at..].find([' ', '\n']).map_or(line.len(), |i| at + i);
                    text.push_str(&format!("{}-{count}{}", &line[..end], &line[end..]));
                } else {
                    text.push_str(line);
                }
            }
            count += 1;
        }
    }
    (text, count)
}

/// One run of the binary: wall time, and CPU time and peak RSS when GNU
/// time is there to read them from wait4(2).
struct Run {
    wall: Duration,
    cpu: Option<Duration>,
    max_rss_kb: Option<u64>,
}

fn validate(bin: &Path, file: &Path, env: &HashMap<String, String>) -> Res<Run> {
    let gnu_time = Path::new("/usr/bin/time");
    let mut command = if gnu_time.is_file() {
        let mut command = Command::new(gnu_time);
        command.args(["-f", "big-file-usage %U %S %M"]).arg(bin);
        command
    } else {
        Command::new(bin)
    };
    command
        .args(["validate", "-q", "-f"])
        .arg(file)
        .envs(env)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let output = command.output()?;
    let wall = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("`tether validate` failed on {}:\n{stderr}", file.display()).into());
    }
    let usage: Vec<f64> = stderr
        .lines()
        .find_map(|line| line.strip_prefix("big-file-usage "))
        .map(|rest| rest.split(' ').filter_map(|v| v.parse().ok()).collect())
        .unwrap_or_default();
    Ok(match usage[..] {
        [user, system, rss] => Run {
            wall,
            cpu: Some(Duration::from_secs_f64(user + system)),
            max_rss_kb: Some(rss as u64),
        },
        _ => Run {
            wall,
            cpu: None,
            max_rss_kb: None,
        },
    })
}

fn timed<T>(work: impl FnOnce() -> T) -> (Duration, T) {
    let started = Instant::now();
    let out = work();
    (started.elapsed(), out)
}

/// The smallest and the median of the runs.
fn min_median(mut values: Vec<Duration>) -> (Duration, Duration) {
    values.sort();
    (values[0], values[values.len() / 2])
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn main() -> Res<()> {
    let args = Args::parse()?;
    let bin = support::tether_binary("")?;
    let env = realistic_env();
    let (text, projects) = big_file(args.megabytes * 1_000_000);
    let dir = std::env::temp_dir().join(format!("tether-big-file-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let file = dir.join("big.yaml");
    std::fs::write(&file, &text)?;

    let loaded = load_str("big.yaml", &text, (&env, Unset::Error))
        .map_err(|report| format!("the generated file is invalid: {}", report.summary()))?;
    let integrations: usize = loaded
        .desired
        .projects
        .iter()
        .flat_map(|p| p.integrations.values())
        .filter(|slot| matches!(slot, Slot::Present(_)))
        .count();
    println!(
        "tether large-file benchmark: {:.1} MB, {projects} projects, {integrations} integrations \
         after layering, {} runs each, {} CPUs",
        text.len() as f64 / 1e6,
        args.runs,
        std::thread::available_parallelism().map_or(1, |p| p.get())
    );

    let mut binary = Vec::new();
    let mut in_process = Vec::new();
    let mut generic = Vec::new();
    for _ in 0..args.runs {
        binary.push(validate(&bin, &file, &env)?);
        let (took, loaded) = timed(|| load_str("big.yaml", &text, (&env, Unset::Error)));
        assert!(loaded.is_ok(), "the file stays valid");
        in_process.push(took);
        let mut options = serde_saphyr::Options::default();
        // Its default budget stops at 250,000 nodes; this file has more.
        options.budget = None;
        let (took, parsed) =
            timed(|| serde_saphyr::from_str_with_options::<serde_json::Value>(&text, options));
        parsed.map_err(|err| format!("serde-saphyr cannot parse the file: {err}"))?;
        generic.push(took);
    }
    std::fs::remove_dir_all(&dir)?;

    let wall = |runs: &[Run]| min_median(runs.iter().map(|r| r.wall).collect());
    let cpu = |runs: &[Run]| {
        let cpu: Option<Vec<Duration>> = runs.iter().map(|r| r.cpu).collect();
        cpu.map(min_median)
    };
    let rss = |runs: &[Run]| runs.iter().filter_map(|r| r.max_rss_kb).max();
    let (binary_min, binary_median) = wall(&binary);
    let (load_min, load_median) = min_median(in_process);
    let (generic_min, generic_median) = min_median(generic);
    let describe = |runs: &[Run]| {
        let (min, median) = wall(runs);
        let mut out = format!("wall {} (median {})", ms(min), ms(median));
        if let Some((cpu_min, cpu_median)) = cpu(runs) {
            out.push_str(&format!(
                ", CPU {} (median {})",
                ms(cpu_min),
                ms(cpu_median)
            ));
        }
        if let Some(kb) = rss(runs) {
            out.push_str(&format!(", peak RSS {:.0} MiB", kb as f64 / 1024.0));
        }
        out
    };

    println!("\n| Measurement (best of {} runs) | Value |", args.runs);
    println!("|---|---|");
    println!("| `tether validate -q`, the file | {} |", describe(&binary));
    println!(
        "| `config::load_str` in-process (parse, walk, interpolate, resolve; system allocator) \
         | {} (median {}) |",
        ms(load_min),
        ms(load_median)
    );
    println!(
        "| reference: serde-saphyr parsing the text into a generic value, in-process | {} \
         (median {}): `load_str` is **{:.2}x** faster |",
        ms(generic_min),
        ms(generic_median),
        generic_min.as_secs_f64() / load_min.as_secs_f64()
    );
    println!(
        "| the binary's wall against `load_str` in-process (process start, file read, \
         allocator) | **{:.2}x** (median {:.2}x) |",
        binary_min.as_secs_f64() / load_min.as_secs_f64(),
        binary_median.as_secs_f64() / load_median.as_secs_f64()
    );
    let target = Duration::from_millis(500);
    println!(
        "| target for 10 MB: well under a second (taken as <= {}), the binary's median wall | {} |",
        ms(target),
        match (args.megabytes >= 10, binary_median <= target) {
            (false, _) => "not measured: pass --megabytes 10",
            (true, true) => "met",
            (true, false) => "NOT met",
        }
    );
    Ok(())
}
