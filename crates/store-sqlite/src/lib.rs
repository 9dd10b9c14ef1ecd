//! The accountd [`Store`] on SQLite.
//!
//! - WAL journal, foreign keys on, `synchronous=FULL`: an acknowledged write survives kill -9.
//! - Reads run inline on a small pool of connections (a point lookup is ~5 µs).
//! - Writes go to one writer thread that commits in groups (see the `writer` module).
//! - Users read by uid or email are cached until a write changes them (the `user_cache` module),
//!   which is why one process at a time may open a database file (the `exclusive` module).
//!
//! rusqlite rather than sqlx: sqlx's SQLite driver costs ~34 µs a query on these machines
//! against rusqlite's ~5 µs (DESIGN.md), and the read path has to stay near a bare handler.

mod accounts;
mod audit;
mod clients;
mod connection;
mod docs;
mod environments;
mod errors;
mod exclusive;
mod groups;
mod invitations;
mod memberships;
mod migrate;
mod paging;
mod permissions;
mod rate_limits;
mod readers;
mod rows;
mod scim_groups;
mod scim_tokens;
mod scim_users;
mod service_users;
mod user_cache;
#[cfg(test)]
mod user_cache_tests;
mod users;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::Arc;

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
use accountd_core::user_json::UserJson;
use accountd_core::{Error, Result};
use async_trait::async_trait;

use crate::exclusive::DatabaseLock;
use crate::readers::Readers;
use crate::user_cache::UserCache;
use crate::writer::Writer;

pub use connection::FileAccess;
pub use migrate::latest_version as schema_version;
pub use user_cache::UserCacheLimits;

/// Read connections per store: enough for every runtime worker to read without waiting.
const DEFAULT_READERS: usize = 8;

pub struct SqliteStore {
    path: PathBuf,
    readers: Readers,
    writer: Writer,
    /// Users' JSON by uid or email, for `GET /users/{uid}`; the writer drops the users each
    /// batch changes.
    users: Arc<UserCache<UserJson>>,
    /// Held for the store's lifetime: no other process writes behind the cache's back.
    _lock: DatabaseLock,
}

/// Settings of a SQLite store beyond its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SqliteOptions {
    /// How much the user cache keeps (0 users turns it off).
    pub user_cache: UserCacheLimits,
    /// Whether other programs may open the file while the store has it open.
    pub file_access: FileAccess,
}

impl SqliteStore {
    /// Opens (creating if missing) the database named by a `sqlite://` URL:
    /// `sqlite://accountd.db` (relative) or `sqlite:///var/lib/accountd.db` (absolute).
    pub fn open_url(url: &str) -> Result<Self> {
        Self::open_url_with(url, SqliteOptions::default())
    }

    /// Like [`SqliteStore::open_url`], with `options`.
    pub fn open_url_with(url: &str, options: SqliteOptions) -> Result<Self> {
        let path = parse_url(url)?;
        Self::open_with(&path, options)
    }

    /// Opens (creating if missing) the database file at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self> {
        Self::open_with(path, SqliteOptions::default())
    }

    /// Like [`SqliteStore::open`], with `options`.
    ///
    /// The store takes its read metrics' handles (`store_read_seconds`, `store_readers_busy`,
    /// `store_user_cache_total`) here, once: install the `metrics` recorder before opening it,
    /// or those metrics record nothing (the server does).
    pub fn open_with(path: &Path, options: SqliteOptions) -> Result<Self> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|err| {
                Error::Unavailable(format!(
                    "cannot create the directory '{}': {err}",
                    parent.display()
                ))
            })?;
        }
        let lock = exclusive::lock(path)?;
        let mut conn = connection::open(path, options.file_access)?;
        migrate::run(&mut conn)?;
        docs::prepare(&mut conn)?;
        drop(conn);
        let users = Arc::new(UserCache::new(options.user_cache));
        let told = Arc::clone(&users);
        let writer = Writer::start(
            path,
            options.file_access,
            Box::new(move |changed| told.users_changed(changed)),
        )?;
        Ok(Self {
            path: path.to_owned(),
            readers: Readers::open(path, DEFAULT_READERS, options.file_access)?,
            users,
            writer,
            _lock: lock,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs SQLite's `PRAGMA integrity_check`, then checks that every user's kept JSON is its
    /// rendering now (the `docs` module); `Ok` when the database is sound. Reads every user.
    pub fn integrity_check(&self) -> Result<()> {
        let verdict: String = self
            .readers
            .read(|conn| conn.query_row("PRAGMA integrity_check", [], |row| row.get(0)))?;
        if verdict != "ok" {
            return Err(Error::Internal(format!(
                "integrity check failed: {verdict}"
            )));
        }
        match self.readers.read(docs::first_stale)? {
            None => Ok(()),
            Some(seq) => Err(Error::Internal(format!(
                "integrity check failed: the kept JSON of the user at row {seq} is not its rendering"
            ))),
        }
    }
}

/// `sqlite://<path>` or `sqlite:<path>`; a query string (`?mode=...`) is not supported.
pub fn parse_url(url: &str) -> Result<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .ok_or_else(|| Error::invalid("database", format!("'{url}' is not a sqlite:// URL")))?;
    if rest.is_empty() || rest.contains('?') || rest == ":memory:" {
        return Err(Error::invalid(
            "database",
            format!(
                "'{url}' does not name a database file; use sqlite://<file> (e.g. sqlite://accountd.db or sqlite:///var/lib/accountd/accountd.db)"
            ),
        ));
    }
    Ok(PathBuf::from(rest))
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    fn pool_status(&self) -> PoolStatus {
        self.readers.status()
    }

    async fn ping(&self) -> Result<()> {
        self.readers
            .read(|conn| conn.query_row("SELECT 1", [], |_| Ok(())))
    }

    async fn server_key(&self, name: &str, candidate: [u8; 32]) -> Result<[u8; 32]> {
        let name = name.to_owned();
        self.writer
            .write(move |conn| accounts::server_key(conn, &name, candidate))
            .await
    }

    async fn claim_flag(&self, name: &str) -> Result<bool> {
        let name = name.to_owned();
        self.writer
            .write(move |conn| accounts::claim_flag(conn, &name))
            .await
    }

    async fn rate_limit_check(
        &self,
        key: &str,
        limit: RateLimit,
        now: time::OffsetDateTime,
    ) -> Result<RateDecision> {
        let key = key.to_owned();
        let now = i64::try_from(now.unix_timestamp_nanos() / 1_000).unwrap_or(i64::MAX);
        self.writer
            .write(move |conn| rate_limits::check(conn, &key, limit, now))
            .await
    }

    async fn count_accounts(&self) -> Result<u64> {
        self.readers.read(accounts::count)
    }

    async fn create_account(&self, account: &Account, ctx: &AuditContext) -> Result<()> {
        let ctx = ctx.clone();
        let account = account.clone();
        self.writer
            .write(move |conn| accounts::create(conn, &account, &ctx))
            .await
    }

    async fn rename_account(&self, id: AccountId, name: &str, ctx: &AuditContext) -> Result<bool> {
        let ctx = ctx.clone();
        let name = name.to_owned();
        self.writer
            .write(move |conn| accounts::rename(conn, id, &name, &ctx))
            .await
    }

    async fn get_account(&self, id: AccountId) -> Result<Option<Account>> {
        self.readers.lookup(|conn| accounts::get(conn, id))
    }

    async fn set_account_rate_limit(
        &self,
        id: AccountId,
        limit: Option<RateLimit>,
        ctx: &AuditContext,
    ) -> Result<bool> {
        let ctx = ctx.clone();
        self.writer
            .write(move |conn| accounts::set_rate_limit(conn, id, limit, &ctx))
            .await
    }

    async fn list_accounts(&self) -> Result<Vec<Account>> {
        self.readers.read(accounts::list)
    }

    async fn delete_account(&self, id: AccountId) -> Result<bool> {
        self.writer
            .write(move |conn| accounts::delete(conn, id))
            .await
    }

    async fn reset_account(&self, id: AccountId, ctx: &AuditContext) -> Result<bool> {
        let ctx = ctx.clone();
        self.writer
            .write(move |conn| accounts::reset(conn, id, &ctx))
            .await
    }

    async fn create_environment(
        &self,
        account: AccountId,
        environment: &Environment,
        ctx: &AuditContext,
    ) -> Result<()> {
        let ctx = ctx.clone();
        let environment = environment.clone();
        self.writer
            .write(move |conn| environments::create(conn, account, &environment, &ctx))
            .await
    }

    async fn update_environment(
        &self,
        account: AccountId,
        environment: &Environment,
        ctx: &AuditContext,
    ) -> Result<bool> {
        let ctx = ctx.clone();
        let environment = environment.clone();
        self.writer
            .write(move |conn| environments::update(conn, account, &environment, &ctx))
            .await
    }

    async fn delete_environment(
        &self,
        account: AccountId,
        id: &EnvironmentId,
        ctx: &AuditContext,
    ) -> Result<bool> {
        let ctx = ctx.clone();
        let id = id.clone();
        self.writer
            .write(move |conn| environments::delete(conn, account, &id, &ctx))
            .await
    }

    async fn get_environment(
        &self,
        account: AccountId,
        id: &EnvironmentId,
    ) -> Result<Option<Environment>> {
        self.readers
            .lookup(|conn| environments::get(conn, account, id))
    }

    async fn list_environments(
        &self,
        account: AccountId,
        query: &PageQuery,
    ) -> Result<Page<Environment>> {
        self.readers
            .read(|conn| environments::list(conn, account, query))
    }

    async fn put_client(
        &self,
        client: &OAuthClient,
        replace: bool,
        ctx: &AuditContext,
    ) -> Result<()> {
        let ctx = ctx.clone();
        let client = client.clone();
        self.writer
            .write(move |conn| clients::put(conn, &client, replace, &ctx))
            .await
    }

    async fn find_client(&self, client_id: &str) -> Result<Option<OAuthClient>> {
        self.readers.lookup(|conn| clients::find(conn, client_id))
    }

    async fn list_clients(&self, account: AccountId) -> Result<Vec<OAuthClient>> {
        self.readers.read(|conn| clients::list(conn, account))
    }

    async fn delete_client(
        &self,
        account: AccountId,
        client_id: &str,
        ctx: &AuditContext,
    ) -> Result<bool> {
        let ctx = ctx.clone();
        let client_id = client_id.to_owned();
        self.writer
            .write(move |conn| clients::delete(conn, account, &client_id, &ctx))
            .await
    }

    async fn create_user(&self, account: AccountId, user: &User, ctx: &AuditContext) -> Result<()> {
        let ctx = ctx.clone();
        let user = user.clone();
        self.writer
            .write(move |conn| users::create(conn, account, &user, &ctx).map(|_| ()))
            .await
    }

    async fn create_invited_user(
        &self,
        account: AccountId,
        user: &User,
        invitation: &NewInvitation,
        ctx: &AuditContext,
    ) -> Result<()> {
        let ctx = ctx.clone();
        let (user, invitation) = (user.clone(), invitation.clone());
        self.writer
            .write(move |conn| {
                invitations::create_invited_user(conn, account, &user, &invitation, &ctx)
            })
            .await
    }

    async fn renew_invitation(
        &self,
        account: AccountId,
        user: &UserRef,
        invitation: &NewInvitation,
        ctx: &AuditContext,
    ) -> Result<Option<User>> {
        let ctx = ctx.clone();
        let (user, invitation) = (user.clone(), invitation.clone());
        self.writer
            .write(move |conn| invitations::renew(conn, account, &user, &invitation, &ctx))
            .await
    }

    async fn accept_invitation(
        &self,
        token_digest: &SecretDigest,
        ctx: &AuditContext,
    ) -> Result<InvitationOutcome> {
        let ctx = ctx.clone();
        let digest = *token_digest;
        self.writer
            .write(move |conn| invitations::accept(conn, &digest, &ctx))
            .await
    }

    async fn change_user_status(
        &self,
        account: AccountId,
        user: &UserRef,
        from: &[UserStatus],
        to: UserStatus,
        ctx: &AuditContext,
    ) -> Result<Option<std::result::Result<User, UserStatus>>> {
        let ctx = ctx.clone();
        let (user, from) = (user.clone(), from.to_vec());
        self.writer
            .write(move |conn| invitations::change_status(conn, account, &user, &from, to, &ctx))
            .await
    }

    async fn list_outbox(&self, account: AccountId) -> Result<Vec<Message>> {
        self.readers.read(|conn| invitations::outbox(conn, account))
    }

    async fn get_user(&self, account: AccountId, user: &UserRef) -> Result<Option<User>> {
        // One statement (see `users::get`): its own snapshot, no transaction needed.
        self.readers.lookup(|conn| users::get(conn, account, user))
    }

    async fn get_user_json(&self, account: AccountId, user: &UserRef) -> Result<Option<UserJson>> {
        self.users.get_or_load(account, user, || {
            // One statement whenever the doc is there (it always is once the store is open).
            self.readers
                .lookup(|conn| users::get_json(conn, account, user))
        })
    }

    async fn replace_user(
        &self,
        account: AccountId,
        user: &UserRef,
        change: &UserReplacement,
        ctx: &AuditContext,
    ) -> Result<Option<User>> {
        let ctx = ctx.clone();
        let (user, change) = (user.clone(), change.clone());
        self.writer
            .write(move |conn| users::replace(conn, account, &user, &change, &ctx))
            .await
    }

    async fn delete_user(
        &self,
        account: AccountId,
        user: &UserRef,
        ctx: &AuditContext,
    ) -> Result<bool> {
        let ctx = ctx.clone();
        let user = user.clone();
        self.writer
            .write(move |conn| users::delete(conn, account, &user, &ctx))
            .await
    }

    async fn list_users(
        &self,
        account: AccountId,
        query: &PageQuery,
        filter: &UserFilter,
    ) -> Result<Page<User>> {
        self.readers
            .read(|conn| users::list(conn, account, query, filter))
    }

    async fn list_users_json(
        &self,
        account: AccountId,
        query: &PageQuery,
        filter: &UserFilter,
    ) -> Result<Page<UserJson>> {
        self.readers
            .read(|conn| users::list_json(conn, account, query, filter))
    }

    async fn create_service_user(
        &self,
        account: AccountId,
        user: &ServiceUser,
        group: &Group,
        ctx: &AuditContext,
    ) -> Result<()> {
        let ctx = ctx.clone();
        let (user, group) = (user.clone(), group.clone());
        self.writer
            .write(move |conn| service_users::create(conn, account, &user, &group, &ctx))
            .await
    }

    async fn get_service_user(
        &self,
        account: AccountId,
        uid: UserId,
    ) -> Result<Option<ServiceUser>> {
        self.readers
            .lookup(|conn| service_users::get(conn, account, uid))
    }

    async fn update_service_user(
        &self,
        account: AccountId,
        uid: UserId,
        change: &ServiceUserChange,
        ctx: &AuditContext,
    ) -> Result<Option<ServiceUser>> {
        let ctx = ctx.clone();
        let change = change.clone();
        self.writer
            .write(move |conn| service_users::update(conn, account, uid, &change, &ctx))
            .await
    }

    async fn delete_service_user(
        &self,
        account: AccountId,
        uid: UserId,
        ctx: &AuditContext,
    ) -> Result<bool> {
        let ctx = ctx.clone();
        self.writer
            .write(move |conn| service_users::delete(conn, account, uid, &ctx))
            .await
    }

    async fn list_service_users(
        &self,
        account: AccountId,
        query: &PageQuery,
        skip: u64,
    ) -> Result<Page<ServiceUser>> {
        self.readers
            .read(|conn| service_users::list(conn, account, query, skip))
    }

    async fn add_members(
        &self,
        account: AccountId,
        group: GroupId,
        users: &[UserId],
        ctx: &AuditContext,
    ) -> Result<Option<()>> {
        let ctx = ctx.clone();
        let users = users.to_vec();
        self.writer
            .write(move |conn| memberships::add_members(conn, account, group, &users, &ctx))
            .await
    }

    async fn remove_member(
        &self,
        account: AccountId,
        group: GroupId,
        user: &UserRef,
        ctx: &AuditContext,
    ) -> Result<MemberRemoval> {
        let ctx = ctx.clone();
        let user = user.clone();
        self.writer
            .write(move |conn| memberships::remove_member(conn, account, group, &user, &ctx))
            .await
    }

    async fn list_members(&self, account: AccountId, group: GroupId) -> Result<Option<Vec<User>>> {
        self.readers
            .read(|conn| memberships::list_members(conn, account, group))
    }

    async fn change_user_groups(
        &self,
        account: AccountId,
        user: &UserRef,
        change: &GroupsChange,
        ctx: &AuditContext,
    ) -> Result<Option<User>> {
        let ctx = ctx.clone();
        let (user, change) = (user.clone(), change.clone());
        self.writer
            .write(move |conn| memberships::change_user_groups(conn, account, &user, &change, &ctx))
            .await
    }

    async fn create_group(
        &self,
        account: AccountId,
        group: &Group,
        ctx: &AuditContext,
    ) -> Result<()> {
        let ctx = ctx.clone();
        let group = group.clone();
        self.writer
            .write(move |conn| groups::create(conn, account, &group, &ctx))
            .await
    }

    async fn get_group(&self, account: AccountId, id: GroupId) -> Result<Option<Group>> {
        self.readers.lookup(|conn| groups::get(conn, account, id))
    }

    async fn find_group_by_name(&self, account: AccountId, name: &str) -> Result<Option<Group>> {
        self.readers
            .lookup(|conn| groups::find_by_name(conn, account, name))
    }

    async fn update_group(
        &self,
        account: AccountId,
        id: GroupId,
        change: &GroupChange,
        ctx: &AuditContext,
    ) -> Result<Option<Group>> {
        let ctx = ctx.clone();
        let change = change.clone();
        self.writer
            .write(move |conn| groups::update(conn, account, id, &change, &ctx))
            .await
    }

    async fn delete_group(
        &self,
        account: AccountId,
        id: GroupId,
        ctx: &AuditContext,
    ) -> Result<bool> {
        let ctx = ctx.clone();
        self.writer
            .write(move |conn| groups::delete(conn, account, id, &ctx))
            .await
    }

    async fn list_groups(&self, account: AccountId, query: &PageQuery) -> Result<Page<Group>> {
        self.readers.read(|conn| groups::list(conn, account, query))
    }

    async fn list_permissions(&self, account: AccountId) -> Result<Vec<PermissionAssignment>> {
        self.readers.read(|conn| permissions::list(conn, account))
    }

    async fn add_group_permissions(
        &self,
        account: AccountId,
        group: GroupId,
        permissions: &[PermissionAssignment],
        ctx: &AuditContext,
    ) -> Result<bool> {
        let ctx = ctx.clone();
        let permissions = permissions.to_vec();
        self.writer
            .write(move |conn| permissions::add_for_group(conn, account, group, &permissions, &ctx))
            .await
    }

    async fn remove_group_permission(
        &self,
        account: AccountId,
        permission: &PermissionAssignment,
        ctx: &AuditContext,
    ) -> Result<Option<bool>> {
        let ctx = ctx.clone();
        let permission = permission.clone();
        self.writer
            .write(move |conn| permissions::remove_one(conn, account, &permission, &ctx))
            .await
    }

    async fn set_group_permissions(
        &self,
        account: AccountId,
        group: GroupId,
        permissions: &[PermissionAssignment],
        ctx: &AuditContext,
    ) -> Result<bool> {
        let ctx = ctx.clone();
        let permissions = permissions.to_vec();
        self.writer
            .write(move |conn| permissions::set_for_group(conn, account, group, &permissions, &ctx))
            .await
    }

    async fn list_audit_events(
        &self,
        account: AccountId,
        query: &PageQuery,
        filter: &AuditFilter,
    ) -> Result<Page<AuditEvent>> {
        self.readers
            .read(|conn| audit::list(conn, account, query, filter))
    }

    async fn create_scim_token(
        &self,
        token: &ScimToken,
        max_tokens: u32,
        revoke_others: bool,
        ctx: &AuditContext,
    ) -> Result<bool> {
        let (token, ctx) = (token.clone(), ctx.clone());
        self.writer
            .write(move |conn| scim_tokens::create(conn, &token, max_tokens, revoke_others, &ctx))
            .await
    }

    async fn list_scim_tokens(&self, account: AccountId) -> Result<Vec<ScimToken>> {
        self.readers.read(|conn| scim_tokens::list(conn, account))
    }

    async fn find_scim_token(&self, id: &str) -> Result<Option<ScimToken>> {
        self.readers.lookup(|conn| scim_tokens::find(conn, id))
    }

    async fn delete_scim_token(
        &self,
        account: AccountId,
        id: &str,
        ctx: &AuditContext,
    ) -> Result<bool> {
        let (id, ctx) = (id.to_owned(), ctx.clone());
        self.writer
            .write(move |conn| scim_tokens::delete(conn, account, &id, &ctx))
            .await
    }

    async fn get_scim_user(&self, account: AccountId, uid: UserId) -> Result<Option<ScimUser>> {
        self.readers
            .read(|conn| scim_users::get(conn, account, uid))
    }

    async fn create_scim_user(
        &self,
        account: AccountId,
        user: &User,
        attrs: &ScimUserAttrs,
        ctx: &AuditContext,
    ) -> Result<()> {
        let (user, attrs, ctx) = (user.clone(), attrs.clone(), ctx.clone());
        self.writer
            .write(move |conn| scim_users::create(conn, account, &user, &attrs, &ctx))
            .await
    }

    async fn replace_scim_user(
        &self,
        account: AccountId,
        uid: UserId,
        change: &ScimUserChange,
        ctx: &AuditContext,
    ) -> Result<Replaced<ScimUser>> {
        let (change, ctx) = (change.clone(), ctx.clone());
        self.writer
            .write(move |conn| scim_users::replace(conn, account, uid, &change, &ctx))
            .await
    }

    async fn list_scim_users(
        &self,
        account: AccountId,
        query: &ScimQuery,
    ) -> Result<ScimSlice<ScimUser>> {
        self.readers
            .read(|conn| scim_users::list(conn, account, query))
    }

    async fn get_scim_group(&self, account: AccountId, id: GroupId) -> Result<Option<ScimGroup>> {
        self.readers
            .read(|conn| scim_groups::get(conn, account, id))
    }

    async fn create_scim_group(
        &self,
        account: AccountId,
        group: &ScimGroup,
        ctx: &AuditContext,
    ) -> Result<()> {
        let (group, ctx) = (group.clone(), ctx.clone());
        self.writer
            .write(move |conn| scim_groups::create(conn, account, &group, &ctx))
            .await
    }

    async fn replace_scim_group(
        &self,
        account: AccountId,
        id: GroupId,
        change: &ScimGroupChange,
        ctx: &AuditContext,
    ) -> Result<Option<ScimGroup>> {
        let (change, ctx) = (change.clone(), ctx.clone());
        self.writer
            .write(move |conn| scim_groups::replace(conn, account, id, &change, &ctx))
            .await
    }

    async fn list_scim_groups(
        &self,
        account: AccountId,
        query: &ScimQuery,
    ) -> Result<ScimSlice<ScimGroup>> {
        self.readers
            .read(|conn| scim_groups::list(conn, account, query))
    }
}
