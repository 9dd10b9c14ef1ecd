//! The store conformance suite: the behaviour every [`Store`] implementation must have, written
//! once against `Arc<dyn Store>` as stories (`pub async fn story(store: Arc<dyn Store>)`).
//!
//! `tests/sqlite.rs` runs every story on SQLite; `tests/postgres.rs` runs every story on
//! PostgreSQL when `ACCOUNTD_TEST_POSTGRES_URL` names a server (each test in a database of its
//! own, so tests run in parallel) and skips otherwise. Both expand [`conformance_tests!`], so a
//! story added to its list runs on every backend.
//!
//! [`Store`]: accountd_core::store::Store

// Test code: a failed expectation is a panic with a message.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

pub mod fixtures;
pub mod harness;
pub mod stories;

/// Expands to one `#[tokio::test]` per story, each running the story through `$run`
/// (`async fn(story) `, e.g. [`harness::run_sqlite`]).
#[macro_export]
macro_rules! conformance_tests {
    ($run:path) => {
        $crate::conformance_tests!(@each $run;
            // accounts
            deleting_an_account_removes_everything_and_reset_keeps_clients,
            server_keys_and_flags_are_stable,
            group_updates_and_clients_replace,
            account_rate_limit_overrides_are_stored_and_cleared,
            accounts_are_counted_listed_and_renamed_with_an_audit_trail,
            clients_are_listed_and_deleted_per_account,
            // environments
            environments_page_update_and_take_their_permissions_when_deleted,
            // users
            users_round_trip_and_are_found_by_uid_or_email_case_insensitively,
            uniqueness_is_enforced_as_conflict,
            unknown_group_ids_are_invalid_and_nothing_is_applied,
            replace_user_sets_memberships_exactly_and_keeps_status,
            keyset_paging_returns_every_user_once,
            paged_users_carry_their_own_groups_among_other_accounts_users,
            listing_users_by_email_finds_at_most_one,
            user_status_changes_respect_the_allowed_sources,
            a_user_read_again_reflects_every_write_in_between,
            // user JSON freshness (user caches): changed users and bystanders
            scim_writes_reach_the_user_json_of_every_user_they_change_and_no_other,
            service_user_group_and_invitation_writes_reach_the_user_json_of_every_user_they_change,
            deleting_or_resetting_an_account_reaches_the_user_json_of_its_users_and_no_other,
            // groups, memberships, permissions
            deleting_a_group_removes_its_memberships_and_permissions,
            member_adds_are_all_or_nothing_and_removals_report_why,
            user_side_group_changes_add_remove_and_replace,
            members_are_listed_oldest_first_with_all_their_groups,
            groups_page_in_creation_order_and_are_found_by_name,
            permissions_keep_grant_order_and_only_changes_are_audited,
            // service users, invitations, audit
            service_users_are_users_with_a_group_and_are_listed_apart,
            invitations_are_single_use_expire_and_renew,
            every_change_is_audited_in_its_transaction_newest_first,
            // rate limits
            rate_limit_budgets_run_out_per_key_and_refill_with_time,
            concurrent_rate_limit_checks_of_one_key_never_overspend,
            // concurrency
            concurrent_creates_of_one_email_yield_exactly_one_success,
            concurrent_membership_changes_converge_without_lost_updates,
            concurrent_membership_adds_and_removes_from_both_sides_converge,
            concurrent_permission_grants_to_one_group_all_land,
            concurrent_first_starts_agree_on_server_keys_and_flags,
            pool_status_returns_to_idle_after_concurrent_reads,
            // SCIM
            scim_tokens_are_limited_rotated_found_and_deleted,
            scim_users_round_trip_and_user_names_are_unique_with_emails,
            replace_scim_user_applies_only_to_the_state_it_was_computed_from,
            scim_user_listings_narrow_by_key_and_window_with_the_total,
            scim_groups_are_created_with_their_members_all_or_nothing,
            replace_scim_group_renames_and_applies_the_member_difference,
            scim_group_listings_narrow_by_key_and_window_with_the_total,
            concurrent_scim_member_changes_of_one_group_all_survive,
        );
    };
    (@each $run:path; $($story:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $story() {
                $run($crate::stories::$story).await;
            }
        )*
    };
}
