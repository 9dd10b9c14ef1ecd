//! The accountd [`Store`] on PostgreSQL, for several stateless accountd instances sharing one
//! database.
//!
//! - Every write is one transaction that locks what it reads before reading it (`tx.rs`): writes
//!   to the same user, group or account queue behind each other, across every instance, as
//!   they would behind the SQLite store's single writer; deadlocks and serialization failures
//!   are retried inside the store.
//! - Every read is one statement (a listing and its count included), so it reads one snapshot
//!   in one round trip; statements are prepared once per pooled connection.
//! - Uniqueness lives in constraints; a violation becomes `Conflict` with the SQLite store's
//!   messages. "Cannot reach the database" becomes `Unavailable`, never `NotFound`.
//! - Migrations run at connect under an advisory lock (`migrate.rs`).
//!
//! tokio-postgres with deadpool rather than sqlx: direct access to SQLSTATEs for the retry loop,
//! a per-connection statement cache, and no second SQLite driver in the workspace.

#[macro_use]
mod tx;
mod accounts;
mod audit;
mod clients;
mod connection;
mod db;
mod environments;
mod errors;
mod groups;
mod invitations;
mod memberships;
mod migrate;
mod paging;
mod permissions;
mod rate_limits;
mod rows;
mod scim_groups;
mod scim_tokens;
mod scim_users;
mod service_users;
mod users;

use accountd_core::Result;
use accountd_core::audit::{AuditContext, AuditEvent, AuditFilter};
use accountd_core::ids::{AccountId, EnvironmentId, GroupId, UserId, UserRef};
use accountd_core::model::{
    Account, Environment, Group, InvitationOutcome, Message, NewInvitation, OAuthClient,
    PermissionAssignment, ServiceUser, User, UserStatus,
};
use accountd_core::page::{Page, PageQuery};
use accountd_core::rate_limit::{RateDecision, RateLimit};
use accountd_core::scim::{
    Replaced, ScimGroup, ScimGroupChange, ScimQuery, ScimSlice, ScimToken, ScimUser, ScimUserAttrs,
    ScimUserChange,
};
use accountd_core::secret::SecretDigest;
use accountd_core::store::{
    GroupChange, GroupsChange, MemberRemoval, PoolStatus, ServiceUserChange, Store, UserFilter,
    UserReplacement,
};
use async_trait::async_trait;
use time::OffsetDateTime;

pub use connection::{PostgresOptions, PostgresStore, redact_url};
pub use migrate::latest_version as schema_version;

#[async_trait]
impl Store for PostgresStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    fn pool_status(&self) -> PoolStatus {
        let status = self.pool().status();
        PoolStatus {
            max_size: status.max_size,
            open: status.size,
            in_use: status.size.saturating_sub(status.available),
            waiting: status.waiting,
        }
    }

    /// Also checks that the schema is the one this binary migrated to: a database replaced
    /// under a running instance (restored from an old backup, recreated empty) fails every
    /// request, and a load balancer should stop sending it any.
    async fn ping(&self) -> Result<()> {
        let version: i64 = read!(self, |client| {
            let row = db::query_one(
                &client,
                "SELECT coalesce(max(version), 0) FROM schema_migrations",
                &[],
            )
            .await?;
            Ok(row.try_get::<_, i64>(0)?)
        })?;
        let expected = schema_version();
        if version == expected {
            Ok(())
        } else {
            Err(accountd_core::Error::Unavailable(format!(
                "the database schema is version {version}, not {expected} as at startup; \
                 restart accountd (it migrates at startup)"
            )))
        }
    }

    async fn server_key(&self, name: &str, candidate: [u8; 32]) -> Result<[u8; 32]> {
        write_tx!(self, |tx| accounts::server_key(&tx, name, candidate).await)
    }

    async fn claim_flag(&self, name: &str) -> Result<bool> {
        write_tx!(self, |tx| accounts::claim_flag(&tx, name).await)
    }

    async fn rate_limit_check(
        &self,
        key: &str,
        limit: RateLimit,
        now: OffsetDateTime,
    ) -> Result<RateDecision> {
        let now = rate_limits::micros(now);
        // One statement, no explicit transaction; retried like a write (a distributed engine
        // may abort it with a serialization failure).
        let mut retry = tx::Retry::new();
        let decision = loop {
            let outcome: errors::DbResult<_> = async {
                let client = self.client().await?;
                let outcome = self
                    .within_deadline(rate_limits::check(&client, key, limit, now))
                    .await;
                if outcome.as_ref().is_err_and(|err| err.is_deadline()) {
                    connection::discard(client);
                }
                outcome
            }
            .await;
            if let Some(answer) = retry.settle(self, outcome, false).await {
                break answer;
            }
        };
        self.rate_limit_purger.tick(self.pool(), now);
        decision
    }

    async fn count_accounts(&self) -> Result<u64> {
        read!(self, |client| accounts::count(&client).await)
    }

    async fn create_account(&self, account: &Account, ctx: &AuditContext) -> Result<()> {
        write_tx!(self, |tx| accounts::create(&tx, account, ctx).await)
    }

    async fn rename_account(&self, id: AccountId, name: &str, ctx: &AuditContext) -> Result<bool> {
        write_tx!(self, |tx| accounts::rename(&tx, id, name, ctx).await)
    }

    async fn get_account(&self, id: AccountId) -> Result<Option<Account>> {
        read!(self, |client| accounts::get(&client, id).await)
    }

    async fn set_account_rate_limit(
        &self,
        id: AccountId,
        limit: Option<RateLimit>,
        ctx: &AuditContext,
    ) -> Result<bool> {
        write_tx!(self, |tx| accounts::set_rate_limit(&tx, id, limit, ctx)
            .await)
    }

    async fn list_accounts(&self) -> Result<Vec<Account>> {
        read!(self, |client| accounts::list(&client).await)
    }

    async fn delete_account(&self, id: AccountId) -> Result<bool> {
        write_tx!(self, |tx| accounts::delete(&tx, id).await)
    }

    async fn reset_account(&self, id: AccountId, ctx: &AuditContext) -> Result<bool> {
        write_tx!(self, |tx| accounts::reset(&tx, id, ctx).await)
    }

    async fn create_environment(
        &self,
        account: AccountId,
        environment: &Environment,
        ctx: &AuditContext,
    ) -> Result<()> {
        write_tx!(self, |tx| environments::create(
            &tx,
            account,
            environment,
            ctx
        )
        .await)
    }

    async fn update_environment(
        &self,
        account: AccountId,
        environment: &Environment,
        ctx: &AuditContext,
    ) -> Result<bool> {
        write_tx!(self, |tx| environments::update(
            &tx,
            account,
            environment,
            ctx
        )
        .await)
    }

    async fn delete_environment(
        &self,
        account: AccountId,
        id: &EnvironmentId,
        ctx: &AuditContext,
    ) -> Result<bool> {
        write_tx!(self, |tx| environments::delete(&tx, account, id, ctx).await)
    }

    async fn get_environment(
        &self,
        account: AccountId,
        id: &EnvironmentId,
    ) -> Result<Option<Environment>> {
        read!(self, |client| environments::get(&client, account, id).await)
    }

    async fn list_environments(
        &self,
        account: AccountId,
        query: &PageQuery,
    ) -> Result<Page<Environment>> {
        read!(self, |client| environments::list(&client, account, query)
            .await)
    }

    async fn put_client(
        &self,
        client: &OAuthClient,
        replace: bool,
        ctx: &AuditContext,
    ) -> Result<()> {
        write_tx!(self, |tx| clients::put(&tx, client, replace, ctx).await)
    }

    async fn find_client(&self, client_id: &str) -> Result<Option<OAuthClient>> {
        read!(self, |client| clients::find(&client, client_id).await)
    }

    async fn list_clients(&self, account: AccountId) -> Result<Vec<OAuthClient>> {
        read!(self, |client| clients::list(&client, account).await)
    }

    async fn delete_client(
        &self,
        account: AccountId,
        client_id: &str,
        ctx: &AuditContext,
    ) -> Result<bool> {
        write_tx!(self, |tx| clients::delete(&tx, account, client_id, ctx)
            .await)
    }

    async fn create_user(&self, account: AccountId, user: &User, ctx: &AuditContext) -> Result<()> {
        write_tx!(self, |tx| users::create(&tx, account, user, ctx)
            .await
            .map(|_| ()))
    }

    async fn create_invited_user(
        &self,
        account: AccountId,
        user: &User,
        invitation: &NewInvitation,
        ctx: &AuditContext,
    ) -> Result<()> {
        write_tx!(self, |tx| invitations::create_invited_user(
            &tx, account, user, invitation, ctx
        )
        .await)
    }

    async fn renew_invitation(
        &self,
        account: AccountId,
        user: &UserRef,
        invitation: &NewInvitation,
        ctx: &AuditContext,
    ) -> Result<Option<User>> {
        write_tx!(self, |tx| invitations::renew(
            &tx, account, user, invitation, ctx
        )
        .await)
    }

    async fn accept_invitation(
        &self,
        token_digest: &SecretDigest,
        ctx: &AuditContext,
    ) -> Result<InvitationOutcome> {
        write_tx!(self, |tx| invitations::accept(&tx, token_digest, ctx).await)
    }

    async fn change_user_status(
        &self,
        account: AccountId,
        user: &UserRef,
        from: &[UserStatus],
        to: UserStatus,
        ctx: &AuditContext,
    ) -> Result<Option<std::result::Result<User, UserStatus>>> {
        write_tx!(self, |tx| invitations::change_status(
            &tx, account, user, from, to, ctx
        )
        .await)
    }

    async fn list_outbox(&self, account: AccountId) -> Result<Vec<Message>> {
        read!(self, |client| invitations::outbox(&client, account).await)
    }

    async fn get_user(&self, account: AccountId, user: &UserRef) -> Result<Option<User>> {
        read!(self, |client| users::get(&client, account, user).await)
    }

    async fn replace_user(
        &self,
        account: AccountId,
        user: &UserRef,
        change: &UserReplacement,
        ctx: &AuditContext,
    ) -> Result<Option<User>> {
        write_tx!(self, |tx| users::replace(&tx, account, user, change, ctx)
            .await)
    }

    async fn delete_user(
        &self,
        account: AccountId,
        user: &UserRef,
        ctx: &AuditContext,
    ) -> Result<bool> {
        write_tx!(self, |tx| users::delete(&tx, account, user, ctx).await)
    }

    async fn list_users(
        &self,
        account: AccountId,
        query: &PageQuery,
        filter: &UserFilter,
    ) -> Result<Page<User>> {
        read!(self, |client| users::list(&client, account, query, filter)
            .await)
    }

    async fn create_service_user(
        &self,
        account: AccountId,
        user: &ServiceUser,
        group: &Group,
        ctx: &AuditContext,
    ) -> Result<()> {
        write_tx!(self, |tx| service_users::create(
            &tx, account, user, group, ctx
        )
        .await)
    }

    async fn get_service_user(
        &self,
        account: AccountId,
        uid: UserId,
    ) -> Result<Option<ServiceUser>> {
        read!(self, |client| service_users::get(&client, account, uid)
            .await)
    }

    async fn update_service_user(
        &self,
        account: AccountId,
        uid: UserId,
        change: &ServiceUserChange,
        ctx: &AuditContext,
    ) -> Result<Option<ServiceUser>> {
        write_tx!(self, |tx| service_users::update(
            &tx, account, uid, change, ctx
        )
        .await)
    }

    async fn delete_service_user(
        &self,
        account: AccountId,
        uid: UserId,
        ctx: &AuditContext,
    ) -> Result<bool> {
        write_tx!(self, |tx| service_users::delete(&tx, account, uid, ctx)
            .await)
    }

    async fn list_service_users(
        &self,
        account: AccountId,
        query: &PageQuery,
        skip: u64,
    ) -> Result<Page<ServiceUser>> {
        read!(self, |client| service_users::list(
            &client, account, query, skip
        )
        .await)
    }

    async fn create_group(
        &self,
        account: AccountId,
        group: &Group,
        ctx: &AuditContext,
    ) -> Result<()> {
        write_tx!(self, |tx| groups::create(&tx, account, group, ctx)
            .await
            .map(|_| ()))
    }

    async fn get_group(&self, account: AccountId, id: GroupId) -> Result<Option<Group>> {
        read!(self, |client| groups::get(&client, account, id).await)
    }

    async fn find_group_by_name(&self, account: AccountId, name: &str) -> Result<Option<Group>> {
        read!(self, |client| groups::find_by_name(&client, account, name)
            .await)
    }

    async fn update_group(
        &self,
        account: AccountId,
        id: GroupId,
        change: &GroupChange,
        ctx: &AuditContext,
    ) -> Result<Option<Group>> {
        write_tx!(self, |tx| groups::update(&tx, account, id, change, ctx)
            .await)
    }

    async fn delete_group(
        &self,
        account: AccountId,
        id: GroupId,
        ctx: &AuditContext,
    ) -> Result<bool> {
        write_tx!(self, |tx| groups::delete(&tx, account, id, ctx).await)
    }

    async fn list_groups(&self, account: AccountId, query: &PageQuery) -> Result<Page<Group>> {
        read!(self, |client| groups::list(&client, account, query).await)
    }

    async fn add_members(
        &self,
        account: AccountId,
        group: GroupId,
        users: &[UserId],
        ctx: &AuditContext,
    ) -> Result<Option<()>> {
        write_tx!(self, |tx| memberships::add_members(
            &tx, account, group, users, ctx
        )
        .await)
    }

    async fn remove_member(
        &self,
        account: AccountId,
        group: GroupId,
        user: &UserRef,
        ctx: &AuditContext,
    ) -> Result<MemberRemoval> {
        write_tx!(self, |tx| memberships::remove_member(
            &tx, account, group, user, ctx
        )
        .await)
    }

    async fn list_members(&self, account: AccountId, group: GroupId) -> Result<Option<Vec<User>>> {
        read!(self, |client| memberships::list_members(
            &client, account, group
        )
        .await)
    }

    async fn change_user_groups(
        &self,
        account: AccountId,
        user: &UserRef,
        change: &GroupsChange,
        ctx: &AuditContext,
    ) -> Result<Option<User>> {
        write_tx!(self, |tx| memberships::change_user_groups(
            &tx, account, user, change, ctx
        )
        .await)
    }

    async fn list_permissions(&self, account: AccountId) -> Result<Vec<PermissionAssignment>> {
        read!(self, |client| permissions::list(&client, account).await)
    }

    async fn add_group_permissions(
        &self,
        account: AccountId,
        group: GroupId,
        permissions: &[PermissionAssignment],
        ctx: &AuditContext,
    ) -> Result<bool> {
        write_tx!(self, |tx| permissions::add_for_group(
            &tx,
            account,
            group,
            permissions,
            ctx
        )
        .await)
    }

    async fn remove_group_permission(
        &self,
        account: AccountId,
        permission: &PermissionAssignment,
        ctx: &AuditContext,
    ) -> Result<Option<bool>> {
        write_tx!(self, |tx| permissions::remove_one(
            &tx, account, permission, ctx
        )
        .await)
    }

    async fn set_group_permissions(
        &self,
        account: AccountId,
        group: GroupId,
        permissions: &[PermissionAssignment],
        ctx: &AuditContext,
    ) -> Result<bool> {
        write_tx!(self, |tx| permissions::set_for_group(
            &tx,
            account,
            group,
            permissions,
            ctx
        )
        .await)
    }

    async fn list_audit_events(
        &self,
        account: AccountId,
        query: &PageQuery,
        filter: &AuditFilter,
    ) -> Result<Page<AuditEvent>> {
        read!(self, |client| audit::list(&client, account, query, filter)
            .await)
    }

    async fn create_scim_token(
        &self,
        token: &ScimToken,
        max_tokens: u32,
        revoke_others: bool,
        ctx: &AuditContext,
    ) -> Result<bool> {
        write_tx!(self, |tx| scim_tokens::create(
            &tx,
            token,
            max_tokens,
            revoke_others,
            ctx
        )
        .await)
    }

    async fn list_scim_tokens(&self, account: AccountId) -> Result<Vec<ScimToken>> {
        read!(self, |client| scim_tokens::list(&client, account).await)
    }

    async fn find_scim_token(&self, id: &str) -> Result<Option<ScimToken>> {
        read!(self, |client| scim_tokens::find(&client, id).await)
    }

    async fn delete_scim_token(
        &self,
        account: AccountId,
        id: &str,
        ctx: &AuditContext,
    ) -> Result<bool> {
        write_tx!(self, |tx| scim_tokens::delete(&tx, account, id, ctx).await)
    }

    async fn get_scim_user(&self, account: AccountId, uid: UserId) -> Result<Option<ScimUser>> {
        read!(self, |client| scim_users::get(&client, account, uid).await)
    }

    async fn create_scim_user(
        &self,
        account: AccountId,
        user: &User,
        attrs: &ScimUserAttrs,
        ctx: &AuditContext,
    ) -> Result<()> {
        write_tx!(self, |tx| scim_users::create(
            &tx, account, user, attrs, ctx
        )
        .await)
    }

    async fn replace_scim_user(
        &self,
        account: AccountId,
        uid: UserId,
        change: &ScimUserChange,
        ctx: &AuditContext,
    ) -> Result<Replaced<ScimUser>> {
        write_tx!(self, |tx| scim_users::replace(
            &tx, account, uid, change, ctx
        )
        .await)
    }

    async fn list_scim_users(
        &self,
        account: AccountId,
        query: &ScimQuery,
    ) -> Result<ScimSlice<ScimUser>> {
        read!(self, |client| scim_users::list(&client, account, query)
            .await)
    }

    async fn get_scim_group(&self, account: AccountId, id: GroupId) -> Result<Option<ScimGroup>> {
        read!(self, |client| scim_groups::get(&client, account, id).await)
    }

    async fn create_scim_group(
        &self,
        account: AccountId,
        group: &ScimGroup,
        ctx: &AuditContext,
    ) -> Result<()> {
        write_tx!(self, |tx| scim_groups::create(&tx, account, group, ctx)
            .await)
    }

    async fn replace_scim_group(
        &self,
        account: AccountId,
        id: GroupId,
        change: &ScimGroupChange,
        ctx: &AuditContext,
    ) -> Result<Option<ScimGroup>> {
        write_tx!(self, |tx| scim_groups::replace(
            &tx, account, id, change, ctx
        )
        .await)
    }

    async fn list_scim_groups(
        &self,
        account: AccountId,
        query: &ScimQuery,
    ) -> Result<ScimSlice<ScimGroup>> {
        read!(self, |client| scim_groups::list(&client, account, query)
            .await)
    }
}
