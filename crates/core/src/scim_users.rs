//! SCIM users: the account's human users, with what SCIM adds to them.
//!
//! The email the REST API shows is the SCIM `userName` when that is an email address (what
//! Okta and Entra ID send), else the primary entry of `emails`, else an address made from the
//! uid under `scim.invalid` (a reserved name: nothing is ever sent there); a change that
//! gives no address keeps the one the user has. A user's status
//! follows `active` (true: ACTIVE, false: INACTIVE) only when `active` changes, so a SCIM write
//! that does not touch it leaves a pending invitation pending.

use serde_json::{Map, Value};

use crate::authz::ScimAgent;
use crate::ids::{Email, UserId, UserRef};
use crate::model::{User, UserStatus};
use crate::scim::{Replaced, ScimQuery, ScimSlice, ScimUser, ScimUserAttrs, ScimUserChange};
use crate::service::Accountd;
use crate::validate::{NAME_MAX, optional_text, required_text};
use crate::{Error, Result};

/// How often a write is recomputed when the user changed under it before giving up (each
/// round trip is one read and one conditional write; contention of this order is a runaway
/// client).
const MAX_ATTEMPTS: usize = 8;

/// A user as a SCIM request describes it (a POST or PUT body, or a resource after PATCH).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScimUserInput {
    pub user_name: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    /// `None`: not given (a new user is active; an existing one keeps its status).
    pub active: Option<bool>,
    pub external_id: Option<String>,
    /// The value of the primary (or only, or first) entry of `emails`.
    pub primary_email: Option<String>,
    /// The other SCIM attributes to keep as given (`displayName`, `emails`).
    pub extra: Map<String, Value>,
}

struct ValidScimUser {
    email: Option<Email>,
    first_name: String,
    last_name: String,
    attrs: ScimUserAttrs,
}

impl ScimUserInput {
    fn validate(self) -> Result<ValidScimUser> {
        let user_name = required_text("userName", &self.user_name, 254)?;
        let first_name = optional_text(
            "name.givenName",
            self.given_name.as_deref().unwrap_or(""),
            NAME_MAX,
        )?;
        let last_name = optional_text(
            "name.familyName",
            self.family_name.as_deref().unwrap_or(""),
            NAME_MAX,
        )?;
        let external_id = self
            .external_id
            .map(|id| optional_text("externalId", &id, NAME_MAX))
            .transpose()?;
        let (email, user_name) = match Email::parse(&user_name) {
            Ok(email) => (Some(email), None),
            Err(_) => {
                let email = self
                    .primary_email
                    .as_deref()
                    .map(|text| {
                        Email::parse(text).map_err(|_| {
                            Error::invalid(
                                "emails",
                                format!("'{text}' is not a valid email address"),
                            )
                        })
                    })
                    .transpose()?;
                (email, Some(user_name))
            }
        };
        Ok(ValidScimUser {
            email,
            first_name,
            last_name,
            attrs: ScimUserAttrs {
                user_name,
                external_id,
                extra: self.extra,
            },
        })
    }
}

/// The address of a user whose SCIM client gave none.
fn placeholder_email(uid: UserId) -> Result<Email> {
    Email::parse(&format!("{uid}@scim.invalid"))
}

fn user_not_found(id: &str) -> Error {
    Error::NotFound(format!("user '{id}' not found"))
}

fn parse_uid(id: &str) -> Result<UserId> {
    UserId::parse(id).ok_or_else(|| user_not_found(id))
}

impl Accountd {
    pub async fn scim_get_user(&self, agent: &ScimAgent, id: &str) -> Result<ScimUser> {
        self.store
            .get_scim_user(agent.account(), parse_uid(id)?)
            .await?
            .ok_or_else(|| user_not_found(id))
    }

    pub async fn scim_create_user(
        &self,
        agent: &ScimAgent,
        input: ScimUserInput,
    ) -> Result<ScimUser> {
        let active = input.active.unwrap_or(true);
        let valid = input.validate()?;
        let uid = UserId::generate();
        let now = self.now();
        let user = User {
            uid,
            email: match valid.email {
                Some(email) => email,
                None => placeholder_email(uid)?,
            },
            first_name: valid.first_name,
            last_name: valid.last_name,
            groups: Vec::new(),
            status: if active {
                UserStatus::Active
            } else {
                UserStatus::Inactive
            },
            created_at: now,
            modified_at: now,
        };
        self.store
            .create_scim_user(
                agent.account(),
                &user,
                &valid.attrs,
                &self.audit(agent.actor()),
            )
            .await?;
        Ok(ScimUser {
            user,
            attrs: valid.attrs,
            groups: Vec::new(),
        })
    }

    /// Changes a user: `compute` gets its current state and answers the new one (a PUT body,
    /// or the current state with a PATCH applied). Should the user change in between, the
    /// change is recomputed from the newer state, so nothing another writer did is lost.
    pub async fn scim_update_user<E: From<Error>>(
        &self,
        agent: &ScimAgent,
        id: &str,
        mut compute: impl FnMut(&ScimUser) -> std::result::Result<ScimUserInput, E>,
    ) -> std::result::Result<ScimUser, E> {
        let uid = parse_uid(id)?;
        for _ in 0..MAX_ATTEMPTS {
            let current = self.scim_get_user(agent, id).await?;
            let input = compute(&current)?;
            let active = input.active;
            let valid = input.validate()?;
            let status = match (active, current.user.status) {
                (Some(true), UserStatus::Inactive | UserStatus::PendingInvite) => {
                    UserStatus::Active
                }
                (Some(false), UserStatus::Active | UserStatus::PendingInvite) => {
                    UserStatus::Inactive
                }
                (_, status) => status,
            };
            // Without an address in the request the user keeps the one it has.
            let email = valid.email.unwrap_or_else(|| current.user.email.clone());
            let change = ScimUserChange {
                email,
                first_name: valid.first_name,
                last_name: valid.last_name,
                status,
                attrs: valid.attrs,
                modified_at: self.now(),
                expected_modified_at: current.user.modified_at,
            };
            match self
                .store
                .replace_scim_user(agent.account(), uid, &change, &self.audit(agent.actor()))
                .await?
            {
                Replaced::Done(user) => return Ok(user),
                Replaced::NotFound => return Err(user_not_found(id).into()),
                Replaced::Stale => continue,
            }
        }
        Err(Error::Unavailable(format!(
            "user '{id}' kept changing while this change was applied; retry"
        ))
        .into())
    }

    pub async fn scim_delete_user(&self, agent: &ScimAgent, id: &str) -> Result<()> {
        let uid = parse_uid(id)?;
        // Only human users are SCIM users: a service user's uid is not found here.
        self.scim_get_user(agent, id).await?;
        if self
            .store
            .delete_user(
                agent.account(),
                &UserRef::Uid(uid),
                &self.audit(agent.actor()),
            )
            .await?
        {
            Ok(())
        } else {
            Err(user_not_found(id))
        }
    }

    pub async fn scim_list_users(
        &self,
        agent: &ScimAgent,
        query: &ScimQuery,
    ) -> Result<ScimSlice<ScimUser>> {
        self.store.list_scim_users(agent.account(), query).await
    }
}
