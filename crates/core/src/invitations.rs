//! Invitations and user status. A created user is `PENDING_INVITE` and gets a message with a
//! single-use accept link (a random token, stored as a digest, valid for a configurable time).
//! The message goes by SMTP when a [`Mailer`] is configured, else to the outbox (and the log).

use async_trait::async_trait;

use crate::authz::Admin;
use crate::ids::{AccountId, Email, UserRef};
use crate::model::{InvitationOutcome, Message, NewInvitation, User, UserStatus};
use crate::secret::{Secret, random_token};
use crate::service::Accountd;
use crate::{Error, Result};

/// Sends messages to people (SMTP in the server).
#[async_trait]
pub trait Mailer: Send + Sync + 'static {
    async fn send(&self, message: &Message) -> Result<()>;
}

fn user_not_found(user: &str) -> Error {
    Error::NotFound(format!("user '{user}' not found"))
}

impl Accountd {
    /// A new invitation for `email` and the message carrying its link.
    pub(crate) async fn new_invitation(
        &self,
        account: AccountId,
        email: &Email,
        first_name: &str,
    ) -> Result<(NewInvitation, Message)> {
        let token = Secret::new(random_token::<32>());
        let now = self.now();
        let ttl = time::Duration::seconds(
            i64::try_from(self.settings.invite_ttl_secs).unwrap_or(i64::MAX),
        );
        let account_name = self
            .store
            .get_account(account)
            .await?
            .map(|a| a.name)
            .unwrap_or_default();
        let link = format!(
            "{}/invite/{}/accept",
            self.settings.public_url.trim_end_matches('/'),
            token.expose()
        );
        let days = self.settings.invite_ttl_secs / 86_400;
        let validity = if days >= 1 {
            format!("{days} day(s)")
        } else {
            format!("{} seconds", self.settings.invite_ttl_secs)
        };
        let message = Message {
            recipient: email.clone(),
            subject: format!("You are invited to the account {account_name}"),
            body: format!(
                "Hello {first_name},\n\nyou have been invited to the account '{account_name}'.\n\
                 Accept the invitation within {validity} by sending a POST request to:\n\n  {link}\n\n\
                 For example: curl -X POST {link}\n"
            ),
            created_at: now,
        };
        let invitation = NewInvitation {
            token_digest: token.digest(),
            created_at: now,
            expires_at: now + ttl,
            outbox: self.mailer.is_none().then(|| message.clone()),
        };
        Ok((invitation, message))
    }

    /// Sends the message by SMTP when configured; otherwise it is already in the outbox, and
    /// the log says so (with the link, so a developer can follow it).
    pub(crate) async fn deliver(&self, message: &Message) {
        match &self.mailer {
            Some(mailer) => {
                if let Err(err) = mailer.send(message).await {
                    tracing::error!(recipient = %message.recipient, %err, "could not send the invitation; an admin can resend it");
                }
            }
            None => tracing::info!(
                recipient = %message.recipient,
                subject = %message.subject,
                body = %message.body,
                "invitation written to the outbox (no SMTP configured)"
            ),
        }
    }

    /// `POST /invite/{token}/accept`: the token is the credential.
    pub async fn accept_invitation(&self, token: &str) -> Result<(AccountId, crate::ids::UserId)> {
        if token.is_empty() || token.len() > 128 {
            return Err(Error::NotFound("no such invitation".to_owned()));
        }
        match self
            .store
            .accept_invitation(
                &Secret::new(token).digest(),
                &self.audit(&crate::authz::Actor::Invitation),
            )
            .await?
        {
            InvitationOutcome::Accepted { account, user } => Ok((account, user)),
            InvitationOutcome::Unknown => Err(Error::NotFound(
                "no such invitation; ask an admin to resend it".to_owned(),
            )),
            InvitationOutcome::AlreadyUsed => Err(Error::invalid(
                "token",
                "this invitation was already accepted",
            )),
            InvitationOutcome::NotPending(status) => Err(Error::Conflict(format!(
                "the invited user is {} and cannot be activated by this invitation",
                status.as_str()
            ))),
            InvitationOutcome::Expired => Err(Error::invalid(
                "token",
                "this invitation has expired; ask an admin to resend it",
            )),
        }
    }

    /// Replaces a pending user's invitation with a new one and sends it.
    pub async fn resend_invitation(
        &self,
        admin: &Admin,
        account: AccountId,
        user: &str,
    ) -> Result<User> {
        let user_ref = UserRef::parse(user).ok_or_else(|| user_not_found(user))?;
        let existing = self
            .store
            .get_user(account, &user_ref)
            .await?
            .ok_or_else(|| user_not_found(user))?;
        let (invitation, message) = self
            .new_invitation(account, &existing.email, &existing.first_name)
            .await?;
        let renewed = self
            .store
            .renew_invitation(account, &user_ref, &invitation, &self.audit(admin.actor()))
            .await?
            .ok_or_else(|| user_not_found(user))?;
        self.deliver(&message).await;
        Ok(renewed)
    }

    /// Deactivates (`ACTIVE`/`PENDING_INVITE` → `INACTIVE`) or reactivates (`INACTIVE` →
    /// `ACTIVE`) a user.
    pub async fn set_user_active(
        &self,
        admin: &Admin,
        account: AccountId,
        user: &str,
        active: bool,
    ) -> Result<User> {
        let user_ref = UserRef::parse(user).ok_or_else(|| user_not_found(user))?;
        let (from, to): (&[UserStatus], UserStatus) = if active {
            (
                &[UserStatus::Inactive, UserStatus::Active],
                UserStatus::Active,
            )
        } else {
            (
                &[
                    UserStatus::Active,
                    UserStatus::PendingInvite,
                    UserStatus::Inactive,
                ],
                UserStatus::Inactive,
            )
        };
        match self
            .store
            .change_user_status(account, &user_ref, from, to, &self.audit(admin.actor()))
            .await?
        {
            None => Err(user_not_found(user)),
            Some(Ok(changed)) => Ok(changed),
            Some(Err(current)) => Err(Error::Conflict(format!(
                "user '{user}' is {}; it must accept its invitation before it can be reactivated",
                current.as_str()
            ))),
        }
    }

    /// The account's outbox (messages not sent by SMTP), oldest first.
    pub async fn outbox(&self, _admin: &Admin, account: AccountId) -> Result<Vec<Message>> {
        self.require_account(account).await?;
        self.store.list_outbox(account).await
    }
}
