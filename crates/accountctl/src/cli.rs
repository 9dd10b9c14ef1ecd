//! The command line (clap derive). Every command carries examples in its `--help`.
// The doc comments below are the `--help` text (clap), not rustdoc: `<placeholders>`, URLs and
// `[default: ...]` are meant literally.
#![allow(
    rustdoc::invalid_html_tags,
    rustdoc::bare_urls,
    rustdoc::broken_intra_doc_links
)]

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::Shell;

use crate::output::OutputFormat;

const ROOT_EXAMPLES: &str = "\
Examples:
  # Configure a profile once (the secret comes from a file or ACCOUNTCTL_CLIENT_SECRET)
  accountctl config set account-uuid 6a2d1f1e-3c44-4b8a-9a55-0c1e2f3a4b5c
  accountctl config set client-id dt0s02.EXAMPLE
  accountctl config set client-secret-file ~/.config/accountctl/secret
  # Everyday work
  accountctl users list
  accountctl provision --email jane@example.com --first-name Jane --last-name Doe --group Admins
  accountctl offboard --email jane@example.com --dry-run
  accountctl access-report --format csv > access.csv
  accountctl export > account.yaml && accountctl apply account.yaml --plan

Exit codes: 0 ok, 1 error, 2 usage, 3 not found, 4 auth or permission, 5 rate limited or
unavailable after retries.";

/// accountctl: users, groups, permissions and access reviews of a Dynatrace account (or an
/// accountd), from the command line.
#[derive(Debug, Parser)]
#[command(name = "accountctl", version, after_help = ROOT_EXAMPLES)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Connection and output settings; each one also comes from `ACCOUNTCTL_*` or the profile.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Profile of the config file to use (default: `default-profile` of the file, else "default")
    #[arg(long, short = 'p', env = "ACCOUNTCTL_PROFILE", global = true)]
    pub profile: Option<String>,
    /// Account Management API root [default: https://api.dynatrace.com]
    #[arg(long, env = "ACCOUNTCTL_API_URL", global = true, value_name = "URL")]
    pub api_url: Option<String>,
    /// OAuth2 token endpoint [default: Dynatrace SSO for the Dynatrace API, else <api-url>/sso/oauth2/token]
    #[arg(long, env = "ACCOUNTCTL_TOKEN_URL", global = true, value_name = "URL")]
    pub token_url: Option<String>,
    /// Account UUID (Account Management > Account > Account info)
    #[arg(
        long,
        env = "ACCOUNTCTL_ACCOUNT_UUID",
        global = true,
        value_name = "UUID"
    )]
    pub account_uuid: Option<String>,
    /// OAuth client id (dt0s02.…)
    #[arg(long, env = "ACCOUNTCTL_CLIENT_ID", global = true, value_name = "ID")]
    pub client_id: Option<String>,
    /// File holding the OAuth client secret (the secret itself: ACCOUNTCTL_CLIENT_SECRET)
    #[arg(
        long,
        env = "ACCOUNTCTL_CLIENT_SECRET_FILE",
        global = true,
        value_name = "FILE"
    )]
    pub client_secret_file: Option<String>,
    /// OAuth scopes to request, space-separated [default: every scope of the client]
    #[arg(long, env = "ACCOUNTCTL_SCOPES", global = true, value_name = "SCOPES")]
    pub scopes: Option<String>,
    /// Output format [default: table]
    #[arg(
        long,
        short = 'o',
        env = "ACCOUNTCTL_OUTPUT",
        global = true,
        value_enum
    )]
    pub output: Option<OutputFormat>,
    /// Longest total wait, in seconds, for retries when rate limited (429) or unavailable (503)
    #[arg(
        long,
        env = "ACCOUNTCTL_MAX_RETRY_TIME",
        global = true,
        default_value_t = 60,
        value_name = "SECS"
    )]
    pub max_retry_time: u64,
    /// Print no notes on stderr (waiting for retries, what was set)
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show or change the configuration file
    #[command(subcommand, after_help = CONFIG_EXAMPLES)]
    Config(ConfigCommand),
    /// Users of the account (not service users)
    #[command(subcommand, after_help = USERS_EXAMPLES)]
    Users(UsersCommand),
    /// Groups of the account and their members
    #[command(subcommand, after_help = GROUPS_EXAMPLES)]
    Groups(GroupsCommand),
    /// Permissions of groups
    #[command(subcommand, after_help = PERMISSIONS_EXAMPLES)]
    Permissions(PermissionsCommand),
    /// Environments (tenants) of the account
    #[command(subcommand, after_help = ENVIRONMENTS_EXAMPLES)]
    Environments(EnvironmentsCommand),
    /// Service users (machine identities)
    #[command(subcommand, name = "service-users", after_help = SERVICE_USERS_EXAMPLES)]
    ServiceUsers(ServiceUsersCommand),
    /// Print a bearer token for scripting
    #[command(
        after_help = "Examples:\n  curl -H \"Authorization: Bearer $(accountctl token)\" https://api.dynatrace.com/iam/v1/accounts/$ACCOUNT/users\n  accountctl token --scopes account-idm-read"
    )]
    Token,
    /// Create a user or bring an existing one to the given groups (idempotent)
    #[command(after_help = PROVISION_EXAMPLES)]
    Provision(ProvisionArgs),
    /// Remove a user from every group, then delete it
    #[command(after_help = OFFBOARD_EXAMPLES)]
    Offboard(OffboardArgs),
    /// Who has access to what: user → groups → permissions → scopes and environments
    #[command(name = "access-report", after_help = ACCESS_REPORT_EXAMPLES)]
    AccessReport(AccessReportArgs),
    /// The whole account (environments, groups with permissions, users with groups, service
    /// users) as YAML that `apply` accepts
    #[command(after_help = EXPORT_EXAMPLES)]
    Export(ExportArgs),
    /// Make the account match a file written by `export` (or by hand)
    #[command(after_help = APPLY_EXAMPLES)]
    Apply(ApplyArgs),
    /// Print a shell completion script
    #[command(
        after_help = "Examples:\n  accountctl completions bash > /etc/bash_completion.d/accountctl\n  accountctl completions zsh > \"${fpath[1]}/_accountctl\"\n  accountctl completions fish > ~/.config/fish/completions/accountctl.fish"
    )]
    Completions {
        #[arg(value_enum)]
        shell: CompletionShell,
    },
}

/// Shells `completions` supports.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
}

impl From<CompletionShell> for Shell {
    fn from(shell: CompletionShell) -> Self {
        match shell {
            CompletionShell::Bash => Shell::Bash,
            CompletionShell::Zsh => Shell::Zsh,
            CompletionShell::Fish => Shell::Fish,
        }
    }
}

const CONFIG_EXAMPLES: &str = "\
Examples:
  accountctl config show
  accountctl --profile prod config set api-url https://api.dynatrace.com
  accountctl --profile prod config set account-uuid 6a2d1f1e-3c44-4b8a-9a55-0c1e2f3a4b5c
  accountctl config set default-profile prod";

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Show the resolved settings and where each comes from (secrets hidden)
    #[command(
        after_help = "Examples:\n  accountctl config show\n  accountctl --profile prod config show -o json"
    )]
    Show,
    /// Set a key of the active profile (an empty value removes it)
    #[command(
        after_help = "Examples:\n  accountctl config set client-id dt0s02.EXAMPLE\n  accountctl --profile staging config set api-url http://127.0.0.1:8600\n  accountctl config set default-profile staging"
    )]
    Set {
        /// api-url, token-url, account-uuid, client-id, client-secret, client-secret-file,
        /// scopes, output, or default-profile
        key: String,
        value: String,
    },
}

const USERS_EXAMPLES: &str = "\
Examples:
  accountctl users list
  accountctl users get jane@example.com
  accountctl users create --email jane@example.com --first-name Jane --last-name Doe --group Admins
  accountctl users update jane@example.com --last-name Smith
  accountctl users delete jane@example.com";

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// List users (every page)
    #[command(
        after_help = "Examples:\n  accountctl users list\n  accountctl users list --email jane@example.com -o json\n  accountctl users list --page-size 500 -o csv > users.csv"
    )]
    List {
        /// Only the user with this email (exact, case-insensitive)
        #[arg(long)]
        email: Option<String>,
        /// Include service users
        #[arg(long)]
        service_users: bool,
        /// Users per request (1..1000)
        #[arg(long, value_name = "N")]
        page_size: Option<u32>,
    },
    /// Show one user (by email or uid) with its groups
    #[command(
        after_help = "Examples:\n  accountctl users get jane@example.com\n  accountctl users get 3f1c0b9e-0a7d-4c55-9a57-2f8e8a1c2b3d -o yaml"
    )]
    Get {
        /// Email address or uid
        user: String,
    },
    /// Create a user (it is PENDING_INVITE and gets an invitation)
    #[command(
        after_help = "Examples:\n  accountctl users create --email jane@example.com --first-name Jane --last-name Doe\n  accountctl users create --email jane@example.com --first-name Jane --last-name Doe --group Admins --group Developers"
    )]
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        first_name: String,
        #[arg(long)]
        last_name: String,
        /// Group name or id (repeatable)
        #[arg(long = "group", value_name = "GROUP")]
        groups: Vec<String>,
    },
    /// Change a user; what is not given is kept (including its groups)
    #[command(
        after_help = "Examples:\n  accountctl users update jane@example.com --last-name Smith\n  accountctl users update jane@example.com --group Admins --group Developers   # exactly these groups\n  accountctl users update jane@example.com --clear-groups"
    )]
    Update {
        /// Email address or uid
        user: String,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        first_name: Option<String>,
        #[arg(long)]
        last_name: Option<String>,
        /// Replace the user's groups with these (name or id; repeatable)
        #[arg(long = "group", value_name = "GROUP", conflicts_with = "clear_groups")]
        groups: Vec<String>,
        /// Remove the user from every group
        #[arg(long)]
        clear_groups: bool,
    },
    /// Delete a user (permanent)
    #[command(
        after_help = "Examples:\n  accountctl users delete jane@example.com\n  accountctl offboard --email jane@example.com   # shows what it removes"
    )]
    Delete {
        /// Email address or uid
        user: String,
    },
}

const GROUPS_EXAMPLES: &str = "\
Examples:
  accountctl groups list
  accountctl groups create --name Developers --description \"Dev team\"
  accountctl groups members add Developers jane@example.com
  accountctl groups members list Developers";

#[derive(Debug, Subcommand)]
pub enum GroupsCommand {
    /// List groups
    #[command(after_help = "Examples:\n  accountctl groups list\n  accountctl groups list -o json")]
    List,
    /// Show one group (by name or id) with its permissions and member count
    #[command(
        after_help = "Examples:\n  accountctl groups get Admins\n  accountctl groups get 0d4f1a36-5c1e-4bb3-8a35-8f5e0c6f1e2a -o yaml"
    )]
    Get {
        /// Group name or id
        group: String,
    },
    /// Create a group
    #[command(
        after_help = "Examples:\n  accountctl groups create --name Developers\n  accountctl groups create --name Developers --description \"Dev team\""
    )]
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        description: Option<String>,
    },
    /// Rename a group or change its description; what is not given is kept
    #[command(
        after_help = "Examples:\n  accountctl groups update Developers --name Engineering\n  accountctl groups update Developers --description \"All developers\""
    )]
    Update {
        /// Group name or id
        group: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        description: Option<String>,
    },
    /// Delete a group (its memberships and permissions go with it)
    #[command(after_help = "Examples:\n  accountctl groups delete Developers")]
    Delete {
        /// Group name or id
        group: String,
    },
    /// Members of a group
    #[command(
        subcommand,
        after_help = "Examples:\n  accountctl groups members list Admins\n  accountctl groups members add Admins jane@example.com john@example.com\n  accountctl groups members remove Admins jane@example.com"
    )]
    Members(MembersCommand),
}

#[derive(Debug, Subcommand)]
pub enum MembersCommand {
    /// List the members of a group
    #[command(
        after_help = "Examples:\n  accountctl groups members list Admins\n  accountctl groups members list Admins -o csv"
    )]
    List {
        /// Group name or id
        group: String,
    },
    /// Add users (emails or uids) to a group; existing members are left as they are
    #[command(
        after_help = "Examples:\n  accountctl groups members add Admins jane@example.com\n  accountctl groups members add Admins jane@example.com john@example.com"
    )]
    Add {
        /// Group name or id
        group: String,
        /// Emails or uids
        #[arg(required = true)]
        users: Vec<String>,
    },
    /// Remove users (emails or uids) from a group
    #[command(after_help = "Examples:\n  accountctl groups members remove Admins jane@example.com")]
    Remove {
        /// Group name or id
        group: String,
        /// Emails or uids
        #[arg(required = true)]
        users: Vec<String>,
    },
}

const PERMISSIONS_EXAMPLES: &str = "\
Examples:
  accountctl permissions list
  accountctl permissions grant --group Developers --permission tenant-viewer --scope-type tenant --scope abc12345
  accountctl permissions revoke --group Developers --permission tenant-viewer --scope-type tenant --scope abc12345";

/// Scope types of a permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScopeType {
    Account,
    Tenant,
    ManagementZone,
}

impl ScopeType {
    pub fn wire(self) -> &'static str {
        match self {
            ScopeType::Account => "account",
            ScopeType::Tenant => "tenant",
            ScopeType::ManagementZone => "management-zone",
        }
    }
}

/// One permission of a group.
#[derive(Debug, Clone, Args)]
pub struct PermissionArgs {
    /// Group name or id
    #[arg(long)]
    pub group: String,
    /// Permission name (account-viewer, account-editor, tenant-viewer, tenant-admin, ...)
    #[arg(long)]
    pub permission: String,
    /// What the scope names
    #[arg(long, value_enum, default_value = "tenant")]
    pub scope_type: ScopeType,
    /// Environment id (tenant), <environment>:<zone> (management-zone); the account's uuid
    /// when the scope type is account [default for account: the account uuid]
    #[arg(long)]
    pub scope: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum PermissionsCommand {
    /// List permission assignments (of every group, or of one)
    #[command(
        after_help = "Examples:\n  accountctl permissions list\n  accountctl permissions list --group Admins -o json"
    )]
    List {
        /// Only this group (name or id)
        #[arg(long)]
        group: Option<String>,
    },
    /// Grant a permission to a group
    #[command(
        after_help = "Examples:\n  accountctl permissions grant --group Developers --permission tenant-viewer --scope abc12345\n  accountctl permissions grant --group Admins --permission account-viewer --scope-type account"
    )]
    Grant(PermissionArgs),
    /// Revoke a permission from a group
    #[command(
        after_help = "Examples:\n  accountctl permissions revoke --group Developers --permission tenant-viewer --scope abc12345"
    )]
    Revoke(PermissionArgs),
}

const ENVIRONMENTS_EXAMPLES: &str = "\
Examples:
  accountctl environments list
  accountctl environments list -o json";

#[derive(Debug, Subcommand)]
pub enum EnvironmentsCommand {
    /// List environments
    #[command(after_help = ENVIRONMENTS_EXAMPLES)]
    List,
}

const SERVICE_USERS_EXAMPLES: &str = "\
Examples:
  accountctl service-users list
  accountctl service-users create --name ci-bot --description \"CI pipeline\"
  accountctl service-users delete 5b0e2c1a-6f3d-4d8e-9c2b-1a7f3e4d5c6b";

#[derive(Debug, Subcommand)]
pub enum ServiceUsersCommand {
    /// List service users (every page)
    #[command(
        after_help = "Examples:\n  accountctl service-users list\n  accountctl service-users list -o json"
    )]
    List {
        /// Service users per request
        #[arg(long, value_name = "N")]
        page_size: Option<u32>,
    },
    /// Create a service user (and its group)
    #[command(
        after_help = "Examples:\n  accountctl service-users create --name ci-bot\n  accountctl service-users create --name ci-bot --description \"CI pipeline\""
    )]
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        description: Option<String>,
    },
    /// Show a service user
    #[command(
        after_help = "Examples:\n  accountctl service-users get 5b0e2c1a-6f3d-4d8e-9c2b-1a7f3e4d5c6b"
    )]
    Get {
        /// Service user uid
        uid: String,
    },
    /// Rename a service user or change its description; what is not given is kept
    #[command(
        after_help = "Examples:\n  accountctl service-users update 5b0e2c1a-6f3d-4d8e-9c2b-1a7f3e4d5c6b --name deploy-bot"
    )]
    Update {
        /// Service user uid
        uid: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        description: Option<String>,
    },
    /// Delete a service user (and its group)
    #[command(
        after_help = "Examples:\n  accountctl service-users delete 5b0e2c1a-6f3d-4d8e-9c2b-1a7f3e4d5c6b"
    )]
    Delete {
        /// Service user uid
        uid: String,
    },
}

const PROVISION_EXAMPLES: &str = "\
Examples:
  accountctl provision --email jane@example.com --first-name Jane --last-name Doe --group Admins
  accountctl provision --email jane@example.com --first-name Jane --last-name Doe \\
      --group Developers --group 0d4f1a36-5c1e-4bb3-8a35-8f5e0c6f1e2a --exact-groups

Running it again changes nothing. Groups are names or ids; an unknown group stops it before
any change.";

#[derive(Debug, Args)]
pub struct ProvisionArgs {
    #[arg(long)]
    pub email: String,
    #[arg(long)]
    pub first_name: String,
    #[arg(long)]
    pub last_name: String,
    /// Group name or id the user must be in (repeatable)
    #[arg(long = "group", value_name = "GROUP")]
    pub groups: Vec<String>,
    /// Also remove the user from groups not given
    #[arg(long)]
    pub exact_groups: bool,
}

const OFFBOARD_EXAMPLES: &str = "\
Examples:
  accountctl offboard --email jane@example.com --dry-run   # show what would happen
  accountctl offboard --email jane@example.com";

#[derive(Debug, Args)]
pub struct OffboardArgs {
    #[arg(long)]
    pub email: String,
    /// Show what would be done, change nothing
    #[arg(long)]
    pub dry_run: bool,
}

const ACCESS_REPORT_EXAMPLES: &str = "\
Examples:
  accountctl access-report
  accountctl access-report --environment abc12345 --format csv > prod-access.csv
  accountctl access-report --user jane@example.com --format json

One row per user, group and permission; users without groups and groups without permissions
appear with empty columns (except with --environment, which keeps only access to it).";

/// `access-report --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Table,
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub struct AccessReportArgs {
    /// Only access to this environment (tenant and management-zone permissions on it)
    #[arg(long, value_name = "ID")]
    pub environment: Option<String>,
    /// Only this user (email or uid)
    #[arg(long, value_name = "EMAIL")]
    pub user: Option<String>,
    /// Report format [default: --output when json or csv, else table]
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,
    /// Include service users
    #[arg(long)]
    pub service_users: bool,
}

const EXPORT_EXAMPLES: &str = "\
Examples:
  accountctl export > account.yaml
  accountctl export --output-file account.yaml
  accountctl --profile prod export | accountctl --profile staging apply /dev/stdin --plan";

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Write to this file instead of stdout (`--output` is the global output format)
    #[arg(long = "output-file", short = 'f', value_name = "FILE")]
    pub file: Option<PathBuf>,
}

const APPLY_EXAMPLES: &str = "\
Examples:
  accountctl apply account.yaml --plan     # show the changes, make none
  accountctl apply account.yaml            # create and update what the file declares
  accountctl apply account.yaml --prune    # and delete what it does not declare

Groups are matched by name, users by email, service users by name. A user's `groups` is its
complete membership. Without --prune nothing is deleted.";

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The file (as written by `accountctl export`)
    pub file: PathBuf,
    /// Print the changes (Terraform-style) and change nothing
    #[arg(long)]
    pub plan: bool,
    /// Delete users, groups and service users the file does not declare
    #[arg(long)]
    pub prune: bool,
}
