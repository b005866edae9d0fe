#![cfg(not(target_arch = "wasm32"))]
//! Key-value targeting (SPEC §8): validation by entry, slot over page, the `tgt` value.

use adtag::core::targeting::{
    self, MAX_JSON_BYTES, MAX_PARAM_BYTES, Problem, Source, Targeting, TargetingError,
};
use proptest::prelude::*;

use Problem::*;
use Source::{Page, Slot};

fn err(
    source: Source,
    problem: Problem,
    key: impl Into<String>,
    value: impl Into<String>,
) -> TargetingError {
    TargetingError {
        source,
        problem,
        key: key.into(),
        value: value.into(),
    }
}

/// Keys with their values, as a table writes them.
type Pairs<'a> = &'a [(&'a str, &'a [&'a str])];

fn entries(pairs: Pairs<'_>) -> Targeting {
    Targeting {
        entries: pairs
            .iter()
            .map(|(k, vs)| (k.to_string(), vs.iter().map(|v| v.to_string()).collect()))
            .collect(),
    }
}

fn parse(json: &str) -> (Targeting, Vec<TargetingError>) {
    let mut errors = Vec::new();
    let t = targeting::parse(json, Slot, &mut errors);
    (t, errors)
}

#[test]
fn good_targeting() {
    let cases: &[(&str, Pairs<'_>)] = &[
        ("{}", &[]),
        (r#"{"section":"sport"}"#, &[("section", &["sport"])]),
        (
            r#" {"section":["sport","news"],"pos":"top"} "#,
            &[("section", &["sport", "news"]), ("pos", &["top"])],
        ),
        (r#"{"A_b-9":"x y"}"#, &[("A_b-9", &["x y"])]),
        (r#"{"k":["a","a","b"]}"#, &[("k", &["a", "b"])]),
        (r#"{"k":"é😀 %/?:@.$"}"#, &[("k", &["é😀 %/?:@.$"])]),
        (r#"{"k":"1","k":"2"}"#, &[("k", &["1"])]),
        (
            r#"{"abcdefghijklmnopqrst":"0123456789012345678901234567890123456789"}"#,
            &[(
                "abcdefghijklmnopqrst",
                &["0123456789012345678901234567890123456789"],
            )],
        ),
    ];
    for (json, want) in cases {
        assert_eq!(parse(json), (entries(want), vec![]), "{json}");
    }
}

#[test]
fn each_bad_entry_is_named_and_left_out() {
    let s = |v: &str| v.to_string();
    let cases: &[(&str, Pairs<'_>, Vec<TargetingError>)] = &[
        ("", &[], vec![err(Slot, NotAnObject, "", "")]),
        ("section=sport", &[], vec![err(Slot, NotAnObject, "", "")]),
        (r#"["a"]"#, &[], vec![err(Slot, NotAnObject, "", "")]),
        (r#""a""#, &[], vec![err(Slot, NotAnObject, "", "")]),
        ("null", &[], vec![err(Slot, NotAnObject, "", "")]),
        (r#"{"a":"b""#, &[], vec![err(Slot, NotAnObject, "", "")]),
        (
            r#"{"bad key":"x","ok":"y"}"#,
            &[("ok", &["y"])],
            vec![err(Slot, BadKey, s("bad key"), "")],
        ),
        (
            r#"{"":"x","abcdefghijklmnopqrstu":"x","é":"x","a.b":"x","a=b":"x"}"#,
            &[],
            vec![
                err(Slot, BadKey, s(""), ""),
                err(Slot, BadKey, s("abcdefghijklmnopqrstu"), ""),
                err(Slot, BadKey, s("é"), ""),
                err(Slot, BadKey, s("a.b"), ""),
                err(Slot, BadKey, s("a=b"), ""),
            ],
        ),
        (
            r#"{"n":1,"b":true,"z":null,"o":{},"e":[],"m":["a",1],"ok":"y"}"#,
            &[("ok", &["y"])],
            vec![
                err(Slot, BadType, s("n"), ""),
                err(Slot, BadType, s("b"), ""),
                err(Slot, BadType, s("z"), ""),
                err(Slot, BadType, s("o"), ""),
                err(Slot, BadType, s("e"), ""),
                err(Slot, BadType, s("m"), ""),
            ],
        ),
        (
            r#"{"k":["ok","a,b","","x&y=z","tab\tbed","01234567890123456789012345678901234567890"]}"#,
            &[("k", &["ok"])],
            vec![
                err(Slot, BadValue, s("k"), s("a,b")),
                err(Slot, BadValue, s("k"), s("")),
                err(Slot, BadValue, s("k"), s("x&y=z")),
                err(Slot, BadValue, s("k"), s("tab\tbed")),
                err(
                    Slot,
                    BadValue,
                    s("k"),
                    s("01234567890123456789012345678901234567890"),
                ),
            ],
        ),
        (
            r#"{"k":"<script>"}"#,
            &[],
            vec![err(Slot, BadValue, s("k"), s("<script>"))],
        ),
        (
            r#"{"k":["1","2","3","4","5","6","7","8","9","10","11","12"]}"#,
            &[("k", &["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"])],
            vec![err(Slot, TooManyValues, s("k"), "")],
        ),
    ];
    for (json, want, errors) in cases {
        assert_eq!(parse(json), (entries(want), errors.clone()), "{json}");
    }
    // Every character Google Ad Manager refuses in values is refused here too.
    for c in "\"'=!+#*~;^()<>[],&".chars() {
        let value = format!("a{c}b");
        let json = format!(r#"{{"k":{}}}"#, serde_like_string(&value));
        assert_eq!(
            parse(&json).1,
            vec![err(Slot, BadValue, s("k"), value)],
            "{c}"
        );
    }
}

/// A JSON string literal (the test has no serde).
fn serde_like_string(v: &str) -> String {
    let mut out = String::new();
    adtag::core::json::push_string(&mut out, v);
    out
}

#[test]
fn at_most_twenty_keys_per_source() {
    let keys: Vec<String> = (0..25).map(|i| format!(r#""k{i}":"v""#)).collect();
    let (t, errors) = parse(&format!("{{{}}}", keys.join(",")));
    assert_eq!(t.entries.len(), 20);
    assert_eq!(t.entries[19].0, "k19");
    let want: Vec<TargetingError> = (20..25)
        .map(|i| err(Slot, TooManyKeys, format!("k{i}"), ""))
        .collect();
    assert_eq!(errors, want);
}

#[test]
fn oversized_json_is_refused_unread() {
    let big = format!(r#"{{"k":"v"{}}}"#, " ".repeat(MAX_JSON_BYTES));
    assert_eq!(
        parse(&big),
        (Targeting::default(), vec![err(Slot, NotAnObject, "", "")])
    );
    let deep = "[".repeat(100);
    assert_eq!(parse(&deep).1, vec![err(Slot, NotAnObject, "", "")]);
}

#[test]
fn slot_keys_override_page_keys() {
    let page = entries(&[("section", &["home"]), ("lang", &["en"]), ("pos", &["any"])]);
    let slot = entries(&[("pos", &["top", "atf"]), ("size", &["big"])]);
    let mut errors = Vec::new();
    assert_eq!(
        targeting::param(&page, &slot, &mut errors),
        "pos=top,atf&size=big&section=home&lang=en"
    );
    assert!(errors.is_empty());
    assert_eq!(
        targeting::param(&page, &Targeting::default(), &mut errors),
        "section=home&lang=en&pos=any"
    );
    assert_eq!(
        targeting::param(&Targeting::default(), &slot, &mut errors),
        "pos=top,atf&size=big"
    );
    assert_eq!(
        targeting::param(&Targeting::default(), &Targeting::default(), &mut errors),
        ""
    );
    assert!(errors.is_empty());
}

#[test]
fn param_encodes_keys_and_values() {
    let slot = entries(&[("k", &["a b", "50%", "é", "x/y?z"])]);
    let mut errors = Vec::new();
    assert_eq!(
        targeting::param(&Targeting::default(), &slot, &mut errors),
        "k=a%20b,50%25,%C3%A9,x%2Fy%3Fz"
    );
}

#[test]
fn param_stays_within_its_budget() {
    // 20 keys × 10 values of 40 characters each would be 8 KB; keys past 1024 bytes are
    // left out and named, the slot's first.
    let value = "v".repeat(40);
    let values: Vec<&str> = (0..10).map(|_| value.as_str()).collect();
    let page_keys: Vec<String> = (0..3).map(|i| format!("p{i}")).collect();
    let slot_keys: Vec<String> = (0..3).map(|i| format!("s{i}")).collect();
    let build = |keys: &[String]| Targeting {
        entries: keys
            .iter()
            .map(|k| (k.clone(), values.iter().map(|v| v.to_string()).collect()))
            .collect(),
    };
    let mut errors = Vec::new();
    let tgt = targeting::param(&build(&page_keys), &build(&slot_keys), &mut errors);
    assert!(tgt.len() <= MAX_PARAM_BYTES, "{}", tgt.len());
    assert!(tgt.starts_with("s0=") && tgt.contains("&s1="), "{tgt}");
    assert_eq!(
        errors,
        vec![
            err(Slot, TooLong, "s2", ""),
            err(Page, TooLong, "p0", ""),
            err(Page, TooLong, "p1", ""),
            err(Page, TooLong, "p2", ""),
        ]
    );
    // A smaller key after a dropped one still fits.
    let small = entries(&[("z", &["1"])]);
    let mut slot = build(&slot_keys);
    slot.entries.extend(small.entries);
    let mut errors = Vec::new();
    assert!(targeting::param(&Targeting::default(), &slot, &mut errors).ends_with("&z=1"));
}

#[test]
fn messages_name_the_source_the_key_and_the_problem() {
    let cases: &[(TargetingError, &str)] = &[
        (
            err(Slot, NotAnObject, "", ""),
            "adtag: targeting (data-adtag-targeting) ignored: must be a JSON object of strings or arrays of strings",
        ),
        (
            err(Page, NotAnObject, "", ""),
            "adtag: targeting (adtag.config.targeting) ignored: must be a JSON object of strings or arrays of strings",
        ),
        (
            err(Slot, BadKey, "a b", ""),
            "adtag: targeting (data-adtag-targeting) key \"a b\" ignored: must be 1 to 20 letters, digits, _ or -",
        ),
        (
            err(Page, BadType, "n", ""),
            "adtag: targeting (adtag.config.targeting) key \"n\" ignored: its value must be a string or an array of strings",
        ),
        (
            err(Slot, BadValue, "k", "a,b"),
            "adtag: targeting (data-adtag-targeting) key \"k\" value \"a,b\" ignored: values are 1 to 40 characters, none of \"'=!+#*~;^()<>[],& or control characters",
        ),
        (
            err(Slot, TooManyValues, "k", ""),
            "adtag: targeting (data-adtag-targeting) key \"k\" has more than 10 values: the first 10 are sent",
        ),
        (
            err(Page, TooManyKeys, "k21", ""),
            "adtag: targeting (adtag.config.targeting) key \"k21\" ignored: more than 20 keys",
        ),
        (
            err(Slot, TooLong, "k", ""),
            "adtag: targeting (data-adtag-targeting) key \"k\" ignored: targeting over 1024 bytes",
        ),
    ];
    for (err, want) in cases {
        assert_eq!(err.to_string(), *want);
    }
    let err = err(Slot, BadValue, "k", "a\nb");
    assert!(!err.to_string().contains('\n'));
}

proptest! {
    #[test]
    fn parse_never_panics_and_keeps_only_valid_entries(input in r#"\{("[a-z ,=é]{0,4}":(\[("[a-z ,=&é]{0,5}",?){0,12}\]|"[a-z ,&é]{0,5}"|1|null),?){0,25}\}|.*"#) {
        let (t, errors) = parse(&input);
        prop_assert!(t.entries.len() <= targeting::MAX_KEYS);
        for (k, vs) in &t.entries {
            prop_assert!(!k.is_empty() && k.len() <= targeting::MAX_KEY_LEN);
            prop_assert!(!vs.is_empty() && vs.len() <= targeting::MAX_VALUES);
            for v in vs {
                prop_assert!(!v.contains([',', '&', '=']));
            }
        }
        for e in &errors {
            let msg = e.to_string();
            prop_assert!(msg.starts_with("adtag: targeting (") && !msg.contains('\n'));
        }
        let mut more = Vec::new();
        let tgt = targeting::param(&t, &t, &mut more);
        prop_assert!(tgt.len() <= MAX_PARAM_BYTES);
        // Round trip: the server splits on & , = and percent-decodes.
        let mut back = Vec::new();
        for pair in tgt.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap();
            back.push((k.to_string(), v.split(',').map(|x| x.to_string()).collect::<Vec<_>>()));
        }
        prop_assert_eq!(back.len() + more.len(), t.entries.len());
    }
}
