//! Builders shared by the stories.

use accountd_core::audit::AuditContext;
use accountd_core::authz::Actor;
use accountd_core::ids::{AccountId, Email, GroupId, UserId};
use accountd_core::model::{Account, Group, GroupOwner, User, UserStatus};
use accountd_core::page::PageQuery;
use accountd_core::store::{Store, UserFilter};
use time::OffsetDateTime;

pub fn ctx() -> AuditContext {
    ctx_at(now())
}

pub fn ctx_at(at: OffsetDateTime) -> AuditContext {
    AuditContext {
        actor: Actor::Admin,
        at,
    }
}

pub fn now() -> OffsetDateTime {
    // Millisecond precision: what the store keeps.
    accountd_core::clock::from_millis(accountd_core::clock::to_millis(OffsetDateTime::now_utc()))
}

pub async fn account(store: &dyn Store) -> AccountId {
    let account = Account {
        id: AccountId::generate(),
        name: "Acme".into(),
        created_at: now(),
        rate_limit: None,
    };
    store
        .create_account(&account, &ctx())
        .await
        .expect("create account");
    account.id
}

pub fn user(email: &str, groups: Vec<GroupId>) -> User {
    User {
        uid: UserId::generate(),
        email: Email::parse(email).expect("email"),
        first_name: "Ada".into(),
        last_name: "Lovelace".into(),
        groups,
        status: UserStatus::PendingInvite,
        created_at: now(),
        modified_at: now(),
    }
}

pub fn group(name: &str) -> Group {
    Group {
        id: GroupId::generate(),
        name: name.into(),
        description: String::new(),
        owner: GroupOwner::Local,
        created_at: now(),
        updated_at: now(),
    }
}

pub fn by_email(email: &Email) -> UserFilter {
    UserFilter {
        email: Some(email.clone()),
        include_service_users: false,
    }
}

/// The first page of `limit` items.
pub fn first(limit: u32) -> PageQuery {
    PageQuery { after: None, limit }
}
