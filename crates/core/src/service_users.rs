//! Service users: list exactly as seed 003 (`page`, `page-size`, `page-key`), CRUD as the real
//! API. Each gets a group of its own, through which permissions and policies are assigned.

use crate::authz::{IdmReader, IdmWriter};
use crate::ids::{Email, GroupId, UserId};
use crate::model::{Group, GroupOwner, SERVICE_USER_DOMAIN, ServiceUser, UserStatus};
use crate::page::{Listing, MAX_PAGE_SIZE, PageKind, PageQuery};
use crate::service::Accountd;
use crate::store::ServiceUserChange;
use crate::validate::{DESCRIPTION_MAX, NAME_MAX, optional_text, required_text};
use crate::{Error, Result};

/// The body of create and update (`ServiceUserDto`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceUserInput {
    pub name: String,
    pub description: Option<String>,
}

impl ServiceUserInput {
    fn validate(&self) -> Result<(String, String)> {
        let name = required_text("name", &self.name, NAME_MAX)?;
        let description = optional_text(
            "description",
            self.description.as_deref().unwrap_or_default(),
            DESCRIPTION_MAX,
        )?;
        Ok((name, description))
    }
}

/// The paging parameters of seed 003.
#[derive(Debug, Clone, Copy, Default)]
pub struct ServiceUserPage<'a> {
    /// 1-based page number (used when no page key is given).
    pub page: Option<u32>,
    pub page_size: Option<u32>,
    pub page_key: Option<&'a str>,
}

fn not_found(uid: &str) -> Error {
    Error::NotFound(format!("service user '{uid}' not found"))
}

fn parse_uid(uid: &str) -> Result<UserId> {
    UserId::parse(uid).ok_or_else(|| not_found(uid))
}

impl Accountd {
    pub async fn list_service_users(
        &self,
        access: &IdmReader,
        page: ServiceUserPage<'_>,
    ) -> Result<Listing<ServiceUser>> {
        if let Some(size) = page.page_size
            && !(1..=MAX_PAGE_SIZE).contains(&size)
        {
            return Err(Error::invalid(
                "page-size",
                format!("use an integer from 1 to {MAX_PAGE_SIZE}, not {size}"),
            ));
        }
        if page.page == Some(0) {
            return Err(Error::invalid("page", "pages are numbered from 1"));
        }
        // An explicit page number without a key skips the pages before it; a key continues.
        let skip_pages = if page.page_key.is_some() {
            0
        } else {
            page.page.map_or(0, |p| p - 1)
        };
        self.list_page(
            access.account(),
            PageKind::ServiceUsers,
            page.page_size,
            page.page_key,
            None,
            |query, _| {
                let store = self.store.clone();
                let account = access.account();
                async move {
                    let skip = u64::from(skip_pages) * u64::from(query.limit);
                    store
                        .list_service_users(
                            account,
                            &PageQuery {
                                after: query.after,
                                limit: query.limit,
                            },
                            skip,
                        )
                        .await
                }
            },
        )
        .await
    }

    pub async fn create_service_user(
        &self,
        access: &IdmWriter,
        input: &ServiceUserInput,
    ) -> Result<ServiceUser> {
        let (name, description) = input.validate()?;
        let uid = UserId::generate();
        let now = self.now();
        let email = Email::parse(&format!("{uid}@{SERVICE_USER_DOMAIN}"))?;
        let group = Group {
            id: GroupId::generate(),
            // Unique per account because the uid is.
            name: format!("Service user {uid}"),
            description: format!("Group of the service user '{name}'"),
            owner: GroupOwner::Local,
            created_at: now,
            updated_at: now,
        };
        let user = ServiceUser {
            uid,
            email,
            name,
            description,
            group: Some(group.id),
            status: UserStatus::Active,
            created_at: now,
        };
        self.store
            .create_service_user(access.account(), &user, &group, &self.audit(access.actor()))
            .await?;
        Ok(user)
    }

    pub async fn get_service_user(&self, access: &IdmReader, uid: &str) -> Result<ServiceUser> {
        self.store
            .get_service_user(access.account(), parse_uid(uid)?)
            .await?
            .ok_or_else(|| not_found(uid))
    }

    pub async fn update_service_user(
        &self,
        access: &IdmWriter,
        uid: &str,
        input: &ServiceUserInput,
    ) -> Result<ServiceUser> {
        let id = parse_uid(uid)?;
        let (name, description) = input.validate()?;
        let change = ServiceUserChange {
            name,
            description,
            modified_at: self.now(),
        };
        self.store
            .update_service_user(access.account(), id, &change, &self.audit(access.actor()))
            .await?
            .ok_or_else(|| not_found(uid))
    }

    pub async fn delete_service_user(&self, access: &IdmWriter, uid: &str) -> Result<()> {
        if self
            .store
            .delete_service_user(
                access.account(),
                parse_uid(uid)?,
                &self.audit(access.actor()),
            )
            .await?
        {
            Ok(())
        } else {
            Err(not_found(uid))
        }
    }
}
