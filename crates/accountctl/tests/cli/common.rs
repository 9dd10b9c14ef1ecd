//! Running the real `accountctl` binary against a real accountd (testkit), with a private config
//! directory and only the environment the test gives it.

use std::path::PathBuf;

use accountd_client::Client;
use accountd_testkit::{ALL_SCOPES, TestAccount, TestApp, TestAppBuilder};
use serde_json::Value;
use tempfile::TempDir;

/// The seeded account (bootstrap): fixed ids so expected output can be written down.
pub const ACCOUNT: &str = "0b5e1c2d-3f4a-4b6c-8d7e-9f0a1b2c3d4e";
pub const CLIENT_ID: &str = "dt0s02.CLITEST";
pub const CLIENT_SECRET: &str = "dt0s02.CLITEST.SECRET";
pub const PROD: &str = "prod0001";
pub const STAGING: &str = "stag0001";

/// Groups with permissions, users in them (and one user in none).
pub fn seed_yaml() -> String {
    format!(
        r#"
accounts:
  - uuid: {ACCOUNT}
    name: CLI test corp
    environments:
      - {{id: {PROD}, name: Production, status: ACTIVE, trial: false}}
      - {{id: {STAGING}, name: Staging, status: ACTIVE, trial: false}}
    oauthClients:
      - {{clientId: {CLIENT_ID}, clientSecret: {CLIENT_SECRET},
         scopes: [account-idm-read, account-idm-write, account-env-read, account-env-write]}}
      - {{clientId: dt0s02.READONLY, clientSecret: dt0s02.READONLY.SECRET, scopes: [account-idm-read]}}
    groups:
      - name: Admins
        description: Account admins
        permissions:
          - {{permissionName: account-viewer, scope: {ACCOUNT}, scopeType: account}}
          - {{permissionName: tenant-admin, scope: {PROD}, scopeType: tenant}}
      - name: Developers
        description: Developers
        permissions:
          - {{permissionName: tenant-viewer, scope: {PROD}, scopeType: tenant}}
          - {{permissionName: tenant-operator, scope: {STAGING}, scopeType: tenant}}
      - name: Auditors
        description: No permissions yet
    users:
      - {{email: ada@example.com, firstName: Ada, lastName: Lovelace, groups: [Admins, Developers]}}
      - {{email: bob@example.com, firstName: Bob, lastName: Builder, groups: [Developers]}}
      - {{email: carol@example.com, firstName: Carol, lastName: Shaw}}
      - {{email: dave@example.com, firstName: Dave, lastName: Cutler, groups: [Auditors]}}
"#
    )
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts exit code 0; returns stdout.
    pub fn ok(self) -> String {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self.stdout
    }

    /// Asserts the exit code; returns stderr.
    pub fn fails(self, code: i32) -> String {
        assert_eq!(
            self.code, code,
            "expected exit code {code}\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        assert!(!self.stderr.trim().is_empty(), "a failure says why");
        self.stderr
    }
}

/// A server, an account, credentials, and a private config directory.
pub struct Cli {
    pub app: TestApp,
    pub account: String,
    pub client_id: String,
    pub client_secret: String,
    pub home: TempDir,
    /// Extra environment for every run (after the connection variables).
    pub env: Vec<(String, String)>,
}

impl Cli {
    /// The seeded account of [`seed_yaml`].
    pub async fn seeded() -> Self {
        Self::seeded_with(TestApp::builder()).await
    }

    pub async fn seeded_with(builder: TestAppBuilder) -> Self {
        let app = builder.bootstrap(seed_yaml()).spawn().await;
        Self::new(app, ACCOUNT.into(), CLIENT_ID.into(), CLIENT_SECRET.into())
    }

    /// A new, empty account (one environment) and a client with every scope.
    pub async fn empty() -> (Self, TestAccount) {
        Self::empty_with(TestApp::builder()).await
    }

    pub async fn empty_with(builder: TestAppBuilder) -> (Self, TestAccount) {
        let app = builder.spawn().await;
        let account = app.new_account().await;
        let (id, secret) = app.oauth_client(&account, &ALL_SCOPES).await;
        (Self::new(app, account.uuid.clone(), id, secret), account)
    }

    fn new(app: TestApp, account: String, client_id: String, client_secret: String) -> Self {
        Self {
            app,
            account,
            client_id,
            client_secret,
            home: tempfile::tempdir().unwrap(),
            env: Vec::new(),
        }
    }

    pub fn config_path(&self) -> PathBuf {
        self.home.path().join("accountctl.toml")
    }

    /// A typed client on the same account (to set up and check state).
    pub fn client(&self) -> Client {
        self.app.client_with(
            &self.account,
            self.client_id.clone(),
            self.client_secret.clone(),
        )
    }

    /// Runs accountctl with the connection in `ACCOUNTCTL_*` variables.
    pub async fn run(&self, args: &[&str]) -> Run {
        let connection = [
            ("ACCOUNTCTL_API_URL", self.app.base_url()),
            ("ACCOUNTCTL_ACCOUNT_UUID", self.account.clone()),
            ("ACCOUNTCTL_CLIENT_ID", self.client_id.clone()),
            ("ACCOUNTCTL_CLIENT_SECRET", self.client_secret.clone()),
        ];
        let mut env: Vec<(String, String)> = connection
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        env.extend(self.env.iter().cloned());
        self.run_with_env(args, &env).await
    }

    /// Runs accountctl with exactly this environment (plus HOME and ACCOUNTCTL_CONFIG).
    pub async fn run_with_env(&self, args: &[&str], env: &[(String, String)]) -> Run {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_accountctl"));
        command
            .args(args)
            .env_clear()
            .env("HOME", self.home.path())
            .env("ACCOUNTCTL_CONFIG", self.config_path());
        for (key, value) in env {
            command.env(key, value);
        }
        let output = command.output().await.expect("run accountctl");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
            stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
        }
    }

    /// Runs with `-o json` and parses stdout.
    pub async fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.extend(["-o", "json"]);
        let stdout = self.run(&all).await.ok();
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}"))
    }

    /// The uid of a user (by email), through the typed client.
    pub async fn uid(&self, email: &str) -> String {
        self.client().get_user(email).await.unwrap().uid
    }

    /// Group id by name, through the typed client.
    pub async fn group_id(&self, name: &str) -> String {
        self.client()
            .list_all_groups(None)
            .await
            .unwrap()
            .into_iter()
            .find(|g| g.name == name)
            .unwrap_or_else(|| panic!("no group {name}"))
            .group_id
    }

    /// The names of a user's groups, sorted.
    pub async fn group_names(&self, email: &str) -> Vec<String> {
        let client = self.client();
        let user = client.get_user(email).await.unwrap();
        let groups = client.list_all_groups(None).await.unwrap();
        let mut names: Vec<String> = user
            .groups
            .iter()
            .map(|id| {
                groups
                    .iter()
                    .find(|g| &g.group_id == id)
                    .map(|g| g.name.clone())
                    .unwrap_or_else(|| id.clone())
            })
            .collect();
        names.sort();
        names
    }
}

/// Splits a table into rows of cells (columns are separated by two or more spaces).
pub fn table(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            line.split("  ")
                .map(str::trim)
                .filter(|cell| !cell.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .collect()
}
