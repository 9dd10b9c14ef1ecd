//! Domain objects as the store returns them.

use time::OffsetDateTime;

use crate::ids::{AccountId, Email, EnvironmentId, GroupId, UserId};
use crate::rate_limit::RateLimit;
use crate::scope::ScopeSet;
use crate::secret::SecretDigest;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: AccountId,
    pub name: String,
    pub created_at: OffsetDateTime,
    /// Overrides the server's default rate limit for this account's clients.
    pub rate_limit: Option<RateLimit>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserStatus {
    Active,
    Inactive,
    PendingInvite,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Active => "ACTIVE",
            UserStatus::Inactive => "INACTIVE",
            UserStatus::PendingInvite => "PENDING_INVITE",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "ACTIVE" => Some(Self::Active),
            "INACTIVE" => Some(Self::Inactive),
            "PENDING_INVITE" => Some(Self::PendingInvite),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub uid: UserId,
    pub email: Email,
    pub first_name: String,
    pub last_name: String,
    /// Group ids, in the order the groups were created.
    pub groups: Vec<GroupId>,
    pub status: UserStatus,
    pub created_at: OffsetDateTime,
    pub modified_at: OffsetDateTime,
}

/// Who manages a group: the REST API (`LOCAL`) or a SCIM client (`SCIM`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupOwner {
    Local,
    Scim,
}

impl GroupOwner {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupOwner::Local => "LOCAL",
            GroupOwner::Scim => "SCIM",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "LOCAL" => Some(Self::Local),
            "SCIM" => Some(Self::Scim),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: GroupId,
    pub name: String,
    pub description: String,
    pub owner: GroupOwner,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvironmentStatus {
    Active,
    Suspended,
    Trial,
}

impl EnvironmentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EnvironmentStatus::Active => "ACTIVE",
            EnvironmentStatus::Suspended => "SUSPENDED",
            EnvironmentStatus::Trial => "TRIAL",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "ACTIVE" => Some(Self::Active),
            "SUSPENDED" => Some(Self::Suspended),
            "TRIAL" => Some(Self::Trial),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    pub id: EnvironmentId,
    pub name: String,
    pub status: EnvironmentStatus,
    pub trial: bool,
}

/// The scope a permission applies to, with the real API's three scope types.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PermissionScope {
    /// The account itself; the scope string is the account uuid.
    Account(AccountId),
    /// One environment.
    Tenant(EnvironmentId),
    /// A management zone of an environment (`<environment>:<zone>`).
    ManagementZone {
        environment: EnvironmentId,
        zone: String,
    },
}

impl PermissionScope {
    /// The real API's lowercase `scopeType`.
    pub fn type_name(&self) -> &'static str {
        match self {
            PermissionScope::Account(_) => "account",
            PermissionScope::Tenant(_) => "tenant",
            PermissionScope::ManagementZone { .. } => "management-zone",
        }
    }

    /// The scope string as the API shows it.
    pub fn scope_string(&self) -> String {
        match self {
            PermissionScope::Account(id) => id.to_string(),
            PermissionScope::Tenant(env) => env.to_string(),
            PermissionScope::ManagementZone { environment, zone } => {
                format!("{environment}:{zone}")
            }
        }
    }
}

/// One permission granted to one group.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PermissionAssignment {
    pub group: GroupId,
    pub name: String,
    pub scope: PermissionScope,
}

/// An OAuth client as stored: the secret only as a digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthClient {
    pub client_id: String,
    pub account: AccountId,
    pub name: String,
    pub secret_digest: SecretDigest,
    pub scopes: ScopeSet,
    pub created_at: OffsetDateTime,
}

/// Whether a user is a person or a service identity (real API service users).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserKind {
    Human,
    Service,
}

impl UserKind {
    pub fn as_str(self) -> &'static str {
        match self {
            UserKind::Human => "HUMAN",
            UserKind::Service => "SERVICE",
        }
    }
}

/// A service user (seed 003 and the real API). Stored as a user of kind `SERVICE`: its email is
/// `<uid>@service.sso.dynatrace.com`, so membership by email works as for any user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceUser {
    pub uid: UserId,
    pub email: Email,
    pub name: String,
    pub description: String,
    /// The group created for it, through which policies and permissions are assigned.
    pub group: Option<GroupId>,
    pub status: UserStatus,
    pub created_at: OffsetDateTime,
}

/// The last name every service user carries, as in the real API.
pub const SERVICE_USER_SURNAME: &str = "SERVICE_IDENTITY";
/// Domain of service users' email addresses.
pub const SERVICE_USER_DOMAIN: &str = "service.sso.dynatrace.com";

/// A message to a person (an invitation), as the outbox keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub recipient: Email,
    pub subject: String,
    pub body: String,
    pub created_at: OffsetDateTime,
}

/// A new invitation: the digest of its single-use token, and the message that carries the
/// token when it goes to the outbox (`None` when it is sent by SMTP instead).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInvitation {
    pub token_digest: SecretDigest,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub outbox: Option<Message>,
}

/// What accepting an invitation token found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvitationOutcome {
    /// The user is now `ACTIVE`.
    Accepted {
        account: AccountId,
        user: UserId,
    },
    Unknown,
    AlreadyUsed,
    Expired,
    /// The user is no longer `PENDING_INVITE` (e.g. deactivated); the invitation stays unused.
    NotPending(UserStatus),
}
