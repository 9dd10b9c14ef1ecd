//! Access tokens: compact JWTs (RFC 7519) signed with HS256 under a server key.
//!
//! Only accountd issues and checks these tokens, so a symmetric signature is enough, and it costs
//! about a microsecond to verify (an asymmetric one costs 30 to 150 µs, more than the rest of a
//! request; see DESIGN.md). We accept exactly the header we issue, so no `alg` confusion is
//! possible.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::ids::AccountId;
use crate::mac::MacKey;
use crate::scope::ScopeSet;

/// base64url of `{"alg":"HS256","typ":"JWT"}`.
const HEADER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
/// Tokens longer than this are rejected before any decoding.
const MAX_TOKEN_LEN: usize = 4096;
pub const ISSUER: &str = "accountd";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    /// The OAuth client id.
    pub sub: String,
    /// `urn:dtaccount:<uuid>`.
    pub aud: String,
    /// Space-separated scopes.
    pub scope: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
}

/// What a verified token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedToken {
    pub client_id: String,
    pub account: AccountId,
    pub scopes: ScopeSet,
    pub expires_at: i64,
}

/// Why a token was refused. The messages are safe to show to the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenRejection {
    #[error("the bearer token is malformed")]
    Malformed,
    #[error("the bearer token's signature is not valid")]
    BadSignature,
    #[error("the bearer token has expired")]
    Expired,
}

pub const RESOURCE_PREFIX: &str = "urn:dtaccount:";

/// Issues and verifies tokens with one key.
#[derive(Debug, Clone)]
pub struct TokenSigner {
    key: MacKey,
}

impl TokenSigner {
    pub fn new(key: MacKey) -> Self {
        Self { key }
    }

    pub fn issue(&self, claims: &Claims) -> String {
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap_or_default());
        let signing_input = format!("{HEADER}.{payload}");
        let signature = URL_SAFE_NO_PAD.encode(self.key.sign(signing_input.as_bytes()));
        format!("{signing_input}.{signature}")
    }

    /// Verifies signature and expiry (`now` in Unix seconds).
    pub fn verify(&self, token: &str, now: i64) -> Result<VerifiedToken, TokenRejection> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(TokenRejection::Malformed);
        }
        let (signing_input, signature) = token.rsplit_once('.').ok_or(TokenRejection::Malformed)?;
        let (header, payload) = signing_input
            .split_once('.')
            .ok_or(TokenRejection::Malformed)?;
        if header != HEADER {
            return Err(TokenRejection::Malformed);
        }
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| TokenRejection::Malformed)?;
        if !self.key.verify(signing_input.as_bytes(), &signature) {
            return Err(TokenRejection::BadSignature);
        }
        let payload = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| TokenRejection::Malformed)?;
        let claims: Claims =
            serde_json::from_slice(&payload).map_err(|_| TokenRejection::Malformed)?;
        if claims.exp <= now {
            return Err(TokenRejection::Expired);
        }
        let account = claims
            .aud
            .strip_prefix(RESOURCE_PREFIX)
            .and_then(AccountId::parse)
            .ok_or(TokenRejection::Malformed)?;
        let scopes = ScopeSet::parse_space_separated(&claims.scope)
            .map_err(|_| TokenRejection::Malformed)?;
        Ok(VerifiedToken {
            client_id: claims.sub,
            account,
            scopes,
            expires_at: claims.exp,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(account: AccountId, exp: i64) -> Claims {
        Claims {
            iss: ISSUER.into(),
            sub: "dt0s02.ABC".into(),
            aud: format!("{RESOURCE_PREFIX}{account}"),
            scope: "account-idm-read".into(),
            iat: 0,
            exp,
            jti: "x".into(),
        }
    }

    #[test]
    fn header_constant_is_the_encoded_header() {
        assert_eq!(
            URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#),
            HEADER
        );
    }

    #[test]
    fn verifies_its_own_tokens_and_rejects_others() {
        let signer = TokenSigner::new(MacKey::from_bytes([7; 32]));
        let account = AccountId::generate();
        let token = signer.issue(&claims(account, 100));
        let verified = signer.verify(&token, 99);
        assert_eq!(
            verified.map(|v| (v.client_id, v.account)),
            Ok(("dt0s02.ABC".to_owned(), account))
        );
        assert_eq!(signer.verify(&token, 100), Err(TokenRejection::Expired));
        let other = TokenSigner::new(MacKey::from_bytes([8; 32]));
        assert_eq!(other.verify(&token, 0), Err(TokenRejection::BadSignature));
        assert_eq!(signer.verify("garbage", 0), Err(TokenRejection::Malformed));
        let none_alg = token.replacen(HEADER, "eyJhbGciOiJub25lIn0", 1);
        assert_eq!(signer.verify(&none_alg, 0), Err(TokenRejection::Malformed));
    }
}
