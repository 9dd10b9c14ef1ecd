//! `/Users`: the account's human users.

use std::future::Future;
use std::sync::LazyLock;

use accountd_core::authz::ScimAgent;
use accountd_core::scim::{ScimKey, ScimQuery, ScimSlice, ScimUser};
use accountd_core::scim_users::ScimUserInput;
use accountd_core::{Accountd, Result};
use accountd_scim::schema::{Schema, USER_SCHEMA, user_schema};
use serde_json::{Map, Value};

use super::error::{ScimApiError, ScimResult};
use super::kind::ScimKind;
use super::query::Narrowed;
use super::resource::{ACTIVE_UNASSIGNED, read_user, render_user};

static SCHEMA: LazyLock<Schema> = LazyLock::new(user_schema);

pub struct Users;

impl ScimKind for Users {
    type Stored = ScimUser;
    type Input = ScimUserInput;

    const NOUN: &'static str = "user";
    const SCHEMA_URN: &'static str = USER_SCHEMA;

    fn schema() -> &'static Schema {
        &SCHEMA
    }

    fn narrow(name: &str, value: &str) -> Option<Narrowed> {
        match name {
            "username" => Some(Narrowed::Key(ScimKey::UserName(value.to_owned()))),
            "externalid" => Some(Narrowed::Key(ScimKey::ExternalId(value.to_owned()))),
            "id" => Some(Narrowed::Id(value.to_owned())),
            _ => None,
        }
    }

    fn read(body: &Map<String, Value>) -> ScimResult<ScimUserInput> {
        Ok(read_user(body)?)
    }

    fn for_create(mut input: ScimUserInput) -> ScimUserInput {
        // A new user without `active` is active, and shows it.
        input.extra.remove(ACTIVE_UNASSIGNED);
        input
    }

    fn render(stored: &ScimUser, base: &str) -> Value {
        render_user(stored, base)
    }

    fn list(
        core: &Accountd,
        agent: &ScimAgent,
        query: &ScimQuery,
    ) -> impl Future<Output = Result<ScimSlice<ScimUser>>> + Send {
        core.scim_list_users(agent, query)
    }

    fn get(
        core: &Accountd,
        agent: &ScimAgent,
        id: &str,
    ) -> impl Future<Output = Result<ScimUser>> + Send {
        core.scim_get_user(agent, id)
    }

    fn create(
        core: &Accountd,
        agent: &ScimAgent,
        input: ScimUserInput,
    ) -> impl Future<Output = Result<ScimUser>> + Send {
        core.scim_create_user(agent, input)
    }

    fn update<F>(
        core: &Accountd,
        agent: &ScimAgent,
        id: &str,
        compute: F,
    ) -> impl Future<Output = std::result::Result<ScimUser, ScimApiError>> + Send
    where
        F: FnMut(&ScimUser) -> std::result::Result<ScimUserInput, ScimApiError> + Send,
    {
        core.scim_update_user(agent, id, compute)
    }

    fn delete(
        core: &Accountd,
        agent: &ScimAgent,
        id: &str,
    ) -> impl Future<Output = Result<()>> + Send {
        core.scim_delete_user(agent, id)
    }
}
