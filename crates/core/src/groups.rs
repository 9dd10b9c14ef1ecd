//! Groups (seed 000: listGroups, createGroup, getGroup, updateGroup, deleteGroup).

use crate::authz::{Actor, IdmReader, IdmWriter};
use crate::ids::{AccountId, GroupId};
use crate::model::{Group, GroupOwner};
use crate::page::{Listing, PageKind};
use crate::service::Accountd;
use crate::store::GroupChange;
use crate::validate::{DESCRIPTION_MAX, NAME_MAX, optional_text, required_text};
use crate::{Error, Result};

/// The body of createGroup and updateGroup, before validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupInput {
    pub name: String,
    pub description: Option<String>,
}

impl GroupInput {
    pub(crate) fn validate(&self) -> Result<(String, String)> {
        let name = required_text("name", &self.name, NAME_MAX)?;
        let description = optional_text(
            "description",
            self.description.as_deref().unwrap_or_default(),
            DESCRIPTION_MAX,
        )?;
        Ok((name, description))
    }
}

fn group_not_found(group: &str) -> Error {
    Error::NotFound(format!("group '{group}' not found"))
}

/// A path `{groupId}` that is not a uuid cannot name a group: 404.
fn parse_group_id(group: &str) -> Result<GroupId> {
    GroupId::parse(group).ok_or_else(|| group_not_found(group))
}

impl Accountd {
    pub async fn list_groups(
        &self,
        access: &IdmReader,
        page_size: Option<u32>,
        page_key: Option<&str>,
    ) -> Result<Listing<Group>> {
        self.list_page(
            access.account(),
            PageKind::Groups,
            page_size,
            page_key,
            None,
            |query, _| {
                let store = self.store.clone();
                let account = access.account();
                async move { store.list_groups(account, &query).await }
            },
        )
        .await
    }

    pub async fn get_group(&self, access: &IdmReader, group: &str) -> Result<Group> {
        let id = parse_group_id(group)?;
        self.store
            .get_group(access.account(), id)
            .await?
            .ok_or_else(|| group_not_found(group))
    }

    pub async fn create_group(&self, access: &IdmWriter, input: &GroupInput) -> Result<Group> {
        self.insert_group(access.actor(), access.account(), input, GroupOwner::Local)
            .await
    }

    pub(crate) async fn insert_group(
        &self,
        actor: &Actor,
        account: AccountId,
        input: &GroupInput,
        owner: GroupOwner,
    ) -> Result<Group> {
        let (name, description) = input.validate()?;
        let now = self.now();
        let group = Group {
            id: GroupId::generate(),
            name,
            description,
            owner,
            created_at: now,
            updated_at: now,
        };
        self.store
            .create_group(account, &group, &self.audit(actor))
            .await?;
        Ok(group)
    }

    pub async fn update_group(
        &self,
        access: &IdmWriter,
        group: &str,
        input: &GroupInput,
    ) -> Result<Group> {
        let id = parse_group_id(group)?;
        let (name, description) = input.validate()?;
        self.ensure_locally_owned(access.account(), id, group, "changed")
            .await?;
        let change = GroupChange {
            name,
            description,
            updated_at: self.now(),
        };
        self.store
            .update_group(access.account(), id, &change, &self.audit(access.actor()))
            .await?
            .ok_or_else(|| group_not_found(group))
    }

    pub async fn delete_group(&self, access: &IdmWriter, group: &str) -> Result<()> {
        let id = parse_group_id(group)?;
        self.ensure_locally_owned(access.account(), id, group, "deleted")
            .await?;
        if self
            .store
            .delete_group(access.account(), id, &self.audit(access.actor()))
            .await?
        {
            Ok(())
        } else {
            Err(group_not_found(group))
        }
    }

    /// SCIM-owned groups belong to the identity provider; the REST API may not change them.
    async fn ensure_locally_owned(
        &self,
        account: AccountId,
        id: GroupId,
        group: &str,
        verb: &str,
    ) -> Result<()> {
        let existing = self
            .store
            .get_group(account, id)
            .await?
            .ok_or_else(|| group_not_found(group))?;
        match existing.owner {
            GroupOwner::Local => Ok(()),
            GroupOwner::Scim => Err(Error::Conflict(format!(
                "group '{group}' is managed through SCIM and cannot be {verb} through this API; change it in your identity provider"
            ))),
        }
    }
}
