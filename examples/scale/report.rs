//! How the numbers are shown: durations, ratios, the bound they are held
//! to, and the final table.

use std::time::Duration;

pub fn bound(requests: usize, concurrency: usize, latency: Duration) -> Duration {
    latency * requests.div_ceil(concurrency) as u32
}

pub fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

pub fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

pub fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}

/// Rows of the final table: part, measurement, value, target.
#[derive(Default)]
pub struct Table(Vec<[String; 4]>);

impl Table {
    pub fn row(&mut self, part: &str, what: &str, value: String, target: &str) {
        self.0
            .push([part.to_owned(), what.to_owned(), value, target.to_owned()]);
    }

    fn print(&self) {
        println!("| Part | Measurement | Value | Target |");
        println!("|---|---|---|---|");
        for [a, b, c, d] in &self.0 {
            println!("| {a} | {b} | {c} | {d} |");
        }
    }
}

pub fn met(ok: bool) -> &'static str {
    if ok { "met" } else { "MISSED" }
}

/// The final table, as BENCHMARKS.md takes it.
pub fn summary(table: &Table) {
    println!("\nSummary (markdown):\n");
    table.print();
}
