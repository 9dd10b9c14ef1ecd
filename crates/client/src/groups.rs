//! Seed 000 groups: listGroups, createGroup, getGroup, updateGroup, deleteGroup.

use accountd_proto::{Group, GroupCollection, GroupCreateRequest};
use futures::TryStreamExt;
use futures::stream::BoxStream;
use reqwest::Method;

use crate::http::NO_BODY;
use crate::paging::paged;
use crate::users::page_query;
use crate::{Client, Result, segment};

impl Client {
    /// One page of groups (listGroups).
    pub async fn list_groups(
        &self,
        page_size: Option<u32>,
        page_key: Option<&str>,
    ) -> Result<GroupCollection> {
        self.call(
            Method::GET,
            &self.iam("/groups"),
            NO_BODY,
            &page_query(page_size, page_key),
        )
        .await
    }

    /// Every group, lazily (following `nextPageKey`).
    pub fn groups_stream(&self, page_size: Option<u32>) -> BoxStream<'static, Result<Group>> {
        let client = self.clone();
        paged(move |key: Option<String>| {
            let client = client.clone();
            async move {
                let page = client.list_groups(page_size, key.as_deref()).await?;
                Ok((page.items, page.next_page_key))
            }
        })
    }

    /// Every group of the account.
    pub async fn list_all_groups(&self, page_size: Option<u32>) -> Result<Vec<Group>> {
        self.groups_stream(page_size).try_collect().await
    }

    /// createGroup.
    pub async fn create_group(&self, request: &GroupCreateRequest) -> Result<Group> {
        self.call(Method::POST, &self.iam("/groups"), Some(request), &[])
            .await
    }

    /// getGroup.
    pub async fn get_group(&self, group: &str) -> Result<Group> {
        self.call(
            Method::GET,
            &self.iam(&format!("/groups/{}", segment(group))),
            NO_BODY,
            &[],
        )
        .await
    }

    /// updateGroup (name and description).
    pub async fn update_group(&self, group: &str, request: &GroupCreateRequest) -> Result<Group> {
        self.call(
            Method::PUT,
            &self.iam(&format!("/groups/{}", segment(group))),
            Some(request),
            &[],
        )
        .await
    }

    /// deleteGroup: its memberships and permissions go with it.
    pub async fn delete_group(&self, group: &str) -> Result<()> {
        self.call_no_content(
            Method::DELETE,
            &self.iam(&format!("/groups/{}", segment(group))),
            NO_BODY,
        )
        .await
    }
}
