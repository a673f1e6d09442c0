//! The conformance suite on PostgreSQL: each scenario gets a fresh schema with every migration
//! applied, dropped when the scenario ends. Skipped (with a line on stderr) when the server is
//! unreachable, unless `SWITCHBOARD_REQUIRE_POSTGRES=1`.

use std::sync::Arc;

use switchboard_store_postgres::testing;
use switchboard_store_tests::{Harness, conformance_suite};

async fn make() -> Option<Harness> {
    let (store, schema) = testing::fresh_store().await?;
    Some(Harness::new(Arc::new(store), schema))
}

conformance_suite!(make);
