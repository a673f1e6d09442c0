//! One benchmark run, start to end: the children, the set-up through the real API, each scenario
//! in turn, the report.

use std::time::Duration;

use anyhow::Context as _;

use crate::children::Process;
use crate::hub::HubSpec;
use crate::report::{Report, Row};
use crate::scenarios::{self, Ctx, Sizes, dispatch, inbox, traffic};
use crate::{Args, Backend};

const MIB: f64 = 1024.0 * 1024.0;

pub async fn run(args: Args) -> anyhow::Result<()> {
    let sizes = Sizes::new(args.quick);
    let dir = tempfile::tempdir()?;
    let postgres = (args.backend == Backend::Postgres).then(|| {
        let schema = format!("bench_{}", std::process::id());
        (args.database_url.clone(), schema)
    });
    let spec = HubSpec::new(dir.path().join("data"), postgres.clone());
    let result = measure(&args, sizes, &spec, dir.path()).await;
    if let Some((url, schema)) = &postgres {
        drop_schema(url, schema).await;
    }
    let report = result?;
    println!("\n{}", report.markdown());
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_vec_pretty(&report)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    // Figures below a target are findings; failed requests or lost messages are a broken run.
    anyhow::ensure!(
        report.problems.is_empty(),
        "the run saw failures: {}",
        report.problems.join("; ")
    );
    Ok(())
}

fn wanted(args: &Args, scenario: &str) -> bool {
    args.only.is_empty() || args.only.iter().any(|s| s == scenario)
}

async fn measure(
    args: &Args,
    sizes: Sizes,
    spec: &HubSpec,
    dir: &std::path::Path,
) -> anyhow::Result<Report> {
    let (main, inbox_number, senders) = scenarios::numbers(&sizes);
    let mut all = vec![&main, &inbox_number];
    all.extend(senders.iter());
    let sandbox_file = dir.join("sandbox.toml");
    std::fs::write(&sandbox_file, scenarios::sandbox_toml(&all))?;
    let sandbox_arg = sandbox_file.display().to_string();
    let sandbox = Process::spawn("sandbox", &["__sandbox", &sandbox_arg], &[]).await?;
    let echo = Process::spawn("echo", &["__echo"], &[]).await?;

    // Footprint: the first start migrates an empty store.
    eprintln!("footprint: first start on an empty store");
    let (hub, ready) = spec.start(true).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle = hub.memory().map(|(rss, _)| rss).unwrap_or(0);
    hub.stop().await?;
    let key = spec.create_org().await?;
    let (mut hub, _) = spec.start(true).await?;
    let mut peak = 0u64;

    let http = crate::load::client(args.concurrency);
    let mut ctx = Ctx {
        http,
        hub: hub.base_url(),
        sandbox: sandbox.base_url(),
        echo: echo.base_url(),
        key,
        concurrency: args.concurrency,
        sizes,
        main_channel: String::new(),
        inbox_channel: String::new(),
        senders: Vec::new(),
        main: main.clone(),
        inbox: inbox_number.clone(),
    };
    ctx.main_channel = ctx.connect(&main, "Main").await?;
    ctx.inbox_channel = ctx.connect(&inbox_number, "Inbox").await?;
    for (i, n) in senders.iter().enumerate() {
        let id = ctx.connect(n, &format!("Sender {i}")).await?;
        ctx.senders.push((n.clone(), id));
    }

    eprintln!("baseline: echo server");
    let baseline = traffic::baseline(&ctx).await;
    let base = baseline.per_second();
    let mut rows = Vec::new();
    let mut lost: Vec<String> = Vec::new();
    if wanted(args, "ingest") {
        eprintln!("ingest: signed webhooks, one message each");
        let run = format!("{}", std::process::id());
        let o = traffic::ingest(&ctx, &run).await;
        rows.push(Row::rate(
            "ingest (WhatsApp webhooks, durable)",
            &o,
            base,
            Some(0.4),
        ));
    }
    if wanted(args, "webhooks") {
        eprintln!(
            "webhooks: {} deliveries to a local receiver",
            sizes.webhook_messages
        );
        let w = scenarios::webhooks::deliveries(&ctx, sizes.webhook_messages).await?;
        if w.received < w.expected {
            lost.push(format!(
                "webhooks: only {} of {} deliveries arrived",
                w.received, w.expected
            ));
        }
        rows.push(Row::figure(
            "webhooks (deliveries to a receiver)",
            format!("{:.0}/s", w.per_second),
            ">= 10,000/s",
            Some(w.per_second >= 10_000.0 && w.received == w.expected),
            format!(
                "{} of {} delivered, signed, one event each",
                w.received, w.expected
            ),
        ));
    }
    if wanted(args, "inbox") {
        eprintln!(
            "inbox: preloading {} conversations x {} messages",
            sizes.inbox_conversations, sizes.inbox_messages_each
        );
        let pre = inbox::preload(&ctx).await;
        let msgs_per_second = pre.per_second() * 100.0;
        rows.push(Row::figure(
            "ingest, batched (100 messages per webhook)",
            format!("{msgs_per_second:.0} msg/s"),
            "",
            None,
            match &pre.first_error {
                None => format!("{} webhooks ok", pre.ok),
                Some(e) => format!("{} webhooks ok, {} failed (first: {e})", pre.ok, pre.failed),
            },
        ));
        let (list, messages, n) = inbox::reads(&ctx).await?;
        let loaded = format!("{n} conversations loaded");
        rows.push(Row::latency(
            "inbox: conversation list (25)",
            &list,
            20.0,
            loaded.clone(),
        ));
        rows.push(Row::latency(
            "inbox: a conversation's messages (50)",
            &messages,
            20.0,
            loaded,
        ));
    }
    if wanted(args, "dispatch") {
        eprintln!(
            "dispatch: filling {} senders' queues with the workers off",
            ctx.senders.len()
        );
        peak = peak.max(hub.memory().map(|(_, hwm)| hwm).unwrap_or(0));
        hub.stop().await?;
        hub = restart(spec, &mut ctx, false).await?;
        let fill = dispatch::fill(&ctx).await?;
        peak = peak.max(hub.memory().map(|(_, hwm)| hwm).unwrap_or(0));
        hub.stop().await?;
        eprintln!("dispatch: workers on");
        hub = restart(spec, &mut ctx, true).await?;
        let d = dispatch::measure(&ctx).await?;
        if d.accepted < d.expected {
            lost.push(format!(
                "dispatch: only {} of {} messages arrived",
                d.accepted, d.expected
            ));
        }
        rows.push(Row::figure(
            "dispatch (to the sandbox, all senders)",
            format!("{:.0} msg/s", d.total_rate),
            "",
            None,
            format!(
                "{} of {} sent, {} senders at 80/s each, queue filled at {:.0}/s",
                d.accepted,
                d.expected,
                d.rates.len(),
                fill.per_second()
            ),
        ));
        rows.push(Row::figure(
            "dispatch: per-sender rate vs 80/s",
            format!(
                "mean {:.2}/s, worst {:.2}% off",
                d.mean_rate(),
                d.worst_deviation() * 100.0
            ),
            "within 2%",
            Some(d.worst_deviation() <= 0.02 && d.accepted == d.expected),
            format!("{} sends over the provider's limit (130429)", d.over_limit),
        ));
    }
    // Last: its messages queue up behind each channel's rate for minutes, and would hold the
    // workers of every scenario after it.
    if wanted(args, "send") {
        eprintln!("send: POST /v1/messages");
        let o = traffic::send(&ctx).await;
        rows.push(Row::rate("send (POST /v1/messages)", &o, base, Some(0.4)));
    }
    peak = peak.max(hub.memory().map(|(_, hwm)| hwm).unwrap_or(0));
    hub.stop().await?;
    sandbox.stop().await?;
    echo.stop().await?;
    rows.push(Row::figure(
        "footprint: ready",
        format!("{:.0} ms", ready.as_secs_f64() * 1000.0),
        "< 500 ms",
        Some(ready < Duration::from_millis(500)),
        "spawn to /readyz 200, empty store (migrations included)".into(),
    ));
    rows.push(Row::figure(
        "footprint: idle RSS",
        format!("{:.1} MB", idle as f64 / MIB),
        "< 50 MB",
        Some((idle as f64) < 50.0 * MIB),
        "1 s after ready".into(),
    ));
    rows.push(Row::figure(
        "footprint: peak RSS",
        format!("{:.1} MB", peak as f64 / MIB),
        "",
        None,
        "highest of the hub processes of the run".into(),
    ));
    let mut problems: Vec<String> = rows
        .iter()
        .filter(|r| r.note.contains("failed (first"))
        .map(|r| format!("{}: {}", r.scenario, r.note))
        .collect();
    problems.extend(lost);
    Ok(Report {
        date: time::OffsetDateTime::now_utc().date().to_string(),
        backend: match args.backend {
            Backend::Sqlite => "SQLite".into(),
            Backend::Postgres => "PostgreSQL".into(),
        },
        quick: args.quick,
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        memory_gib: memory_gib(),
        command: std::env::args().collect::<Vec<_>>().join(" "),
        baseline_per_second: base,
        rows,
        problems,
    })
}

/// Starts the hub again (a new port) and re-points every sandbox number's webhooks at it.
async fn restart(spec: &HubSpec, ctx: &mut Ctx, jobs: bool) -> anyhow::Result<Process> {
    let (hub, _) = spec.start(jobs).await?;
    ctx.hub = hub.base_url();
    let mut wiring = vec![(ctx.main.clone(), ctx.main_channel.clone())];
    wiring.push((ctx.inbox.clone(), ctx.inbox_channel.clone()));
    wiring.extend(ctx.senders.iter().cloned());
    for (number, channel) in wiring {
        let path = format!("/sandbox/v1/accounts/{}", number.phone_number_id);
        let url = format!("{}/hooks/{channel}", ctx.hub);
        ctx.sandbox_call(
            reqwest::Method::PATCH,
            &path,
            serde_json::json!({"webhook_url": url}),
        )
        .await?;
    }
    Ok(hub)
}

fn memory_gib() -> f64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0 / 1024.0)
}

/// Drops the run's schema (best effort: a failure is reported, not fatal).
async fn drop_schema(url: &str, schema: &str) {
    let dropped = async {
        let pool = sqlx::PgPool::connect(url).await?;
        sqlx::query(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
            .execute(&pool)
            .await?;
        pool.close().await;
        Ok::<_, sqlx::Error>(())
    };
    if let Err(e) = dropped.await {
        eprintln!("note: could not drop schema {schema} ({e}); drop it by hand");
    }
}
