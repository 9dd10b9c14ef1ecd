//! Group membership: seed 002's group-side routes and the real API's user-side routes.

use accountd_proto::UserCollection;
use accountd_proto::memberships::GroupMembers;
use reqwest::Method;

use crate::http::NO_BODY;
use crate::{Client, Result, segment};

impl Client {
    /// Adds users (by uid, not email) to a group; all or nothing.
    pub async fn add_group_members(&self, group: &str, uids: &[String]) -> Result<()> {
        let url = self.iam(&format!("/groups/{}/users", segment(group)));
        self.call_no_content(Method::POST, &url, Some(&uids)).await
    }

    /// Removes one user (uid or email) from a group; 404 when not a member.
    pub async fn remove_group_member(&self, group: &str, user: &str) -> Result<()> {
        let url = self.iam(&format!(
            "/groups/{}/users/{}",
            segment(group),
            segment(user)
        ));
        self.call_no_content(Method::DELETE, &url, NO_BODY).await
    }

    /// The members of a group.
    pub async fn list_group_members(&self, group: &str) -> Result<GroupMembers> {
        self.call(
            Method::GET,
            &self.iam(&format!("/groups/{}/users", segment(group))),
            NO_BODY,
            &[],
        )
        .await
    }

    /// Adds a user (email or uid) to groups, keeping existing memberships (real API).
    pub async fn add_user_to_groups(&self, user: &str, groups: &[String]) -> Result<()> {
        let url = self.iam(&format!("/users/{}", segment(user)));
        self.call_no_content(Method::POST, &url, Some(&groups))
            .await
    }

    /// Makes `groups` the user's complete membership list (`[]` clears) (real API).
    pub async fn replace_user_groups(&self, user: &str, groups: &[String]) -> Result<()> {
        let url = self.iam(&format!("/users/{}/groups", segment(user)));
        self.call_no_content(Method::PUT, &url, Some(&groups)).await
    }

    /// Removes a user from the given groups (real API).
    pub async fn remove_user_from_groups(&self, user: &str, groups: &[String]) -> Result<()> {
        let url = self.iam(&format!("/users/{}/groups", segment(user)));
        let query: Vec<(&str, String)> = groups.iter().map(|g| ("group-uuid", g.clone())).collect();
        let response = self.send(Method::DELETE, &url, NO_BODY, &query).await?;
        crate::http::check(response).await.map(|_| ())
    }

    /// Finds a user by email address (listUsers `?email=`): a collection of zero or one user.
    pub async fn find_user_by_email(&self, email: &str) -> Result<UserCollection> {
        self.call(
            Method::GET,
            &self.iam("/users"),
            NO_BODY,
            &[("email", email.to_owned())],
        )
        .await
    }
}
