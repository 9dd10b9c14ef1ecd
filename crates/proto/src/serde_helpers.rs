//! Deserialization rules the derive attributes cannot express.

use serde::{Deserialize, Deserializer};

/// For optional fields whose schema type is not nullable: absent is `None` (with
/// `#[serde(default)]`), but an explicit `null` is an error, as the seed's schema says.
pub fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct Probe {
        #[serde(default, deserialize_with = "super::present")]
        groups: Option<Vec<String>>,
    }

    #[test]
    fn absent_is_none_and_null_is_refused() {
        assert!(serde_json::from_str::<Probe>("{}").is_ok_and(|p| p.groups.is_none()));
        assert!(
            serde_json::from_str::<Probe>(r#"{"groups":["a"]}"#).is_ok_and(|p| p.groups.is_some())
        );
        assert!(serde_json::from_str::<Probe>(r#"{"groups":null}"#).is_err());
    }
}
