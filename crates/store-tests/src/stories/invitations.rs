//! Invitations and the outbox.

use std::sync::Arc;

use accountd_core::Error;
use accountd_core::ids::UserRef;
use accountd_core::model::UserStatus;
use accountd_core::secret::Secret;
use accountd_core::store::Store;

use crate::fixtures::*;

pub async fn invitations_are_single_use_expire_and_renew(store: Arc<dyn Store>) {
    use accountd_core::model::{InvitationOutcome, Message, NewInvitation};
    let acc = account(&*store).await;
    let u = user("a@b.co", vec![]);
    let invitation = |token: &str, ttl: time::Duration| NewInvitation {
        token_digest: Secret::new(token).digest(),
        created_at: now(),
        expires_at: now() + ttl,
        outbox: Some(Message {
            recipient: u.email.clone(),
            subject: "s".into(),
            body: token.into(),
            created_at: now(),
        }),
    };
    store
        .create_invited_user(acc, &u, &invitation("one", time::Duration::days(7)), &ctx())
        .await
        .expect("create");
    assert_eq!(store.list_outbox(acc).await.expect("outbox").len(), 1);

    // Renewing replaces the unused link.
    let renewed = store
        .renew_invitation(
            acc,
            &UserRef::Uid(u.uid),
            &invitation("two", time::Duration::days(7)),
            &ctx(),
        )
        .await;
    assert!(matches!(renewed, Ok(Some(_))));
    let unknown = store
        .accept_invitation(&Secret::new("one").digest(), &ctx_at(now()))
        .await
        .expect("accept");
    assert_eq!(unknown, InvitationOutcome::Unknown);
    let accepted = store
        .accept_invitation(&Secret::new("two").digest(), &ctx_at(now()))
        .await
        .expect("accept");
    assert_eq!(
        accepted,
        InvitationOutcome::Accepted {
            account: acc,
            user: u.uid
        }
    );
    let again = store
        .accept_invitation(&Secret::new("two").digest(), &ctx_at(now()))
        .await
        .expect("accept");
    assert_eq!(again, InvitationOutcome::AlreadyUsed);
    let active = store
        .get_user(acc, &UserRef::Uid(u.uid))
        .await
        .expect("get")
        .expect("user");
    assert_eq!(active.status, UserStatus::Active);
    // An active user has nothing to renew.
    let conflict = store
        .renew_invitation(
            acc,
            &UserRef::Uid(u.uid),
            &invitation("three", time::Duration::days(1)),
            &ctx(),
        )
        .await;
    assert!(matches!(conflict, Err(Error::Conflict(_))));

    let late = user("late@b.co", vec![]);
    store
        .create_invited_user(
            acc,
            &late,
            &invitation("late", time::Duration::seconds(1)),
            &ctx(),
        )
        .await
        .expect("create");
    let expired = store
        .accept_invitation(
            &Secret::new("late").digest(),
            &ctx_at(now() + time::Duration::seconds(2)),
        )
        .await;
    assert_eq!(expired.expect("accept"), InvitationOutcome::Expired);
    // one, its renewal, and late; the refused renewal wrote nothing.
    assert_eq!(store.list_outbox(acc).await.expect("outbox").len(), 3);
}
