//! Settings from flags, `ACCOUNTCTL_*` variables and named profiles of the config file, in that
//! order of precedence; `accountctl config show|set`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use accountd_client::{DYNATRACE_API_URL, DYNATRACE_TOKEN_URL};
use clap::parser::ValueSource;
use clap::{ArgMatches, ValueEnum};
use serde::{Deserialize, Serialize};

use crate::cli::GlobalArgs;
use crate::error::{CliError, CliResult};
use crate::output::{Output, OutputFormat, Table};

/// The config file: named profiles and which one is the default.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_profile: Option<String>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// One profile: where the API is and how to authenticate.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Profile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_uuid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Kept in the file itself: prefer `client-secret-file` or ACCOUNTCTL_CLIENT_SECRET.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret_file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
}

/// The keys `accountctl config set` accepts.
pub const KEYS: [&str; 9] = [
    "api-url",
    "token-url",
    "account-uuid",
    "client-id",
    "client-secret",
    "client-secret-file",
    "scopes",
    "output",
    "default-profile",
];

impl Profile {
    fn slot(&mut self, key: &str) -> Option<&mut Option<String>> {
        Some(match key {
            "api-url" => &mut self.api_url,
            "token-url" => &mut self.token_url,
            "account-uuid" => &mut self.account_uuid,
            "client-id" => &mut self.client_id,
            "client-secret" => &mut self.client_secret,
            "client-secret-file" => &mut self.client_secret_file,
            "scopes" => &mut self.scopes,
            "output" => &mut self.output,
            _ => return None,
        })
    }
}

/// `ACCOUNTCTL_CONFIG`, else `$XDG_CONFIG_HOME/accountctl/config.toml`, else
/// `~/.config/accountctl/config.toml`.
pub fn config_path() -> CliResult<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(path) = var("ACCOUNTCTL_CONFIG") {
        return Ok(PathBuf::from(path));
    }
    let base = match (var("XDG_CONFIG_HOME"), var("HOME")) {
        (Some(xdg), _) => PathBuf::from(xdg),
        (None, Some(home)) => PathBuf::from(home).join(".config"),
        (None, None) => {
            return Err(CliError::usage(
                "cannot find the config directory: set HOME, XDG_CONFIG_HOME or ACCOUNTCTL_CONFIG",
            ));
        }
    };
    Ok(base.join("accountctl").join("config.toml"))
}

/// Reads the config file; a missing file is an empty configuration.
pub fn load(path: &Path) -> CliResult<ConfigFile> {
    match std::fs::read_to_string(path) {
        Ok(text) => toml::from_str(&text).map_err(|e| {
            CliError::usage(format!(
                "the config file {} is not valid: {e}",
                path.display()
            ))
            .with_hint("fix it by hand, or remove it and use `accountctl config set`")
        }),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(ConfigFile::default()),
        Err(err) => Err(CliError::general(format!(
            "cannot read the config file {}: {err}",
            path.display()
        ))),
    }
}

fn save(path: &Path, config: &ConfigFile) -> CliResult {
    let text = toml::to_string_pretty(config)
        .map_err(|e| CliError::general(format!("cannot write the configuration: {e}")))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| CliError::general(format!("cannot create {}: {e}", dir.display())))?;
    }
    write_private(path, &text)
        .map_err(|e| CliError::general(format!("cannot write {}: {e}", path.display())))
}

/// The file may hold a client secret: readable by its owner only.
#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    file.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

/// Where a setting came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Source {
    Flag,
    Env(String),
    Profile(String),
    Default,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Flag => f.write_str("flag"),
            Source::Env(name) => write!(f, "env {name}"),
            Source::Profile(name) => write!(f, "profile {name}"),
            Source::Default => f.write_str("default"),
        }
    }
}

/// A value and its source.
#[derive(Debug, Clone, Serialize)]
pub struct Setting {
    pub value: String,
    pub source: Source,
}

/// Everything a command needs to connect, resolved.
#[derive(Debug, Clone)]
pub struct Settings {
    pub config_path: PathBuf,
    pub profile: String,
    pub api_url: Setting,
    pub token_url: Setting,
    pub account_uuid: Option<Setting>,
    pub client_id: Option<Setting>,
    /// The secret itself (never printed) and where it came from.
    pub client_secret: Option<Setting>,
    pub token: Option<Setting>,
    pub scope: Option<Setting>,
    pub output: OutputFormat,
    pub max_retry_secs: u64,
    pub quiet: bool,
}

/// Flag or env (clap knows which), else the profile.
fn pick(
    matches: &ArgMatches,
    id: &str,
    env: &str,
    flag: Option<&String>,
    profile_name: &str,
    from_profile: Option<&String>,
) -> Option<Setting> {
    if let Some(value) = flag {
        let source = match matches.value_source(id) {
            Some(ValueSource::EnvVariable) => Source::Env(env.to_owned()),
            _ => Source::Flag,
        };
        return Some(Setting {
            value: value.clone(),
            source,
        });
    }
    from_profile.map(|value| Setting {
        value: value.clone(),
        source: Source::Profile(profile_name.to_owned()),
    })
}

/// Resolves the settings of the active profile.
/// `creating`: `config set` may name a profile that does not exist yet.
pub fn resolve(global: &GlobalArgs, matches: &ArgMatches, creating: bool) -> CliResult<Settings> {
    let config_path = config_path()?;
    let file = load(&config_path)?;
    let explicit = global.profile.clone();
    let profile_name = explicit
        .clone()
        .or_else(|| file.default_profile.clone())
        .unwrap_or_else(|| "default".to_owned());
    let profile = match file.profiles.get(&profile_name) {
        Some(profile) => profile.clone(),
        None if explicit.is_some() && !creating => {
            return Err(CliError::usage(format!(
                "no profile '{profile_name}' in {}",
                config_path.display()
            ))
            .with_hint(format!(
                "create it with `accountctl --profile {profile_name} config set api-url URL` (and account-uuid, client-id, ...)"
            )));
        }
        None => Profile::default(),
    };
    let p = &profile_name;
    let api_url = pick(
        matches,
        "api_url",
        "ACCOUNTCTL_API_URL",
        global.api_url.as_ref(),
        p,
        profile.api_url.as_ref(),
    )
    .unwrap_or_else(|| Setting {
        value: DYNATRACE_API_URL.to_owned(),
        source: Source::Default,
    });
    // accountd serves the token endpoint on the API's own address; Dynatrace on its SSO host.
    let token_url = pick(
        matches,
        "token_url",
        "ACCOUNTCTL_TOKEN_URL",
        global.token_url.as_ref(),
        p,
        profile.token_url.as_ref(),
    )
    .unwrap_or_else(|| Setting {
        value: if api_url.value.trim_end_matches('/') == DYNATRACE_API_URL {
            DYNATRACE_TOKEN_URL.to_owned()
        } else {
            format!("{}/sso/oauth2/token", api_url.value.trim_end_matches('/'))
        },
        source: Source::Default,
    });
    let account_uuid = pick(
        matches,
        "account_uuid",
        "ACCOUNTCTL_ACCOUNT_UUID",
        global.account_uuid.as_ref(),
        p,
        profile.account_uuid.as_ref(),
    );
    let client_id = pick(
        matches,
        "client_id",
        "ACCOUNTCTL_CLIENT_ID",
        global.client_id.as_ref(),
        p,
        profile.client_id.as_ref(),
    );
    let scope = pick(
        matches,
        "scopes",
        "ACCOUNTCTL_SCOPES",
        global.scopes.as_ref(),
        p,
        profile.scopes.as_ref(),
    );
    let client_secret = secret(global, matches, p, &profile)?;
    let token = std::env::var("ACCOUNTCTL_TOKEN")
        .ok()
        .filter(|t| !t.is_empty())
        .map(|value| Setting {
            value,
            source: Source::Env("ACCOUNTCTL_TOKEN".to_owned()),
        });
    let output = match (global.output, profile.output.as_deref()) {
        (Some(format), _) => format,
        (None, Some(text)) => OutputFormat::parse(text).ok_or_else(|| {
            CliError::usage(format!(
                "profile {profile_name}: output '{text}' is not one of table, json, yaml, csv"
            ))
        })?,
        (None, None) => OutputFormat::Table,
    };
    Ok(Settings {
        config_path,
        profile: profile_name,
        api_url,
        token_url,
        account_uuid,
        client_id,
        client_secret,
        token,
        scope,
        output,
        max_retry_secs: global.max_retry_time,
        quiet: global.quiet,
    })
}

/// The secret: ACCOUNTCTL_CLIENT_SECRET, else a file (flag, env or profile), else the profile.
fn secret(
    global: &GlobalArgs,
    matches: &ArgMatches,
    profile_name: &str,
    profile: &Profile,
) -> CliResult<Option<Setting>> {
    if let Ok(value) = std::env::var("ACCOUNTCTL_CLIENT_SECRET")
        && !value.is_empty()
    {
        return Ok(Some(Setting {
            value,
            source: Source::Env("ACCOUNTCTL_CLIENT_SECRET".to_owned()),
        }));
    }
    let file = pick(
        matches,
        "client_secret_file",
        "ACCOUNTCTL_CLIENT_SECRET_FILE",
        global.client_secret_file.as_ref(),
        profile_name,
        profile.client_secret_file.as_ref(),
    );
    if let Some(file) = file {
        let path = expand_home(&file.value);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            CliError::usage(format!(
                "cannot read the client secret file {} ({}): {e}",
                path.display(),
                file.source
            ))
        })?;
        return Ok(Some(Setting {
            value: text.trim().to_owned(),
            source: file.source,
        }));
    }
    Ok(profile.client_secret.as_ref().map(|value| Setting {
        value: value.clone(),
        source: Source::Profile(profile_name.to_owned()),
    }))
}

fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}

/// `accountctl config show`.
pub fn show(settings: &Settings, out: &Output) -> CliResult {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Shown {
        config_file: String,
        profile: String,
        settings: BTreeMap<&'static str, Option<Setting>>,
    }
    let hidden = |s: &Option<Setting>| {
        s.as_ref().map(|s| Setting {
            value: "(hidden)".to_owned(),
            source: s.source.clone(),
        })
    };
    let mut map = BTreeMap::new();
    map.insert("api-url", Some(settings.api_url.clone()));
    map.insert("token-url", Some(settings.token_url.clone()));
    map.insert("account-uuid", settings.account_uuid.clone());
    map.insert("client-id", settings.client_id.clone());
    map.insert("client-secret", hidden(&settings.client_secret));
    map.insert("token", hidden(&settings.token));
    map.insert("scopes", settings.scope.clone());
    map.insert(
        "output",
        Some(Setting {
            value: format!("{:?}", settings.output).to_lowercase(),
            source: Source::Default,
        }),
    );
    let shown = Shown {
        config_file: settings.config_path.display().to_string(),
        profile: settings.profile.clone(),
        settings: map,
    };
    out.emit(&shown, || {
        let mut table = Table::new(&["KEY", "VALUE", "SOURCE"]);
        table.row(vec![
            "config-file".into(),
            shown.config_file.clone(),
            String::new(),
        ]);
        table.row(vec!["profile".into(), shown.profile.clone(), String::new()]);
        for (key, setting) in &shown.settings {
            match setting {
                Some(s) => table.row(vec![(*key).into(), s.value.clone(), s.source.to_string()]),
                None => table.row(vec![(*key).into(), "(not set)".into(), String::new()]),
            }
        }
        table
    })
}

/// `accountctl config set KEY VALUE`: writes the key into the active profile.
pub fn set(path: &Path, profile: &str, key: &str, value: &str, out: &Output) -> CliResult {
    let mut config = load(path)?;
    if key == "default-profile" {
        config.default_profile = (!value.is_empty()).then(|| value.to_owned());
    } else {
        if key == "output" && !value.is_empty() && OutputFormat::from_str(value, true).is_err() {
            return Err(CliError::usage(format!(
                "output '{value}' is not one of table, json, yaml, csv"
            )));
        }
        let entry = config.profiles.entry(profile.to_owned()).or_default();
        let Some(slot) = entry.slot(key) else {
            return Err(CliError::usage(format!("unknown key '{key}'"))
                .with_hint(format!("the keys are: {}", KEYS.join(", "))));
        };
        *slot = if value.is_empty() {
            None
        } else {
            Some(value.to_owned())
        };
    }
    save(path, &config)?;
    let shown = if key == "client-secret" {
        "(hidden)"
    } else {
        value
    };
    let place = if key == "default-profile" {
        String::new()
    } else {
        format!(" in profile {profile}")
    };
    out.note(&format!("set {key} = {shown}{place} ({})", path.display()));
    Ok(())
}
