//! A small JSON reader and string writer: just enough for ad responses, the site list and
//! event batches, without serde's bytes. Numbers are integers only (no float parsing or
//! formatting code in the wasm); a number with a fraction or exponent becomes `Value::Float`
//! without its value, which every caller treats as "wrong type".
//!
//! The reader is the core's, for native use, the tests and the fuzz targets. The parsers that
//! read JSON take a `Read`, so that the browser glue can hand them the browser's own
//! `JSON.parse` instead (`web::json::parse`) and the wasm ships no reader of its own.

#[allow(unused_imports)]
use crate::prelude::*;

/// A parsed JSON value. Objects keep their members in input order, duplicate keys included:
/// `get` gives the first of them (RFC 8259 leaves duplicates to the reader; the first wins
/// here). In the browser, values come from `JSON.parse` (`web::json`), which keeps one member
/// per key, the last given. Read members through `get`, not by iterating `Obj`.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    /// A number with a fraction or an exponent, or one outside i64: present, value not kept.
    Float,
    Str(String),
    Arr(Vec<Value>),
    /// Members in input order; a repeated key appears again (see `get`).
    Obj(Vec<(String, Value)>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonError {
    /// Input ended inside a value.
    Eof,
    /// Nesting deeper than `MAX_DEPTH`.
    TooDeep,
    /// An unexpected byte at this offset.
    Unexpected(usize),
    /// A bad escape or a control character inside a string, at this offset.
    BadString(usize),
    /// Something follows the value, at this offset.
    Trailing(usize),
}

pub const MAX_DEPTH: usize = 32;

/// Reads one JSON text into a `Value`; `None` when it is malformed, too deep, or holds
/// something a `Value` can't (a lone surrogate). The core's is `read`; the glue's is
/// `web::json::parse`.
pub type Read = fn(&str) -> Option<Value>;

/// `parse`, its error dropped: the core's `Read`.
pub fn read(input: &str) -> Option<Value> {
    parse(input).ok()
}

/// Parses one JSON text (RFC 8259): one value, optionally surrounded by whitespace.
/// Arrays and objects may nest `MAX_DEPTH` levels deep; one more is `TooDeep`.
pub fn parse(input: &str) -> Result<Value, JsonError> {
    let mut p = Parser {
        s: input,
        b: input.as_bytes(),
        i: 0,
    };
    let v = p.value(0)?;
    p.ws();
    if p.i < p.b.len() {
        return Err(JsonError::Trailing(p.i));
    }
    Ok(v)
}

struct Parser<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    /// The next byte after whitespace, or `Eof`.
    fn next_token(&mut self) -> Result<u8, JsonError> {
        self.ws();
        self.peek().ok_or(JsonError::Eof)
    }

    /// `depth` is the number of arrays/objects enclosing this value.
    fn value(&mut self, depth: usize) -> Result<Value, JsonError> {
        match self.next_token()? {
            b'{' => self.object(depth + 1),
            b'[' => self.array(depth + 1),
            b'"' => self.string().map(Value::Str),
            b't' => self.literal(b"true", Value::Bool(true)),
            b'f' => self.literal(b"false", Value::Bool(false)),
            b'n' => self.literal(b"null", Value::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(JsonError::Unexpected(self.i)),
        }
    }

    fn literal(&mut self, word: &[u8], v: Value) -> Result<Value, JsonError> {
        for &w in word {
            match self.peek() {
                None => return Err(JsonError::Eof),
                Some(c) if c == w => self.i += 1,
                Some(_) => return Err(JsonError::Unexpected(self.i)),
            }
        }
        Ok(v)
    }

    fn array(&mut self, depth: usize) -> Result<Value, JsonError> {
        if depth > MAX_DEPTH {
            return Err(JsonError::TooDeep);
        }
        self.i += 1; // '['
        let mut items = Vec::new();
        if self.next_token()? == b']' {
            self.i += 1;
            return Ok(Value::Arr(items));
        }
        loop {
            items.push(self.value(depth)?);
            match self.next_token()? {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    return Ok(Value::Arr(items));
                }
                _ => return Err(JsonError::Unexpected(self.i)),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, JsonError> {
        if depth > MAX_DEPTH {
            return Err(JsonError::TooDeep);
        }
        self.i += 1; // '{'
        let mut members: Vec<(String, Value)> = Vec::new();
        if self.next_token()? == b'}' {
            self.i += 1;
            return Ok(Value::Obj(members));
        }
        loop {
            if self.next_token()? != b'"' {
                return Err(JsonError::Unexpected(self.i));
            }
            let key = self.string()?;
            if self.next_token()? != b':' {
                return Err(JsonError::Unexpected(self.i));
            }
            self.i += 1;
            // No duplicate check while reading (it was quadratic in the number of keys):
            // `get` finds the first of a repeated key, which is the same answer.
            let v = self.value(depth)?;
            members.push((key, v));
            match self.next_token()? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    return Ok(Value::Obj(members));
                }
                _ => return Err(JsonError::Unexpected(self.i)),
            }
        }
    }

    /// At the opening quote; returns the unescaped contents.
    fn string(&mut self) -> Result<String, JsonError> {
        self.i += 1;
        let mut out = String::new();
        let mut run = self.i; // start of the current unescaped run
        loop {
            let c = self.peek().ok_or(JsonError::Eof)?;
            match c {
                b'"' | b'\\' => {
                    // Both are ASCII, so `run..i` lies on char boundaries.
                    out.push_str(
                        self.s
                            .get(run..self.i)
                            .ok_or(JsonError::BadString(self.i))?,
                    );
                    self.i += 1;
                    if c == b'"' {
                        return Ok(out);
                    }
                    self.escape(&mut out)?;
                    run = self.i;
                }
                0..=0x1f => return Err(JsonError::BadString(self.i)),
                _ => self.i += 1,
            }
        }
    }

    /// Just after a backslash.
    fn escape(&mut self, out: &mut String) -> Result<(), JsonError> {
        let at = self.i;
        let c = self.peek().ok_or(JsonError::Eof)?;
        self.i += 1;
        let ch = match c {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = self.hex4()?;
                let code = if (0xD800..0xDC00).contains(&hi) {
                    // A high surrogate must be followed by `\u` and a low surrogate.
                    if self.peek() != Some(b'\\') || self.b.get(self.i + 1) != Some(&b'u') {
                        return Err(JsonError::BadString(at));
                    }
                    self.i += 2;
                    let lo = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&lo) {
                        return Err(JsonError::BadString(at));
                    }
                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                } else {
                    hi
                };
                // `from_u32` refuses a lone low surrogate.
                char::from_u32(code).ok_or(JsonError::BadString(at))?
            }
            _ => return Err(JsonError::BadString(at)),
        };
        out.push(ch);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut v = 0u32;
        for _ in 0..4 {
            let c = self.peek().ok_or(JsonError::Eof)?;
            let d = match c {
                b'0'..=b'9' => c - b'0',
                b'a'..=b'f' => c - b'a' + 10,
                b'A'..=b'F' => c - b'A' + 10,
                _ => return Err(JsonError::BadString(self.i)),
            };
            v = (v << 4) | u32::from(d);
            self.i += 1;
        }
        Ok(v)
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    fn number(&mut self) -> Result<Value, JsonError> {
        let neg = self.peek() == Some(b'-');
        if neg {
            self.i += 1;
        }
        // Accumulated negatively so that i64::MIN fits; `None` once it overflows.
        let mut acc: Option<i64> = Some(0);
        match self.peek() {
            None => return Err(JsonError::Eof),
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                while let Some(c @ b'0'..=b'9') = self.peek() {
                    acc = acc
                        .and_then(|a| a.checked_mul(10))
                        .and_then(|a| a.checked_sub(i64::from(c - b'0')));
                    self.i += 1;
                }
            }
            Some(_) => return Err(JsonError::Unexpected(self.i)),
        }
        let mut float = false;
        if self.peek() == Some(b'.') {
            self.i += 1;
            self.digits()?;
            float = true;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            self.digits()?;
            float = true;
        }
        let int = if neg {
            acc
        } else {
            acc.and_then(i64::checked_neg)
        };
        Ok(match int {
            Some(n) if !float => Value::Int(n),
            _ => Value::Float,
        })
    }

    /// One or more digits.
    fn digits(&mut self) -> Result<(), JsonError> {
        match self.peek() {
            None => return Err(JsonError::Eof),
            Some(b'0'..=b'9') => {}
            Some(_) => return Err(JsonError::Unexpected(self.i)),
        }
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
        Ok(())
    }
}

impl Value {
    /// The value of `key` when this is an object: the first member of that name.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Obj(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(n) => Some(*n),
            _ => None,
        }
    }
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Arr(items) => Some(items),
            _ => None,
        }
    }
}

/// Appends `s` as a JSON string literal, quotes included. `<`, `>`, `&`, U+2028 and U+2029
/// are escaped as `\uXXXX` too, so the literal is safe inside an HTML `<script>` element.
pub fn push_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\0'..='\u{1f}' | '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let n = c as u32;
                out.push_str("\\u");
                for shift in [12u32, 8, 4, 0] {
                    let d = HEX
                        .get(((n >> shift) & 0xf) as usize)
                        .copied()
                        .unwrap_or(b'0');
                    out.push(char::from(d));
                }
            }
            _ => out.push(c),
        }
    }
    out.push('"');
}
