//! Invitations and user status: createUser makes a `PENDING_INVITE` user and a message with a
//! single-use accept link (outbox, or SMTP when configured); accepting, expiry, resending; admin
//! deactivate/reactivate; bootstrap statuses.

use std::time::Duration;

use accountd_proto::UserStatus;
use accountd_testkit::{TestAccount, TestApp};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use crate::common::{advance, api_error, envelope, json, message, setup, user_request};

/// The accept link in a message body: `<base>/invite/<token>/accept`.
fn accept_link(app: &TestApp, body: &str) -> String {
    let prefix = format!("{}/invite/", app.base_url());
    let start = body
        .find(&prefix)
        .unwrap_or_else(|| panic!("no link starting with {prefix} in the message: {body}"));
    let rest = &body[start + prefix.len()..];
    let token: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    assert!(token.len() >= 16, "the token is long and random: '{token}'");
    assert!(
        rest[token.len()..].starts_with("/accept"),
        "the link ends in /accept: {body}"
    );
    format!("{prefix}{token}/accept")
}

/// The accept link of the newest outbox message to `email`, after checking there are `count`.
async fn outbox_link(app: &TestApp, account: &TestAccount, email: &str, count: usize) -> String {
    let outbox = app.admin().outbox(&account.uuid).await.unwrap();
    let to_user: Vec<_> = outbox
        .messages
        .iter()
        .filter(|m| m.recipient == email)
        .collect();
    assert_eq!(to_user.len(), count, "messages to {email}: {outbox:?}");
    let newest = to_user.last().unwrap();
    assert!(!newest.subject.trim().is_empty());
    accept_link(app, &newest.body)
}

/// POSTs an accept link without any credentials.
async fn accept(app: &TestApp, link: &str) -> reqwest::Response {
    app.http().post(link).send().await.unwrap()
}

async fn status_of(client: &accountd_client::Client, user: &str) -> UserStatus {
    client.get_user(user).await.unwrap().user_status
}

#[tokio::test]
async fn create_user_is_pending_and_writes_an_invitation_to_the_outbox() {
    let (app, account, client) = setup().await;
    let user = client
        .create_user(&user_request("ann@example.com", "Ann", "Smith", None))
        .await
        .unwrap();
    assert_eq!(user.user_status, UserStatus::PendingInvite);
    let outbox = app.admin().outbox(&account.uuid).await.unwrap();
    assert_eq!(outbox.messages.len(), 1, "{outbox:?}");
    let message = &outbox.messages[0];
    assert_eq!(message.recipient, "ann@example.com");
    assert!(
        message.body.contains("Ann"),
        "addressed by name: {}",
        message.body
    );
    accept_link(&app, &message.body);

    // A second user gets a different link.
    client
        .create_user(&user_request("bob@example.com", "Bob", "Brown", None))
        .await
        .unwrap();
    let ann_link = outbox_link(&app, &account, "ann@example.com", 1).await;
    let bob_link = outbox_link(&app, &account, "bob@example.com", 1).await;
    assert_ne!(ann_link, bob_link);
    // Other accounts' outboxes hold nothing of this one.
    let other = app.new_account().await;
    assert!(
        app.admin()
            .outbox(&other.uuid)
            .await
            .unwrap()
            .messages
            .is_empty()
    );
}

#[tokio::test]
async fn accepting_the_invitation_activates_the_user_once() {
    let (app, account, client) = setup().await;
    let user = client
        .create_user(&user_request("ann@example.com", "Ann", "Smith", None))
        .await
        .unwrap();
    let link = outbox_link(&app, &account, "ann@example.com", 1).await;
    advance(&app, 30);

    let response = accept(&app, &link).await;
    assert_eq!(response.status().as_u16(), 200);
    let body = json(response).await;
    assert_eq!(
        body,
        json!({"accountUuid": account.uuid, "uid": user.uid, "userStatus": "ACTIVE"})
    );
    let fetched = client.get_user(&user.uid).await.unwrap();
    assert_eq!(fetched.user_status, UserStatus::Active);
    assert_eq!(
        client.list_users(None, None).await.unwrap().items[0].user_status,
        UserStatus::Active
    );

    // The same link again: 400, already accepted; the user stays ACTIVE.
    let body = envelope(accept(&app, &link).await, 400).await;
    assert!(message(&body).contains("already accepted"), "{body}");
    assert_eq!(status_of(&client, &user.uid).await, UserStatus::Active);

    // Unknown or malformed tokens: 404.
    for token in [
        "x",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        &"a".repeat(300),
    ] {
        let body = envelope(
            accept(&app, &app.url(&format!("/invite/{token}/accept"))).await,
            404,
        )
        .await;
        assert!(!message(&body).is_empty());
    }
}

#[tokio::test]
async fn an_expired_invitation_is_400() {
    let app = TestApp::builder().invite_ttl(60).spawn().await;
    let account = app.new_account().await;
    let client = app.client(&account, &accountd_testkit::ALL_SCOPES).await;
    let ann = client
        .create_user(&user_request("ann@example.com", "Ann", "Smith", None))
        .await
        .unwrap();
    let bob = client
        .create_user(&user_request("bob@example.com", "Bob", "Brown", None))
        .await
        .unwrap();
    let ann_link = outbox_link(&app, &account, "ann@example.com", 1).await;
    let bob_link = outbox_link(&app, &account, "bob@example.com", 1).await;

    // Just inside the validity: accepted.
    advance(&app, 59);
    assert_eq!(accept(&app, &ann_link).await.status().as_u16(), 200);
    assert_eq!(status_of(&client, &ann.uid).await, UserStatus::Active);

    // Two minutes after creation: expired.
    advance(&app, 61);
    let body = envelope(accept(&app, &bob_link).await, 400).await;
    assert!(message(&body).contains("expired"), "{body}");
    assert_eq!(
        status_of(&client, &bob.uid).await,
        UserStatus::PendingInvite
    );

    // A resent invitation works again (for another 60 s).
    app.admin()
        .resend_invitation(&account.uuid, &bob.uid)
        .await
        .unwrap();
    let fresh = outbox_link(&app, &account, "bob@example.com", 2).await;
    assert_ne!(fresh, bob_link);
    assert_eq!(accept(&app, &fresh).await.status().as_u16(), 200);
    assert_eq!(status_of(&client, &bob.uid).await, UserStatus::Active);
}

#[tokio::test]
async fn resending_replaces_the_link() {
    let (app, account, client) = setup().await;
    let user = client
        .create_user(&user_request("ann@example.com", "Ann", "Smith", None))
        .await
        .unwrap();
    let old = outbox_link(&app, &account, "ann@example.com", 1).await;

    let resent = app
        .admin()
        .resend_invitation(&account.uuid, "ANN@example.com")
        .await
        .unwrap();
    assert_eq!(resent.uid, user.uid);
    assert_eq!(resent.user_status, UserStatus::PendingInvite);
    let new = outbox_link(&app, &account, "ann@example.com", 2).await;
    assert_ne!(new, old);

    let body = envelope(accept(&app, &old).await, 404).await;
    assert!(!message(&body).is_empty());
    assert_eq!(
        status_of(&client, &user.uid).await,
        UserStatus::PendingInvite
    );
    let response = accept(&app, &new).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(json(response).await["uid"], Value::from(user.uid.clone()));
    assert_eq!(status_of(&client, &user.uid).await, UserStatus::Active);

    // An ACTIVE user has nothing to resend: 409, and no new message.
    let message = api_error(
        app.admin()
            .resend_invitation(&account.uuid, &user.uid)
            .await,
        409,
    );
    assert!(message.contains("ACTIVE"), "{message}");
    outbox_link(&app, &account, "ann@example.com", 2).await;
    // Unknown users: 404.
    api_error(
        app.admin()
            .resend_invitation(&account.uuid, "nobody@example.com")
            .await,
        404,
    );
}

#[tokio::test]
async fn admin_deactivates_and_reactivates_users() {
    let (app, account, client) = setup().await;
    let user = client
        .create_user(&user_request("ann@example.com", "Ann", "Smith", None))
        .await
        .unwrap();
    let pending = client
        .create_user(&user_request("bob@example.com", "Bob", "Brown", None))
        .await
        .unwrap();
    let link = outbox_link(&app, &account, "ann@example.com", 1).await;
    assert_eq!(accept(&app, &link).await.status().as_u16(), 200);
    let admin = app.admin();

    let deactivated = admin
        .deactivate_user(&account.uuid, &user.uid)
        .await
        .unwrap();
    assert_eq!(deactivated.user_status, UserStatus::Inactive);
    assert_eq!(status_of(&client, &user.uid).await, UserStatus::Inactive);
    let reactivated = admin
        .reactivate_user(&account.uuid, "ann@example.com")
        .await
        .unwrap();
    assert_eq!(reactivated.user_status, UserStatus::Active);
    assert_eq!(status_of(&client, &user.uid).await, UserStatus::Active);

    // A PENDING_INVITE user cannot be reactivated: it must accept first.
    let message = api_error(
        admin.reactivate_user(&account.uuid, &pending.uid).await,
        409,
    );
    assert!(message.contains("PENDING_INVITE"), "{message}");
    assert_eq!(
        status_of(&client, &pending.uid).await,
        UserStatus::PendingInvite
    );
    // ... but it can be deactivated.
    let deactivated = admin
        .deactivate_user(&account.uuid, &pending.uid)
        .await
        .unwrap();
    assert_eq!(deactivated.user_status, UserStatus::Inactive);

    api_error(
        admin
            .deactivate_user(&account.uuid, &uuid::Uuid::new_v4().to_string())
            .await,
        404,
    );
    api_error(
        admin
            .reactivate_user(&account.uuid, "nobody@example.com")
            .await,
        404,
    );
}

const ACCOUNT: &str = "3e1f0c2a-9b8d-4c7e-a6f5-1d2c3b4a5e6f";
const CLIENT_ID: &str = "dt0s02.INVITES";
const CLIENT_SECRET: &str = "dt0s02.INVITES.SECRET";

#[tokio::test]
async fn bootstrap_users_may_declare_their_status() {
    let yaml = format!(
        r#"
accounts:
  - uuid: {ACCOUNT}
    name: Invitations
    oauthClients:
      - clientId: {CLIENT_ID}
        clientSecret: {CLIENT_SECRET}
        scopes: [account-idm-read, account-idm-write]
    users:
      - {{email: active@example.com, firstName: Al, lastName: Active}}
      - {{email: gone@example.com, firstName: Gil, lastName: Gone, status: INACTIVE}}
      - {{email: explicit@example.com, firstName: Ed, lastName: Explicit, status: ACTIVE}}
"#
    );
    let app = TestApp::builder().bootstrap(yaml).spawn().await;
    let client = app.client_with(ACCOUNT, CLIENT_ID.into(), CLIENT_SECRET.into());
    assert_eq!(
        status_of(&client, "active@example.com").await,
        UserStatus::Active,
        "bootstrap users are ACTIVE by default"
    );
    assert_eq!(
        status_of(&client, "gone@example.com").await,
        UserStatus::Inactive
    );
    assert_eq!(
        status_of(&client, "explicit@example.com").await,
        UserStatus::Active
    );
    assert!(
        app.admin()
            .outbox(ACCOUNT)
            .await
            .unwrap()
            .messages
            .is_empty(),
        "no invitations for users that need none"
    );
    let reactivated = app
        .admin()
        .reactivate_user(ACCOUNT, "gone@example.com")
        .await
        .unwrap();
    assert_eq!(reactivated.user_status, UserStatus::Active);
}

// ---------------------------------------------------------------------------------------------
// SMTP: a minimal server on 127.0.0.1:0 that captures what it is sent.

/// One message received by the test SMTP server.
#[derive(Debug)]
struct Mail {
    recipients: Vec<String>,
    /// The DATA section, dot-unstuffed, without the final `.` line.
    data: String,
}

async fn smtp_server() -> (u16, mpsc::UnboundedReceiver<Mail>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let _ = smtp_session(stream, tx).await;
            });
        }
    });
    (port, rx)
}

async fn smtp_session(stream: TcpStream, tx: mpsc::UnboundedSender<Mail>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    write.write_all(b"220 test.smtp ESMTP ready\r\n").await?;
    let mut recipients = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_ascii_uppercase();
        let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO") {
            b"250 test.smtp\r\n"
        } else if command.starts_with("MAIL FROM") {
            recipients.clear();
            b"250 OK\r\n"
        } else if command.starts_with("RCPT TO") {
            recipients.push(line.trim_end()["RCPT TO:".len()..].trim().to_owned());
            b"250 OK\r\n"
        } else if command == "DATA" {
            write
                .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                .await?;
            let mut data = String::new();
            loop {
                line.clear();
                if reader.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" {
                    break;
                }
                data.push_str(line.strip_prefix('.').unwrap_or(&line));
            }
            let _ = tx.send(Mail {
                recipients: std::mem::take(&mut recipients),
                data,
            });
            b"250 OK: queued\r\n"
        } else if command == "QUIT" {
            write.write_all(b"221 Bye\r\n").await?;
            return Ok(());
        } else {
            b"250 OK\r\n"
        };
        write.write_all(reply).await?;
    }
}

/// The body of a MIME message, with its Content-Transfer-Encoding undone.
fn decoded_body(data: &str) -> String {
    let (headers, body) = data
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no header/body separator: {data}"));
    let encoding = headers
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-transfer-encoding:")
                .map(|v| v.trim().to_owned())
        })
        .unwrap_or_else(|| "7bit".to_owned());
    match encoding.as_str() {
        "quoted-printable" => decode_quoted_printable(body),
        "base64" => decode_base64(body),
        _ => body.to_owned(),
    }
}

fn decode_quoted_printable(text: &str) -> String {
    let joined = text.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && let Some(hex) = joined.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("UTF-8 body")
}

fn decode_base64(text: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
    {
        let value = ALPHABET
            .iter()
            .position(|a| *a == c)
            .unwrap_or_else(|| panic!("not base64: {c}"));
        buffer = (buffer << 6) | u32::try_from(value).unwrap();
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((buffer >> bits) & 0xFF).unwrap());
        }
    }
    String::from_utf8(out).expect("UTF-8 body")
}

#[tokio::test]
async fn with_smtp_the_invitation_is_mailed_and_not_put_in_the_outbox() {
    let (port, mut mails) = smtp_server().await;
    let app = TestApp::builder()
        .smtp_url(format!("smtp://127.0.0.1:{port}"))
        .spawn()
        .await;
    let account = app.new_account().await;
    let client = app.client(&account, &accountd_testkit::ALL_SCOPES).await;
    let user = client
        .create_user(&user_request("ann@example.com", "Ann", "Smith", None))
        .await
        .unwrap();
    assert_eq!(user.user_status, UserStatus::PendingInvite);

    let mail = tokio::time::timeout(Duration::from_secs(20), mails.recv())
        .await
        .expect("the invitation reaches the SMTP server")
        .expect("a message");
    assert_eq!(mail.recipients, vec!["<ann@example.com>".to_owned()]);
    let headers = mail.data.split("\r\n\r\n").next().unwrap().to_owned();
    assert!(
        headers
            .lines()
            .any(|l| l.to_ascii_lowercase().starts_with("to:") && l.contains("ann@example.com")),
        "a To: header with the user: {headers}"
    );
    assert!(
        headers
            .lines()
            .any(|l| l.to_ascii_lowercase().starts_with("subject:")),
        "{headers}"
    );
    let body = decoded_body(&mail.data);
    let link = accept_link(&app, &body);

    assert!(
        app.admin()
            .outbox(&account.uuid)
            .await
            .unwrap()
            .messages
            .is_empty(),
        "with SMTP the outbox stays empty"
    );

    // The mailed link works.
    let response = accept(&app, &link).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(status_of(&client, &user.uid).await, UserStatus::Active);

    // A resend is mailed too.
    let bob = client
        .create_user(&user_request("bob@example.com", "Bob", "Brown", None))
        .await
        .unwrap();
    let first = tokio::time::timeout(Duration::from_secs(20), mails.recv())
        .await
        .unwrap()
        .unwrap();
    app.admin()
        .resend_invitation(&account.uuid, &bob.uid)
        .await
        .unwrap();
    let second = tokio::time::timeout(Duration::from_secs(20), mails.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(second.recipients, vec!["<bob@example.com>".to_owned()]);
    let old = accept_link(&app, &decoded_body(&first.data));
    let new = accept_link(&app, &decoded_body(&second.data));
    assert_ne!(old, new);
    assert_eq!(accept(&app, &old).await.status().as_u16(), 404);
    assert_eq!(accept(&app, &new).await.status().as_u16(), 200);
    assert!(
        app.admin()
            .outbox(&account.uuid)
            .await
            .unwrap()
            .messages
            .is_empty()
    );
}

#[tokio::test]
async fn a_deactivated_pending_user_is_not_activated_by_its_old_link() {
    let (app, account, client) = setup().await;
    let user = client
        .create_user(&user_request("ann@example.com", "Ann", "Smith", None))
        .await
        .unwrap();
    let link = outbox_link(&app, &account, "ann@example.com", 1).await;
    app.admin()
        .deactivate_user(&account.uuid, &user.uid)
        .await
        .unwrap();

    let response = accept(&app, &link).await;
    let status = response.status().as_u16();
    let body = json(response).await;
    assert_eq!(
        status_of(&client, &user.uid).await,
        UserStatus::Inactive,
        "an old invitation does not undo a deactivation"
    );
    assert!(
        !(status == 200 && body["userStatus"] == "ACTIVE"),
        "the accept response must not claim the user is ACTIVE while it is INACTIVE: {status} {body}"
    );
}

#[tokio::test]
async fn the_link_of_a_deleted_user_is_404() {
    let (app, account, client) = setup().await;
    let user = client
        .create_user(&user_request("ann@example.com", "Ann", "Smith", None))
        .await
        .unwrap();
    let link = outbox_link(&app, &account, "ann@example.com", 1).await;
    client.delete_user(&user.uid).await.unwrap();
    envelope(accept(&app, &link).await, 404).await;
    // A new user with the same email is not activated by the old link either.
    let again = client
        .create_user(&user_request("ann@example.com", "Ann", "Again", None))
        .await
        .unwrap();
    envelope(accept(&app, &link).await, 404).await;
    assert_eq!(
        status_of(&client, &again.uid).await,
        UserStatus::PendingInvite
    );
}
