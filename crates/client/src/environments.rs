//! Seed 000 listEnvironments.

use accountd_proto::EnvironmentCollection;
use reqwest::Method;

use crate::http::NO_BODY;
use crate::users::page_query;
use crate::{Client, Result};

impl Client {
    /// One page of environments (listEnvironments).
    pub async fn list_environments(
        &self,
        page_size: Option<u32>,
        page_key: Option<&str>,
    ) -> Result<EnvironmentCollection> {
        self.call(
            Method::GET,
            &self.env("/environments"),
            NO_BODY,
            &page_query(page_size, page_key),
        )
        .await
    }
}

impl Client {
    /// The account's audit log, newest first (accountd only).
    pub async fn list_audit_events(
        &self,
        page_size: Option<u32>,
        page_key: Option<&str>,
        resource_type: Option<&str>,
    ) -> Result<accountd_proto::audit::AuditEventCollection> {
        let mut query = page_query(page_size, page_key);
        if let Some(kind) = resource_type {
            query.push(("resourceType", kind.to_owned()));
        }
        let url = format!("{}/audit/v1/accounts/{}", self.base_url, self.account);
        self.call(Method::GET, &url, NO_BODY, &query).await
    }
}
