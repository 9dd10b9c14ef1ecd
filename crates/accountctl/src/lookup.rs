//! Finding groups by name or id, and users by email or uid: the API takes ids, people type names.

use accountd_proto::{Group, User};

use crate::app::App;
use crate::error::{CliError, CliResult};

/// Every group of the account, looked up by id or by name.
pub struct Groups {
    pub all: Vec<Group>,
}

impl Groups {
    pub async fn load(app: &App) -> CliResult<Self> {
        let all = app
            .client
            .list_all_groups(Some(1000))
            .await
            .map_err(app.about("groups"))?;
        Ok(Self { all })
    }

    /// The group whose id, else whose name, is `key`.
    pub fn find(&self, key: &str) -> Option<&Group> {
        self.all
            .iter()
            .find(|g| g.group_id == key)
            .or_else(|| self.all.iter().find(|g| g.name == key))
    }

    /// Like [`Groups::find`], but a missing group is a not-found error naming it.
    pub fn get(&self, key: &str) -> CliResult<&Group> {
        self.find(key).ok_or_else(|| {
            CliError::not_found(format!("group '{key}' not found (neither a group id nor a group name)"))
                .with_hint(format!(
                    "`accountctl groups list` shows the groups; create it with `accountctl groups create --name \"{key}\"`"
                ))
        })
    }

    /// Resolves every key; the first unknown one is an error (before anything changes).
    pub fn ids(&self, keys: &[String]) -> CliResult<Vec<String>> {
        let mut ids: Vec<String> = Vec::new();
        for key in keys {
            let id = self.get(key)?.group_id.clone();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        Ok(ids)
    }

    /// The group's name, or its id when it is not known.
    pub fn name_of<'a>(&'a self, id: &'a str) -> &'a str {
        self.all
            .iter()
            .find(|g| g.group_id == id)
            .map_or(id, |g| g.name.as_str())
    }
}

/// A group by name or id, through one lookup.
pub async fn group(app: &App, key: &str) -> CliResult<Group> {
    // An id is fetched directly (one request); a name needs the list.
    if let Ok(group) = app.client.get_group(key).await {
        return Ok(group);
    }
    Groups::load(app).await?.get(key).cloned()
}

/// A user by email or uid.
pub async fn user(app: &App, key: &str) -> CliResult<User> {
    app.client
        .get_user(key)
        .await
        .map_err(app.about(&format!("user '{key}'")))
}
