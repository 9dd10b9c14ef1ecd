//! The User and Group schemas accountd serves, and the common attributes of RFC 7643 §3.1.
//!
//! They list only what accountd stores: a client that reads `/Schemas` learns exactly which
//! attributes survive a round trip. Descriptions follow RFC 7643 §4 and §8.7.1.

use std::sync::OnceLock;

use super::attribute::{AttrType, Attribute, Mutability, Returned, Uniqueness};
use super::{GROUP_SCHEMA, Schema, USER_SCHEMA};

/// `id`, `externalId` and `meta` (RFC 7643 §3.1): part of every resource but of no schema's
/// attribute list. Built once, since every filter and PATCH resolution may consult them.
pub fn common_attributes() -> &'static [Attribute] {
    static COMMON: OnceLock<Vec<Attribute>> = OnceLock::new();
    COMMON.get_or_init(|| {
        vec![
            Attribute::new(
                "id",
                AttrType::String,
                "A unique identifier for a SCIM resource as defined by the service provider.",
            )
            .case_exact()
            .mutability(Mutability::ReadOnly)
            .returned(Returned::Always)
            .uniqueness(Uniqueness::Server),
            Attribute::new(
                "externalId",
                AttrType::String,
                "A String that is an identifier for the resource as defined by the provisioning \
                 client.",
            )
            .case_exact(),
            Attribute::new(
                "meta",
                AttrType::Complex,
                "A complex attribute containing resource metadata.",
            )
            .mutability(Mutability::ReadOnly)
            .sub_attributes(vec![
                read_only(
                    "resourceType",
                    AttrType::String,
                    "The name of the resource type.",
                )
                .case_exact(),
                read_only(
                    "created",
                    AttrType::DateTime,
                    "The DateTime that the resource was added to the service provider.",
                ),
                read_only(
                    "lastModified",
                    AttrType::DateTime,
                    "The most recent DateTime that the details of this resource were updated.",
                ),
                read_only(
                    "location",
                    AttrType::Reference,
                    "The URI of the resource being returned.",
                )
                .case_exact(),
                read_only(
                    "version",
                    AttrType::String,
                    "The version of the resource being returned.",
                )
                .case_exact(),
            ]),
        ]
    })
}

fn read_only(name: &str, type_: AttrType, description: &str) -> Attribute {
    Attribute::new(name, type_, description).mutability(Mutability::ReadOnly)
}

/// The User schema (RFC 7643 §4.1), restricted to what accountd stores.
pub fn user_schema() -> Schema {
    Schema {
        id: USER_SCHEMA.to_owned(),
        name: "User".to_owned(),
        description: "User Account".to_owned(),
        attributes: vec![
            Attribute::new(
                "userName",
                AttrType::String,
                "Unique identifier for the User, typically used by the user to directly \
                 authenticate to the service provider. accountd uses the email address.",
            )
            .required()
            .uniqueness(Uniqueness::Server),
            Attribute::new(
                "name",
                AttrType::Complex,
                "The components of the user's real name.",
            )
            .sub_attributes(vec![
                Attribute::new(
                    "givenName",
                    AttrType::String,
                    "The given name of the User, or first name in most Western languages.",
                ),
                Attribute::new(
                    "familyName",
                    AttrType::String,
                    "The family name of the User, or last name in most Western languages.",
                ),
            ]),
            Attribute::new(
                "displayName",
                AttrType::String,
                "The name of the User, suitable for display to end-users.",
            ),
            Attribute::new("emails", AttrType::Complex, "Email addresses for the user.")
                .multi_valued()
                .sub_attributes(vec![
                    Attribute::new("value", AttrType::String, "Email addresses for the user."),
                    Attribute::new(
                        "type",
                        AttrType::String,
                        "A label indicating the attribute's function, e.g., 'work' or 'home'.",
                    )
                    .canonical_values(&["work", "home", "other"]),
                    Attribute::new(
                        "primary",
                        AttrType::Boolean,
                        "A Boolean value indicating the 'primary' or preferred attribute value for \
                     this attribute.",
                    ),
                ]),
            Attribute::new(
                "active",
                AttrType::Boolean,
                "A Boolean value indicating the User's administrative status.",
            ),
            Attribute::new(
                "groups",
                AttrType::Complex,
                "A list of groups to which the user belongs, either through direct membership, \
                 through nested groups, or dynamically calculated.",
            )
            .multi_valued()
            .mutability(Mutability::ReadOnly)
            .sub_attributes(vec![
                read_only(
                    "value",
                    AttrType::String,
                    "The identifier of the User's group.",
                ),
                read_only(
                    "$ref",
                    AttrType::Reference,
                    "The URI of the corresponding 'Group' resource to which the user belongs.",
                )
                .reference_types(&["Group"]),
                read_only(
                    "display",
                    AttrType::String,
                    "A human-readable name, primarily used for display purposes.",
                ),
                read_only(
                    "type",
                    AttrType::String,
                    "A label indicating the attribute's function, e.g., 'direct' or 'indirect'.",
                )
                .canonical_values(&["direct"]),
            ]),
        ],
    }
}

/// The Group schema (RFC 7643 §4.2), restricted to what accountd stores: members are Users only
/// and carry no `display`, because the member list is rendered from ids alone.
pub fn group_schema() -> Schema {
    Schema {
        id: GROUP_SCHEMA.to_owned(),
        name: "Group".to_owned(),
        description: "Group".to_owned(),
        attributes: vec![
            Attribute::new(
                "displayName",
                AttrType::String,
                "A human-readable name for the Group.",
            )
            .required()
            .uniqueness(Uniqueness::Server),
            Attribute::new(
                "members",
                AttrType::Complex,
                "A list of members of the Group.",
            )
            .multi_valued()
            .sub_attributes(vec![
                Attribute::new(
                    "value",
                    AttrType::String,
                    "Identifier of the member of this Group.",
                )
                .case_exact()
                .mutability(Mutability::Immutable),
                Attribute::new(
                    "$ref",
                    AttrType::Reference,
                    "The URI corresponding to a SCIM resource that is a member of this Group.",
                )
                .mutability(Mutability::Immutable)
                .reference_types(&["User"]),
                Attribute::new(
                    "type",
                    AttrType::String,
                    "A label indicating the type of resource, e.g., 'User'.",
                )
                .mutability(Mutability::Immutable)
                .canonical_values(&["User"]),
            ]),
        ],
    }
}
