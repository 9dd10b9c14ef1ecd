//! Seed 000 listPermissions.

use accountd_proto::{GroupPermission, GroupPermissions, PermissionCollection};
use reqwest::Method;

use crate::http::NO_BODY;
use crate::{Client, Result};

impl Client {
    /// Every permission assignment of the account (listPermissions).
    pub async fn list_permissions(&self) -> Result<PermissionCollection> {
        self.call(Method::GET, &self.iam("/permissions"), NO_BODY, &[])
            .await
    }
}

impl Client {
    /// A group with its permissions (real API).
    pub async fn group_permissions(&self, group: &str) -> Result<GroupPermissions> {
        let url = self.iam(&format!("/groups/{}/permissions", crate::segment(group)));
        self.call(Method::GET, &url, NO_BODY, &[]).await
    }

    /// Grants permissions to a group, keeping the existing ones (real API).
    pub async fn add_group_permissions(
        &self,
        group: &str,
        permissions: &[GroupPermission],
    ) -> Result<()> {
        let url = self.iam(&format!("/groups/{}/permissions", crate::segment(group)));
        self.call_no_content(Method::POST, &url, Some(&permissions))
            .await
    }

    /// Makes `permissions` the group's complete permission list (`[]` clears) (real API).
    pub async fn replace_group_permissions(
        &self,
        group: &str,
        permissions: &[GroupPermission],
    ) -> Result<()> {
        let url = self.iam(&format!("/groups/{}/permissions", crate::segment(group)));
        self.call_no_content(Method::PUT, &url, Some(&permissions))
            .await
    }

    /// Revokes one permission of a group (real API).
    pub async fn remove_group_permission(
        &self,
        group: &str,
        permission: &GroupPermission,
    ) -> Result<()> {
        let url = self.iam(&format!("/groups/{}/permissions", crate::segment(group)));
        let query = [
            ("permission-name", permission.permission_name.clone()),
            ("scope", permission.scope.clone()),
            ("scope-type", permission.scope_type.clone()),
        ];
        let response = self.send(Method::DELETE, &url, NO_BODY, &query).await?;
        crate::http::check(response).await.map(|_| ())
    }
}
