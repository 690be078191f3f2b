//! Part 6: peak memory of the real binary.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::Bench;
use crate::report::{Table, met, ratio, secs};
use crate::support::{self, Res};
use crate::workload::{HOOK_BASE, file_env};

struct BinaryRun {
    wall: Duration,
    max_rss_kb: u64,
    method: &'static str,
    status: Option<i32>,
    stderr_lines: usize,
}

/// The file with the webhook URLs of its first `w` projects written out.
fn literal_file(text: &str, w: usize) -> String {
    let mut projects = 0;
    let mut out = String::with_capacity(text.len() + w * 32);
    for line in text.lines() {
        if line.starts_with("  - ") {
            projects += 1;
        }
        if projects <= w && line.trim_start().starts_with("url: ") {
            out.push_str(&line.replace("${HOOK_BASE}", HOOK_BASE));
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// `tether plan` as the benchmark runs it: this binary, against the
/// simulator at `url`, `concurrency` requests in flight.
struct Binary<'a> {
    bin: &'a Path,
    url: &'a str,
    concurrency: usize,
}

impl Binary<'_> {
    /// Runs `tether plan` on `text` (written to a temporary file), with
    /// `extra` arguments, and reads its peak RSS.
    fn run(&self, text: &str, extra: &[&str]) -> Res<BinaryRun> {
        let dir = std::env::temp_dir();
        let stem = format!("tether-scale-{}", std::process::id());
        let file = dir.join(format!("{stem}.yaml"));
        let stderr_path = dir.join(format!("{stem}.stderr"));
        std::fs::write(&file, text)?;
        let run = self.run_on(&file, &stderr_path, extra);
        let _ = std::fs::remove_file(&file);
        let _ = std::fs::remove_file(&stderr_path);
        run
    }

    fn run_on(&self, file: &Path, stderr_path: &Path, extra: &[&str]) -> Res<BinaryRun> {
        let Binary {
            bin,
            url,
            concurrency,
        } = *self;
        let mut tether_args = vec![
            "--color".to_owned(),
            "never".to_owned(),
            "plan".to_owned(),
            "--base-url".to_owned(),
            url.to_owned(),
            "--no-progress".to_owned(),
            "--concurrency".to_owned(),
            concurrency.to_string(),
            "-f".to_owned(),
            file.display().to_string(),
        ];
        tether_args.extend(extra.iter().map(|a| (*a).to_owned()));
        let stderr = std::fs::File::create(stderr_path)?;
        let configure = |command: &mut Command| {
            for (name, _) in std::env::vars_os() {
                if name.to_string_lossy().starts_with("MONGODB_ATLAS_") {
                    command.env_remove(&name);
                }
            }
            command
                .envs(file_env())
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(stderr);
        };
        let gnu_time = Path::new("/usr/bin/time");
        let started = Instant::now();
        if gnu_time.is_file() {
            // GNU time reports the child's ru_maxrss from wait4(2): exact.
            let mut command = Command::new(gnu_time);
            command.arg("-f").arg("tether-max-rss-kb=%M").arg(bin);
            command.args(&tether_args);
            configure(&mut command);
            let status = command.status()?;
            let wall = started.elapsed();
            let stderr = std::fs::read_to_string(stderr_path)?;
            let max_rss_kb = stderr
                .lines()
                .find_map(|l| l.strip_prefix("tether-max-rss-kb="))
                .and_then(|v| v.trim().parse().ok())
                .ok_or_else(|| format!("no max RSS in the output of /usr/bin/time:\n{stderr}"))?;
            return Ok(BinaryRun {
                wall,
                max_rss_kb,
                method: "/usr/bin/time -f %M (ru_maxrss from wait4)",
                // GNU time exits with the command's status.
                status: status.code(),
                stderr_lines: stderr.lines().count().saturating_sub(1),
            });
        }
        // Without GNU time: poll the high-water mark until the process exits
        // (a lower bound: the last reading before exit).
        let mut command = Command::new(bin);
        command.args(&tether_args);
        configure(&mut command);
        let mut child = command.spawn()?;
        let status_path = format!("/proc/{}/status", child.id());
        let mut max_rss_kb = 0;
        let status = loop {
            if let Ok(text) = std::fs::read_to_string(&status_path)
                && let Some(kb) = text
                    .lines()
                    .find_map(|l| l.strip_prefix("VmHWM:"))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            {
                max_rss_kb = max_rss_kb.max(kb);
            }
            if let Some(status) = child.try_wait()? {
                break status;
            }
            std::thread::sleep(Duration::from_millis(2));
        };
        Ok(BinaryRun {
            wall: started.elapsed(),
            max_rss_kb,
            method: "VmHWM from /proc/PID/status, polled every 2 ms (lower bound)",
            status: status.code(),
            stderr_lines: std::fs::read_to_string(stderr_path)?.lines().count(),
        })
    }
}

/// Part 6: peak RSS of `tether plan` on the N projects, with and without
/// attribution, and with literal webhook URLs.
pub fn binary_memory(bench: &Bench, table: &mut Table) -> Res<()> {
    let &Bench {
        ref args,
        ref sim,
        ref url,
        ref text,
        the_bound,
        deleting,
        ..
    } = bench;
    let (n, c, k) = (args.projects, args.concurrency, args.changes);
    if args.skip_binary {
        println!("\n[6] skipped (`--skip-binary`)");
    } else {
        println!("\n[6] peak memory of `tether plan` (the release binary) for {n} projects");
        // `TETHER_SCALE_BIN` runs another binary (a wrapper, another build).
        let bin = match std::env::var_os("TETHER_SCALE_BIN") {
            Some(bin) => std::path::PathBuf::from(bin),
            None => support::tether_binary(", or pass `--skip-binary`")?,
        };
        let binary = Binary {
            bin: &bin,
            url,
            concurrency: c,
        };
        sim.reset_counters();
        let run = binary.run(text, &[])?;
        let counts = sim.counters();
        let mb = run.max_rss_kb as f64 / 1024.0;
        println!(
            "    {}: max RSS {mb:.1} MiB ({} kB), wall {} ({:.3}x the bound, process start and \
             load included), exit {:?}, {} requests, {} lines on stderr; measured with {}",
            bin.display(),
            run.max_rss_kb,
            secs(run.wall),
            ratio(run.wall, the_bound),
            run.status,
            counts.total(),
            run.stderr_lines,
            run.method
        );
        assert_eq!(run.status, Some(0), "`tether plan` exits 0");
        assert_eq!(
            counts.total(),
            (n + k + deleting) as u64,
            "the binary sends one GET per project, one events call per drifted project and one \
             alert listing per project with a delete"
        );
        table.row(
            "6",
            &format!("peak RSS of `tether plan`, N={n}"),
            format!(
                "{mb:.1} MiB (binary wall {}, {:.3}x the bound)",
                secs(run.wall),
                ratio(run.wall, the_bound)
            ),
            &format!("< 150 MB: {}", met(run.max_rss_kb * 1024 < 150_000_000)),
        );
        // The same plan without attribution (the alert listings stay).
        sim.reset_counters();
        let quiet = binary.run(text, &["--no-attribution"])?;
        let counts = sim.counters();
        assert_eq!(quiet.status, Some(0), "`tether plan` exits 0");
        assert_eq!(counts.total(), (n + deleting) as u64);
        println!(
            "    the same with `--no-attribution` ({} requests): wall {} ({:.3}x the bound), max \
             RSS {:.1} MiB",
            counts.total(),
            secs(quiet.wall),
            ratio(quiet.wall, the_bound),
            quiet.max_rss_kb as f64 / 1024.0
        );
        table.row(
            "6",
            &format!("`tether plan --no-attribution`, N={n} (no events calls)"),
            format!(
                "wall {} ({:.3}x the bound), {:.1} MiB",
                secs(quiet.wall),
                ratio(quiet.wall, the_bound),
                quiet.max_rss_kb as f64 / 1024.0
            ),
            "",
        );
        // The same plan when W projects write their webhook URL out: W
        // "literal secret" warnings, each rendered with its source lines.
        let w = args.literal_projects;
        if w > 0 {
            let literal = literal_file(text, w);
            sim.reset_counters();
            let run = binary.run(&literal, &[])?;
            let counts = sim.counters();
            assert_eq!(run.status, Some(0), "`tether plan` exits 0");
            assert_eq!(counts.total(), (n + k + deleting) as u64);
            println!(
                "    the same with {w} webhook URLs written out ({} lines of warnings on stderr): \
                 wall {} ({:.3}x the bound), max RSS {:.1} MiB",
                run.stderr_lines,
                secs(run.wall),
                ratio(run.wall, the_bound),
                run.max_rss_kb as f64 / 1024.0
            );
            table.row(
                "6",
                &format!(
                    "`tether plan`, N={n}, {w} of them with a literal webhook URL (a warning each)"
                ),
                format!(
                    "wall {} (**{:.3}x the bound**), {:.1} MiB",
                    secs(run.wall),
                    ratio(run.wall, the_bound),
                    run.max_rss_kb as f64 / 1024.0
                ),
                "see BENCHMARKS.md",
            );
        }
    }
    Ok(())
}
