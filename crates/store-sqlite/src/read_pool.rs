//! A small pool of read-only connections. WAL lets them read while the writer writes; reads run
//! on tokio's blocking threads so that a slow query never stalls the async runtime. The semaphore
//! bounds concurrent reads to the number of connections, so taking one never fails in practice.

use std::sync::Arc;

use parking_lot::Mutex;
use rusqlite::Connection;
use switchboard_store::{Result, StoreError};
use tokio::sync::Semaphore;

pub(crate) struct ReadPool {
    idle: Arc<Mutex<Vec<Connection>>>,
    permits: Arc<Semaphore>,
}

impl ReadPool {
    pub(crate) fn new(conns: Vec<Connection>) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(conns.len())),
            idle: Arc::new(Mutex::new(conns)),
        }
    }

    /// Runs `f` on an idle connection in a blocking thread.
    pub(crate) async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| StoreError::msg("read pool closed"))?;
        let idle = self.idle.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let lease = Lease::take(&idle)?;
            match &lease.0 {
                Some(conn) => f(conn),
                None => Err(no_conn()),
            }
        })
        .await
        .map_err(StoreError::other)?
    }
}

fn no_conn() -> StoreError {
    StoreError::msg("no idle read connection")
}

/// A borrowed connection that goes back to the pool even if the read panics.
struct Lease<'a>(Option<Connection>, &'a Mutex<Vec<Connection>>);

impl<'a> Lease<'a> {
    fn take(idle: &'a Mutex<Vec<Connection>>) -> Result<Self> {
        let conn = idle.lock().pop().ok_or_else(no_conn)?;
        Ok(Self(Some(conn), idle))
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.0.take() {
            self.1.lock().push(conn);
        }
    }
}
