//! Configuration: flags over `ACCOUNTCTL_*` over the profile; `config show|set`.

use crate::common::{ACCOUNT, CLIENT_ID, CLIENT_SECRET, Cli};

/// Only HOME and ACCOUNTCTL_CONFIG (set by the harness), plus `extra`.
fn env(extra: &[(&str, &str)]) -> Vec<(String, String)> {
    extra
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[tokio::test]
async fn a_profile_set_with_config_set_is_used() {
    let cli = Cli::seeded().await;
    let secret_file = cli.home.path().join("secret");
    std::fs::write(&secret_file, format!("{CLIENT_SECRET}\n")).unwrap();
    let base = cli.app.base_url();
    for (key, value) in [
        ("api-url", base.as_str()),
        ("account-uuid", ACCOUNT),
        ("client-id", CLIENT_ID),
        ("client-secret-file", secret_file.to_str().unwrap()),
    ] {
        let run = cli
            .run_with_env(&["--profile", "test", "config", "set", key, value], &[])
            .await;
        assert!(
            run.stderr.contains(&format!("set {key} = ")),
            "{}",
            run.stderr
        );
        run.ok();
    }
    cli.run_with_env(&["config", "set", "default-profile", "test"], &[])
        .await
        .ok();
    let text = std::fs::read_to_string(cli.config_path()).unwrap();
    assert!(text.contains("default-profile = \"test\""), "{text}");
    assert!(text.contains("[profiles.test]"), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(cli.config_path())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // No connection variables: everything comes from the default profile.
    let out = cli.run_with_env(&["users", "list"], &[]).await.ok();
    assert!(out.contains("ada@example.com"), "{out}");

    let shown = cli
        .run_with_env(&["config", "show", "-o", "json"], &[])
        .await
        .ok();
    let shown: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(shown["profile"], "test");
    assert_eq!(shown["settings"]["api-url"]["value"], base.as_str());
    assert_eq!(
        shown["settings"]["api-url"]["source"],
        serde_json::json!({"profile": "test"})
    );
    assert_eq!(
        shown["settings"]["token-url"]["value"],
        format!("{base}/sso/oauth2/token"),
        "accountd's token endpoint is on the API's address"
    );
    assert_eq!(shown["settings"]["client-secret"]["value"], "(hidden)");
    assert_eq!(shown["settings"]["scope"], serde_json::Value::Null);

    // The environment overrides the profile; a flag overrides the environment.
    let run = cli
        .run_with_env(
            &["config", "show", "-o", "json"],
            &env(&[("ACCOUNTCTL_CLIENT_ID", "from-env")]),
        )
        .await
        .ok();
    let shown: serde_json::Value = serde_json::from_str(&run).unwrap();
    assert_eq!(shown["settings"]["client-id"]["value"], "from-env");
    assert_eq!(
        shown["settings"]["client-id"]["source"],
        serde_json::json!({"env": "ACCOUNTCTL_CLIENT_ID"})
    );
    let run = cli
        .run_with_env(
            &["--client-id", "from-flag", "config", "show", "-o", "json"],
            &env(&[("ACCOUNTCTL_CLIENT_ID", "from-env")]),
        )
        .await
        .ok();
    let shown: serde_json::Value = serde_json::from_str(&run).unwrap();
    assert_eq!(shown["settings"]["client-id"]["value"], "from-flag");
    assert_eq!(shown["settings"]["client-id"]["source"], "flag");

    // The table form never shows the secret.
    let table = cli.run_with_env(&["config", "show"], &[]).await.ok();
    assert!(!table.contains(CLIENT_SECRET), "{table}");
    assert!(table.contains("client-secret"), "{table}");

    // A wrong value from the environment beats the right one of the profile.
    cli.run_with_env(
        &["users", "list"],
        &env(&[("ACCOUNTCTL_CLIENT_SECRET", "wrong")]),
    )
    .await
    .fails(4);
}

#[tokio::test]
async fn the_secret_may_live_in_the_profile_and_output_defaults_come_from_it() {
    let cli = Cli::seeded().await;
    let base = cli.app.base_url();
    for (key, value) in [
        ("api-url", base.as_str()),
        ("account-uuid", ACCOUNT),
        ("client-id", CLIENT_ID),
        ("client-secret", CLIENT_SECRET),
        ("output", "json"),
    ] {
        let run = cli.run_with_env(&["config", "set", key, value], &[]).await;
        assert!(!run.stderr.contains(CLIENT_SECRET), "{}", run.stderr);
        run.ok();
    }
    let out = cli.run_with_env(&["groups", "list"], &[]).await.ok();
    let groups: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(groups.as_array().unwrap().len(), 3);
    // An empty value removes a key.
    cli.run_with_env(&["config", "set", "output", ""], &[])
        .await
        .ok();
    let out = cli.run_with_env(&["groups", "list"], &[]).await.ok();
    assert!(out.starts_with("NAME"), "{out}");
}

#[tokio::test]
async fn xdg_config_home_is_honoured_and_bad_input_is_a_usage_error() {
    let cli = Cli::seeded().await;
    let xdg = cli.home.path().join("xdg");
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_accountctl"));
    let output = command
        .args(["config", "set", "account-uuid", ACCOUNT])
        .env_clear()
        .env("HOME", cli.home.path())
        .env("XDG_CONFIG_HOME", &xdg)
        .output()
        .await
        .unwrap();
    assert!(output.status.success());
    let text = std::fs::read_to_string(xdg.join("accountctl").join("config.toml")).unwrap();
    assert!(text.contains(ACCOUNT), "{text}");

    let err = cli
        .run_with_env(&["config", "set", "colour", "blue"], &[])
        .await
        .fails(2);
    assert!(
        err.contains("unknown key 'colour'") && err.contains("api-url"),
        "{err}"
    );
    let err = cli
        .run_with_env(&["--profile", "missing", "users", "list"], &[])
        .await
        .fails(2);
    assert!(err.contains("no profile 'missing'"), "{err}");
    std::fs::write(cli.config_path(), "this is = = not toml").unwrap();
    let err = cli.run_with_env(&["config", "show"], &[]).await.fails(2);
    assert!(err.contains("is not valid"), "{err}");
}
