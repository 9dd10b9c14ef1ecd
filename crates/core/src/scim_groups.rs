//! SCIM groups: every group of the account. A group a SCIM client creates is owned by SCIM
//! (`owner: SCIM` in the REST API, which may then no longer change or delete it).

use crate::authz::ScimAgent;
use crate::groups::GroupInput;
use crate::ids::{GroupId, UserId, UserRef};
use crate::model::{Group, GroupOwner};
use crate::scim::{ScimGroup, ScimGroupChange, ScimQuery, ScimSlice};
use crate::service::Accountd;
use crate::validate::{NAME_MAX, optional_text};
use crate::{Error, Result};

/// A group as a SCIM request describes it (a POST or PUT body, or a resource after PATCH).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScimGroupInput {
    pub display_name: String,
    pub external_id: Option<String>,
    /// Member uids (`members[].value`).
    pub members: Vec<String>,
}

struct ValidScimGroup {
    name: String,
    external_id: Option<String>,
    members: Vec<UserId>,
}

impl ScimGroupInput {
    fn validate(&self) -> Result<ValidScimGroup> {
        let (name, _) = GroupInput {
            name: self.display_name.clone(),
            description: None,
        }
        .validate()
        .map_err(|err| match err {
            Error::Invalid { reason, .. } => Error::invalid("displayName", reason),
            other => other,
        })?;
        let external_id = self
            .external_id
            .as_deref()
            .map(|id| optional_text("externalId", id, NAME_MAX))
            .transpose()?;
        let mut members = Vec::with_capacity(self.members.len());
        for text in &self.members {
            // See `Accountd::known_users`: a value that names no user is dropped.
            let Some(uid) = UserId::parse(text) else {
                tracing::warn!(member = %text, "SCIM group member ignored: not a user id");
                continue;
            };
            if !members.contains(&uid) {
                members.push(uid);
            }
        }
        Ok(ValidScimGroup {
            name,
            external_id,
            members,
        })
    }
}

fn group_not_found(id: &str) -> Error {
    Error::NotFound(format!("group '{id}' not found"))
}

fn parse_gid(id: &str) -> Result<GroupId> {
    GroupId::parse(id).ok_or_else(|| group_not_found(id))
}

impl Accountd {
    /// The uids of `members` that are users of the account. A member value that names no user
    /// is dropped (and logged) rather than refused: IdPs send memberships of users they have
    /// not provisioned here (or deleted), and scim-sanity's probe requires a 200 for one.
    async fn known_users(&self, agent: &ScimAgent, members: Vec<UserId>) -> Result<Vec<UserId>> {
        let mut known = Vec::with_capacity(members.len());
        for uid in members {
            if self
                .store
                .get_user(agent.account(), &UserRef::Uid(uid))
                .await?
                .is_some()
            {
                known.push(uid);
            } else {
                tracing::warn!(member = %uid, "SCIM group member ignored: no such user");
            }
        }
        Ok(known)
    }

    pub async fn scim_get_group(&self, agent: &ScimAgent, id: &str) -> Result<ScimGroup> {
        self.store
            .get_scim_group(agent.account(), parse_gid(id)?)
            .await?
            .ok_or_else(|| group_not_found(id))
    }

    pub async fn scim_create_group(
        &self,
        agent: &ScimAgent,
        input: &ScimGroupInput,
    ) -> Result<ScimGroup> {
        let mut valid = input.validate()?;
        valid.members = self.known_users(agent, valid.members).await?;
        let now = self.now();
        let group = ScimGroup {
            group: Group {
                id: GroupId::generate(),
                name: valid.name,
                description: String::new(),
                owner: GroupOwner::Scim,
                created_at: now,
                updated_at: now,
            },
            external_id: valid.external_id,
            members: valid.members,
        };
        self.store
            .create_scim_group(agent.account(), &group, &self.audit(agent.actor()))
            .await?;
        Ok(group)
    }

    /// Changes a group: `compute` gets its current state and answers the new one. Members are
    /// written as the difference between the two, so concurrent member changes all survive.
    pub async fn scim_update_group<E: From<Error>>(
        &self,
        agent: &ScimAgent,
        id: &str,
        compute: impl FnOnce(&ScimGroup) -> std::result::Result<ScimGroupInput, E>,
    ) -> std::result::Result<ScimGroup, E> {
        let gid = parse_gid(id)?;
        let current = self.scim_get_group(agent, id).await?;
        let valid = compute(&current)?.validate()?;
        let added = valid
            .members
            .iter()
            .filter(|uid| !current.members.contains(uid))
            .copied()
            .collect();
        let change = ScimGroupChange {
            add_members: self.known_users(agent, added).await?,
            remove_members: current
                .members
                .iter()
                .filter(|uid| !valid.members.contains(uid))
                .copied()
                .collect(),
            name: valid.name,
            external_id: valid.external_id,
            updated_at: self.now(),
        };
        Ok(self
            .store
            .replace_scim_group(agent.account(), gid, &change, &self.audit(agent.actor()))
            .await?
            .ok_or_else(|| group_not_found(id))?)
    }

    pub async fn scim_delete_group(&self, agent: &ScimAgent, id: &str) -> Result<()> {
        if self
            .store
            .delete_group(agent.account(), parse_gid(id)?, &self.audit(agent.actor()))
            .await?
        {
            Ok(())
        } else {
            Err(group_not_found(id))
        }
    }

    pub async fn scim_list_groups(
        &self,
        agent: &ScimAgent,
        query: &ScimQuery,
    ) -> Result<ScimSlice<ScimGroup>> {
        self.store.list_scim_groups(agent.account(), query).await
    }
}
