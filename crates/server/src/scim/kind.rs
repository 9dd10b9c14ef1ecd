//! What differs between `/Users` and `/Groups`, as one trait; everything the two have in common
//! (listing, the CRUD handlers, `/Bulk`'s operations, ETags, projections) is written once in
//! `handlers`, over it.

use std::future::Future;

use accountd_core::authz::ScimAgent;
use accountd_core::scim::{ScimQuery, ScimSlice};
use accountd_core::{Accountd, Result};
use accountd_scim::filter::AttrPath;
use accountd_scim::schema::Schema;
use serde_json::{Map, Value};

use super::error::{ScimApiError, ScimResult};
use super::query::{Lister, Narrowed};
use crate::state::AppState;

pub trait ScimKind: Send + Sync + 'static {
    /// The resource as the core keeps it.
    type Stored: Send + Sync;
    /// The resource as a request describes it (a POST or PUT body, or a resource after PATCH).
    type Input: Clone + Send + Sync;

    /// `user` or `group`, for messages.
    const NOUN: &'static str;
    /// The core schema's URN; a body must name it.
    const SCHEMA_URN: &'static str;

    fn schema() -> &'static Schema;
    /// The index answering `<attribute> eq value` exactly, given the attribute's lower-cased
    /// name (of the core schema, without sub-attribute).
    fn narrow(name: &str, value: &str) -> Option<Narrowed>;
    fn read(body: &Map<String, Value>) -> ScimResult<Self::Input>;
    /// What a POST creates from its body (default: the body as read).
    fn for_create(input: Self::Input) -> Self::Input {
        input
    }
    fn render(stored: &Self::Stored, base: &str) -> Value;

    fn list(
        core: &Accountd,
        agent: &ScimAgent,
        query: &ScimQuery,
    ) -> impl Future<Output = Result<ScimSlice<Self::Stored>>> + Send;
    fn get(
        core: &Accountd,
        agent: &ScimAgent,
        id: &str,
    ) -> impl Future<Output = Result<Self::Stored>> + Send;
    fn create(
        core: &Accountd,
        agent: &ScimAgent,
        input: Self::Input,
    ) -> impl Future<Output = Result<Self::Stored>> + Send;
    /// Replaces the resource with what `compute` makes of its current state (called again if the
    /// resource changed meanwhile, where the core retries).
    fn update<F>(
        core: &Accountd,
        agent: &ScimAgent,
        id: &str,
        compute: F,
    ) -> impl Future<Output = std::result::Result<Self::Stored, ScimApiError>> + Send
    where
        F: FnMut(&Self::Stored) -> std::result::Result<Self::Input, ScimApiError> + Send;
    fn delete(
        core: &Accountd,
        agent: &ScimAgent,
        id: &str,
    ) -> impl Future<Output = Result<()>> + Send;
}

/// One kind's resources as the caller may see them: what listings and searches run on.
pub struct Resources<'a, K> {
    state: &'a AppState,
    agent: &'a ScimAgent,
    base: &'a str,
    kind: std::marker::PhantomData<K>,
}

impl<'a, K: ScimKind> Resources<'a, K> {
    pub fn new(state: &'a AppState, agent: &'a ScimAgent, base: &'a str) -> Self {
        Self {
            state,
            agent,
            base,
            kind: std::marker::PhantomData,
        }
    }
}

impl<K: ScimKind> Lister for Resources<'_, K> {
    fn schema(&self) -> &Schema {
        K::schema()
    }

    fn narrow(&self, attr: &AttrPath, value: &str) -> Option<Narrowed> {
        let other_schema = attr
            .urn
            .as_deref()
            .is_some_and(|urn| !urn.eq_ignore_ascii_case(K::SCHEMA_URN));
        if attr.sub.is_some() || other_schema {
            return None;
        }
        K::narrow(&attr.name.to_ascii_lowercase(), value)
    }

    async fn fetch(&self, query: ScimQuery) -> ScimResult<ScimSlice<Value>> {
        let slice = K::list(&self.state.core, self.agent, &query).await?;
        Ok(ScimSlice {
            total: slice.total,
            items: slice
                .items
                .iter()
                .map(|stored| K::render(stored, self.base))
                .collect(),
        })
    }

    async fn fetch_id(&self, id: String) -> ScimResult<Option<Value>> {
        match K::get(&self.state.core, self.agent, &id).await {
            Ok(stored) => Ok(Some(K::render(&stored, self.base))),
            Err(accountd_core::Error::NotFound(_)) => Ok(None),
            Err(other) => Err(other.into()),
        }
    }
}
