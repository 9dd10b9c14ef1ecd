//! Users (seed 000: listUsers, createUser, getUser, updateUser, deleteUser).

use crate::authz::{Actor, IdmReader, IdmWriter};
use crate::ids::{AccountId, Email, GroupId, UserId, UserRef};
use crate::model::{User, UserStatus};
use crate::page::{Cursor, Listing, PageKind};
use crate::service::Accountd;
use crate::store::{UserFilter, UserReplacement};
use crate::user_json::UserJson;
use crate::validate::{NAME_MAX, required_text};
use crate::{Error, Result};

/// The filter of a user listing as a page key carries it.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct ListFilter {
    #[serde(rename = "e", default, skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    #[serde(rename = "s", default)]
    service_users: bool,
}

/// `pageSize` and `nextPageKey` of a listing request.
#[derive(Debug, Clone, Copy, Default)]
pub struct PageRequest<'a> {
    pub size: Option<u32>,
    pub key: Option<&'a str>,
}

/// The body of createUser and updateUser, before validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserInput {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    /// Group ids; `None` means no memberships (on update: clear them).
    pub groups: Option<Vec<String>>,
}

struct ValidUser {
    email: Email,
    first_name: String,
    last_name: String,
    groups: Vec<GroupId>,
}

impl UserInput {
    fn validate(&self) -> Result<ValidUser> {
        let email = Email::parse(&self.email)?;
        let first_name = required_text("firstName", &self.first_name, NAME_MAX)?;
        let last_name = required_text("lastName", &self.last_name, NAME_MAX)?;
        let groups = parse_group_ids(self.groups.as_deref().unwrap_or_default())?;
        Ok(ValidUser {
            email,
            first_name,
            last_name,
            groups,
        })
    }
}

/// Parses group ids, dropping repeats; a malformed one is a 400 naming it.
pub(crate) fn parse_group_ids(raw: &[String]) -> Result<Vec<GroupId>> {
    let mut ids = Vec::with_capacity(raw.len());
    for text in raw {
        let id = GroupId::parse(text)
            .ok_or_else(|| Error::invalid("groups", format!("unknown group id '{text}'")))?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

fn user_not_found(user: &str) -> Error {
    Error::NotFound(format!("user '{user}' not found"))
}

/// A path `{userId}` that is neither a uid nor an email cannot name a user: 404.
fn parse_user_ref(user: &str) -> Result<UserRef> {
    UserRef::parse(user).ok_or_else(|| user_not_found(user))
}

impl Accountd {
    /// listUsers; `email` narrows the listing to that address (exact, case-insensitive), the way
    /// offboarding scripts resolve a uid; service users are left out unless asked for (real
    /// API). A page key carries the filter it was issued under. Users come as the API's JSON:
    /// the SQLite store keeps them rendered, and a page is then a concatenation.
    pub async fn list_users(
        &self,
        access: &IdmReader,
        page: PageRequest<'_>,
        email: Option<&str>,
        include_service_users: bool,
    ) -> Result<Listing<UserJson>> {
        let filter = match (email, include_service_users) {
            (None, false) => None,
            (email, service) => Some(
                serde_json::to_string(&ListFilter {
                    email: email.map(str::to_owned),
                    service_users: service,
                })
                .unwrap_or_default(),
            ),
        };
        self.list_page(
            access.account(),
            PageKind::Users,
            page.size,
            page.key,
            filter.as_deref(),
            |query, filter| {
                let store = self.store.clone();
                let account = access.account();
                async move {
                    let filter = match filter {
                        None => UserFilter::default(),
                        Some(text) => {
                            let parsed: ListFilter = serde_json::from_str(&text).map_err(|_| {
                                Error::invalid(
                                    "nextPageKey",
                                    "the page key is malformed; start again from the first page",
                                )
                            })?;
                            UserFilter {
                                email: parsed.email.as_deref().map(Email::parse).transpose()?,
                                include_service_users: parsed.service_users,
                            }
                        }
                    };
                    store.list_users_json(account, &query, &filter).await
                }
            },
        )
        .await
    }

    /// getUser, as the API's JSON (see [`Accountd::list_users`]).
    pub async fn get_user(&self, access: &IdmReader, user: &str) -> Result<UserJson> {
        let user_ref = parse_user_ref(user)?;
        self.store
            .get_user_json(access.account(), &user_ref)
            .await?
            .ok_or_else(|| user_not_found(user))
    }

    pub async fn create_user(&self, access: &IdmWriter, input: &UserInput) -> Result<User> {
        let valid = input.validate()?;
        self.insert_user(
            access.actor(),
            access.account(),
            valid,
            UserStatus::PendingInvite,
        )
        .await
    }

    pub(crate) async fn create_user_with_status(
        &self,
        actor: &Actor,
        account: AccountId,
        input: &UserInput,
        status: UserStatus,
    ) -> Result<User> {
        self.insert_user(actor, account, input.validate()?, status)
            .await
    }

    async fn insert_user(
        &self,
        actor: &Actor,
        account: AccountId,
        valid: ValidUser,
        status: UserStatus,
    ) -> Result<User> {
        let ctx = self.audit(actor);
        let now = ctx.at;
        let user = User {
            uid: UserId::generate(),
            email: valid.email,
            first_name: valid.first_name,
            last_name: valid.last_name,
            groups: valid.groups,
            status,
            created_at: now,
            modified_at: now,
        };
        // A pending user gets an invitation in the same transaction; others (bootstrap users
        // declared ACTIVE or INACTIVE) do not need one.
        if status == UserStatus::PendingInvite {
            let (invitation, message) = self
                .new_invitation(account, &user.email, &user.first_name)
                .await?;
            self.store
                .create_invited_user(account, &user, &invitation, &ctx)
                .await?;
            self.deliver(&message).await;
        } else {
            self.store.create_user(account, &user, &ctx).await?;
        }
        Ok(user)
    }

    /// Full replacement: the memberships become exactly `input.groups` (none when omitted).
    pub async fn update_user(
        &self,
        access: &IdmWriter,
        user: &str,
        input: &UserInput,
    ) -> Result<User> {
        let user_ref = parse_user_ref(user)?;
        self.replace_user(access.actor(), access.account(), &user_ref, input, None)
            .await?
            .ok_or_else(|| user_not_found(user))
    }

    pub(crate) async fn replace_user(
        &self,
        actor: &Actor,
        account: AccountId,
        user: &UserRef,
        input: &UserInput,
        status: Option<UserStatus>,
    ) -> Result<Option<User>> {
        let valid = input.validate()?;
        let ctx = self.audit(actor);
        let change = UserReplacement {
            email: valid.email,
            first_name: valid.first_name,
            last_name: valid.last_name,
            groups: valid.groups,
            status,
            modified_at: ctx.at,
        };
        self.store.replace_user(account, user, &change, &ctx).await
    }

    pub async fn delete_user(&self, access: &IdmWriter, user: &str) -> Result<()> {
        let user_ref = parse_user_ref(user)?;
        if self
            .store
            .delete_user(access.account(), &user_ref, &self.audit(access.actor()))
            .await?
        {
            Ok(())
        } else {
            Err(user_not_found(user))
        }
    }

    /// Shared keyset paging: decode the key (which overrides every other parameter but the page
    /// size), fetch one page, encode the next key.
    pub(crate) async fn list_page<T, F, Fut>(
        &self,
        account: AccountId,
        kind: PageKind,
        page_size: Option<u32>,
        page_key: Option<&str>,
        filter: Option<&str>,
        fetch: F,
    ) -> Result<Listing<T>>
    where
        F: FnOnce(crate::page::PageQuery, Option<String>) -> Fut,
        Fut: std::future::Future<Output = Result<crate::page::Page<T>>>,
    {
        let cursor = match page_key {
            Some(key) => Some(self.pages.decode(key, kind, account)?),
            None => None,
        };
        let limit = page_size
            .or(cursor.as_ref().map(|c| c.page_size))
            .unwrap_or(crate::page::DEFAULT_PAGE_SIZE);
        let query = crate::page::PageQuery {
            after: cursor.as_ref().map(|c| c.after),
            limit,
        };
        let filter = match &cursor {
            Some(cursor) => cursor.filter.clone(),
            None => filter.map(str::to_owned),
        };
        let page = fetch(query, filter.clone()).await?;
        let next_page_key = page.next_after.map(|after| {
            self.pages.encode(&Cursor {
                kind,
                account: account.to_string(),
                after,
                page_size: limit,
                filter: filter.clone(),
            })
        });
        Ok(Listing {
            items: page.items,
            next_page_key,
            total: page.total,
        })
    }
}
