use accountd_core::Error;
use accountd_core::ids::AccountId;
use accountd_core::page::parse_page_size;

use crate::error::{ApiError, ApiResult};

/// `pageSize` and `nextPageKey` of a paged listing.
#[derive(Debug, Default)]
pub struct ListParams {
    pub page_size: Option<u32>,
    pub page_key: Option<String>,
    /// `email` (listUsers only): exact, case-insensitive match.
    pub email: Option<String>,
    /// `service-users=true` (listUsers only): include service users (real API).
    pub service_users: bool,
}

impl ListParams {
    /// Parses the raw query string; every other parameter is ignored (as the real API does).
    pub fn parse(raw: Option<&str>) -> ApiResult<Self> {
        let mut size = None;
        let mut key = None;
        let mut email = None;
        let mut service_users = None;
        for (name, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
            match name.as_ref() {
                "pageSize" => set_once(&mut size, "pageSize", value.into_owned())?,
                "nextPageKey" => set_once(&mut key, "nextPageKey", value.into_owned())?,
                "email" => set_once(&mut email, "email", value.into_owned())?,
                "service-users" => {
                    set_once(&mut service_users, "service-users", value.into_owned())?
                }
                _ => {}
            }
        }
        let page_size = parse_page_size(size.as_deref())?;
        if key.as_deref() == Some("") {
            return Err(Error::invalid(
                "nextPageKey",
                "must not be empty; omit it to start from the first page",
            )
            .into());
        }
        let service_users = match service_users.as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(other) => {
                return Err(Error::invalid(
                    "service-users",
                    format!("use true or false, not '{other}'"),
                )
                .into());
            }
        };
        Ok(Self {
            page_size,
            page_key: key,
            email,
            service_users,
        })
    }
}

fn set_once(slot: &mut Option<String>, name: &str, value: String) -> ApiResult<()> {
    if slot.is_some() {
        return Err(ApiError::BadRequest(format!(
            "the query parameter '{name}' was given more than once"
        )));
    }
    *slot = Some(value);
    Ok(())
}

/// `{accountUuid}` of an API path. A malformed one is a 403 (CONTRACT.md): no token is valid
/// for an account that cannot exist.
pub fn account_path(text: &str) -> ApiResult<AccountId> {
    AccountId::parse(text).ok_or_else(|| {
        Error::Forbidden(format!(
            "the access token is not valid for account '{text}'"
        ))
        .into()
    })
}

/// `{accountUuid}` of an admin path: a malformed one names no account (404).
pub fn admin_account_path(text: &str) -> ApiResult<AccountId> {
    AccountId::parse(text)
        .ok_or_else(|| Error::NotFound(format!("account '{text}' not found")).into())
}
