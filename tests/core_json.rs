#![cfg(not(target_arch = "wasm32"))]

use adtag::core::json::{self, JsonError, MAX_DEPTH, Value};
use proptest::prelude::*;

mod json_cases;
use json_cases::s;

#[test]
fn scalars() {
    // The core's own answers where the browser's reader differs (src/web/json.rs): integers
    // past 2^53, and whole numbers written as floats.
    let own: &[(&str, Value)] = &[
        ("9223372036854775807", Value::Int(i64::MAX)),
        ("-9223372036854775808", Value::Int(i64::MIN)),
        ("9223372036854775808", Value::Float),
        ("-9223372036854775809", Value::Float),
        ("123456789012345678901234567890", Value::Float),
        ("300.0", Value::Float),
        ("1e3", Value::Float),
        ("1E+3", Value::Float),
        ("0.0", Value::Float),
    ];
    let cases = json_cases::scalars().into_iter().chain(own.iter().cloned());
    for (input, want) in cases {
        assert_eq!(json::parse(input), Ok(want), "{input:?}");
    }
}

#[test]
fn bad_numbers() {
    let cases: &[(&str, JsonError)] = &[
        ("-", JsonError::Eof),
        ("- 1", JsonError::Unexpected(1)),
        ("01", JsonError::Trailing(1)),
        ("-01", JsonError::Trailing(2)),
        ("1.", JsonError::Eof),
        ("1.e3", JsonError::Unexpected(2)),
        (".5", JsonError::Unexpected(0)),
        ("+1", JsonError::Unexpected(0)),
        ("1e", JsonError::Eof),
        ("1e+", JsonError::Eof),
        ("1ex", JsonError::Unexpected(2)),
        ("0x10", JsonError::Trailing(1)),
        ("NaN", JsonError::Unexpected(0)),
        ("Infinity", JsonError::Unexpected(0)),
        ("-Infinity", JsonError::Unexpected(1)),
        ("1 2", JsonError::Trailing(2)),
    ];
    for (input, want) in cases {
        assert_eq!(json::parse(input), Err(*want), "{input:?}");
    }
}

#[test]
fn strings_and_escapes() {
    let cases: &[(&str, &str)] = &[
        (r#""a\"b""#, "a\"b"),
        (r#""\\ \/ \b \f \n \r \t""#, "\\ / \u{8} \u{c} \n \r \t"),
        (r#""\u0041\u00e9\u20AC""#, "Aé€"),
        (r#""\u0000""#, "\0"),
        (r#""\ud83d\ude00""#, "😀"),
        (r#""\uD83D\uDE00x""#, "😀x"),
        ("\"héllo ✓ 😀\"", "héllo ✓ 😀"),
        (r#""\u2028\u2029""#, "\u{2028}\u{2029}"),
        (r#""</script>""#, "</script>"),
    ];
    for (input, want) in cases {
        assert_eq!(json::parse(input), Ok(s(want)), "{input:?}");
    }
}

#[test]
fn bad_strings() {
    let cases: &[(&str, JsonError)] = &[
        ("\"abc", JsonError::Eof),
        ("\"", JsonError::Eof),
        ("\"a\\", JsonError::Eof),
        ("\"\\x\"", JsonError::BadString(2)),
        ("\"\\u12\"", JsonError::BadString(5)),
        ("\"\\u12", JsonError::Eof),
        ("\"\\uZZZZ\"", JsonError::BadString(3)),
        ("\"a\nb\"", JsonError::BadString(2)),
        ("\"a\tb\"", JsonError::BadString(2)),
        ("\"\u{1}\"", JsonError::BadString(1)),
        // Lone surrogates.
        (r#""\ud800""#, JsonError::BadString(2)),
        (r#""\udc00""#, JsonError::BadString(2)),
        (r#""\ud800x""#, JsonError::BadString(2)),
        (r#""\ud800\n""#, JsonError::BadString(2)),
        (r#""\ud800\u0041""#, JsonError::BadString(2)),
        (r#""\ud800\ud800""#, JsonError::BadString(2)),
        (r#""\udc00\ud800""#, JsonError::BadString(2)),
        ("'a'", JsonError::Unexpected(0)),
    ];
    for (input, want) in cases {
        assert_eq!(json::parse(input), Err(*want), "{input:?}");
    }
}

#[test]
fn containers() {
    assert_eq!(json::parse("[]"), Ok(Value::Arr(vec![])));
    assert_eq!(json::parse(" [ ] "), Ok(Value::Arr(vec![])));
    assert_eq!(json::parse("{}"), Ok(Value::Obj(vec![])));
    assert_eq!(
        json::parse(r#"[1, "a", null, [true], {"k": false}]"#),
        Ok(Value::Arr(vec![
            Value::Int(1),
            s("a"),
            Value::Null,
            Value::Arr(vec![Value::Bool(true)]),
            Value::Obj(vec![("k".into(), Value::Bool(false))]),
        ]))
    );
    // A repeated key stays in the object; `get` gives the first.
    let v = json::parse(r#"{"b": 1, "a": [2], "b": 3, "c": "x"}"#).unwrap();
    assert_eq!(
        v,
        Value::Obj(vec![
            ("b".into(), Value::Int(1)),
            ("a".into(), Value::Arr(vec![Value::Int(2)])),
            ("b".into(), Value::Int(3)),
            ("c".into(), s("x")),
        ])
    );
    assert_eq!(v.get("b"), Some(&Value::Int(1)));
    assert_eq!(v.get("c").and_then(Value::as_str), Some("x"));
    assert_eq!(
        v.get("a").and_then(Value::as_array),
        Some(&[Value::Int(2)][..])
    );
    assert_eq!(v.get("zz"), None);
    assert_eq!(
        json::parse(r#"{"\u0061": 1}"#).unwrap().get("a"),
        Some(&Value::Int(1))
    );
}

#[test]
fn accessors_on_wrong_types() {
    assert_eq!(Value::Int(3).get("a"), None);
    assert_eq!(Value::Arr(vec![]).get("a"), None);
    assert_eq!(Value::Int(3).as_str(), None);
    assert_eq!(Value::Float.as_int(), None);
    assert_eq!(s("3").as_int(), None);
    assert_eq!(Value::Obj(vec![]).as_array(), None);
    assert_eq!(Value::Int(-3).as_int(), Some(-3));
}

#[test]
fn bad_containers() {
    let cases: &[(&str, JsonError)] = &[
        ("", JsonError::Eof),
        ("   ", JsonError::Eof),
        ("[", JsonError::Eof),
        ("[1", JsonError::Eof),
        ("[1,", JsonError::Eof),
        ("[1,]", JsonError::Unexpected(3)),
        ("[,1]", JsonError::Unexpected(1)),
        ("[1 2]", JsonError::Unexpected(3)),
        ("{", JsonError::Eof),
        ("{\"a\"", JsonError::Eof),
        ("{\"a\":", JsonError::Eof),
        ("{\"a\":1,}", JsonError::Unexpected(7)),
        ("{\"a\" 1}", JsonError::Unexpected(5)),
        ("{a:1}", JsonError::Unexpected(1)),
        ("{1:1}", JsonError::Unexpected(1)),
        ("{\"a\":1]", JsonError::Unexpected(6)),
        ("[1}", JsonError::Unexpected(2)),
        ("{} {}", JsonError::Trailing(3)),
        ("[]]", JsonError::Trailing(2)),
        ("tru", JsonError::Eof),
        ("trux", JsonError::Unexpected(3)),
        ("nul", JsonError::Eof),
        ("True", JsonError::Unexpected(0)),
        ("null x", JsonError::Trailing(5)),
        ("\u{feff}1", JsonError::Unexpected(0)),
        ("\u{a0}1", JsonError::Unexpected(0)),
    ];
    for (input, want) in cases {
        assert_eq!(json::parse(input), Err(*want), "{input:?}");
    }
}

#[test]
fn depth_limit() {
    let nested = |n: usize, open: &str, close: &str| open.repeat(n) + &close.repeat(n);
    assert!(json::parse(&nested(MAX_DEPTH, "[", "]")).is_ok());
    assert_eq!(
        json::parse(&nested(MAX_DEPTH + 1, "[", "]")),
        Err(JsonError::TooDeep)
    );
    let objs = "{\"a\":".repeat(MAX_DEPTH) + "1" + &"}".repeat(MAX_DEPTH);
    assert!(json::parse(&objs).is_ok());
    let objs = "{\"a\":".repeat(MAX_DEPTH + 1) + "1" + &"}".repeat(MAX_DEPTH + 1);
    assert_eq!(json::parse(&objs), Err(JsonError::TooDeep));
    // Hostile depth never overflows the stack.
    assert_eq!(json::parse(&"[".repeat(1_000_000)), Err(JsonError::TooDeep));
    assert_eq!(
        json::parse(&"[{\"a\":".repeat(100_000)),
        Err(JsonError::TooDeep)
    );
}

/// Bodies as large as the readers accept (the site list's 512 KiB): every one is read
/// completely and correctly, in one pass. (Their speed is a benchmark figure, not a test:
/// the duplicate-key check this replaced took minutes on the first of them.)
const BIG: usize = 512 * 1024;

/// `{"k0":0,"k1":1,...}` up to about `BIG` bytes, with `keys` distinct keys, each repeated
/// `BIG`-fillingly: member i has key `k{i % keys}` and value i.
fn big_object(keys: usize) -> (String, usize) {
    let mut body = String::from("{");
    let mut n = 0;
    while body.len() < BIG - 32 {
        if n > 0 {
            body.push(',');
        }
        body.push_str(&format!("\"k{}\":{n}", n % keys));
        n += 1;
    }
    body.push('}');
    (body, n)
}

#[test]
fn an_object_with_tens_of_thousands_of_keys() {
    let (body, n) = big_object(usize::MAX);
    assert!(
        body.len() <= BIG && n > 30_000,
        "{} bytes, {n} keys",
        body.len()
    );
    let v = json::parse(&body).unwrap();
    let Value::Obj(members) = &v else {
        panic!("an object")
    };
    assert_eq!(members.len(), n);
    for i in [0, 1, n / 2, n - 1] {
        assert_eq!(v.get(&format!("k{i}")), Some(&Value::Int(i as i64)), "k{i}");
    }
    assert_eq!(v.get(&format!("k{n}")), None);
}

#[test]
fn an_object_of_one_key_repeated_tens_of_thousands_of_times() {
    for keys in [1, 2, 1000] {
        let (body, n) = big_object(keys);
        assert!(n > 30_000);
        let v = json::parse(&body).unwrap();
        // The first of each repeated key wins.
        for k in [0, keys - 1] {
            assert_eq!(
                v.get(&format!("k{k}")),
                Some(&Value::Int(k as i64)),
                "{keys} keys: k{k}"
            );
        }
    }
}

#[test]
fn long_strings_numbers_and_arrays() {
    // One string of 512 KiB, plain and all escapes.
    let plain = "x".repeat(BIG - 2);
    assert_eq!(
        json::parse(&format!("\"{plain}\"")),
        Ok(Value::Str(plain.clone()))
    );
    let escaped = "\\u0041".repeat((BIG - 2) / 6);
    assert_eq!(
        json::parse(&format!("\"{escaped}\"")),
        Ok(Value::Str("A".repeat((BIG - 2) / 6)))
    );
    let key = format!("{{\"{plain}\":1}}");
    assert_eq!(json::parse(&key).unwrap().get(&plain), Some(&Value::Int(1)));
    // A number of 512 Ki digits, whitespace, an array of 100 k items.
    assert_eq!(json::parse(&"9".repeat(BIG)), Ok(Value::Float));
    assert_eq!(json::parse(&(" ".repeat(BIG) + "1")), Ok(Value::Int(1)));
    let items = vec!["1"; BIG / 4].join(",");
    let v = json::parse(&format!("[{items}]")).unwrap();
    assert_eq!(v.as_array().map(<[Value]>::len), Some(BIG / 4));
    // Unterminated, each: an error, not a hang.
    assert_eq!(json::parse(&format!("\"{plain}")), Err(JsonError::Eof));
    assert_eq!(json::parse(&format!("[{items}")), Err(JsonError::Eof));
}

#[test]
fn deep_nesting_within_a_large_body() {
    // As deep as allowed, many times over, in one 512 KiB body.
    let one = "[".repeat(MAX_DEPTH - 1) + &"]".repeat(MAX_DEPTH - 1);
    let many = vec![one.as_str(); BIG / (2 * MAX_DEPTH)].join(",");
    let v = json::parse(&format!("[{many}]")).unwrap();
    assert_eq!(
        v.as_array().map(<[Value]>::len),
        Some(BIG / (2 * MAX_DEPTH))
    );
    // Objects too.
    let one = "{\"a\":".repeat(MAX_DEPTH - 1) + "1" + &"}".repeat(MAX_DEPTH - 1);
    let many = vec![one.as_str(); BIG / one.len()].join(",");
    assert!(json::parse(&format!("[{many}]")).is_ok());
    // One level too deep at the very end of a large body.
    let too_deep = format!(
        "[{many},{}]",
        "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH)
    );
    assert_eq!(json::parse(&too_deep), Err(JsonError::TooDeep));
}

#[test]
fn push_string_escapes() {
    let cases: &[(&str, &str)] = &[
        ("", r#""""#),
        ("plain", r#""plain""#),
        ("a\"b\\c", r#""a\"b\\c""#),
        ("\n\r\t\u{8}\u{c}", r#""\n\r\t\b\f""#),
        ("\0\u{1}\u{1f}", r#""\u0000\u0001\u001f""#),
        ("</script>", r#""\u003c/script\u003e""#),
        ("a&b", r#""a\u0026b""#),
        ("\u{2028}\u{2029}", r#""\u2028\u2029""#),
        ("é😀\u{7f}", "\"é😀\u{7f}\""),
    ];
    for (input, want) in cases {
        let mut out = String::from("x");
        json::push_string(&mut out, input);
        assert_eq!(out, format!("x{want}"), "{input:?}");
    }
}

#[test]
fn push_string_round_trips() {
    let input = "quote\" back\\ nl\n <tag> & \u{2028} \u{1} 😀";
    let mut out = String::new();
    json::push_string(&mut out, input);
    assert!(!out.contains('<') && !out.contains('>') && !out.contains('\n'));
    assert_eq!(json::parse(&out), Ok(Value::Str(input.to_string())));
}

proptest! {
    #[test]
    fn parse_never_panics(input in ".*") {
        let _ = json::parse(&input);
    }

    #[test]
    fn parse_never_panics_on_jsonish(input in r#"[\[\]{}":,\\u0-9a-fA-F.eE+\- tnrl]{0,64}"#) {
        let _ = json::parse(&input);
    }

    #[test]
    fn string_round_trip(input in any::<String>()) {
        let mut out = String::new();
        json::push_string(&mut out, &input);
        prop_assert_eq!(json::parse(&out), Ok(Value::Str(input)));
    }

    #[test]
    fn integers_round_trip(n in any::<i64>()) {
        prop_assert_eq!(json::parse(&n.to_string()), Ok(Value::Int(n)));
    }

    #[test]
    fn generated_documents_round_trip(v in json_value(), ws in prop::collection::vec(prop_oneof![Just(""), Just(" "), Just("\n\t "), Just("\r")], 1..8)) {
        let mut text = String::new();
        write(&mut text, &v, &ws, &mut 0);
        prop_assert_eq!(json::parse(&text), Ok(v.clone()), "{}", text);
        // Every prefix of a container that stops before its closing bracket is an error,
        // never a panic or a value.
        if matches!(v, Value::Arr(_) | Value::Obj(_)) {
            let end = text.trim_end().len() - 1;
            for cut in (0..=end).filter(|&i| text.is_char_boundary(i)) {
                prop_assert!(json::parse(&text[..cut]).is_err(), "{:?}", &text[..cut]);
            }
        }
    }

    /// Any single byte changed in a valid document: an answer or an error, never a panic.
    #[test]
    fn corrupted_documents_never_panic(v in json_value(), at in any::<prop::sample::Index>(), b in 0u8..128) {
        let mut text = String::new();
        write(&mut text, &v, &[" "], &mut 0);
        let mut bytes = text.into_bytes();
        let i = at.index(bytes.len().max(1)).min(bytes.len().saturating_sub(1));
        if let Some(x) = bytes.get_mut(i) {
            *x = b;
        }
        if let Ok(t) = String::from_utf8(bytes) {
            let _ = json::parse(&t);
        }
    }
}

/// JSON values the parser gives back exactly: no floats, unique keys (a repeated key is
/// kept too, but `get` would see only the first), nesting within `MAX_DEPTH`.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::Int),
        any::<String>().prop_map(Value::Str),
    ];
    leaf.prop_recursive(8, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Arr),
            prop::collection::btree_map(".{0,6}", inner, 0..6)
                .prop_map(|m| Value::Obj(m.into_iter().collect())),
        ]
    })
}

/// `v` as JSON text, with the whitespace pieces `ws` (in turn) between tokens.
fn write(out: &mut String, v: &Value, ws: &[&str], turn: &mut usize) {
    fn gap(out: &mut String, ws: &[&str], turn: &mut usize) {
        out.push_str(ws[*turn % ws.len()]);
        *turn += 1;
    }
    let gap = |out: &mut String, turn: &mut usize| gap(out, ws, turn);
    gap(out, turn);
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(n) => out.push_str(&n.to_string()),
        Value::Float => out.push_str("1.5e3"),
        Value::Str(s) => json::push_string(out, s),
        Value::Arr(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(out, item, ws, turn);
            }
            gap(out, turn);
            out.push(']');
        }
        Value::Obj(members) => {
            out.push('{');
            for (i, (k, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                gap(out, turn);
                json::push_string(out, k);
                gap(out, turn);
                out.push(':');
                write(out, item, ws, turn);
            }
            gap(out, turn);
            out.push('}');
        }
    }
    gap(out, turn);
}
