//! The persistence boundary. One implementation per database (`accountd-store-sqlite`, ...);
//! the domain only ever sees this trait, so a backend slots in without touching core.
//!
//! Contract for every implementation:
//! - each method is one transaction: it happens completely or not at all;
//! - a method that answers `Ok` has made its change durable;
//! - uniqueness (email per account, case-insensitive; group name per account; environment id;
//!   client id) is enforced by the database and reported as [`Error::Conflict`](crate::Error::Conflict);
//! - driver failures become [`Error::Unavailable`](crate::Error::Unavailable) (cannot reach or busy) or
//!   [`Error::Internal`](crate::Error::Internal),
//!   never `NotFound`;
//! - listings are keyset-paged on an immutable, increasing sort key.

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::Result;
use crate::audit::{AuditContext, AuditEvent, AuditFilter};
use crate::ids::{AccountId, Email, EnvironmentId, GroupId, UserId, UserRef};
use crate::model::{
    Account, Environment, Group, InvitationOutcome, Message, NewInvitation, OAuthClient,
    PermissionAssignment, ServiceUser, User, UserStatus,
};
use crate::page::{Page, PageQuery};
use crate::rate_limit::{RateDecision, RateLimit};
use crate::scim::{
    Replaced, ScimGroup, ScimGroupChange, ScimQuery, ScimSlice, ScimToken, ScimUser, ScimUserAttrs,
    ScimUserChange,
};
use crate::secret::SecretDigest;
use crate::user_json::UserJson;

/// The new state of a user in a full replacement (updateUser).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserReplacement {
    pub email: Email,
    pub first_name: String,
    pub last_name: String,
    /// The complete membership list after the change.
    pub groups: Vec<GroupId>,
    /// `None` keeps the current status.
    pub status: Option<UserStatus>,
    pub modified_at: OffsetDateTime,
}

/// The new state of a group's name and description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupChange {
    pub name: String,
    pub description: String,
    pub updated_at: OffsetDateTime,
}

/// What a user listing includes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserFilter {
    /// Only the user with this email (case-insensitive).
    pub email: Option<Email>,
    /// Include service users (the real API leaves them out unless asked).
    pub include_service_users: bool,
}

/// The new name and description of a service user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceUserChange {
    pub name: String,
    pub description: String,
    pub modified_at: OffsetDateTime,
}

/// Outcome of removing one user from one group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberRemoval {
    Removed,
    NoSuchGroup,
    NoSuchUser,
    NotAMember,
}

/// A change to one user's memberships.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupsChange {
    Add(Vec<GroupId>),
    Remove(Vec<GroupId>),
    Replace(Vec<GroupId>),
}

/// A backend's connections at one moment, for the metrics (`store_pool_*`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolStatus {
    /// The most connections the backend opens for requests.
    pub max_size: usize,
    /// Connections open now, in use or idle.
    pub open: usize,
    /// Connections serving a request now.
    pub in_use: usize,
    /// Requests waiting for a connection because every one is in use.
    pub waiting: usize,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Short backend name for `/readyz` and logs (`sqlite`, `postgres`).
    fn backend(&self) -> &'static str;

    /// The state of the connections requests are served from (on SQLite the read connections;
    /// its one writer thread is not a pool).
    fn pool_status(&self) -> PoolStatus;

    /// Succeeds when the database answers a trivial query.
    async fn ping(&self) -> Result<()>;

    /// The server key called `name`; `candidate` is stored first when none exists, so every
    /// instance sharing the database ends up with the same key.
    async fn server_key(&self, name: &str, candidate: [u8; 32]) -> Result<[u8; 32]>;

    /// Sets the one-time flag `name`; `true` only for the call that set it.
    async fn claim_flag(&self, name: &str) -> Result<bool>;

    /// Counts one request of `key` against `limit` at `now` (GCRA, see
    /// [`crate::rate_limit::RateDecision::from_gcra`]): reads and moves the key's theoretical
    /// arrival time in one atomic step, so that every instance sharing the database draws on one
    /// budget. A refused request changes nothing. Not an audited change, and the state may be
    /// lost in a crash (a lost state is a full budget).
    async fn rate_limit_check(
        &self,
        key: &str,
        limit: RateLimit,
        now: OffsetDateTime,
    ) -> Result<RateDecision>;

    // Accounts.
    async fn count_accounts(&self) -> Result<u64>;
    async fn create_account(&self, account: &Account, ctx: &AuditContext) -> Result<()>;
    async fn rename_account(&self, id: AccountId, name: &str, ctx: &AuditContext) -> Result<bool>;
    async fn get_account(&self, id: AccountId) -> Result<Option<Account>>;
    /// Sets or clears the account's rate-limit override; `false` when there is no account.
    async fn set_account_rate_limit(
        &self,
        id: AccountId,
        limit: Option<RateLimit>,
        ctx: &AuditContext,
    ) -> Result<bool>;
    async fn list_accounts(&self) -> Result<Vec<Account>>;
    /// Deletes the account and everything in it, its audit log included.
    async fn delete_account(&self, id: AccountId) -> Result<bool>;
    /// Deletes the account's users, groups, memberships and permissions; keeps the account,
    /// its environments and its OAuth clients.
    async fn reset_account(&self, id: AccountId, ctx: &AuditContext) -> Result<bool>;

    // Environments.
    async fn create_environment(
        &self,
        account: AccountId,
        environment: &Environment,
        ctx: &AuditContext,
    ) -> Result<()>;
    async fn update_environment(
        &self,
        account: AccountId,
        environment: &Environment,
        ctx: &AuditContext,
    ) -> Result<bool>;
    async fn delete_environment(
        &self,
        account: AccountId,
        id: &EnvironmentId,
        ctx: &AuditContext,
    ) -> Result<bool>;
    async fn get_environment(
        &self,
        account: AccountId,
        id: &EnvironmentId,
    ) -> Result<Option<Environment>>;
    async fn list_environments(
        &self,
        account: AccountId,
        query: &PageQuery,
    ) -> Result<Page<Environment>>;

    // OAuth clients.
    /// Creates the client; with `replace`, an existing client of the same id and account gets the
    /// new secret digest, name and scopes instead of a conflict.
    async fn put_client(
        &self,
        client: &OAuthClient,
        replace: bool,
        ctx: &AuditContext,
    ) -> Result<()>;
    async fn find_client(&self, client_id: &str) -> Result<Option<OAuthClient>>;
    async fn list_clients(&self, account: AccountId) -> Result<Vec<OAuthClient>>;
    async fn delete_client(
        &self,
        account: AccountId,
        client_id: &str,
        ctx: &AuditContext,
    ) -> Result<bool>;

    // Users.
    /// Inserts the user with its memberships. A group id that is not a group of the account is
    /// `Invalid` naming it; a taken email is `Conflict`.
    async fn create_user(&self, account: AccountId, user: &User, ctx: &AuditContext) -> Result<()>;
    /// Like `create_user`, and records the user's invitation (and its outbox message) in the
    /// same transaction.
    async fn create_invited_user(
        &self,
        account: AccountId,
        user: &User,
        invitation: &NewInvitation,
        ctx: &AuditContext,
    ) -> Result<()>;
    /// Replaces the user's unused invitations with a new one. `None` when there is no such
    /// user; `Conflict` when the user is not `PENDING_INVITE`.
    async fn renew_invitation(
        &self,
        account: AccountId,
        user: &UserRef,
        invitation: &NewInvitation,
        ctx: &AuditContext,
    ) -> Result<Option<User>>;
    /// Uses the invitation with this token digest, making its user `ACTIVE`.
    async fn accept_invitation(
        &self,
        token_digest: &SecretDigest,
        ctx: &AuditContext,
    ) -> Result<InvitationOutcome>;
    /// Moves the user from one of `from` to `to`. `None`: no such user; `Some(Err(current))`:
    /// the user's status is not in `from`.
    async fn change_user_status(
        &self,
        account: AccountId,
        user: &UserRef,
        from: &[UserStatus],
        to: UserStatus,
        ctx: &AuditContext,
    ) -> Result<Option<std::result::Result<User, UserStatus>>>;
    /// The account's outbox, oldest first.
    async fn list_outbox(&self, account: AccountId) -> Result<Vec<Message>>;
    async fn get_user(&self, account: AccountId, user: &UserRef) -> Result<Option<User>>;
    /// Replaces the user's fields and memberships; `None` when there is no such user.
    async fn replace_user(
        &self,
        account: AccountId,
        user: &UserRef,
        change: &UserReplacement,
        ctx: &AuditContext,
    ) -> Result<Option<User>>;
    async fn delete_user(
        &self,
        account: AccountId,
        user: &UserRef,
        ctx: &AuditContext,
    ) -> Result<bool>;
    /// Users of the account narrowed by `filter`.
    async fn list_users(
        &self,
        account: AccountId,
        query: &PageQuery,
        filter: &UserFilter,
    ) -> Result<Page<User>>;
    /// [`Store::get_user`] as the API's JSON. By default rendered from the domain user; a store
    /// that keeps users rendered returns its copy, which must be the same bytes.
    async fn get_user_json(&self, account: AccountId, user: &UserRef) -> Result<Option<UserJson>> {
        Ok(self
            .get_user(account, user)
            .await?
            .map(|found| UserJson::of(&found)))
    }
    /// [`Store::list_users`] as the API's JSON, under the same contract as
    /// [`Store::get_user_json`].
    async fn list_users_json(
        &self,
        account: AccountId,
        query: &PageQuery,
        filter: &UserFilter,
    ) -> Result<Page<UserJson>> {
        let page = self.list_users(account, query, filter).await?;
        Ok(page.map(|user| UserJson::of(&user)))
    }

    // Service users.
    /// Creates the service user, its group, and its membership in that group.
    async fn create_service_user(
        &self,
        account: AccountId,
        user: &ServiceUser,
        group: &Group,
        ctx: &AuditContext,
    ) -> Result<()>;
    async fn get_service_user(
        &self,
        account: AccountId,
        uid: UserId,
    ) -> Result<Option<ServiceUser>>;
    async fn update_service_user(
        &self,
        account: AccountId,
        uid: UserId,
        change: &ServiceUserChange,
        ctx: &AuditContext,
    ) -> Result<Option<ServiceUser>>;
    /// Deletes the service user and the group created for it.
    async fn delete_service_user(
        &self,
        account: AccountId,
        uid: UserId,
        ctx: &AuditContext,
    ) -> Result<bool>;
    /// Service users in creation order; `skip` drops that many first (page-number paging).
    async fn list_service_users(
        &self,
        account: AccountId,
        query: &PageQuery,
        skip: u64,
    ) -> Result<Page<ServiceUser>>;

    // Groups.
    async fn create_group(
        &self,
        account: AccountId,
        group: &Group,
        ctx: &AuditContext,
    ) -> Result<()>;
    async fn get_group(&self, account: AccountId, id: GroupId) -> Result<Option<Group>>;
    async fn find_group_by_name(&self, account: AccountId, name: &str) -> Result<Option<Group>>;
    async fn update_group(
        &self,
        account: AccountId,
        id: GroupId,
        change: &GroupChange,
        ctx: &AuditContext,
    ) -> Result<Option<Group>>;
    /// Deletes the group with its memberships and permissions.
    async fn delete_group(
        &self,
        account: AccountId,
        id: GroupId,
        ctx: &AuditContext,
    ) -> Result<bool>;
    async fn list_groups(&self, account: AccountId, query: &PageQuery) -> Result<Page<Group>>;

    // Memberships. Each call is one transaction of set operations (no read-modify-write in
    // code), so concurrent adds and removes never lose an update.
    /// Adds users to a group (already a member is fine). `None` when the group does not exist;
    /// a uid that is not a user of the account is `Invalid` naming it, and nothing is applied.
    async fn add_members(
        &self,
        account: AccountId,
        group: GroupId,
        users: &[UserId],
        ctx: &AuditContext,
    ) -> Result<Option<()>>;
    async fn remove_member(
        &self,
        account: AccountId,
        group: GroupId,
        user: &UserRef,
        ctx: &AuditContext,
    ) -> Result<MemberRemoval>;
    /// The members of a group, `None` when the group does not exist.
    async fn list_members(&self, account: AccountId, group: GroupId) -> Result<Option<Vec<User>>>;
    /// Changes a user's memberships; `None` when the user does not exist. Unknown group ids are
    /// `Invalid` naming the first, and nothing is applied.
    async fn change_user_groups(
        &self,
        account: AccountId,
        user: &UserRef,
        change: &GroupsChange,
        ctx: &AuditContext,
    ) -> Result<Option<User>>;

    // Permissions.
    /// Every permission assignment of the account, ordered by group then grant order.
    async fn list_permissions(&self, account: AccountId) -> Result<Vec<PermissionAssignment>>;
    /// Adds permissions to a group (already granted is fine); `false` when there is no group.
    async fn add_group_permissions(
        &self,
        account: AccountId,
        group: GroupId,
        permissions: &[PermissionAssignment],
        ctx: &AuditContext,
    ) -> Result<bool>;
    /// Removes one permission; `None` when there is no group, `Some(false)` when not granted.
    async fn remove_group_permission(
        &self,
        account: AccountId,
        permission: &PermissionAssignment,
        ctx: &AuditContext,
    ) -> Result<Option<bool>>;
    /// Makes `permissions` the complete permission list of `group`.
    async fn set_group_permissions(
        &self,
        account: AccountId,
        group: GroupId,
        permissions: &[PermissionAssignment],
        ctx: &AuditContext,
    ) -> Result<bool>;

    // Audit log.
    /// Events of the account, newest first (`PageQuery::after` is the id to continue below).
    async fn list_audit_events(
        &self,
        account: AccountId,
        query: &PageQuery,
        filter: &AuditFilter,
    ) -> Result<Page<AuditEvent>>;

    // SCIM tokens.
    /// Stores a new SCIM token. With `revoke_others` every other token of the account is
    /// deleted in the same transaction (rotation); otherwise an account that already has
    /// `max_tokens` tokens gets `Conflict`. `false` when there is no such account.
    async fn create_scim_token(
        &self,
        token: &ScimToken,
        max_tokens: u32,
        revoke_others: bool,
        ctx: &AuditContext,
    ) -> Result<bool>;
    /// The account's SCIM tokens, oldest first.
    async fn list_scim_tokens(&self, account: AccountId) -> Result<Vec<ScimToken>>;
    /// The token with this public id, of any account.
    async fn find_scim_token(&self, id: &str) -> Result<Option<ScimToken>>;
    async fn delete_scim_token(
        &self,
        account: AccountId,
        id: &str,
        ctx: &AuditContext,
    ) -> Result<bool>;

    // SCIM users: human users with their SCIM attributes and group names.
    async fn get_scim_user(&self, account: AccountId, uid: UserId) -> Result<Option<ScimUser>>;
    /// Inserts the user (no memberships) with its SCIM attributes. A taken email or userName
    /// is `Conflict`.
    async fn create_scim_user(
        &self,
        account: AccountId,
        user: &User,
        attrs: &ScimUserAttrs,
        ctx: &AuditContext,
    ) -> Result<()>;
    /// Sets the user's fields and SCIM attributes if its `modifiedAt` is still
    /// `change.expected_modified_at`; memberships stay as they are.
    async fn replace_scim_user(
        &self,
        account: AccountId,
        uid: UserId,
        change: &ScimUserChange,
        ctx: &AuditContext,
    ) -> Result<Replaced<ScimUser>>;
    /// Human users in creation order.
    async fn list_scim_users(
        &self,
        account: AccountId,
        query: &ScimQuery,
    ) -> Result<ScimSlice<ScimUser>>;

    // SCIM groups.
    async fn get_scim_group(&self, account: AccountId, id: GroupId) -> Result<Option<ScimGroup>>;
    /// Inserts the group with its members. A uid that is not a user of the account is
    /// `Invalid` naming it; a taken name is `Conflict`.
    async fn create_scim_group(
        &self,
        account: AccountId,
        group: &ScimGroup,
        ctx: &AuditContext,
    ) -> Result<()>;
    /// Renames the group, sets its externalId and applies the member difference (adding a
    /// member twice or removing a non-member is fine). Unknown uids to add are `Invalid`.
    async fn replace_scim_group(
        &self,
        account: AccountId,
        id: GroupId,
        change: &ScimGroupChange,
        ctx: &AuditContext,
    ) -> Result<Option<ScimGroup>>;
    /// Groups in creation order.
    async fn list_scim_groups(
        &self,
        account: AccountId,
        query: &ScimQuery,
    ) -> Result<ScimSlice<ScimGroup>>;
}
