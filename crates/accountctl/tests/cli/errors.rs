//! Exit codes and errors that say what to do.

use crate::common::{ACCOUNT, Cli};

#[tokio::test]
async fn usage_errors_are_exit_code_2() {
    let cli = Cli::seeded().await;
    let err = cli.run(&["users", "lst"]).await.fails(2);
    assert!(err.contains("unrecognized subcommand 'lst'"), "{err}");
    let err = cli
        .run(&["users", "create", "--email", "a@b.example"])
        .await
        .fails(2);
    assert!(err.contains("--first-name"), "{err}");
    cli.run(&["users", "list", "-o", "xml"]).await.fails(2);
    // No account configured.
    let err = cli.run_with_env(&["users", "list"], &[]).await.fails(2);
    assert!(err.contains("no account uuid"), "{err}");
    assert!(err.contains("ACCOUNTCTL_ACCOUNT_UUID"), "{err}");
    // No secret.
    let env = [
        ("ACCOUNTCTL_API_URL".to_owned(), cli.app.base_url()),
        ("ACCOUNTCTL_ACCOUNT_UUID".to_owned(), ACCOUNT.to_owned()),
        (
            "ACCOUNTCTL_CLIENT_ID".to_owned(),
            "dt0s02.CLITEST".to_owned(),
        ),
    ];
    let err = cli.run_with_env(&["users", "list"], &env).await.fails(2);
    assert!(err.contains("no OAuth client secret"), "{err}");
}

#[tokio::test]
async fn wrong_credentials_missing_scope_and_unknown_account_are_exit_code_4() {
    let mut cli = Cli::seeded().await;
    cli.env = vec![("ACCOUNTCTL_CLIENT_SECRET".into(), "wrong".into())];
    let err = cli.run(&["users", "list"]).await.fails(4);
    assert!(err.contains("invalid_client"), "{err}");
    assert!(
        err.contains("check the client id ('dt0s02.CLITEST') and the secret"),
        "{err}"
    );

    // A read-only client trying to write.
    cli.env = vec![
        ("ACCOUNTCTL_CLIENT_ID".into(), "dt0s02.READONLY".into()),
        (
            "ACCOUNTCTL_CLIENT_SECRET".into(),
            "dt0s02.READONLY.SECRET".into(),
        ),
    ];
    cli.run(&["users", "list"]).await.ok();
    let err = cli
        .run(&["groups", "create", "--name", "Nope"])
        .await
        .fails(4);
    assert!(err.contains("lacks the scope 'account-idm-write'"), "{err}");
    assert!(
        err.contains("give the OAuth client the missing scope"),
        "{err}"
    );
    // Requesting a scope the client does not have.
    let err = cli
        .run(&["users", "list", "--scopes", "account-idm-write"])
        .await
        .fails(4);
    assert!(err.contains("invalid_scope"), "{err}");

    // An account the client does not belong to.
    cli.env = vec![(
        "ACCOUNTCTL_ACCOUNT_UUID".into(),
        "11111111-2222-4333-8444-555555555555".into(),
    )];
    let err = cli.run(&["users", "list"]).await.fails(4);
    assert!(err.contains("check --account-uuid"), "{err}");
}

#[tokio::test]
async fn not_found_is_3_conflict_and_unreachable_are_1() {
    let mut cli = Cli::seeded().await;
    cli.run(&["groups", "get", "Nope"]).await.fails(3);
    cli.run(&[
        "service-users",
        "get",
        "5b0e2c1a-6f3d-4d8e-9c2b-1a7f3e4d5c6b",
    ])
    .await
    .fails(3);
    cli.run(&["groups", "create", "--name", "Admins"])
        .await
        .fails(1);
    cli.env = vec![("ACCOUNTCTL_API_URL".into(), "http://127.0.0.1:9".into())];
    let err = cli.run(&["users", "list"]).await.fails(1);
    assert!(
        err.contains("could not talk to http://127.0.0.1:9"),
        "{err}"
    );
    assert!(err.contains("is --api-url"), "{err}");
}
