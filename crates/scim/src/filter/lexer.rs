//! Tokens of the filter and PATCH path grammars (RFC 7644 §3.4.2.2, §3.5.2).
//!
//! Keywords, attribute paths, numbers and `true`/`false`/`null` all lex as one "word" class, and
//! the parser decides from position what a word means: that keeps `not`, `pr` or `eq` usable as
//! attribute names in principle and makes the lexer trivially total. Every token keeps its byte
//! offset so error details can point at it.

/// One token and where it starts (byte offset into the input).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub kind: Tok,
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    /// A run of name characters: an attribute path, keyword, number or literal.
    Word(String),
    /// A JSON string literal, already unescaped.
    Str(String),
    LParen,
    RParen,
    LBracket,
    RBracket,
}

impl Tok {
    /// How the token reads in an error detail.
    pub fn describe(&self) -> String {
        match self {
            Tok::Word(word) => format!("'{word}'"),
            Tok::Str(_) => "a string".to_owned(),
            Tok::LParen => "'('".to_owned(),
            Tok::RParen => "')'".to_owned(),
            Tok::LBracket => "'['".to_owned(),
            Tok::RBracket => "']'".to_owned(),
        }
    }
}

/// Characters of attribute names (`ALPHA`, `DIGIT`, `-`, `_`, `$` for `$ref`), schema URNs
/// (`:`, `.` in `2.0`) and numbers (`+`, `-`, `.`).
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '$' | ':' | '.' | '+')
}

/// Splits `input` into tokens, or explains the first character that fits no token.
pub(crate) fn tokenize(input: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = input.char_indices().peekable();
    while let Some(&(offset, c)) = chars.peek() {
        let kind = match c {
            c if c.is_ascii_whitespace() => {
                chars.next();
                continue;
            }
            '(' => Tok::LParen,
            ')' => Tok::RParen,
            '[' => Tok::LBracket,
            ']' => Tok::RBracket,
            '"' => {
                let (text, end) = string_literal(input, offset)?;
                while chars.peek().is_some_and(|&(at, _)| at < end) {
                    chars.next();
                }
                tokens.push(Token {
                    kind: Tok::Str(text),
                    offset,
                });
                continue;
            }
            c if is_word_char(c) => {
                let mut end = offset;
                while let Some(&(at, c)) = chars.peek() {
                    if !is_word_char(c) {
                        break;
                    }
                    end = at + c.len_utf8();
                    chars.next();
                }
                tokens.push(Token {
                    kind: Tok::Word(input[offset..end].to_owned()),
                    offset,
                });
                continue;
            }
            other => {
                return Err(format!(
                    "unexpected character '{}' at offset {offset}",
                    other.escape_debug()
                ));
            }
        };
        chars.next();
        tokens.push(Token { kind, offset });
    }
    Ok(tokens)
}

/// The JSON string starting at `start` (a `"`): its unescaped text and the offset just past the
/// closing quote. Escapes are decoded by serde_json, so they follow RFC 8259 exactly.
fn string_literal(input: &str, start: usize) -> Result<(String, usize), String> {
    let bytes = input.as_bytes();
    let mut at = start + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => {
                let literal = &input[start..=at];
                return serde_json::from_str::<String>(literal)
                    .map(|text| (text, at + 1))
                    .map_err(|err| format!("invalid string starting at offset {start}: {err}"));
            }
            _ => at += 1,
        }
    }
    Err(format!(
        "unterminated string starting at offset {start}: expected a closing '\"'"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(input: &str) -> Vec<Tok> {
        tokenize(input)
            .unwrap_or_default()
            .into_iter()
            .map(|token| token.kind)
            .collect()
    }

    #[test]
    fn words_strings_and_brackets() {
        assert_eq!(
            kinds(r#"emails[type eq "work"]"#),
            [
                Tok::Word("emails".into()),
                Tok::LBracket,
                Tok::Word("type".into()),
                Tok::Word("eq".into()),
                Tok::Str("work".into()),
                Tok::RBracket,
            ]
        );
    }

    #[test]
    fn urns_keep_their_dots_and_colons() {
        assert_eq!(
            kinds("urn:ietf:params:scim:schemas:core:2.0:User:name.familyName pr"),
            [
                Tok::Word("urn:ietf:params:scim:schemas:core:2.0:User:name.familyName".into()),
                Tok::Word("pr".into()),
            ]
        );
    }

    #[test]
    fn string_escapes_are_decoded() {
        assert_eq!(
            kinds(r#""a\"b\\c\u00e9\n""#),
            [Tok::Str("a\"b\\c\u{e9}\n".into())]
        );
    }

    #[test]
    fn offsets_are_byte_offsets() {
        let tokens = tokenize(r#"a eq "é" b"#).unwrap_or_default();
        assert_eq!(tokens.len(), 4);
        assert_eq!(tokens[3].offset, 10);
    }

    #[test]
    fn errors_name_the_offset() {
        assert_eq!(
            tokenize("userName eq @x"),
            Err("unexpected character '@' at offset 12".to_owned())
        );
        let unterminated = tokenize(r#"a eq "abc"#).err().unwrap_or_default();
        assert!(unterminated.contains("unterminated string starting at offset 5"));
        let trailing_backslash = tokenize("a eq \"abc\\").err().unwrap_or_default();
        assert!(trailing_backslash.contains("unterminated"));
        let bad_escape = tokenize(r#"a eq "\q""#).err().unwrap_or_default();
        assert!(bad_escape.contains("invalid string starting at offset 5"));
    }
}
