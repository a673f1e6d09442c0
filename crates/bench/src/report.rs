//! The report: one Markdown table (pasteable into the README) and the same figures as JSON.

use serde::Serialize;

use crate::load::Outcome;

#[derive(Debug, Serialize)]
pub struct Report {
    pub date: String,
    pub backend: String,
    pub quick: bool,
    pub cores: usize,
    pub memory_gib: f64,
    pub command: String,
    /// The echo server's requests per second in this run.
    pub baseline_per_second: f64,
    pub rows: Vec<Row>,
    /// Requests that failed or messages that never arrived: the run measured something broken.
    pub problems: Vec<String>,
}

/// One line of the table.
#[derive(Debug, Serialize)]
pub struct Row {
    pub scenario: String,
    pub value: String,
    pub per_second: Option<f64>,
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    /// `per_second` over the baseline's.
    pub vs_baseline: Option<f64>,
    pub target: String,
    /// `yes`, `no`, or empty where there is no target.
    pub met: String,
    pub note: String,
}

impl Row {
    /// A throughput row from a closed-loop outcome.
    pub fn rate(scenario: &str, o: &Outcome, baseline: f64, target: Option<f64>) -> Self {
        let per_second = o.per_second();
        let ratio = per_second / baseline.max(1e-9);
        let mut note = format!("{} ok", o.ok);
        if o.failed > 0 {
            note.push_str(&format!(
                ", {} failed (first: {})",
                o.failed,
                o.first_error.as_deref().unwrap_or("?")
            ));
        }
        Self {
            scenario: scenario.to_owned(),
            value: format!("{per_second:.0}/s"),
            per_second: Some(per_second),
            p50_ms: Some(o.quantile_ms(0.50)),
            p99_ms: Some(o.quantile_ms(0.99)),
            vs_baseline: Some(ratio),
            target: target.map_or(String::new(), |t| {
                format!(">= {:.0}% of baseline", t * 100.0)
            }),
            met: target.map_or(String::new(), |t| yes_no(ratio >= t && o.failed == 0)),
            note,
        }
    }

    /// A latency row: the figure is the p99.
    pub fn latency(scenario: &str, o: &Outcome, target_ms: f64, note: String) -> Self {
        let p99 = o.quantile_ms(0.99);
        Self {
            scenario: scenario.to_owned(),
            value: format!("p99 {p99:.2} ms"),
            per_second: Some(o.per_second()),
            p50_ms: Some(o.quantile_ms(0.50)),
            p99_ms: Some(p99),
            vs_baseline: None,
            target: format!("p99 < {target_ms} ms"),
            met: yes_no(p99 < target_ms && o.failed == 0),
            note,
        }
    }

    /// A row with one figure and a target checked by the caller.
    pub fn figure(
        scenario: &str,
        value: String,
        target: &str,
        met: Option<bool>,
        note: String,
    ) -> Self {
        Self {
            scenario: scenario.to_owned(),
            value,
            per_second: None,
            p50_ms: None,
            p99_ms: None,
            vs_baseline: None,
            target: target.to_owned(),
            met: met.map_or(String::new(), yes_no),
            note,
        }
    }
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_owned()
}

fn opt(v: Option<f64>, digits: usize, suffix: &str) -> String {
    v.map_or(String::new(), |v| format!("{v:.digits$}{suffix}"))
}

impl Report {
    pub fn markdown(&self) -> String {
        let mut out = format!(
            "Switchboard benchmark, {} on {} ({} cores, {:.0} GiB){}\n`{}`\n\n\
             | scenario | figure | p50 | p99 | vs echo | target | met | notes |\n\
             |---|---|---|---|---|---|---|---|\n",
            self.date,
            self.backend,
            self.cores,
            self.memory_gib,
            if self.quick {
                ", QUICK run (not representative)"
            } else {
                ""
            },
            self.command,
        );
        out.push_str(&format!(
            "| baseline (axum JSON echo) | {:.0}/s | | | 1.00 | | | same load generator |\n",
            self.baseline_per_second
        ));
        for r in &self.rows {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
                r.scenario,
                r.value,
                opt(r.p50_ms, 2, " ms"),
                opt(r.p99_ms, 2, " ms"),
                opt(r.vs_baseline, 2, ""),
                r.target,
                r.met,
                r.note
            ));
        }
        out
    }
}
