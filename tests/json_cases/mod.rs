//! JSON texts both readers must read alike, written once: the core's own reader
//! (`json::parse`, tests/core_json.rs, natively) and the browser's (`web::json::parse`,
//! tests/web_json.rs, in every engine). Each file adds the cases where the two differ on
//! purpose (see src/web/json.rs).
#![allow(dead_code)]

use adtag::core::json::Value;

pub fn s(v: &str) -> Value {
    Value::Str(v.to_owned())
}

/// Scalars, with the value both readers give.
pub fn scalars() -> Vec<(&'static str, Value)> {
    vec![
        ("null", Value::Null),
        ("true", Value::Bool(true)),
        ("false", Value::Bool(false)),
        ("0", Value::Int(0)),
        ("-0", Value::Int(0)),
        ("42", Value::Int(42)),
        ("-42", Value::Int(-42)),
        ("9007199254740991", Value::Int(9_007_199_254_740_991)),
        ("-9007199254740991", Value::Int(-9_007_199_254_740_991)),
        ("1.5", Value::Float),
        ("-1.25e-7", Value::Float),
        ("\"\"", s("")),
        ("\"abc\"", s("abc")),
        (" \t\r\n 7 \n", Value::Int(7)),
    ]
}
