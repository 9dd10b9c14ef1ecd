//! The conformance stories on PostgreSQL, and what only PostgreSQL has: migrations under an
//! advisory lock, refusing a newer schema, deadlocks retried inside the store, connection loss
//! and statement timeouts. Every test that needs a server returns at once (saying it was
//! skipped) unless `ACCOUNTD_TEST_POSTGRES_URL` is set.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

accountd_store_tests::conformance_tests!(accountd_store_tests::harness::run_postgres);

mod postgres_only {
    use std::time::{Duration, Instant};

    use accountd_core::Error;
    use accountd_core::ids::AccountId;
    use accountd_core::store::Store;
    use accountd_store_postgres::{PostgresOptions, PostgresStore, schema_version};
    use accountd_store_tests::fixtures::account;
    use accountd_store_tests::harness::{TestDatabase, skip_postgres};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn instances_starting_at_once_apply_each_migration_once() {
        if skip_postgres() {
            return;
        }
        let db = TestDatabase::create().await;
        let mut starts = tokio::task::JoinSet::new();
        for _ in 0..4 {
            let url = db.url().to_owned();
            starts.spawn(
                async move { PostgresStore::connect(&url, PostgresOptions::default()).await },
            );
        }
        while let Some(started) = starts.join_next().await {
            let store = started.expect("task").expect("every instance starts");
            store.ping().await.expect("ping");
        }
        let admin = db.connect_as_admin().await;
        let applied: Vec<i64> = admin
            .query(
                "SELECT version FROM schema_migrations ORDER BY version",
                &[],
            )
            .await
            .expect("versions")
            .iter()
            .map(|row| row.get(0))
            .collect();
        assert_eq!(applied, (1..=schema_version()).collect::<Vec<_>>());
        db.drop().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_schema_newer_than_the_binary_is_refused_with_a_clear_message() {
        if skip_postgres() {
            return;
        }
        let db = TestDatabase::create().await;
        drop(
            PostgresStore::connect(db.url(), PostgresOptions::default())
                .await
                .expect("first start"),
        );
        let newer = schema_version() + 1;
        db.execute_as_admin(&format!(
            "INSERT INTO schema_migrations (version, name) VALUES ({newer}, 'from the future')"
        ))
        .await;
        let refused = PostgresStore::connect(db.url(), PostgresOptions::default()).await;
        match refused {
            Err(Error::Unavailable(message)) => assert!(
                message.contains(&format!("schema is version {newer}"))
                    && message.contains("newer than this accountd knows")
                    && message.contains("upgrade accountd"),
                "{message}"
            ),
            Err(other) => panic!("unexpected error {other:?}"),
            Ok(_) => panic!("started against a newer schema"),
        }
        db.drop().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn lost_connections_are_replaced_and_a_vanished_database_is_unavailable() {
        if skip_postgres() {
            return;
        }
        let db = TestDatabase::create().await;
        let store = PostgresStore::connect(db.url(), PostgresOptions::default())
            .await
            .expect("connect");
        let acc = account(&store).await;
        // Every connection of the store is killed (a failover, a restarted server).
        db.execute_as_admin(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .await;
        // At worst the first call after that fails as unavailable; it never claims absence.
        match store.get_account(acc).await {
            Ok(found) => assert_eq!(found.map(|a| a.id), Some(acc)),
            Err(Error::Unavailable(_)) => {}
            Err(other) => panic!("unexpected error {other:?}"),
        }
        let found = store.get_account(acc).await.expect("reconnects");
        assert_eq!(found.map(|a| a.id), Some(acc));

        db.drop().await;
        for outcome in [
            store.get_account(acc).await.map(|_| ()),
            store.get_account(AccountId::generate()).await.map(|_| ()),
            store.count_accounts().await.map(|_| ()),
            store.ping().await,
        ] {
            assert!(matches!(outcome, Err(Error::Unavailable(_))), "{outcome:?}");
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_statement_over_the_timeout_is_cancelled_as_unavailable() {
        if skip_postgres() {
            return;
        }
        let db = TestDatabase::create().await;
        let options = PostgresOptions {
            pool_size: 2,
            statement_timeout: Duration::from_millis(300),
            connect_timeout: Duration::from_secs(5),
        };
        let store = PostgresStore::connect(db.url(), options)
            .await
            .expect("connect");
        let acc = account(&store).await;
        let admin = db.connect_as_admin().await;
        admin
            .batch_execute("BEGIN; LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE")
            .await
            .expect("lock");
        let started = Instant::now();
        let outcome = store.get_account(acc).await;
        assert!(matches!(outcome, Err(Error::Unavailable(_))), "{outcome:?}");
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
        admin.batch_execute("ROLLBACK").await.expect("unlock");
        assert!(store.get_account(acc).await.expect("get").is_some());
        drop(store);
        db.drop().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_deadlock_is_retried_inside_the_store_and_never_reaches_the_caller() {
        use accountd_core::ids::{Email, GroupId, UserId};
        use accountd_core::model::{ServiceUser, UserStatus};
        use accountd_store_tests::fixtures::{ctx, group, now};
        if skip_postgres() {
            return;
        }
        let db = TestDatabase::create().await;
        let store = std::sync::Arc::new(
            PostgresStore::connect(db.url(), PostgresOptions::default())
                .await
                .expect("connect"),
        );
        let acc = account(&*store).await;
        let uid = UserId::generate();
        let own_group = group(&format!("Service user {uid}"));
        let service_user = ServiceUser {
            uid,
            email: Email::parse(&format!("{uid}@service.sso.dynatrace.com")).expect("email"),
            name: "svc".into(),
            description: String::new(),
            group: Some(own_group.id),
            status: UserStatus::Active,
            created_at: now(),
        };
        store
            .create_service_user(acc, &service_user, &own_group, &ctx())
            .await
            .expect("service user");
        let gid: GroupId = own_group.id;

        // Another session holds the group (as a membership insert would) and, once the store
        // waits for it, asks for the user the store has locked: a deadlock. The other session
        // waits far longer before checking for deadlocks, so the store's transaction is the
        // one PostgreSQL cancels.
        let other = db.connect_as_admin().await;
        other
            .batch_execute(&format!(
                "BEGIN; SET LOCAL deadlock_timeout = '60s'; \
                 SELECT 1 FROM user_groups WHERE gid = '{gid}' FOR KEY SHARE"
            ))
            .await
            .expect("hold the group");
        let deleting = {
            let store = store.clone();
            tokio::spawn(async move { store.delete_service_user(acc, uid, &ctx()).await })
        };
        let watcher = db.connect_as_admin().await;
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let waiting: i64 = watcher
                .query_one(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
                     AND wait_event_type = 'Lock'",
                    &[],
                )
                .await
                .expect("activity")
                .get(0);
            if waiting > 0 {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the store never waited for the group"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        other
            .batch_execute(&format!(
                "SELECT 1 FROM users WHERE uid = '{uid}' FOR UPDATE"
            ))
            .await
            .expect("the other session gets the user once the store's attempt is cancelled");
        other.batch_execute("ROLLBACK").await.expect("release");

        let deleted = deleting.await.expect("task");
        assert_eq!(deleted, Ok(true));
        assert_eq!(store.get_service_user(acc, uid).await.expect("get"), None);
        assert_eq!(store.get_group(acc, gid).await.expect("group"), None);
        drop(store);
        db.drop().await;
    }

    #[tokio::test]
    async fn an_unreachable_server_is_unavailable() {
        // Needs no server: nothing listens on port 1.
        let options = PostgresOptions {
            connect_timeout: Duration::from_secs(2),
            ..PostgresOptions::default()
        };
        let outcome =
            PostgresStore::connect("postgres://accountd@127.0.0.1:1/accountd", options).await;
        assert!(
            matches!(outcome, Err(Error::Unavailable(_))),
            "{:?}",
            outcome.err()
        );
    }

    #[tokio::test]
    async fn malformed_urls_and_tls_requirements_are_invalid() {
        for url in [
            "postgres://accountd@127.0.0.1:notaport/accountd",
            "postgres://accountd@127.0.0.1/accountd?sslmode=require",
        ] {
            let outcome = PostgresStore::connect(url, PostgresOptions::default()).await;
            assert!(
                matches!(outcome, Err(Error::Invalid { ref field, .. }) if field == "database"),
                "{url}: {:?}",
                outcome.err()
            );
        }
    }
}
