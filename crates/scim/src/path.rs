//! PATCH paths (RFC 7644 §3.5.2): `PATH = attrPath / valuePath [subAttr]`.
//!
//! A path shares the filter's lexer and parser (the bracketed part *is* a filter), with the same
//! length and depth limits; only the error type differs, `invalidPath`.

use crate::error::ScimError;
use crate::filter::lexer::{Tok, Token};
use crate::filter::parser::{Parser, parse_attr_path};
use crate::filter::{AttrPath, Filter};

/// A parsed PATCH path: `attr`, `attr.sub`, `attr[filter]` or `attr[filter].sub`.
///
/// For `name.givenName` the sub-attribute is in `attr.sub`; for `emails[type eq "work"].value`
/// it is in `sub`. Use [`PatchPath::sub_attribute`] to get either.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchPath {
    pub attr: AttrPath,
    pub filter: Option<Filter>,
    pub sub: Option<String>,
}

impl PatchPath {
    /// The addressed sub-attribute, wherever it was written.
    pub fn sub_attribute(&self) -> Option<&str> {
        self.sub.as_deref().or(self.attr.sub.as_deref())
    }
}

/// Parses a PATCH `path`; a malformed one is 400 `invalidPath` naming the offset.
pub fn parse_path(input: &str) -> Result<PatchPath, ScimError> {
    parse(input).map_err(ScimError::invalid_path)
}

fn parse(input: &str) -> Result<PatchPath, String> {
    let mut parser = Parser::new(input, "path")?;
    let attr = match parser.next() {
        Some(Token {
            kind: Tok::Word(word),
            offset,
        }) => parse_attr_path(&word, offset)?,
        Some(token) => {
            return Err(format!(
                "expected an attribute name at offset {}, found {}",
                token.offset,
                token.kind.describe()
            ));
        }
        None => return Err("the path is empty".to_owned()),
    };
    let mut path = PatchPath {
        attr,
        filter: None,
        sub: None,
    };
    if matches!(
        parser.peek(),
        Some(Token {
            kind: Tok::LBracket,
            ..
        })
    ) {
        path.filter = Some(parser.value_filter(&path.attr, false)?);
        if let Some(Token {
            kind: Tok::Word(word),
            offset,
        }) = parser.peek().cloned()
            && let Some(sub) = word.strip_prefix('.')
        {
            let sub_path = parse_attr_path(sub, offset + 1)?;
            if sub_path.urn.is_some() || sub_path.sub.is_some() {
                return Err(format!(
                    "expected one sub-attribute name after ']' at offset {offset}, found '{word}'"
                ));
            }
            path.sub = Some(sub_path.name);
            parser.next();
        }
    }
    match parser.peek() {
        None => Ok(path),
        Some(token) => Err(format!(
            "expected the end of the path at offset {}, found {}",
            token.offset,
            token.kind.describe()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ScimType;
    use crate::filter::{CompValue, CompareOp};

    fn parse_ok(input: &str) -> PatchPath {
        match parse_path(input) {
            Ok(path) => path,
            Err(err) => panic!("{input:?}: {err}"),
        }
    }

    fn detail(input: &str) -> String {
        match parse_path(input) {
            Ok(path) => panic!("{input:?} parsed as {path:?}"),
            Err(err) => {
                assert_eq!(err.scim_type, Some(ScimType::InvalidPath));
                err.detail
            }
        }
    }

    #[test]
    fn plain_and_dotted_attributes() {
        let path = parse_ok("name.givenName");
        assert_eq!(path.attr, AttrPath::with_sub("name", "givenName"));
        assert_eq!(path.sub_attribute(), Some("givenName"));
        assert!(path.filter.is_none());
        assert_eq!(parse_ok("members").attr, AttrPath::new("members"));
    }

    #[test]
    fn urn_prefixed() {
        let path = parse_ok("urn:ietf:params:scim:schemas:core:2.0:User:name.givenName");
        assert_eq!(
            path.attr.urn.as_deref(),
            Some("urn:ietf:params:scim:schemas:core:2.0:User")
        );
        assert_eq!(path.attr.name, "name");
        assert_eq!(path.sub_attribute(), Some("givenName"));
    }

    #[test]
    fn value_filter_with_and_without_sub_attribute() {
        let path = parse_ok(r#"members[value eq "2819c223-7f76-453a-919d-413861904646"]"#);
        assert_eq!(path.attr, AttrPath::new("members"));
        assert!(path.sub.is_none());
        assert_eq!(
            path.filter,
            Some(Filter::Compare {
                path: AttrPath::new("value"),
                op: CompareOp::Eq,
                value: CompValue::String("2819c223-7f76-453a-919d-413861904646".to_owned()),
            })
        );
        let path = parse_ok(r#"emails[type eq "work"].value"#);
        assert_eq!(path.sub.as_deref(), Some("value"));
        assert_eq!(path.sub_attribute(), Some("value"));
        let path = parse_ok(r#"addresses[type eq "work" and primary eq true].streetAddress"#);
        assert!(matches!(path.filter, Some(Filter::And(..))));
    }

    #[test]
    fn malformed_paths_are_invalid_path() {
        assert!(detail("").contains("empty"));
        assert!(detail(r#"emails[type eq "work""#).contains("expected ']'"));
        assert!(detail(r#"emails[type eq "work"] value"#).contains("expected the end"));
        assert!(detail(r#"emails[type eq "work"].a.b"#).contains("one sub-attribute"));
        assert!(detail("name givenName").contains("expected the end of the path at offset 5"));
        assert!(detail(r#""userName""#).contains("expected an attribute name at offset 0"));
        assert!(detail(r#"emails[type zz "work"]"#).contains("comparison operator"));
        assert!(detail("emails[type pr].").contains("expected an attribute name"));
        assert!(detail(&"a".repeat(5000)).contains("at most 4096"));
    }
}
