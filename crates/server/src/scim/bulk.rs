//! `/Bulk` (RFC 7644 §3.7): operations applied one after another, each on its own (no
//! transaction spans them, as the RFC allows), with `bulkId` references resolved to the ids
//! of resources created earlier in the same request, and `failOnErrors`.

use std::collections::HashMap;

use accountd_scim::ScimError;
use accountd_scim::schema::{BULK_REQUEST, BULK_RESPONSE};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::auth::ScimAuth;
use super::body::{ScimBody, scim_json};
use super::discovery::BULK_MAX_OPERATIONS;
use super::error::{ScimApiError, ScimResult};
use super::groups::Groups;
use super::kind::ScimKind;
use super::users::Users;
use super::{attrs, handlers};
use crate::state::AppState;

/// Replaces every `"bulkId:<id>"` string in `value` with the id created for `<id>`.
fn resolve(value: &mut Value, created: &HashMap<String, String>) -> Result<(), ScimError> {
    match value {
        Value::String(text) => {
            if let Some(id) = text.strip_prefix("bulkId:") {
                let resolved = created.get(id).ok_or_else(|| {
                    ScimError::invalid_value(format!(
                        "bulkId '{id}' names no resource created earlier in this request"
                    ))
                })?;
                *text = resolved.clone();
            }
            Ok(())
        }
        Value::Array(items) => items.iter_mut().try_for_each(|item| resolve(item, created)),
        Value::Object(map) => map.values_mut().try_for_each(|item| resolve(item, created)),
        _ => Ok(()),
    }
}

/// A path whose id is a reference (`/Users/bulkId:qwerty`) names the resource created for it.
fn resolve_path(path: &str, created: &HashMap<String, String>) -> Result<String, ScimError> {
    match path.rsplit_once('/') {
        Some((collection, last)) if last.starts_with("bulkId:") => {
            let mut id = Value::String(last.to_owned());
            resolve(&mut id, created)?;
            Ok(format!("{collection}/{}", id.as_str().unwrap_or_default()))
        }
        _ => Ok(path.to_owned()),
    }
}

enum Target<'a> {
    Users(Option<&'a str>),
    Groups(Option<&'a str>),
}

fn target(path: &str) -> Result<Target<'_>, ScimError> {
    let trimmed = path.trim_start_matches('/');
    let (collection, id) = match trimmed.split_once('/') {
        Some((collection, id)) => (collection, Some(id)),
        None => (trimmed, None),
    };
    match collection {
        "Users" => Ok(Target::Users(id)),
        "Groups" => Ok(Target::Groups(id)),
        _ => Err(ScimError::invalid_path(format!(
            "'{path}' is not /Users, /Users/{{id}}, /Groups or /Groups/{{id}}"
        ))),
    }
}

/// One operation's outcome: status, location, version, or the error.
async fn run(
    state: &AppState,
    auth: &ScimAuth,
    method: &str,
    path: &str,
    version: Option<&str>,
    data: Option<Map<String, Value>>,
) -> Result<(StatusCode, Option<Value>), ScimApiError> {
    let mut headers = HeaderMap::new();
    if let Some(version) = version.and_then(|v| HeaderValue::from_str(v).ok()) {
        headers.insert(header::IF_MATCH, version);
    }
    let operation = Operation {
        state,
        auth,
        method: method.to_ascii_uppercase(),
        path,
        headers,
        data,
    };
    match target(path)? {
        Target::Users(id) => operation.run::<Users>(id).await,
        Target::Groups(id) => operation.run::<Groups>(id).await,
    }
}

/// A bulk operation, once its target's kind is known.
struct Operation<'a> {
    state: &'a AppState,
    auth: &'a ScimAuth,
    /// Upper case.
    method: String,
    path: &'a str,
    /// `If-Match` from the operation's `version`.
    headers: HeaderMap,
    data: Option<Map<String, Value>>,
}

impl Operation<'_> {
    async fn run<K: ScimKind>(
        self,
        id: Option<&str>,
    ) -> Result<(StatusCode, Option<Value>), ScimApiError> {
        let method = self.method.as_str();
        let need_data = || {
            self.data.clone().ok_or_else(|| {
                ScimApiError(ScimError::invalid_syntax(format!("{method} needs 'data'")))
            })
        };
        let need_id = || {
            id.map(str::to_owned).ok_or_else(|| {
                ScimApiError(ScimError::invalid_path(format!(
                    "{method} needs a resource path such as /Users/{{id}}"
                )))
            })
        };
        let (state, headers) = (self.state, &self.headers);
        let (agent, base) = (&self.auth.agent, self.auth.base.as_str());
        match (method, id) {
            ("POST", None) => Ok((
                StatusCode::CREATED,
                Some(handlers::create_op::<K>(state, agent, base, &need_data()?).await?),
            )),
            ("PUT", _) => {
                let (id, data) = (need_id()?, need_data()?);
                let replaced = handlers::replace_op::<K>(state, agent, base, &id, headers, &data);
                Ok((StatusCode::OK, Some(replaced.await?)))
            }
            ("PATCH", _) => {
                let (id, data) = (need_id()?, need_data()?);
                let patched = handlers::patch_op::<K>(state, agent, base, &id, headers, data);
                Ok((StatusCode::OK, Some(patched.await?)))
            }
            ("DELETE", _) => {
                handlers::delete_op::<K>(state, agent, base, &need_id()?, headers).await?;
                Ok((StatusCode::NO_CONTENT, None))
            }
            (method, _) => Err(ScimApiError(ScimError::invalid_syntax(format!(
                "'{method} {}' is not a bulk operation: POST on a collection, or PUT, PATCH or DELETE on a resource",
                self.path
            )))),
        }
    }
}

pub async fn bulk(
    State(state): State<AppState>,
    auth: ScimAuth,
    ScimBody(body): ScimBody,
) -> ScimResult<Response> {
    attrs::check_schemas(&body, BULK_REQUEST)?;
    let operations = match attrs::get(&body, "Operations") {
        Some(Value::Array(ops)) => ops.clone(),
        _ => {
            return Err(ScimError::invalid_syntax(
                "a BulkRequest needs an 'Operations' array".to_owned(),
            )
            .into());
        }
    };
    if operations.len() > BULK_MAX_OPERATIONS {
        return Err(ScimError {
            status: 413,
            scim_type: None,
            detail: format!(
                "a bulk request may hold at most {BULK_MAX_OPERATIONS} operations, not {}",
                operations.len()
            ),
        }
        .into());
    }
    let fail_on_errors = match attrs::get(&body, "failOnErrors") {
        None => None,
        Some(value) => Some(value.as_u64().filter(|n| *n > 0).ok_or_else(|| {
            ScimApiError(ScimError::invalid_value(
                "'failOnErrors' must be a positive integer".to_owned(),
            ))
        })?),
    };
    let mut created: HashMap<String, String> = HashMap::new();
    let mut results = Vec::with_capacity(operations.len());
    let mut errors = 0;
    for operation in operations {
        if fail_on_errors.is_some_and(|limit| errors >= limit) {
            break;
        }
        let Value::Object(operation) = operation else {
            return Err(ScimError::invalid_syntax(
                "each bulk operation must be an object".to_owned(),
            )
            .into());
        };
        let method = attrs::string(&operation, "method")?.unwrap_or_default();
        let path = attrs::string(&operation, "path")?.unwrap_or_default();
        let bulk_id = attrs::string(&operation, "bulkId")?;
        let version = attrs::string(&operation, "version")?;
        let outcome = async {
            let path = resolve_path(&path, &created)?;
            let mut data = match attrs::get(&operation, "data") {
                None => None,
                Some(Value::Object(data)) => Some(Value::Object(data.clone())),
                Some(_) => {
                    return Err(ScimApiError(ScimError::invalid_syntax(
                        "'data' must be an object".to_owned(),
                    )));
                }
            };
            if let Some(data) = &mut data {
                resolve(data, &created)?;
            }
            if method.eq_ignore_ascii_case("POST") && bulk_id.is_none() {
                return Err(ScimApiError(ScimError::invalid_syntax(
                    "POST in a bulk request needs a 'bulkId'".to_owned(),
                )));
            }
            let data = data.and_then(|d| match d {
                Value::Object(map) => Some(map),
                _ => None,
            });
            run(&state, &auth, &method, &path, version.as_deref(), data).await
        }
        .await;
        let mut result = Map::new();
        result.insert("method".to_owned(), json!(method.to_ascii_uppercase()));
        if let Some(bulk_id) = &bulk_id {
            result.insert("bulkId".to_owned(), json!(bulk_id));
        }
        match outcome {
            Ok((status, resource)) => {
                if let Some(resource) = &resource {
                    if let (Some(bulk_id), Some(id)) =
                        (&bulk_id, resource.get("id").and_then(Value::as_str))
                    {
                        created.insert(bulk_id.clone(), id.to_owned());
                    }
                    if let Some(location) = resource.pointer("/meta/location") {
                        result.insert("location".to_owned(), location.clone());
                    }
                    if let Some(version) = resource.pointer("/meta/version") {
                        result.insert("version".to_owned(), version.clone());
                    }
                }
                result.insert("status".to_owned(), json!(status.as_u16().to_string()));
            }
            Err(ScimApiError(error)) => {
                errors += 1;
                result.insert("status".to_owned(), json!(error.status.to_string()));
                result.insert("response".to_owned(), error.to_json());
            }
        }
        results.push(Value::Object(result));
    }
    Ok(scim_json(
        StatusCode::OK,
        &json!({"schemas": [BULK_RESPONSE], "Operations": results}),
    ))
}
