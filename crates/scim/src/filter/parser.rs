//! Recursive descent over the token list for RFC 7644 §3.4.2.2:
//!
//! ```text
//! FILTER    = orExp
//! orExp     = andExp *("or" andExp)          ; "and" binds tighter than "or"
//! andExp    = unary *("and" unary)
//! unary     = "(" FILTER ")" / "not" "(" FILTER ")" / attrPath "[" valFilter "]"
//!           / attrPath "pr" / attrPath compareOp compValue
//! ```
//!
//! Recursion happens only at `(`, `not (` and `[`, each of which counts against
//! [`MAX_DEPTH`], so the parser's stack use is bounded whatever the input. The errors are plain
//! strings; the public entry points wrap them as `invalidFilter` or `invalidPath`.

use super::ast::{AttrPath, CompValue, CompareOp, Filter};
use super::lexer::{Tok, Token, tokenize};
use super::{MAX_DEPTH, MAX_FILTER_LEN};

/// Parses a complete filter expression.
pub(crate) fn parse_filter(input: &str) -> Result<Filter, String> {
    let mut parser = Parser::new(input, "filter")?;
    if parser.tokens.is_empty() {
        return Err("the filter is empty".to_owned());
    }
    let filter = parser.or_expr(false)?;
    match parser.peek() {
        None => Ok(filter),
        Some(token) => Err(format!(
            "expected 'and', 'or' or the end of the filter at offset {}, found {}",
            token.offset,
            token.kind.describe()
        )),
    }
}

pub(crate) struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
    /// Length of the input, to report "at the end" positions.
    len: usize,
}

impl Parser {
    /// Checks the length limit and tokenizes. `what` names the input in the limit's message.
    pub(crate) fn new(input: &str, what: &str) -> Result<Self, String> {
        if input.len() > MAX_FILTER_LEN {
            return Err(format!(
                "the {what} is {} bytes long; at most {MAX_FILTER_LEN} are accepted",
                input.len()
            ));
        }
        Ok(Self {
            tokens: tokenize(input)?,
            pos: 0,
            depth: 0,
            len: input.len(),
        })
    }

    pub(crate) fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    pub(crate) fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.pos).cloned();
        if token.is_some() {
            self.pos += 1;
        }
        token
    }

    /// "at offset N" for the next token, or "at the end of the input".
    pub(crate) fn here(&self) -> String {
        match self.peek() {
            Some(token) => format!("at offset {}", token.offset),
            None => format!("at the end of the input (offset {})", self.len),
        }
    }

    fn found(&self) -> String {
        match self.peek() {
            Some(token) => format!(", found {}", token.kind.describe()),
            None => String::new(),
        }
    }

    fn peek_word_is(&self, keyword: &str) -> bool {
        matches!(self.peek(), Some(Token { kind: Tok::Word(word), .. }) if word.eq_ignore_ascii_case(keyword))
    }

    fn enter(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!(
                "the filter nests deeper than {MAX_DEPTH} levels of '(', 'not' and '[' {}",
                self.here()
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    fn expect(&mut self, kind: &Tok, what: &str) -> Result<(), String> {
        match self.peek() {
            Some(token) if &token.kind == kind => {
                self.pos += 1;
                Ok(())
            }
            _ => Err(format!("expected {what} {}{}", self.here(), self.found())),
        }
    }

    /// `andExp *("or" andExp)`. `in_brackets` forbids nested value filters (`valFilter`).
    pub(crate) fn or_expr(&mut self, in_brackets: bool) -> Result<Filter, String> {
        let mut terms = vec![self.and_expr(in_brackets)?];
        while self.peek_word_is("or") {
            self.pos += 1;
            terms.push(self.and_expr(in_brackets)?);
        }
        Ok(balanced(terms, Filter::Or))
    }

    fn and_expr(&mut self, in_brackets: bool) -> Result<Filter, String> {
        let mut terms = vec![self.unary(in_brackets)?];
        while self.peek_word_is("and") {
            self.pos += 1;
            terms.push(self.unary(in_brackets)?);
        }
        Ok(balanced(terms, Filter::And))
    }

    fn unary(&mut self, in_brackets: bool) -> Result<Filter, String> {
        let Some(token) = self.peek().cloned() else {
            return Err(format!(
                "expected an attribute name, '(' or 'not' {}",
                self.here()
            ));
        };
        match token.kind {
            Tok::LParen => {
                self.enter()?;
                self.pos += 1;
                let inner = self.or_expr(in_brackets)?;
                self.expect(&Tok::RParen, "')'")?;
                self.leave();
                Ok(inner)
            }
            Tok::Word(word) if word.eq_ignore_ascii_case("not") => {
                self.pos += 1;
                if !matches!(
                    self.peek(),
                    Some(Token {
                        kind: Tok::LParen,
                        ..
                    })
                ) {
                    return Err(format!(
                        "expected '(' after 'not' {}{}",
                        self.here(),
                        self.found()
                    ));
                }
                self.enter()?;
                self.pos += 1;
                let inner = self.or_expr(in_brackets)?;
                self.expect(&Tok::RParen, "')'")?;
                self.leave();
                Ok(Filter::Not(Box::new(inner)))
            }
            Tok::Word(word) => {
                self.pos += 1;
                let path = parse_attr_path(&word, token.offset)?;
                self.after_path(path, &word, in_brackets)
            }
            other => Err(format!(
                "expected an attribute name, '(' or 'not' at offset {}, found {}",
                token.offset,
                other.describe()
            )),
        }
    }

    /// What may follow an attribute path inside a filter: `[`, `pr`, or an operator and value.
    fn after_path(
        &mut self,
        path: AttrPath,
        word: &str,
        in_brackets: bool,
    ) -> Result<Filter, String> {
        match self.peek().map(|token| token.kind.clone()) {
            Some(Tok::LBracket) => {
                let filter = self.value_filter(&path, in_brackets)?;
                if let Some(Token {
                    kind: Tok::Word(sub),
                    offset,
                }) = self.peek()
                    && sub.starts_with('.')
                {
                    return Err(format!(
                        "'{sub}' at offset {offset} selects a sub-attribute after a value filter, \
                         which is a PATCH path, not a filter; write '{path}[...]' with the \
                         condition inside the brackets"
                    ));
                }
                Ok(Filter::ValuePath {
                    attr: path,
                    filter: Box::new(filter),
                })
            }
            Some(Tok::Word(op)) if op.eq_ignore_ascii_case("pr") => {
                self.pos += 1;
                Ok(Filter::Present(path))
            }
            Some(Tok::Word(op)) if CompareOp::parse(&op).is_some() => {
                self.pos += 1;
                let op = CompareOp::parse(&op).unwrap_or(CompareOp::Eq);
                let value = self.comp_value(op)?;
                Ok(Filter::Compare { path, op, value })
            }
            _ => Err(format!(
                "expected a comparison operator (eq, ne, co, sw, ew, gt, ge, lt, le) or 'pr' \
                 after '{word}' {}{}",
                self.here(),
                self.found()
            )),
        }
    }

    /// `"[" valFilter "]"` after `path`; the caller has seen the `[`.
    pub(crate) fn value_filter(
        &mut self,
        path: &AttrPath,
        in_brackets: bool,
    ) -> Result<Filter, String> {
        if in_brackets {
            return Err(format!(
                "value filters cannot be nested: '[' {} inside another '[...]'",
                self.here()
            ));
        }
        if path.sub.is_some() {
            return Err(format!(
                "a value filter applies to a multi-valued attribute, not to the sub-attribute \
                 '{path}' ({})",
                self.here()
            ));
        }
        self.enter()?;
        self.pos += 1;
        if matches!(
            self.peek(),
            Some(Token {
                kind: Tok::RBracket,
                ..
            })
        ) {
            return Err(format!(
                "expected a filter inside '{path}[...]' {}",
                self.here()
            ));
        }
        let filter = self.or_expr(true)?;
        self.expect(&Tok::RBracket, "']'")?;
        self.leave();
        Ok(filter)
    }

    fn comp_value(&mut self, op: CompareOp) -> Result<CompValue, String> {
        let expected = || {
            format!(
                "expected a value (a quoted string, a number, true, false or null) after '{op}'"
            )
        };
        let Some(token) = self.next() else {
            return Err(format!("{} {}", expected(), self.here()));
        };
        match token.kind {
            Tok::Str(text) => Ok(CompValue::String(text)),
            Tok::Word(word) => {
                if word.eq_ignore_ascii_case("true") {
                    Ok(CompValue::Bool(true))
                } else if word.eq_ignore_ascii_case("false") {
                    Ok(CompValue::Bool(false))
                } else if word.eq_ignore_ascii_case("null") {
                    Ok(CompValue::Null)
                } else if let Ok(number) = serde_json::from_str::<serde_json::Number>(&word) {
                    Ok(CompValue::Number(number))
                } else {
                    Err(format!(
                        "{} at offset {}, found '{word}' (strings must be in double quotes)",
                        expected(),
                        token.offset
                    ))
                }
            }
            other => Err(format!(
                "{} at offset {}, found {}",
                expected(),
                token.offset,
                other.describe()
            )),
        }
    }
}

/// Joins `terms` with `join` as a balanced tree, pairing neighbours level by level so that the
/// left-to-right order is kept and the depth is logarithmic.
fn balanced(mut terms: Vec<Filter>, join: fn(Box<Filter>, Box<Filter>) -> Filter) -> Filter {
    while terms.len() > 1 {
        let mut next = Vec::with_capacity(terms.len().div_ceil(2));
        let mut iter = terms.into_iter();
        while let Some(left) = iter.next() {
            match iter.next() {
                Some(right) => next.push(join(Box::new(left), Box::new(right))),
                None => next.push(left),
            }
        }
        terms = next;
    }
    terms.pop().unwrap_or(Filter::Present(AttrPath::new("id")))
}

/// Splits an attribute path word: `[urn ":"] ATTRNAME ["." ATTRNAME]`. A URN prefix is everything
/// up to the last `:`, since URNs themselves contain colons and dots (`...:core:2.0:User`).
pub(crate) fn parse_attr_path(word: &str, offset: usize) -> Result<AttrPath, String> {
    let is_urn = word
        .get(..4)
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case("urn:"));
    let (urn, rest) = if is_urn {
        match word.rfind(':') {
            Some(colon) if colon + 1 < word.len() => (Some(&word[..colon]), &word[colon + 1..]),
            _ => {
                return Err(format!(
                    "'{word}' at offset {offset} is a schema URN without an attribute name"
                ));
            }
        }
    } else {
        (None, word)
    };
    let (name, sub) = match rest.split_once('.') {
        Some((name, sub)) => (name, Some(sub)),
        None => (rest, None),
    };
    for part in std::iter::once(name).chain(sub) {
        if !is_attr_name(part) {
            return Err(format!(
                "expected an attribute name at offset {offset}, found '{word}' (names start with \
                 a letter and contain letters, digits, '-' and '_')"
            ));
        }
    }
    Ok(AttrPath {
        urn: urn.map(str::to_owned),
        name: name.to_owned(),
        sub: sub.map(str::to_owned),
    })
}

/// `ATTRNAME = ALPHA *(nameChar)`, plus `$ref`, which RFC 7643 uses as a sub-attribute name.
fn is_attr_name(name: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = match chars.next() {
        Some('$') => true,
        Some(c) => c.is_ascii_alphabetic(),
        None => false,
    };
    first_ok && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}
