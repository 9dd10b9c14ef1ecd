//! Checks on free-text fields shared by several services.

use crate::{Error, Result};

/// Trims nothing, but refuses empty, blank, over-long or control-character text.
pub fn required_text(field: &'static str, value: &str, max_chars: usize) -> Result<String> {
    if value.trim().is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    optional_text(field, value, max_chars)
}

/// Like [`required_text`] but allows the empty string.
pub fn optional_text(field: &'static str, value: &str, max_chars: usize) -> Result<String> {
    if value.chars().count() > max_chars {
        return Err(Error::invalid(
            field,
            format!("must be at most {max_chars} characters"),
        ));
    }
    if value.chars().any(|c| c.is_control()) {
        return Err(Error::invalid(field, "must not contain control characters"));
    }
    Ok(value.to_owned())
}

pub const NAME_MAX: usize = 255;
pub const DESCRIPTION_MAX: usize = 1024;
