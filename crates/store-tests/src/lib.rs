//! The store conformance suite: scenarios that every `switchboard_store::Store` backend must pass,
//! written once against `Arc<dyn Store>` and run per backend by [`conformance_suite!`]
//! (`tests/sqlite.rs`, `tests/postgres.rs`). The trait doc comments are the spec; each scenario
//! asserts one part of it. Scenarios are test code: they panic (with context) on the first
//! deviation, which is how a test fails.

pub mod api_keys;
pub mod audit;
pub mod channels;
pub mod consent;
pub mod contact_batch;
pub mod contact_filters;
pub mod contacts;
pub mod conversation_list;
pub mod conversations;
pub mod dispatch;
pub mod effects;
pub mod events;
pub mod fixtures;
pub mod health;
pub mod idempotency;
pub mod ingest;
pub mod isolation;
pub mod jobs;
pub mod media;
pub mod members;
pub mod messages;
pub mod org_setup;
pub mod orgs;
pub mod races;
pub mod reactions;
pub mod search;
pub mod sessions;
pub mod statuses;
pub mod teams;
pub mod templates;
pub mod users;
pub mod watermarks;
pub mod webhooks;

use std::any::Any;
use std::sync::Arc;
use std::time::Duration;

use switchboard_store::Store;

/// Long enough for the heaviest scenario on a loaded 2-core machine; short enough that a backend
/// that hangs (a lost wake-up, a deadlock) fails the test instead of stalling the run.
pub const SCENARIO_TIMEOUT: Duration = Duration::from_secs(180);

/// One backend instance for one scenario, plus whatever must live as long as it (a temporary
/// directory, a test schema). Dropped after the store is closed.
pub struct Harness {
    store: Arc<dyn Store>,
    _keep: Box<dyn Any>,
}

impl Harness {
    pub fn new(store: Arc<dyn Store>, keep: impl Any) -> Self {
        Self {
            store,
            _keep: Box::new(keep),
        }
    }

    pub fn store(&self) -> Arc<dyn Store> {
        self.store.clone()
    }

    /// Runs one scenario under [`SCENARIO_TIMEOUT`], then closes the store before the
    /// directory or schema it lives in goes away.
    pub async fn run<F, Fut>(self, scenario: F)
    where
        F: FnOnce(Arc<dyn Store>) -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        let outcome = tokio::time::timeout(SCENARIO_TIMEOUT, scenario(self.store.clone())).await;
        self.store.close().await;
        if outcome.is_err() {
            panic!("scenario did not finish within {SCENARIO_TIMEOUT:?}");
        }
    }
}

impl std::ops::Deref for Harness {
    type Target = Arc<dyn Store>;
    fn deref(&self) -> &Self::Target {
        &self.store
    }
}

/// Expands to one `#[tokio::test]` per scenario, each calling `$make()` (an async fn returning
/// `Option<Harness>`; `None` skips the test, e.g. PostgreSQL unreachable) and then the scenario.
/// Add every new scenario to the list below once; it then runs on every backend.
#[macro_export]
macro_rules! conformance_suite {
    ($make:path) => {
        $crate::conformance_suite!(@modules $make;
            health {
                ping_answers_and_backend_is_named,
            }
            orgs {
                org_create_get_rename,
                org_settings_start_off_and_change_alone,
                org_unknown_is_not_found,
                org_names_are_unique_case_insensitively,
                names_compare_case_insensitively_beyond_ascii,
                org_list_pages_ascending_by_id,
            }
            org_setup {
                org_setup_is_written_with_the_org,
                org_setup_failing_midway_writes_nothing,
            }
            users {
                user_create_get_find_rename,
                user_emails_are_unique,
                set_password_ends_the_users_sessions,
                login_throttle_round_trips,
            }
            members {
                member_add_get_update_remove,
                member_duplicate_is_a_conflict,
                member_list_pages_by_user_id,
                count_members_with_role,
                memberships_of_user_span_orgs,
                remove_member_removes_team_memberships_and_sessions,
            }
            sessions {
                session_create_find_expire_delete,
            }
            consent {
                consent_round_trip_isolation_merge_and_delete,
            }
            webhooks {
                webhook_endpoint_round_trip_page_update_delete,
                webhook_endpoints_are_invisible_to_other_orgs,
            }
            templates {
                template_create_get_list_update_delete,
                template_upsert_keeps_ids_of_known_names,
                template_review_is_applied_with_its_ingest,
            }
            teams {
                team_create_get_list_update_delete,
                team_names_are_unique_per_org,
                team_members_add_list_remove,
            }
            api_keys {
                api_key_fields_round_trip_exactly,
                api_key_prefix_is_unique_across_orgs,
                api_key_list_pages_with_revoked,
                api_key_revoke_keeps_the_first_time,
                api_key_rotate_replaces_prefix_and_hash,
                api_key_touch_records_time_and_ip,
            }
            isolation {
                foreign_org_id_sees_and_changes_nothing,
            }
            audit {
                audit_newest_first_with_filters_and_paging,
            }
            races {
                concurrent_org_creates_one_name_one_winner,
                concurrent_user_creates_one_email_one_winner,
                concurrent_idempotent_begins_start_once,
                concurrent_changes_sharing_a_dedup_job_all_commit,
            }
            effects {
                effects_jobs_ride_the_change,
                failed_change_writes_no_audit_and_no_job,
                change_whose_effects_fail_does_not_happen,
                free_text_and_audit_details_with_nul_round_trip,
            }
            idempotency {
                idempotency_started_finish_replay_mismatch,
                idempotency_expired_claim_is_taken_over,
                idempotency_abandon_frees_the_key,
                idempotency_purge_deletes_old_records,
                idempotency_keys_are_per_org_and_principal,
            }
            jobs {
                enqueue_returns_ids_in_order_and_stores_fields,
                dedup_key_answers_the_first_id,
                dedup_key_within_one_batch,
                list_jobs_filters_and_paging,
                purge_done_jobs_frees_the_dedup_key,
                payloads_and_errors_with_nul_round_trip,
                claim_respects_run_at_kinds_priority_and_limit,
                claim_passes_over_future_jobs_of_higher_priority,
                finish_applies_done_retry_dead,
                release_hands_back_without_counting,
                redrive_by_ids_and_by_filter,
                concurrent_workers_never_claim_the_same_job,
                dedup_key_holds_under_concurrent_enqueues,
                expired_lease_is_reclaimed,
                expired_lease_goes_to_exactly_one_of_many_claimers,
                finish_after_the_lease_ran_out_applies_while_nobody_took_it,
                wait_for_jobs_wakes_on_enqueue,
                wait_for_jobs_wakes_on_effects_job,
                wait_for_jobs_returns_after_its_timeout,
                wait_for_jobs_right_after_an_enqueue_returns_at_once,
                defer_gives_the_attempt_back_and_counts_itself,
                redrive_starts_a_deferred_job_over,
            }
            channels {
                channel_create_get_find_list_update,
                channel_names_are_unique_per_org_case_insensitively,
                channel_accounts_are_unique_per_protocol,
                channel_health_sets_and_clears_errors,
                deleted_channel_leaves_lookups_but_keeps_history,
                channels_of_another_org_are_not_found,
            }
            contacts {
                contact_create_get_find_update_delete,
                contact_keys_conflict_naming_the_holder,
                delete_contact_removes_its_whole_history,
                contacts_of_another_org_are_not_found,
            }
            contact_filters {
                contact_filters_match_every_rule,
            }
            contact_batch {
                find_contacts_by_any_key_within_the_org,
                write_contacts_commits_each_row_on_its_own,
                merge_moves_history_and_deletes_the_other,
                merge_of_a_missing_or_foreign_contact_changes_nothing,
                ingest_naming_a_nameless_contact_is_a_contact_update,
            }
            conversations {
                inbound_reopens_and_counts_unread,
                outbound_shows_in_the_conversation_without_reopening,
                change_conversation_applies_given_fields_with_timeline_and_effects,
                conversations_of_another_org_are_not_found,
            }
            conversation_list {
                conversation_list_newest_first_with_filters,
            }
            ingest {
                ingest_stores_message_contact_conversation_and_events,
                redelivered_webhook_stores_one_message,
                identity_joins_the_contact_with_the_same_phone,
                profile_names_refresh_identity_and_name_nameless_contacts,
            }
            reactions {
                reaction_is_appended_to_its_target,
                jobs_are_enqueued_only_for_new_messages,
            }
            messages {
                accept_outbound_stores_enqueued_message_with_its_job,
                accept_outbound_with_a_used_id_conflicts_and_writes_nothing,
                receipt_conflicts_when_another_message_has_the_id,
                send_notes_are_kept_on_the_message,
                messages_list_oldest_first_in_pages,
                messages_of_another_org_are_not_found,
            }
            statuses {
                status_before_its_receipt_waits_then_applies,
                read_before_delivered_ends_read_with_both_times,
                failed_after_delivered_keeps_delivered,
                send_failure_fails_unless_already_delivered,
            }
            watermarks {
                watermarks_cover_one_customers_handed_over_messages_up_to_the_moment,
            }
            events {
                events_list_oldest_first_with_filters,
                refused_change_writes_no_event,
            }
            search {
                search_matches_words_prefixes_case_and_diacritics,
                search_never_sees_another_org,
                search_filters_by_channel_conversation_direction_and_allowed_channels,
                search_pages_newest_first,
                search_treats_query_syntax_as_plain_words,
            }
            dispatch {
                sender_lease_is_renewed_by_its_owner_and_taken_over_once_run_out,
                concurrent_sender_lease_acquires_have_one_winner,
                purge_pending_statuses_deletes_only_those_older_than_the_cutoff,
            }
            media {
                media_create_get_delete_round_trip,
                inbound_media_is_one_per_message,
                provider_uploads_are_cached_per_channel_until_they_expire,
                media_of_another_org_is_not_found,
                a_deleted_contact_takes_its_media_rows,
            }
        );
    };
    (@modules $make:path; $($module:ident { $($scenario:ident),* $(,)? })*) => {
        /// The backend's constructor under one name the scenario modules can reach.
        async fn conformance_make() -> ::core::option::Option<$crate::Harness> {
            $make().await
        }
        $(
            mod $module {
                $(
                    #[::tokio::test(flavor = "multi_thread", worker_threads = 4)]
                    async fn $scenario() {
                        let Some(harness) = super::conformance_make().await else { return };
                        harness.run($crate::$module::$scenario).await;
                    }
                )*
            }
        )*
    };
}
