//! Group membership: seed 002's group-side routes and the real API's user-side routes.

use crate::authz::{IdmReader, IdmWriter};
use crate::ids::{GroupId, UserId, UserRef};
use crate::model::User;
use crate::service::Accountd;
use crate::store::{GroupsChange, MemberRemoval};
use crate::users::parse_group_ids;
use crate::{Error, Result};

fn group_not_found(group: &str) -> Error {
    Error::NotFound(format!("group '{group}' not found"))
}

fn user_not_found(user: &str) -> Error {
    Error::NotFound(format!("user '{user}' not found"))
}

fn parse_group(group: &str) -> Result<GroupId> {
    GroupId::parse(group).ok_or_else(|| group_not_found(group))
}

fn parse_user(user: &str) -> Result<UserRef> {
    UserRef::parse(user).ok_or_else(|| user_not_found(user))
}

/// Seed 002: the body is an array of user uids; an email address is a 400 that says so.
fn parse_member_uids(raw: &[String]) -> Result<Vec<UserId>> {
    let mut uids = Vec::with_capacity(raw.len());
    for text in raw {
        let uid = UserId::parse(text).ok_or_else(|| {
            let hint = if text.contains('@') {
                " (this route takes user uids, not email addresses)"
            } else {
                ""
            };
            Error::invalid("users", format!("'{text}' is not a user uid{hint}"))
        })?;
        if !uids.contains(&uid) {
            uids.push(uid);
        }
    }
    Ok(uids)
}

impl Accountd {
    /// `POST .../groups/{groupId}/users`: all or nothing; an existing member is not an error.
    pub async fn add_group_members(
        &self,
        access: &IdmWriter,
        group: &str,
        users: &[String],
    ) -> Result<()> {
        let id = parse_group(group)?;
        let uids = parse_member_uids(users)?;
        self.store
            .add_members(access.account(), id, &uids, &self.audit(access.actor()))
            .await?
            .ok_or_else(|| group_not_found(group))
    }

    /// `DELETE .../groups/{groupId}/users/{userId}`: 404 when the user is not a member.
    pub async fn remove_group_member(
        &self,
        access: &IdmWriter,
        group: &str,
        user: &str,
    ) -> Result<()> {
        let id = parse_group(group)?;
        let user_ref = parse_user(user)?;
        match self
            .store
            .remove_member(access.account(), id, &user_ref, &self.audit(access.actor()))
            .await?
        {
            MemberRemoval::Removed => Ok(()),
            MemberRemoval::NoSuchGroup => Err(group_not_found(group)),
            MemberRemoval::NoSuchUser => Err(user_not_found(user)),
            MemberRemoval::NotAMember => Err(Error::NotFound(format!(
                "user '{user}' is not a member of group '{group}'"
            ))),
        }
    }

    /// `GET .../groups/{groupId}/users`.
    pub async fn list_group_members(&self, access: &IdmReader, group: &str) -> Result<Vec<User>> {
        let id = parse_group(group)?;
        self.store
            .list_members(access.account(), id)
            .await?
            .ok_or_else(|| group_not_found(group))
    }

    /// The real API's user-side membership routes (`POST .../users/{email}`,
    /// `PUT .../users/{email}/groups`, `DELETE .../users/{email}/groups`).
    pub async fn change_user_groups(
        &self,
        access: &IdmWriter,
        user: &str,
        change: UserGroupsChange<'_>,
    ) -> Result<User> {
        let user_ref = parse_user(user)?;
        let change = match change {
            UserGroupsChange::Add(ids) => GroupsChange::Add(parse_group_ids(ids)?),
            UserGroupsChange::Remove(ids) => GroupsChange::Remove(parse_group_ids(ids)?),
            UserGroupsChange::Replace(ids) => GroupsChange::Replace(parse_group_ids(ids)?),
        };
        self.store
            .change_user_groups(
                access.account(),
                &user_ref,
                &change,
                &self.audit(access.actor()),
            )
            .await?
            .ok_or_else(|| user_not_found(user))
    }
}

/// A user-side membership change as the request gives it (group ids as text).
#[derive(Debug, Clone, Copy)]
pub enum UserGroupsChange<'a> {
    Add(&'a [String]),
    Remove(&'a [String]),
    Replace(&'a [String]),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_lists_take_uids_and_explain_emails() {
        let uid = UserId::generate();
        assert_eq!(
            parse_member_uids(&[uid.to_string(), uid.to_string()]),
            Ok(vec![uid])
        );
        let err = parse_member_uids(&["ada@example.com".to_owned()]);
        assert!(
            matches!(err, Err(Error::Invalid { reason, .. }) if reason.contains("not email addresses"))
        );
    }
}
