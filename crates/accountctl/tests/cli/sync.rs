//! `accountctl export` and `accountctl apply`: round trips, the plan, pruning.

use accountd_testkit::TestApp;

use crate::common::{CLIENT_ID, CLIENT_SECRET, Cli, PROD, STAGING};

/// Adds a service user with a permission and a membership to the seeded account.
async fn with_service_user(cli: &Cli) {
    let su = cli
        .json(&[
            "service-users",
            "create",
            "--name",
            "ci-bot",
            "--description",
            "CI",
        ])
        .await;
    let email = su["email"].as_str().unwrap();
    let own_group = su["groupUuid"].as_str().unwrap();
    cli.run(&[
        "permissions",
        "grant",
        "--group",
        own_group,
        "--permission",
        "tenant-viewer",
        "--scope",
        PROD,
    ])
    .await
    .ok();
    cli.run(&["groups", "members", "add", "Auditors", email])
        .await
        .ok();
}

/// The export without its `account:` line (which names the account it came from).
fn body(export: &str) -> String {
    export
        .lines()
        .filter(|l| !l.starts_with("account:"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn export_then_apply_to_the_same_account_is_a_no_op() {
    let cli = Cli::seeded().await;
    with_service_user(&cli).await;
    let export = cli.run(&["export"]).await.ok();
    assert!(export.starts_with("# accountctl export"), "{export}");
    assert!(export.contains("- name: Admins\n  description: Account admins\n  permissions:\n  - permissionName: account-viewer\n    scopeType: account\n"), "{export}");
    assert!(
        export.contains(
            "- email: carol@example.com\n  firstName: Carol\n  lastName: Shaw\n  groups: []\n"
        ),
        "{export}"
    );
    assert!(export.contains("serviceUsers:\n- name: ci-bot\n  description: CI\n  permissions:\n  - permissionName: tenant-viewer\n    scopeType: tenant\n    scope: prod0001\n  groups:\n  - Auditors\n"), "{export}");
    assert!(
        !export.contains("Service user "),
        "service users' own groups are not groups of the file"
    );

    let path = cli.home.path().join("account.yaml");
    let run = cli
        .run(&["export", "--output-file", path.to_str().unwrap()])
        .await;
    assert!(
        run.stderr
            .contains("exported 3 groups, 4 users, 1 service users"),
        "{}",
        run.stderr
    );
    run.ok();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), export);

    let file = path.to_str().unwrap();
    for args in [
        vec!["apply", file, "--plan"],
        vec!["apply", file],
        vec!["apply", file, "--prune"],
    ] {
        let out = cli.run(&args).await.ok();
        assert_eq!(
            out, "No changes: the account matches the file.\n",
            "{args:?}"
        );
    }
    assert_eq!(cli.run(&["export"]).await.ok(), export, "nothing changed");
    let json = cli.json(&["apply", file]).await;
    assert_eq!(json["added"], 0);
    assert_eq!(json["changes"], serde_json::json!([]));
}

#[tokio::test]
async fn apply_onto_an_empty_account_recreates_it() {
    let source = Cli::seeded().await;
    with_service_user(&source).await;
    let export = source.run(&["export"]).await.ok();

    // Another server: an account with the same environments and nothing else.
    let target_account = "4f4d2a1e-1b2c-4d3e-8f4a-5b6c7d8e9f00";
    let app = TestApp::builder()
        .bootstrap(format!(
            r#"
accounts:
  - uuid: {target_account}
    name: Empty
    environments:
      - {{id: {PROD}, name: Production, status: ACTIVE, trial: false}}
      - {{id: {STAGING}, name: Staging, status: ACTIVE, trial: false}}
    oauthClients:
      - {{clientId: {CLIENT_ID}, clientSecret: {CLIENT_SECRET},
         scopes: [account-idm-read, account-idm-write, account-env-read, account-env-write]}}
"#
        ))
        .spawn()
        .await;
    let target = Cli {
        app,
        account: target_account.into(),
        client_id: CLIENT_ID.into(),
        client_secret: CLIENT_SECRET.into(),
        home: tempfile::tempdir().unwrap(),
        env: Vec::new(),
    };
    let path = target.home.path().join("account.yaml");
    std::fs::write(&path, &export).unwrap();
    let file = path.to_str().unwrap();

    let plan = target.run(&["apply", file, "--plan"]).await.ok();
    assert!(
        plan.ends_with("Plan: 8 to add, 0 to change, 0 to destroy.\n"),
        "{plan}"
    );
    assert!(plan.starts_with("+ group \"Admins\"\n    description: \"Account admins\"\n    + permission account-viewer on the account\n    + permission tenant-admin on tenant prod0001\n"), "{plan}");
    assert_eq!(
        target.json(&["users", "list"]).await,
        serde_json::json!([]),
        "--plan changes nothing"
    );

    let out = target.run(&["apply", file]).await.ok();
    assert!(out.contains("+ user \"ada@example.com\" ... done"), "{out}");
    assert!(
        out.ends_with("Apply complete: 8 added, 0 changed, 0 destroyed.\n"),
        "{out}"
    );
    let recreated = target.run(&["export"]).await.ok();
    assert_eq!(body(&recreated), body(&export));
    assert!(recreated.contains(&format!("account: {target_account}")));
    // Account-wide permissions name the new account.
    let permissions = target
        .json(&["permissions", "list", "--group", "Admins"])
        .await;
    assert_eq!(permissions[0]["scope"], target_account);
    // And once more: nothing to do.
    assert_eq!(
        target.run(&["apply", file]).await.ok(),
        "No changes: the account matches the file.\n"
    );
}

#[tokio::test]
async fn the_plan_shows_every_difference_and_changes_nothing() {
    let cli = Cli::seeded().await;
    let export = cli.run(&["export"]).await.ok();
    // The file: Admins gets a new description and loses tenant-admin, Auditors gains a
    // permission, bob moves to Auditors and is renamed, erin is new.
    let edited = export
        .replace("description: Account admins", "description: The admins")
        .replace(
            "  - permissionName: tenant-admin\n    scopeType: tenant\n    scope: prod0001\n",
            "",
        )
        .replace(
            "- name: Auditors\n  description: No permissions yet\n  permissions: []\n",
            "- name: Auditors\n  description: No permissions yet\n  permissions:\n  - {permissionName: tenant-viewer, scopeType: tenant, scope: stag0001}\n",
        )
        .replace(
            "- email: bob@example.com\n  firstName: Bob\n  lastName: Builder\n  groups:\n  - Developers\n",
            "- email: bob@example.com\n  firstName: Robert\n  lastName: Builder\n  groups:\n  - Auditors\n- email: erin@example.com\n  firstName: Erin\n  lastName: Early\n  groups: [Admins]\n",
        );
    assert_ne!(edited, export, "the edits applied");
    let path = cli.home.path().join("edited.yaml");
    std::fs::write(&path, &edited).unwrap();
    let file = path.to_str().unwrap();
    cli.run(&["groups", "create", "--name", "Stray"]).await.ok();
    cli.run(&[
        "users",
        "create",
        "--email",
        "stray@example.com",
        "--first-name",
        "S",
        "--last-name",
        "T",
    ])
    .await
    .ok();
    let before = cli.run(&["export"]).await.ok();

    let plan = cli.run(&["apply", file, "--plan", "--prune"]).await.ok();
    assert_eq!(
        plan,
        "\
~ group \"Admins\"
    ~ description: \"Account admins\" -> \"The admins\"
    - permission tenant-admin on tenant prod0001
~ group \"Auditors\"
    + permission tenant-viewer on tenant stag0001
~ user \"bob@example.com\"
    ~ firstName: \"Bob\" -> \"Robert\"
    + group Auditors
    - group Developers
+ user \"erin@example.com\"
    name: \"Erin Early\"
    + group Admins
- user \"stray@example.com\"
- group \"Stray\"

Plan: 1 to add, 3 to change, 2 to destroy.
"
    );
    assert_eq!(
        cli.run(&["export"]).await.ok(),
        before,
        "--plan changed nothing"
    );
    // Without --prune nothing is destroyed.
    let plan = cli.run(&["apply", file, "--plan"]).await.ok();
    assert!(
        plan.ends_with("Plan: 1 to add, 3 to change, 0 to destroy.\n"),
        "{plan}"
    );

    let out = cli.run(&["apply", file, "--prune"]).await.ok();
    assert!(
        out.ends_with("Apply complete: 1 added, 3 changed, 2 destroyed.\n"),
        "{out}"
    );
    assert_eq!(cli.group_names("bob@example.com").await, ["Auditors"]);
    assert_eq!(cli.group_names("erin@example.com").await, ["Admins"]);
    cli.run(&["groups", "get", "Stray"]).await.fails(3);
    assert_eq!(
        cli.run(&["apply", file, "--plan", "--prune"]).await.ok(),
        "No changes: the account matches the file.\n"
    );
}

#[tokio::test]
async fn a_bad_file_changes_nothing() {
    let cli = Cli::seeded().await;
    let before = cli.run(&["export"]).await.ok();
    let path = cli.home.path().join("bad.yaml");
    let file = path.to_str().unwrap();

    std::fs::write(&path, "groups: [{name: X, colour: red}]").unwrap();
    let err = cli.run(&["apply", file]).await.fails(2);
    assert!(
        err.contains("is not an account file") && err.contains("colour"),
        "{err}"
    );

    std::fs::write(
        &path,
        "environments: [{id: nowhere1, name: Gone}]\ngroups: [{name: New}]\n",
    )
    .unwrap();
    let err = cli.run(&["apply", file]).await.fails(1);
    assert!(
        err.contains("environment nowhere1 (Gone) of the file does not exist"),
        "{err}"
    );

    std::fs::write(
        &path,
        "groups: [{name: New}]\nusers: [{email: z@example.com, firstName: Z, lastName: Z, groups: [Ghosts]}]\n",
    )
    .unwrap();
    let err = cli.run(&["apply", file]).await.fails(1);
    assert!(err.contains("z@example.com is in group 'Ghosts'"), "{err}");
    assert_eq!(cli.run(&["export"]).await.ok(), before);
}
