//! The load generator: a closed loop of `concurrency` workers, each sending its next request as
//! soon as the previous one is answered, until `total` requests are done or the time is up. Every
//! scenario and the baseline go through this same loop, so their ratios compare like with like.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use parking_lot::Mutex;

/// What a run of the loop measured.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub ok: u64,
    pub failed: u64,
    pub elapsed: Duration,
    /// Microseconds per successful request, sorted.
    pub latencies_us: Vec<u32>,
    pub first_error: Option<String>,
}

impl Outcome {
    pub fn per_second(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// The `q`-th quantile (0..=1) in milliseconds.
    pub fn quantile_ms(&self, q: f64) -> f64 {
        quantile_ms(&self.latencies_us, q)
    }
}

/// The `q`-th quantile of sorted microsecond figures, in milliseconds.
pub fn quantile_ms(sorted_us: &[u32], q: f64) -> f64 {
    if sorted_us.is_empty() {
        return 0.0;
    }
    let i = ((sorted_us.len() as f64 - 1.0) * q).round() as usize;
    f64::from(sorted_us[i.min(sorted_us.len() - 1)]) / 1000.0
}

/// Runs `call(i)` for i in 0..total with `concurrency` workers, stopping early at `limit`.
pub async fn drive<F, Fut>(concurrency: usize, total: usize, limit: Duration, call: F) -> Outcome
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), String>> + Send,
{
    let call = Arc::new(call);
    let next = Arc::new(AtomicUsize::new(0));
    let merged = Arc::new(Mutex::new(Outcome::default()));
    let started = Instant::now();
    let mut workers = Vec::with_capacity(concurrency);
    for _ in 0..concurrency.max(1) {
        let (call, next, merged) = (call.clone(), next.clone(), merged.clone());
        workers.push(tokio::spawn(async move {
            let mut mine = Outcome::default();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total || started.elapsed() >= limit {
                    break;
                }
                let t = Instant::now();
                match call(i).await {
                    Ok(()) => {
                        mine.ok += 1;
                        let us = t.elapsed().as_micros().min(u128::from(u32::MAX)) as u32;
                        mine.latencies_us.push(us);
                    }
                    Err(e) => {
                        mine.failed += 1;
                        mine.first_error.get_or_insert(e);
                    }
                }
            }
            let mut all = merged.lock();
            all.ok += mine.ok;
            all.failed += mine.failed;
            all.latencies_us.append(&mut mine.latencies_us);
            if all.first_error.is_none() {
                all.first_error = mine.first_error;
            }
        }));
    }
    for w in workers {
        let _ = w.await;
    }
    let mut out = std::mem::take(&mut *merged.lock());
    out.elapsed = started.elapsed();
    out.latencies_us.sort_unstable();
    out
}

/// One shared HTTP/1.1 client with a pool as large as the loop.
pub fn client(concurrency: usize) -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(concurrency)
        .timeout(Duration::from_secs(60))
        .build()
        .expect("an HTTP client")
}

/// Answers Ok for the expected status, else the status and the start of the body.
pub async fn expect(
    response: reqwest::Result<reqwest::Response>,
    status: u16,
) -> Result<(), String> {
    let response = response.map_err(|e| e.to_string())?;
    if response.status().as_u16() == status {
        // Read the body so the connection goes back to the pool.
        let _ = response.bytes().await;
        return Ok(());
    }
    let got = response.status();
    let body = response.text().await.unwrap_or_default();
    Err(format!(
        "{got}: {}",
        body.chars().take(300).collect::<String>()
    ))
}
