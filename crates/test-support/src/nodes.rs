//! A second hub node beside a PostgreSQL test app, for what must cross nodes: its own store
//! connection (so its own LISTEN), its own server on its own port, the same schema and master key.
//! Its background job workers are off, like the first node's.

use std::sync::Arc;

use switchboard_store::Store;
use tokio_util::sync::CancellationToken;

use crate::{Guard, TestApp};

/// The second node; stopped when dropped.
pub struct Node {
    /// `http://127.0.0.1:port` of its server.
    pub base_url: String,
    pub store: Arc<dyn Store>,
    shutdown: CancellationToken,
}

impl Drop for Node {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

impl TestApp {
    /// Starts another node on this app's PostgreSQL schema. Panics on SQLite (one process).
    pub async fn second_node(&self) -> Node {
        let Guard::Postgres(schema) = &self._guard else {
            panic!("a second node needs PostgreSQL");
        };
        let store = switchboard_store_postgres::PgStore::connect(schema.config())
            .await
            .expect("the second node's store");
        let store: Arc<dyn Store> = Arc::new(store);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the second node");
        let addr = listener.local_addr().expect("second node address");
        let shutdown = CancellationToken::new();
        tokio::spawn(switchboard::serve_with_store(
            self.config.clone(),
            store.clone(),
            listener,
            shutdown.clone(),
        ));
        Node {
            base_url: format!("http://{addr}"),
            store,
            shutdown,
        }
    }
}
