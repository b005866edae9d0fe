#![cfg(not(target_arch = "wasm32"))]

use adtag::core::events::{Context, Event, Kind, to_json};
use adtag::core::json::{self, Value};
use proptest::prelude::*;

const UID: &str = "0123456789abcdef0123456789abcdef";
const SID: &str = "fedcba9876543210fedcba9876543210";
const EID: &str = "00112233445566778899aabbccddeeff";

fn ctx(page: &str) -> Context {
    Context {
        publisher: "12345".into(),
        uid: UID.into(),
        sid: SID.into(),
        page: page.into(),
    }
}

fn ev(kind: Kind) -> Event {
    Event {
        id: EID.into(),
        kind,
        ts_ms: 1_700_000_000_123,
    }
}

fn head(ty: &str) -> String {
    format!(
        "{{\"id\":\"{EID}\",\"type\":\"{ty}\",\"ts\":1700000000123,\"pub\":\"12345\",\"uid\":\"{UID}\",\
         \"sid\":\"{SID}\",\"page\":\"https://news.example/a?b=1\""
    )
}

fn ad(slot: &str, ad: &str) -> (String, String) {
    (slot.into(), ad.into())
}

#[test]
fn type_names() {
    let (s, a) = ad("s", "a");
    assert_eq!(Kind::PageView { visits: 1 }.type_name(), "page_view");
    assert_eq!(
        Kind::AdImpression {
            slot: s.clone(),
            ad: a.clone()
        }
        .type_name(),
        "ad_impression"
    );
    assert_eq!(
        Kind::AdViewable {
            slot: s.clone(),
            ad: a.clone()
        }
        .type_name(),
        "ad_viewable"
    );
    assert_eq!(Kind::AdClick { slot: s, ad: a }.type_name(), "ad_click");
    assert_eq!(
        Kind::SessionEnd { duration_ms: 0 }.type_name(),
        "session_end"
    );
}

#[test]
fn page_view_json() {
    let j = to_json(&ev(Kind::PageView { visits: 7 }), &ctx("https://news.example/a?b=1"));
    assert_eq!(j, head("page_view") + ",\"visits\":7}");
    let j = to_json(&ev(Kind::PageView { visits: u32::MAX }), &ctx("https://news.example/a?b=1"));
    assert_eq!(j, head("page_view") + ",\"visits\":4294967295}");
}

#[test]
fn ad_events_json() {
    let c = ctx("https://news.example/a?b=1");
    let (s, a) = ad("top-banner", "cr-42");
    let tail = ",\"slot\":\"top-banner\",\"ad\":\"cr-42\"}";
    let cases = [
        (
            Kind::AdImpression {
                slot: s.clone(),
                ad: a.clone(),
            },
            "ad_impression",
        ),
        (
            Kind::AdViewable {
                slot: s.clone(),
                ad: a.clone(),
            },
            "ad_viewable",
        ),
        (Kind::AdClick { slot: s, ad: a }, "ad_click"),
    ];
    for (kind, ty) in cases {
        assert_eq!(to_json(&ev(kind), &c), head(ty) + tail);
    }
}

#[test]
fn session_end_json() {
    let c = ctx("https://news.example/a?b=1");
    assert_eq!(
        to_json(
            &ev(Kind::SessionEnd {
                duration_ms: 93_021
            }),
            &c
        ),
        head("session_end") + ",\"duration_ms\":93021}"
    );
    assert_eq!(
        to_json(&ev(Kind::SessionEnd { duration_ms: 0 }), &c),
        head("session_end") + ",\"duration_ms\":0}"
    );
}

#[test]
fn integer_extremes() {
    let e = Event {
        id: EID.into(),
        kind: Kind::SessionEnd {
            duration_ms: u64::MAX,
        },
        ts_ms: 0,
    };
    let j = to_json(&e, &ctx(""));
    assert!(j.contains(",\"ts\":0,"), "{j}");
    assert!(j.ends_with(",\"duration_ms\":18446744073709551615}"), "{j}");
    for n in [1u64, 9, 10, 99, 100, 1_000_000, 4_294_967_296] {
        let e = Event {
            id: EID.into(),
            kind: Kind::PageView { visits: 1 },
            ts_ms: n,
        };
        assert!(to_json(&e, &ctx("")).contains(&format!(",\"ts\":{n},")));
    }
}

#[test]
fn hostile_page_url_is_escaped() {
    let page = "https://x.example/\"></script><script>alert(1)</script>\n\r\t\\&q=\u{e9}\u{1f600}\u{2028}\u{0}";
    let j = to_json(&ev(Kind::PageView { visits: 1 }), &ctx(page));
    let expected_page = "\"https://x.example/\\\"\\u003e\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\
                         \\u003c/script\\u003e\\n\\r\\t\\\\\\u0026q=\u{e9}\u{1f600}\\u2028\\u0000\"";
    assert_eq!(
        j,
        format!(
            "{{\"id\":\"{EID}\",\"type\":\"page_view\",\"ts\":1700000000123,\"pub\":\"12345\",\
         \"uid\":\"{UID}\",\"sid\":\"{SID}\",\"page\":{expected_page},\"visits\":1}}"
        )
    );
    // Whatever the escape spelling: nothing that can end a <script> or a JS string.
    for bad in ["<", ">", "&", "\n", "\r", "\u{2028}", "\u{0}"] {
        assert!(!j.contains(bad), "raw {bad:?} in {j}");
    }
    assert_eq!(
        json::parse(&j).unwrap().get("page").and_then(Value::as_str),
        Some(page)
    );
}

#[test]
fn hostile_ad_fields_and_context_are_escaped() {
    let c = Context {
        publisher: "1\"2".into(),
        uid: "u</script>".into(),
        sid: "s\n".into(),
        page: "p".into(),
    };
    let e = Event {
        id: "i\"d".into(),
        kind: Kind::AdClick {
            slot: "sl\"ot</script>".into(),
            ad: "a\u{2029}d".into(),
        },
        ts_ms: 5,
    };
    let j = to_json(&e, &c);
    assert!(!j.contains("</script"), "{j}");
    let v = json::parse(&j).unwrap();
    let field = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    assert_eq!(field("id").as_deref(), Some("i\"d"));
    assert_eq!(field("pub").as_deref(), Some("1\"2"));
    assert_eq!(field("uid").as_deref(), Some("u</script>"));
    assert_eq!(field("sid").as_deref(), Some("s\n"));
    assert_eq!(field("slot").as_deref(), Some("sl\"ot</script>"));
    assert_eq!(field("ad").as_deref(), Some("a\u{2029}d"));
    assert_eq!(field("type").as_deref(), Some("ad_click"));
    assert_eq!(v.get("ts").and_then(Value::as_int), Some(5));
}

fn kind_strategy() -> impl Strategy<Value = Kind> {
    prop_oneof![
        any::<u32>().prop_map(|visits| Kind::PageView { visits }),
        (any::<String>(), any::<String>()).prop_map(|(slot, ad)| Kind::AdImpression { slot, ad }),
        (any::<String>(), any::<String>()).prop_map(|(slot, ad)| Kind::AdViewable { slot, ad }),
        (any::<String>(), any::<String>()).prop_map(|(slot, ad)| Kind::AdClick { slot, ad }),
        (0u64..=i64::MAX as u64).prop_map(|duration_ms| Kind::SessionEnd { duration_ms }),
    ]
}

proptest! {
    #[test]
    fn always_valid_json_with_the_exact_keys(
        kind in kind_strategy(),
        id in any::<String>(),
        ts in 0u64..=i64::MAX as u64,
        page in any::<String>(),
        publisher in "[0-9]{1,8}",
    ) {
        let c = Context { publisher: publisher.clone(), uid: UID.into(), sid: SID.into(), page: page.clone() };
        let e = Event { id: id.clone(), kind: kind.clone(), ts_ms: ts };
        let j = to_json(&e, &c);
        prop_assert!(!j.contains('<') && !j.contains('\n'));
        let v = json::parse(&j).unwrap();
        let Value::Obj(pairs) = &v else { return Err(TestCaseError::fail("not an object")) };
        let keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
        let mut expected = vec!["id", "type", "ts", "pub", "uid", "sid", "page"];
        match &kind {
            Kind::PageView { visits } => {
                expected.push("visits");
                prop_assert_eq!(v.get("visits").and_then(Value::as_int), Some(i64::from(*visits)));
            }
            Kind::SessionEnd { duration_ms } => {
                expected.push("duration_ms");
                prop_assert_eq!(v.get("duration_ms").and_then(Value::as_int), Some(*duration_ms as i64));
            }
            Kind::AdImpression { slot, ad } | Kind::AdViewable { slot, ad } | Kind::AdClick { slot, ad } => {
                expected.extend(["slot", "ad"]);
                prop_assert_eq!(v.get("slot").and_then(Value::as_str), Some(slot.as_str()));
                prop_assert_eq!(v.get("ad").and_then(Value::as_str), Some(ad.as_str()));
            }
        }
        prop_assert_eq!(keys, expected);
        prop_assert_eq!(v.get("id").and_then(Value::as_str), Some(id.as_str()));
        prop_assert_eq!(v.get("type").and_then(Value::as_str), Some(kind.type_name()));
        prop_assert_eq!(v.get("ts").and_then(Value::as_int), Some(ts as i64));
        prop_assert_eq!(v.get("pub").and_then(Value::as_str), Some(publisher.as_str()));
        prop_assert_eq!(v.get("page").and_then(Value::as_str), Some(page.as_str()));
    }
}
