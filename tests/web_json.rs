#![cfg(target_arch = "wasm32")]
//! The browser's JSON reader (`adtag::web::json::parse`: `JSON.parse`, copied into the core's
//! `json::Value`), held against the core's own reader (`json::parse`, which the native tests,
//! property tests and fuzz targets cover): the same answer wherever the module documents no
//! difference, the documented answer where it does, and a refusal (malformed) for what the
//! core refuses and `JSON.parse` takes (lone surrogates, nesting past `MAX_DEPTH`).

mod common;
mod json_cases;

use adtag::core::ad::{self, AdError, SlotSize};
use adtag::core::json::{self, MAX_DEPTH, Value};
use adtag::core::site_list::{self, ListError};
use adtag::core::targeting::{self, Problem, Source};
use adtag::web::json::parse;
use common::*;
use json_cases::s;
use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn obj(members: &[(&str, Value)]) -> Value {
    Value::Obj(members.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect())
}

/// Both readers give `want` (`None`: both refuse the text).
fn agree(text: &str, want: Option<Value>) {
    assert_eq!(json::parse(text).ok(), want, "core reader on {text:?}");
    assert_eq!(parse(text), want, "browser reader on {text:?}");
}

#[wasm_bindgen_test]
fn scalars_as_the_core_reads_them() {
    for (text, want) in json_cases::scalars() {
        agree(text, Some(want));
    }
}

#[wasm_bindgen_test]
fn numbers_past_exact_integers_are_never_guessed() {
    // JSON.parse rounds these to a neighbour (…993 reads as …992): no integer at all, where the
    // core's reader keeps the exact i64. Every caller takes small integers only.
    for text in [
        "9007199254740992",
        "9007199254740993",
        "-9007199254740992",
        "-9007199254740993",
        "9223372036854775807",
        "-9223372036854775808",
        "123456789012345678901234567890",
        "1e400",
        "-1e400",
    ] {
        assert_eq!(parse(text), Some(Value::Float), "{text}");
    }
    assert_eq!(parse("[1e400, -1e400]"), Some(Value::Arr(vec![Value::Float, Value::Float])));
}

#[wasm_bindgen_test]
fn whole_numbers_written_as_floats_are_the_integer_they_equal() {
    // JSON.parse can't tell these from `300`; the core's reader calls them Float.
    for (text, n) in [("300.0", 300), ("3e2", 300), ("3E+2", 300), ("-0.0", 0), ("1e-400", 0)] {
        assert_eq!(json::parse(text), Ok(Value::Float), "{text}");
        assert_eq!(parse(text), Some(Value::Int(n)), "{text}");
    }
}

#[wasm_bindgen_test]
fn strings_and_escapes_as_the_core_reads_them() {
    let cases = [
        (r#""a\"b""#, "a\"b"),
        (r#""\\ \/ \b \f \n \r \t""#, "\\ / \u{8} \u{c} \n \r \t"),
        (r#""\u0041\u00e9\u20AC""#, "Aé€"),
        (r#""\u0000""#, "\0"),
        (r#""\ud83d\ude00""#, "😀"),
        ("\"héllo ✓ 😀\"", "héllo ✓ 😀"),
        (r#""\u2028\u2029""#, "\u{2028}\u{2029}"),
        // A real U+FFFD is kept: only one standing in for a lone surrogate is refused.
        (r#""\ufffd""#, "\u{fffd}"),
        ("\"a\u{fffd}b\"", "a\u{fffd}b"),
        (r#""\ud83d\ude00\ufffd""#, "😀\u{fffd}"),
    ];
    for (text, want) in cases {
        agree(text, Some(s(want)));
    }
    agree(r#"{"\ufffd":"\ufffd"}"#, Some(obj(&[("\u{fffd}", s("\u{fffd}"))])));
}

#[wasm_bindgen_test]
fn lone_surrogates_are_refused_anywhere() {
    for text in [
        r#""\ud800""#,
        r#""\udc00""#,
        r#""\udfff""#,
        r#""a\ud800b""#,
        r#""\udc00\ud800""#,
        r#""\ufffd\ud800""#,
        r#"["ok", "\ud83d"]"#,
        r#"{"\ud800": 1}"#,
        r#"{"k": {"deep": ["\ude00"]}}"#,
    ] {
        agree(text, None);
    }
}

#[wasm_bindgen_test]
fn malformed_texts_are_refused_by_both() {
    for text in [
        "",
        " ",
        "{",
        "[1,]",
        r#"{"a":1,}"#,
        r#"{"a" 1}"#,
        "{a:1}",
        "01",
        "+1",
        ".5",
        "1.",
        "-",
        "tru",
        "nul",
        "NaN",
        "Infinity",
        "'a'",
        "\"\\x\"",
        "\"a\tb\"",
        "\"a\nb\"",
        "[1] x",
        "1 2",
        "\u{feff}{}",
        "/**/{}",
        "<html>",
    ] {
        agree(text, None);
    }
}

/// `n` arrays, one in the other, around `1`.
fn nested_arrays(n: usize) -> String {
    ["[".repeat(n), "1".to_owned(), "]".repeat(n)].concat()
}

/// `n` objects, one in the other (`{"a":{"a":…1}}`).
fn nested_objects(n: usize) -> String {
    [r#"{"a":"#.repeat(n), "1".to_owned(), "}".repeat(n)].concat()
}

#[wasm_bindgen_test]
fn nesting_stops_where_the_core_stops() {
    for n in [1, MAX_DEPTH - 1, MAX_DEPTH] {
        assert!(parse(&nested_arrays(n)).is_some(), "{n} arrays");
        assert!(parse(&nested_objects(n)).is_some(), "{n} objects");
        assert_eq!(parse(&nested_arrays(n)), json::parse(&nested_arrays(n)).ok());
        assert_eq!(parse(&nested_objects(n)), json::parse(&nested_objects(n)).ok());
    }
    for n in [MAX_DEPTH + 1, MAX_DEPTH + 2, 10_000] {
        agree(&nested_arrays(n), None);
        agree(&nested_objects(n), None);
    }
    // Mixed, one level too deep at the very end.
    let mixed = ["[{\"a\":".repeat(MAX_DEPTH / 2), "[]".to_owned(), "}]".repeat(MAX_DEPTH / 2)].concat();
    agree(&mixed, None);
    let fits = ["[{\"a\":".repeat(MAX_DEPTH / 2), "1".to_owned(), "}]".repeat(MAX_DEPTH / 2)].concat();
    assert!(parse(&fits).is_some());
    assert_eq!(parse(&fits), json::parse(&fits).ok());
}

#[wasm_bindgen_test]
fn a_repeated_key_keeps_its_last_value_once() {
    // JSON.parse's rule (the core's reader keeps the first): one member, at the first place.
    let v = parse(r#"{"id":"first","x":0,"id":"second"}"#);
    assert_eq!(v, Some(obj(&[("id", s("second")), ("x", Value::Int(0))])));
    assert_eq!(v.as_ref().and_then(|v| v.get("id")), Some(&s("second")));
    assert_eq!(
        json::parse(r#"{"id":"first","x":0,"id":"second"}"#).ok().and_then(|v| v.get("id").cloned()),
        Some(s("first"))
    );
}

#[wasm_bindgen_test]
fn members_come_in_the_order_javascript_keeps_them() {
    // Integer-like keys first, ascending, then the others in input order.
    assert_eq!(
        parse(r#"{"b":1,"10":2,"a":3,"2":4}"#),
        Some(obj(&[("2", Value::Int(4)), ("10", Value::Int(2)), ("b", Value::Int(1)), ("a", Value::Int(3))]))
    );
    // Without integer-like keys: input order, as the core's reader.
    agree(
        r#"{"z":[],"a":{},"m":null}"#,
        Some(obj(&[("z", Value::Arr(vec![])), ("a", obj(&[])), ("m", Value::Null)])),
    );
}

#[wasm_bindgen_test]
fn proto_is_a_member_like_any_other() {
    let text = r#"{"__proto__":{"id":"forged"},"constructor":"c","html":"h"}"#;
    let v = parse(text).expect("valid JSON");
    assert_eq!(
        v,
        obj(&[("__proto__", obj(&[("id", s("forged"))])), ("constructor", s("c")), ("html", s("h"))])
    );
    assert_eq!(v.get("id"), None, "no member comes from __proto__");
    assert_eq!(Some(v), json::parse(text).ok());
    agree(r#"{"__proto__":"x"}"#, Some(obj(&[("__proto__", s("x"))])));
}

/// Inherited properties a hostile page may put on every object and array: an enumerable value
/// and a getter that counts its calls. Removed on drop (and before, in case a failed test left
/// them behind).
struct PoisonedPrototypes;

const POISON: &str = "Object.prototype.html = 'forged'; \
    Object.defineProperty(Object.prototype, 'id', {configurable: true, \
      get() { globalThis.__adtagGetterCalls = (globalThis.__adtagGetterCalls || 0) + 1; return 'forged'; }}); \
    Object.defineProperty(Array.prototype, '0', {configurable: true, \
      get() { globalThis.__adtagGetterCalls = (globalThis.__adtagGetterCalls || 0) + 1; return 'forged'; }});";
const CLEAN: &str = "delete Object.prototype.html; delete Object.prototype.id; delete Array.prototype[0]; \
    delete globalThis.__adtagGetterCalls;";

impl PoisonedPrototypes {
    fn new() -> PoisonedPrototypes {
        Function::new_no_args(CLEAN).call0(&JsValue::NULL).expect("clean");
        Function::new_no_args(POISON).call0(&JsValue::NULL).expect("poison");
        PoisonedPrototypes
    }

    fn getter_calls(&self) -> JsValue {
        Reflect::get(&window(), &"__adtagGetterCalls".into()).expect("read the count")
    }
}

impl Drop for PoisonedPrototypes {
    fn drop(&mut self) {
        let _ = Function::new_no_args(CLEAN).call0(&JsValue::NULL);
    }
}

#[wasm_bindgen_test]
fn inherited_properties_and_getters_of_the_page_are_never_read() {
    let poison = PoisonedPrototypes::new();
    let v = parse(r#"{"width":300,"list":[],"inner":{}}"#);
    let calls = poison.getter_calls();
    // The poison is live: reading a missing key of JSON.parse's output, or an array's first
    // item by name, runs the page's getters.
    let live = Function::new_no_args("return JSON.parse('{}').id + [][0]").call0(&JsValue::NULL);
    let after = poison.getter_calls();
    drop(poison);
    assert_eq!(live.ok().and_then(|v| v.as_string()).as_deref(), Some("forgedforged"));
    assert_eq!(after.as_f64(), Some(2.0));
    assert_eq!(
        v,
        Some(obj(&[("width", Value::Int(300)), ("list", Value::Arr(vec![])), ("inner", obj(&[]))]))
    );
    assert!(calls.is_undefined(), "a getter of the page ran: {calls:?}");
}

/// `target[key]` replaced by `value` for the test, put back on drop.
struct Replaced {
    target: JsValue,
    key: &'static str,
    original: JsValue,
}

impl Replaced {
    fn new(target: JsValue, key: &'static str, value: &JsValue) -> Replaced {
        let original = Reflect::get(&target, &key.into()).expect("read the original");
        Reflect::set(&target, &key.into(), value).expect("replace it");
        Replaced { target, key, original }
    }
}

impl Drop for Replaced {
    fn drop(&mut self) {
        let _ = Reflect::set(&self.target, &self.key.into(), &self.original);
    }
}

fn global(name: &str) -> JsValue {
    Reflect::get(&window(), &name.into()).expect("a global")
}

#[wasm_bindgen_test]
fn a_page_that_breaks_json_parse_or_reflect_gets_a_refusal_not_an_exception() {
    let throwing = Function::new_no_args("throw new Error('broken by the page')");
    let good = r#"{"id":"a","html":"h","width":300,"height":250}"#;
    {
        let _broken = Replaced::new(global("JSON"), "parse", &throwing);
        assert_eq!(parse(good), None);
        assert_eq!(parse("1"), None);
    }
    {
        let _broken = Replaced::new(global("Reflect"), "ownKeys", &throwing);
        assert_eq!(parse(good), None);
        // Nothing but objects needs it.
        assert_eq!(parse(r#"["a",1]"#), Some(Value::Arr(vec![s("a"), Value::Int(1)])));
    }
    assert!(parse(good).is_some(), "restored");
}

#[wasm_bindgen_test]
fn top_level_values_of_any_kind_are_read_and_left_to_the_caller() {
    agree("[1,\"a\"]", Some(Value::Arr(vec![Value::Int(1), s("a")])));
    agree("\"str\"", Some(s("str")));
    let requested = [SlotSize { width: 300, height: 250 }];
    for body in ["null", "[]", "\"str\"", "42", r#"[{"id":"a","html":"h","width":300,"height":250}]"#] {
        assert_eq!(ad::render_plan_with(200, body, &requested, parse), Err(AdError::Malformed), "{body}");
    }
    assert_eq!(site_list::parse_with(200, r#"{"0":"example.com"}"#, parse), Err(ListError::WrongShape));
    let mut errors = Vec::new();
    let t = targeting::parse_with(r#"["k","v"]"#, Source::Slot, &mut errors, parse);
    assert!(t.is_empty());
    assert_eq!(errors.iter().map(|e| e.problem).collect::<Vec<_>>(), [Problem::NotAnObject]);
}

#[wasm_bindgen_test]
fn the_parsers_through_the_browser_reader() {
    let requested = [SlotSize { width: 300, height: 250 }];
    let good = r#"{"id":"ad-1","html":"<b>hi</b>","width":300,"height":250,"clickUrl":"https://adv.example/x"}"#;
    assert_eq!(
        ad::render_plan_with(200, good, &requested, parse),
        ad::render_plan(200, good, &requested),
    );
    assert!(ad::render_plan_with(200, good, &requested, parse).is_ok());
    // Refused as the core's reader refuses them: malformed, not a field error.
    for body in [
        r#"{"id":"\ud800","html":"h","width":300,"height":250}"#,
        &["{\"id\":\"a\",\"html\":\"h\",\"width\":300,\"height\":250,\"x\":", &nested_arrays(MAX_DEPTH), "}"].concat(),
    ] {
        assert_eq!(ad::render_plan_with(200, body, &requested, parse), Err(AdError::Malformed));
        assert_eq!(ad::render_plan(200, body, &requested), Err(AdError::Malformed));
    }
    // Rounded or unbounded numbers are never a size.
    let huge = r#"{"id":"a","html":"h","width":9007199254741293,"height":250}"#;
    assert_eq!(ad::render_plan_with(200, huge, &requested, parse), Err(AdError::BadField("width")));

    let list = r#"["example.com", "kids.example"]"#;
    assert_eq!(site_list::parse_with(200, list, parse), site_list::parse(200, list));
    assert!(site_list::parse_with(200, list, parse).is_ok_and(|l| l.covers("www.kids.example")));
    assert_eq!(site_list::parse_with(200, r#"["a.example","\udc00"]"#, parse), Err(ListError::Malformed));
    assert_eq!(site_list::parse_with(200, "[\"a.example\",]", parse), Err(ListError::Malformed));

    let mut errors = Vec::new();
    let t = targeting::parse_with(r#"{"k":["v1","v2"],"bad key":"x"}"#, Source::Slot, &mut errors, parse);
    assert_eq!(t.entries, [("k".to_owned(), vec!["v1".to_owned(), "v2".to_owned()])]);
    assert_eq!(errors.iter().map(|e| e.problem).collect::<Vec<_>>(), [Problem::BadKey]);
}

#[wasm_bindgen_test]
fn a_full_site_list_is_read_whole() {
    let entries: Vec<String> = (0..site_list::MAX_ENTRIES).map(|i| format!("\"site{i}.example\"")).collect();
    let body = ["[", &entries.join(","), "]"].concat();
    assert!(body.len() < site_list::MAX_LIST_BYTES);
    let list = site_list::parse_with(200, &body, parse).expect("a valid list");
    assert_eq!(list.len(), site_list::MAX_ENTRIES);
    assert!(list.covers("www.site19999.example"));
    let over = ["[\"x.example\",", &entries.join(","), "]"].concat();
    assert_eq!(site_list::parse_with(200, &over, parse), Err(ListError::TooManyEntries));
}

// --- generated documents --------------------------------------------------------------------

/// A small deterministic generator (xorshift), so a failure names its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Pieces of strings, escapes and surrogate pairs included, one of them a lone surrogate.
const PIECES: &[&str] = &[
    "a", "Z", "é", "✓", "😀", "\\u00e9", "\\ud83d\\ude00", "\\\"", "\\\\", "\\/", "\\n", "\\t",
    "\\u0000", "\\ufffd", "\u{fffd}", "__proto__", " ", "\\u2028", "\\udc00",
];

/// Appends a random JSON value `depth` levels deep at most, with unique, non-integer keys
/// (where JSON.parse and the core's reader are documented to differ, nothing is generated).
fn gen_value(rng: &mut Rng, out: &mut String, depth: usize) {
    let kind = if depth == 0 { rng.below(5) } else { rng.below(7) };
    match kind {
        0 => out.push_str(["null", "true", "false"][rng.below(3) as usize]),
        1 => {
            let n = rng.below(1 << 54) as i64 - (1 << 53);
            let n = n.clamp(-(1 << 53) + 1, (1 << 53) - 1);
            out.push_str(&n.to_string());
        }
        2 => out.push_str(["0", "-0", "7", "-1.5", "2.5e-3", "1e400"][rng.below(6) as usize]),
        3 | 4 => gen_string(rng, out),
        5 => {
            out.push('[');
            for i in 0..rng.below(4) {
                if i > 0 {
                    out.push(',');
                }
                gen_value(rng, out, depth - 1);
            }
            out.push(']');
        }
        _ => {
            out.push('{');
            for i in 0..rng.below(4) {
                if i > 0 {
                    out.push(',');
                }
                out.push('"');
                out.push_str(PIECES[rng.below(PIECES.len() as u64) as usize]);
                out.push_str(&["k", &i.to_string(), "\":"].concat());
                gen_value(rng, out, depth - 1);
            }
            out.push('}');
        }
    }
}

fn gen_string(rng: &mut Rng, out: &mut String) {
    out.push('"');
    for _ in 0..rng.below(5) {
        out.push_str(PIECES[rng.below(PIECES.len() as u64) as usize]);
    }
    out.push('"');
}

#[wasm_bindgen_test]
fn generated_documents_read_the_same_through_both_readers() {
    let mut refused = 0;
    for seed in 1..=400u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let mut text = String::new();
        gen_value(&mut rng, &mut text, [2, 4, 6][(seed % 3) as usize]);
        let core = json::parse(&text).ok();
        assert_eq!(parse(&text), core, "seed {seed}: {text}");
        refused += usize::from(core.is_none());
    }
    // The generator reaches both outcomes (a lone surrogate piece makes a refusal).
    assert!((1..400).contains(&refused), "{refused} of 400 refused");
}
