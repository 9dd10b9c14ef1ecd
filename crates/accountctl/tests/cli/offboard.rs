//! `accountctl offboard`: out of every group, then deleted; `--dry-run` changes nothing.

use crate::common::Cli;

#[tokio::test]
async fn dry_run_shows_the_plan_and_changes_nothing() {
    let cli = Cli::seeded().await;
    let uid = cli.uid("ada@example.com").await;
    let admins = cli.group_id("Admins").await;
    let developers = cli.group_id("Developers").await;
    let before = cli.client().get_user(&uid).await.unwrap();
    let out = cli
        .run(&["offboard", "--email", "ada@example.com", "--dry-run"])
        .await
        .ok();
    assert_eq!(
        out.trim(),
        format!(
            "dry run: offboarding ada@example.com (uid {uid})\n  would remove from group Admins ({admins})\n  would remove from group Developers ({developers})\n  would delete the user\nnothing was changed (dry run)"
        )
    );
    assert_eq!(cli.client().get_user(&uid).await.unwrap(), before);
}

#[tokio::test]
async fn offboarding_leaves_every_group_and_deletes_the_user() {
    let cli = Cli::seeded().await;
    let uid = cli.uid("ada@example.com").await;
    let admins = cli.group_id("Admins").await;
    let developers = cli.group_id("Developers").await;
    let out = cli
        .run(&["offboard", "--email", "ADA@example.com"])
        .await
        .ok();
    assert_eq!(
        out.trim(),
        format!(
            "offboarding ada@example.com (uid {uid})\n  removed from group Admins ({admins})\n  removed from group Developers ({developers})\n  deleted the user"
        )
    );
    let client = cli.client();
    assert!(client.get_user(&uid).await.is_err());
    let members = client.list_group_members(&developers).await.unwrap();
    assert_eq!(members.count, 1, "bob is left");
    assert_eq!(members.items[0].email, "bob@example.com");

    // Again: there is nobody to offboard.
    let err = cli
        .run(&["offboard", "--email", "ada@example.com"])
        .await
        .fails(3);
    assert!(err.contains("no user with email ada@example.com"), "{err}");
}

#[tokio::test]
async fn json_output_lists_what_was_done() {
    let cli = Cli::seeded().await;
    let uid = cli.uid("carol@example.com").await;
    let dry = cli
        .json(&["offboard", "--email", "carol@example.com", "--dry-run"])
        .await;
    assert_eq!(
        dry,
        serde_json::json!({
            "email": "carol@example.com", "uid": uid, "dryRun": true,
            "removedFromGroups": [], "deleted": false
        })
    );
    let dave = cli.uid("dave@example.com").await;
    let auditors = cli.group_id("Auditors").await;
    let done = cli.json(&["offboard", "--email", "dave@example.com"]).await;
    assert_eq!(
        done,
        serde_json::json!({
            "email": "dave@example.com", "uid": dave, "dryRun": false,
            "removedFromGroups": [{"groupId": auditors, "name": "Auditors"}], "deleted": true
        })
    );
}
