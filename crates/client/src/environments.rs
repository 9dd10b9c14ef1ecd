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
