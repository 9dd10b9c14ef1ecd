//! `--help` has examples on every command; completions for bash, zsh and fish.

use crate::common::Cli;

const COMMANDS: &[&[&str]] = &[
    &[],
    &["config"],
    &["config", "show"],
    &["config", "set"],
    &["users"],
    &["users", "list"],
    &["users", "get"],
    &["users", "create"],
    &["users", "update"],
    &["users", "delete"],
    &["groups"],
    &["groups", "list"],
    &["groups", "get"],
    &["groups", "create"],
    &["groups", "update"],
    &["groups", "delete"],
    &["groups", "members"],
    &["groups", "members", "list"],
    &["groups", "members", "add"],
    &["groups", "members", "remove"],
    &["permissions"],
    &["permissions", "list"],
    &["permissions", "grant"],
    &["permissions", "revoke"],
    &["environments"],
    &["environments", "list"],
    &["service-users"],
    &["service-users", "list"],
    &["service-users", "create"],
    &["service-users", "get"],
    &["service-users", "update"],
    &["service-users", "delete"],
    &["token"],
    &["provision"],
    &["offboard"],
    &["access-report"],
    &["export"],
    &["apply"],
    &["completions"],
];

#[tokio::test]
async fn every_command_has_help_with_an_example() {
    let cli = Cli::seeded().await;
    for path in COMMANDS {
        let mut args = path.to_vec();
        args.push("--help");
        let out = cli.run_with_env(&args, &[]).await.ok();
        assert!(
            out.contains("Examples:"),
            "{path:?} --help has no examples:\n{out}"
        );
        let example = out
            .lines()
            .skip_while(|l| !l.starts_with("Examples:"))
            .nth(1)
            .unwrap_or_default();
        assert!(
            example.contains("accountctl") || example.contains('#'),
            "{path:?}: {example}"
        );
    }
    let root = cli.run_with_env(&["--help"], &[]).await.ok();
    assert!(
        root.contains("Exit codes: 0 ok, 1 error, 2 usage, 3 not found"),
        "{root}"
    );
}

#[tokio::test]
async fn completions_for_three_shells() {
    let cli = Cli::seeded().await;
    for (shell, marker) in [
        ("bash", "_accountctl()"),
        ("zsh", "#compdef accountctl"),
        ("fish", "complete -c accountctl"),
    ] {
        let out = cli.run_with_env(&["completions", shell], &[]).await.ok();
        assert!(
            out.contains(marker),
            "{shell}: {}",
            &out[..out.len().min(200)]
        );
        assert!(out.contains("access-report"), "{shell}");
        assert!(out.contains("service-users"), "{shell}");
    }
    cli.run_with_env(&["completions", "powershell"], &[])
        .await
        .fails(2);
}
