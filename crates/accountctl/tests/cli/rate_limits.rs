//! 429 handling: the CLI waits as the server asks and succeeds; it gives up with exit code 5
//! when the server asks for longer than `--max-retry-time`.

use accountd_proto::UserCreateRequest;
use accountd_testkit::TestApp;

use crate::common::Cli;

#[tokio::test]
async fn the_cli_waits_for_the_rate_limit_and_succeeds() {
    let (cli, _) = Cli::empty_with(TestApp::builder().rate_limit("5/s")).await;
    let client = cli
        .client()
        .with_retry_policy(accountd_client::RetryPolicy {
            max_elapsed: std::time::Duration::from_secs(60),
            ..Default::default()
        });
    for i in 0..12 {
        client
            .create_user(&UserCreateRequest {
                email: format!("limited{i:02}@example.com"),
                first_name: "Rate".into(),
                last_name: "Limited".into(),
                groups: None,
            })
            .await
            .unwrap();
    }
    // 13 requests of one user each: more than the burst of 5.
    let run = cli
        .run(&["users", "list", "--page-size", "1", "-o", "json"])
        .await;
    assert!(
        run.stderr
            .contains("rate limited by the server (429); waiting"),
        "the CLI says that it waits: {}",
        run.stderr
    );
    assert!(run.stderr.contains("as the server asked"), "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.ok()).unwrap();
    let emails: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = (0..12)
        .map(|i| format!("limited{i:02}@example.com"))
        .collect();
    assert_eq!(emails, expected);

    // --quiet keeps stderr clean while still waiting.
    let run = cli
        .run(&["users", "list", "--page-size", "1", "--quiet"])
        .await;
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    assert_eq!(run.ok().lines().count(), 13);
}

#[tokio::test]
async fn a_wait_beyond_the_budget_is_exit_code_5() {
    let (cli, _) = Cli::empty_with(TestApp::builder().rate_limit("2/min")).await;
    // Two requests pass; the third would have to wait ~30 s, more than the 5 s allowed.
    let run = cli.run(&["users", "list", "--max-retry-time", "5"]).await;
    run.ok();
    cli.run(&["groups", "list"]).await.ok();
    let err = cli
        .run(&["users", "list", "--max-retry-time", "5"])
        .await
        .fails(5);
    assert!(
        err.contains("rate limited by the server (429 Too Many Requests)"),
        "{err}"
    );
    assert!(err.contains("--max-retry-time"), "{err}");
}
