//! Seeds a benchmark database through the store (not through HTTP): applies a bootstrap file,
//! then creates `--users` users (and `--groups` groups, each user in one) in the first account
//! of the file, many at a time so the store's group commit batches them.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use accountd_core::audit::AuditContext;
use accountd_core::authz::Actor;
use accountd_core::ids::{AccountId, Email, GroupId, UserId};
use accountd_core::model::{Group, GroupOwner, User, UserStatus};
use accountd_core::{Accountd, Clock, Settings, SystemClock};
use clap::Parser;
use tokio::task::JoinSet;

#[derive(Parser)]
struct Args {
    /// Database URL, e.g. sqlite:///tmp/bench.db
    #[arg(long)]
    database: String,
    /// Bootstrap file with the account and its OAuth client.
    #[arg(long)]
    bootstrap: PathBuf,
    #[arg(long, default_value_t = 1_000_000)]
    users: u64,
    #[arg(long, default_value_t = 10)]
    groups: u64,
    /// Writes in flight at once.
    #[arg(long, default_value_t = 512)]
    concurrency: usize,
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let args = Args::parse();
    let store = accountd_server::open_store(&args.database).await?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let core = Accountd::open(store.clone(), clock.clone(), Settings::default())
        .await
        .map_err(|e| e.to_string())?;
    accountd_server::bootstrap::load_and_apply(&core, &args.bootstrap).await?;
    let accounts = store.list_accounts().await.map_err(|e| e.to_string())?;
    let account: AccountId = accounts
        .first()
        .map(|a| a.id)
        .ok_or("the bootstrap file declares no account")?;
    let ctx = AuditContext {
        actor: Actor::Bootstrap,
        at: clock.now(),
    };

    let mut groups = Vec::new();
    for n in 0..args.groups {
        let group = Group {
            id: GroupId::generate(),
            name: format!("bench-group-{n}"),
            description: String::new(),
            owner: GroupOwner::Local,
            created_at: ctx.at,
            updated_at: ctx.at,
        };
        store
            .create_group(account, &group, &ctx)
            .await
            .map_err(|e| e.to_string())?;
        groups.push(group.id);
    }

    let started = Instant::now();
    let mut tasks = JoinSet::new();
    let mut created = 0u64;
    for n in 0..args.users {
        if tasks.len() >= args.concurrency
            && let Some(done) = tasks.join_next().await
        {
            done.map_err(|e| e.to_string())??;
            created += 1;
        }
        let (store, ctx) = (store.clone(), ctx.clone());
        let group = groups
            .get(usize::try_from(n).unwrap_or(0) % groups.len().max(1))
            .copied();
        tasks.spawn(async move {
            let user = User {
                uid: UserId::generate(),
                email: Email::parse(&format!("user-{n:07}@example.com"))
                    .map_err(|e| e.to_string())?,
                first_name: "Bench".into(),
                last_name: "User".into(),
                groups: group.into_iter().collect(),
                status: UserStatus::Active,
                created_at: ctx.at,
                modified_at: ctx.at,
            };
            store
                .create_user(account, &user, &ctx)
                .await
                .map_err(|e| e.to_string())
        });
        if n % 100_000 == 0 && n > 0 {
            eprintln!(
                "seeded {n} users ({:.0}/s)",
                n as f64 / started.elapsed().as_secs_f64()
            );
        }
    }
    while let Some(done) = tasks.join_next().await {
        done.map_err(|e| e.to_string())??;
        created += 1;
    }
    println!(
        "seeded {created} users in {:.1} s into account {account}",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
