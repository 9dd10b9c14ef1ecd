//! `/Groups`: every group of the account, with its members.

use std::future::Future;
use std::sync::LazyLock;

use accountd_core::authz::ScimAgent;
use accountd_core::scim::{ScimGroup, ScimKey, ScimQuery, ScimSlice};
use accountd_core::scim_groups::ScimGroupInput;
use accountd_core::{Accountd, Result};
use accountd_scim::schema::{GROUP_SCHEMA, Schema, group_schema};
use serde_json::{Map, Value};

use super::error::{ScimApiError, ScimResult};
use super::kind::ScimKind;
use super::query::Narrowed;
use super::resource::{read_group, render_group};

static SCHEMA: LazyLock<Schema> = LazyLock::new(group_schema);

pub struct Groups;

impl ScimKind for Groups {
    type Stored = ScimGroup;
    type Input = ScimGroupInput;

    const NOUN: &'static str = "group";
    const SCHEMA_URN: &'static str = GROUP_SCHEMA;

    fn schema() -> &'static Schema {
        &SCHEMA
    }

    fn narrow(name: &str, value: &str) -> Option<Narrowed> {
        match name {
            // displayName is not case-exact: the store compares it case-insensitively.
            "displayname" => Some(Narrowed::Key(ScimKey::DisplayName(value.to_owned()))),
            "externalid" => Some(Narrowed::Key(ScimKey::ExternalId(value.to_owned()))),
            "id" => Some(Narrowed::Id(value.to_owned())),
            _ => None,
        }
    }

    fn read(body: &Map<String, Value>) -> ScimResult<ScimGroupInput> {
        Ok(read_group(body)?)
    }

    fn render(stored: &ScimGroup, base: &str) -> Value {
        render_group(stored, base)
    }

    fn list(
        core: &Accountd,
        agent: &ScimAgent,
        query: &ScimQuery,
    ) -> impl Future<Output = Result<ScimSlice<ScimGroup>>> + Send {
        core.scim_list_groups(agent, query)
    }

    fn get(
        core: &Accountd,
        agent: &ScimAgent,
        id: &str,
    ) -> impl Future<Output = Result<ScimGroup>> + Send {
        core.scim_get_group(agent, id)
    }

    async fn create(
        core: &Accountd,
        agent: &ScimAgent,
        input: ScimGroupInput,
    ) -> Result<ScimGroup> {
        core.scim_create_group(agent, &input).await
    }

    fn update<F>(
        core: &Accountd,
        agent: &ScimAgent,
        id: &str,
        compute: F,
    ) -> impl Future<Output = std::result::Result<ScimGroup, ScimApiError>> + Send
    where
        F: FnMut(&ScimGroup) -> std::result::Result<ScimGroupInput, ScimApiError> + Send,
    {
        core.scim_update_group(agent, id, compute)
    }

    fn delete(
        core: &Accountd,
        agent: &ScimAgent,
        id: &str,
    ) -> impl Future<Output = Result<()>> + Send {
        core.scim_delete_group(agent, id)
    }
}
