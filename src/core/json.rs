//! A small JSON reader and string writer: just enough for ad responses, the site list and
//! event batches, without serde's bytes. Numbers are integers only (no float parsing or
//! formatting code in the wasm); a number with a fraction or exponent becomes `Value::Float`
//! without its value, which every caller treats as "wrong type".

/// A parsed JSON value. Objects keep their key order; duplicate keys keep the first.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    /// A number with a fraction or an exponent, or one outside i64: present, value not kept.
    Float,
    Str(String),
    Arr(Vec<Value>),
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

pub fn parse(_input: &str) -> Result<Value, JsonError> {
    todo!("helper: core-ad")
}

impl Value {
    /// The value of `key` when this is an object.
    pub fn get(&self, _key: &str) -> Option<&Value> {
        todo!()
    }
    pub fn as_str(&self) -> Option<&str> {
        todo!()
    }
    pub fn as_int(&self) -> Option<i64> {
        todo!()
    }
    pub fn as_array(&self) -> Option<&[Value]> {
        todo!()
    }
}

/// Appends `s` as a JSON string literal, quotes included. `<`, `>`, `&`, U+2028 and U+2029
/// are escaped as `\uXXXX` too, so the literal is safe inside an HTML `<script>` element.
pub fn push_string(_out: &mut String, _s: &str) {
    todo!()
}
