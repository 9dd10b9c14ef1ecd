//! Seed 000 listPermissions.

use accountd_proto::PermissionCollection;
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
