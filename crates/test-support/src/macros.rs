//! `both_backends!`: an API test written once, run on SQLite and on PostgreSQL (skipped when
//! PostgreSQL is unreachable and not required). Each test becomes a module with two tests,
//! `name::sqlite` and `name::postgres`.
//!
//! ```ignore
//! both_backends! {
//!     async fn creates_a_team(app) {
//!         app.create_team("Support").await;
//!         app.assert_tenant_isolation().await;
//!     }
//! }
//! ```

#[macro_export]
macro_rules! both_backends {
    ($(async fn $name:ident($app:ident) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports, reason = "the test body may use anything of the file")]
            use super::*;

            async fn run($app: $crate::TestApp) $body

            #[$crate::tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = $crate::TestApp::spawn($crate::Backend::Sqlite).await.expect("SQLite app");
                run(app).await;
            }

            #[$crate::tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = $crate::TestApp::spawn($crate::Backend::Postgres).await {
                    run(app).await;
                }
            }
        }
    )*};
}
