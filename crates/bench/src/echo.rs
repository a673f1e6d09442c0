//! The baseline: a bare axum server that parses a JSON body and answers it back. Whatever the hub
//! does beyond this (authentication, validation, the durable commit) is what the ratios measure.

use axum::routing::post;
use axum::{Json, Router};
use serde_json::Value;
use tokio::net::TcpListener;

use crate::children::announce;

pub async fn serve() -> anyhow::Result<()> {
    let app = Router::new().route(
        "/echo",
        post(|Json(body): Json<Value>| async { Json(body) }),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    announce(listener.local_addr()?);
    let stop = switchboard::shutdown_on_signals();
    axum::serve(listener, app)
        .with_graceful_shutdown(async move { stop.cancelled().await })
        .await?;
    Ok(())
}
