//! Invitations by SMTP (`--smtp-url`), through lettre.

use accountd_core::invitations::Mailer;
use accountd_core::model::Message;
use accountd_core::{Error, Result};
use async_trait::async_trait;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// `url`: `smtp://host:port` (plain, or STARTTLS with `?tls=required`) or `smtps://host`
    /// (implicit TLS); credentials as `smtp://user:password@host`.
    pub fn new(url: &str, from: &str) -> Result<Self, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|err| format!("--smtp-url: {err}"))?
            .build();
        let from = from
            .parse()
            .map_err(|err| format!("--smtp-from '{from}': {err}"))?;
        Ok(Self { transport, from })
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, message: &Message) -> Result<()> {
        let to: Mailbox =
            message.recipient.as_str().parse().map_err(|err| {
                Error::Internal(format!("recipient '{}': {err}", message.recipient))
            })?;
        let email = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.clone())
            .body(message.body.clone())
            .map_err(|err| Error::Internal(format!("building the message: {err}")))?;
        self.transport
            .send(email)
            .await
            .map(|_| ())
            .map_err(|err| Error::Unavailable(format!("SMTP: {err}")))
    }
}
