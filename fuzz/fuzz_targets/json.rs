//! The JSON reader (ad answers, the site list) on any bytes the network sends. What it
//! reads, written back out with the same string writer the tag uses, reads back the same.
#![no_main]

use adtag::core::json::{MAX_DEPTH, Value, parse, push_string};
use libfuzzer_sys::fuzz_target;

fn write(v: &Value, out: &mut String) -> usize {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(n) => out.push_str(&n.to_string()),
        Value::Float => out.push_str("0.5"),
        Value::Str(s) => {
            let start = out.len();
            push_string(out, s);
            // Safe inside an HTML <script>: no raw `<`, `>`, `&` or line separators.
            let lit = &out[start..];
            assert!(!lit.contains(['<', '>', '&', '\u{2028}', '\u{2029}']), "{lit:?}");
            assert!(!lit.contains(|c: char| c < ' '), "{lit:?}");
        }
        Value::Arr(items) => {
            out.push('[');
            let mut depth = 0;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                depth = depth.max(write(item, out));
            }
            out.push(']');
            return depth + 1;
        }
        Value::Obj(members) => {
            out.push('{');
            let mut depth = 0;
            for (i, (k, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_string(out, k);
                out.push(':');
                depth = depth.max(write(item, out));
            }
            out.push('}');
            assert!(
                members.iter().enumerate().all(|(i, (k, _))| !members[..i].iter().any(|(j, _)| j == k)),
                "duplicate key kept"
            );
            return depth + 1;
        }
    }
    0
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(v) = parse(text) else { return };
    let mut out = String::new();
    let depth = write(&v, &mut out);
    assert!(depth <= MAX_DEPTH, "depth {depth}");
    assert_eq!(parse(&out), Ok(v), "{out:?}");
});
