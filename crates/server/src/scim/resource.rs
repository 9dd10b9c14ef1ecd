//! What users and groups look like over SCIM, both ways: domain objects rendered as SCIM
//! resources, and SCIM request bodies read into the domain's inputs.

use accountd_core::clock::rfc3339;
use accountd_core::model::UserStatus;
use accountd_core::scim::{ScimGroup, ScimUser};
use accountd_core::scim_groups::ScimGroupInput;
use accountd_core::scim_users::ScimUserInput;
use accountd_scim::ScimError;
use accountd_scim::schema::{GROUP_SCHEMA, USER_SCHEMA};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::attrs;

/// The SCIM attributes of a user kept as the client sent them (the rest map onto the user).
const KEPT_USER_ATTRIBUTES: [&str; 2] = ["displayName", "emails"];
/// Kept among a user's SCIM attributes when a client unassigned `active` (PATCH remove, or a
/// PUT without it): the user keeps its status, and SCIM shows no `active` until one is set
/// again, as RFC 7644 §3.5.2.2 asks of a removed attribute.
pub const ACTIVE_UNASSIGNED: &str = "activeUnassigned";
/// The sub-attributes of `emails` the User schema publishes.
const EMAIL_SUB_ATTRIBUTES: [&str; 3] = ["value", "type", "primary"];

/// A weak ETag of a resource rendered without a base URL: it changes exactly when the
/// resource does (memberships included), and is the same through either SCIM base.
fn version_of(unbased: &Map<String, Value>) -> String {
    let digest = Sha256::digest(Value::Object(unbased.clone()).to_string().as_bytes());
    digest[..10].iter().map(|b| format!("{b:02x}")).collect()
}

/// Adds `meta`.
fn with_meta(
    mut resource: Map<String, Value>,
    version: String,
    resource_type: &str,
    location: String,
    created: OffsetDateTime,
    modified: OffsetDateTime,
) -> Value {
    resource.insert(
        "meta".to_owned(),
        json!({
            "resourceType": resource_type,
            "created": rfc3339(created),
            "lastModified": rfc3339(modified),
            "location": location,
            "version": format!("W/\"{version}\""),
        }),
    );
    Value::Object(resource)
}

/// The `meta.version` of a rendered resource.
pub fn version(resource: &Value) -> Option<&str> {
    resource.pointer("/meta/version").and_then(Value::as_str)
}

pub fn user_location(base: &str, uid: &str) -> String {
    format!("{base}/Users/{uid}")
}

pub fn group_location(base: &str, gid: &str) -> String {
    format!("{base}/Groups/{gid}")
}

pub fn render_user(found: &ScimUser, base: &str) -> Value {
    let user = &found.user;
    let version = version_of(&user_attributes(found, ""));
    with_meta(
        user_attributes(found, base),
        version,
        "User",
        user_location(base, &user.uid.to_string()),
        user.created_at,
        user.modified_at,
    )
}

/// A user's attributes, `meta` aside.
fn user_attributes(found: &ScimUser, base: &str) -> Map<String, Value> {
    let user = &found.user;
    let uid = user.uid.to_string();
    let mut resource = Map::new();
    resource.insert("schemas".to_owned(), json!([USER_SCHEMA]));
    resource.insert("id".to_owned(), json!(uid));
    if let Some(external_id) = &found.attrs.external_id {
        resource.insert("externalId".to_owned(), json!(external_id));
    }
    resource.insert("userName".to_owned(), json!(found.user_name()));
    let mut name = Map::new();
    if !user.first_name.is_empty() {
        name.insert("givenName".to_owned(), json!(user.first_name));
    }
    if !user.last_name.is_empty() {
        name.insert("familyName".to_owned(), json!(user.last_name));
    }
    if !name.is_empty() {
        resource.insert("name".to_owned(), Value::Object(name));
    }
    for key in KEPT_USER_ATTRIBUTES {
        if let Some(value) = found.attrs.extra.get(key) {
            resource.insert(key.to_owned(), value.clone());
        }
    }
    if !resource.contains_key("emails") && found.attrs.user_name.is_none() {
        // A user whose userName is its email (every user the REST API made) has that email.
        resource.insert(
            "emails".to_owned(),
            json!([{"value": user.email.as_str(), "type": "work", "primary": true}]),
        );
    }
    if !found.attrs.extra.contains_key(ACTIVE_UNASSIGNED) {
        resource.insert(
            "active".to_owned(),
            json!(user.status == UserStatus::Active),
        );
    }
    if !found.groups.is_empty() {
        let groups: Vec<Value> = found
            .groups
            .iter()
            .map(|group| {
                let gid = group.id.to_string();
                json!({
                    "value": gid,
                    "$ref": group_location(base, &gid),
                    "display": group.name,
                    "type": "direct",
                })
            })
            .collect();
        resource.insert("groups".to_owned(), Value::Array(groups));
    }
    resource
}

pub fn render_group(found: &ScimGroup, base: &str) -> Value {
    let group = &found.group;
    let version = version_of(&group_attributes(found, ""));
    with_meta(
        group_attributes(found, base),
        version,
        "Group",
        group_location(base, &group.id.to_string()),
        group.created_at,
        group.updated_at,
    )
}

/// A group's attributes, `meta` aside.
fn group_attributes(found: &ScimGroup, base: &str) -> Map<String, Value> {
    let group = &found.group;
    let gid = group.id.to_string();
    let mut resource = Map::new();
    resource.insert("schemas".to_owned(), json!([GROUP_SCHEMA]));
    resource.insert("id".to_owned(), json!(gid));
    if let Some(external_id) = &found.external_id {
        resource.insert("externalId".to_owned(), json!(external_id));
    }
    resource.insert("displayName".to_owned(), json!(group.name));
    if !found.members.is_empty() {
        let members: Vec<Value> = found
            .members
            .iter()
            .map(|uid| {
                let uid = uid.to_string();
                json!({"value": uid, "$ref": user_location(base, &uid), "type": "User"})
            })
            .collect();
        resource.insert("members".to_owned(), Value::Array(members));
    }
    resource
}

/// Reads a User resource (a POST or PUT body, or a user after PATCH).
pub fn read_user(body: &Map<String, Value>) -> Result<ScimUserInput, ScimError> {
    let user_name = attrs::string(body, "userName")?
        .filter(|name| !name.trim().is_empty())
        .ok_or_else(|| ScimError::invalid_value("'userName' is required".to_owned()))?;
    let name = attrs::object(body, "name")?;
    let name_part = |part: &str| match name {
        Some(name) => attrs::string(name, part),
        None => Ok(None),
    };
    let mut extra = Map::new();
    if let Some(display_name) = attrs::string(body, "displayName")? {
        extra.insert("displayName".to_owned(), json!(display_name));
    }
    let emails = read_emails(body)?;
    let primary_email = emails
        .iter()
        .find(|email| email.get("primary") == Some(&Value::Bool(true)))
        .or_else(|| emails.first())
        .and_then(|email| email.get("value"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    if !emails.is_empty() {
        extra.insert(
            "emails".to_owned(),
            Value::Array(emails.into_iter().map(Value::Object).collect()),
        );
    }
    let active = attrs::boolean(body, "active")?;
    if active.is_none() {
        extra.insert(ACTIVE_UNASSIGNED.to_owned(), Value::Bool(true));
    }
    Ok(ScimUserInput {
        user_name,
        given_name: name_part("givenName")?,
        family_name: name_part("familyName")?,
        active,
        external_id: attrs::string(body, "externalId")?,
        primary_email,
        extra,
    })
}

/// `emails`, each entry reduced to the published sub-attributes in their canonical spelling.
fn read_emails(body: &Map<String, Value>) -> Result<Vec<Map<String, Value>>, ScimError> {
    let entries = attrs::objects(body, "emails")?;
    let primaries = entries
        .iter()
        .filter(|entry| attrs::boolean(entry, "primary").ok().flatten() == Some(true))
        .count();
    if primaries > 1 {
        return Err(ScimError::invalid_value(
            "at most one entry of 'emails' may be primary (RFC 7643 §2.4)".to_owned(),
        ));
    }
    let mut emails = Vec::with_capacity(entries.len());
    for entry in entries {
        let mut email = Map::new();
        for sub in EMAIL_SUB_ATTRIBUTES {
            let value = match sub {
                "primary" => attrs::boolean(entry, sub)?.map(Value::Bool),
                _ => attrs::string(entry, sub)?.map(Value::String),
            };
            if let Some(value) = value {
                email.insert(sub.to_owned(), value);
            }
        }
        if !email.contains_key("value") {
            return Err(ScimError::invalid_value(
                "each entry of 'emails' needs a 'value'".to_owned(),
            ));
        }
        emails.push(email);
    }
    Ok(emails)
}

/// Reads a Group resource (a POST or PUT body, or a group after PATCH).
pub fn read_group(body: &Map<String, Value>) -> Result<ScimGroupInput, ScimError> {
    let display_name = attrs::string(body, "displayName")?
        .filter(|name| !name.trim().is_empty())
        .ok_or_else(|| ScimError::invalid_value("'displayName' is required".to_owned()))?;
    let members = attrs::objects(body, "members")?
        .into_iter()
        .map(|member| {
            if let Some(kind) = attrs::string(member, "type")?
                && !kind.eq_ignore_ascii_case("User")
            {
                return Err(ScimError::invalid_value(format!(
                    "members of type '{kind}' are not supported: a group's members are users"
                )));
            }
            attrs::string(member, "value")?.ok_or_else(|| {
                ScimError::invalid_value("each entry of 'members' needs a 'value'".to_owned())
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ScimGroupInput {
        display_name,
        external_id: attrs::string(body, "externalId")?,
        members,
    })
}
