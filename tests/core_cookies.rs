#![cfg(not(target_arch = "wasm32"))]
//! `document.cookie` from hostile pages, and the strings the tag writes.

use adtag::core::cookie_write::{ONE_YEAR_SECS, delete_all, set};
use adtag::core::cookies::{
    Pair, PairError, TAG_PREFIXES, get, is_valid_name, opted_out, parse, tag_cookie_names,
};
use proptest::prelude::*;

fn ok<'a>(name: &'a str, value: &'a str) -> Result<Pair<'a>, PairError> {
    Ok(Pair { name, value })
}

#[test]
fn parse_table() {
    use PairError::*;
    let long = "x".repeat(100_000);
    let long_pair = format!("big={long}; a=1");
    let rows: Vec<(&str, Vec<Result<Pair, PairError>>)> = vec![
        ("", vec![]),
        ("   ", vec![]),
        ("a=1", vec![ok("a", "1")]),
        ("a=1; b=2", vec![ok("a", "1"), ok("b", "2")]),
        ("a=1;b=2", vec![ok("a", "1"), ok("b", "2")]),
        ("a=1;;b=2", vec![ok("a", "1"), Err(Empty), ok("b", "2")]),
        ("a=1; ; b=2", vec![ok("a", "1"), Err(Empty), ok("b", "2")]),
        ("a=1;", vec![ok("a", "1"), Err(Empty)]),
        (";a=1", vec![Err(Empty), ok("a", "1")]),
        ("junk; a=1", vec![Err(MissingEquals), ok("a", "1")]),
        ("=v; a=1", vec![Err(EmptyName), ok("a", "1")]),
        (" =v", vec![Err(EmptyName)]),
        ("=", vec![Err(EmptyName)]),
        ("a=", vec![ok("a", "")]),
        ("a=b=c", vec![ok("a", "b=c")]),
        ("  a  =  1  ", vec![ok("a", "1")]),
        ("\ta\t=\t1\t", vec![ok("a", "1")]),
        ("a=\"1\"", vec![ok("a", "1")]),
        ("a=\"\"", vec![ok("a", "")]),
        ("a=\"", vec![ok("a", "\"")]),
        ("a=\"x", vec![ok("a", "\"x")]),
        ("a=x\"", vec![ok("a", "x\"")]),
        ("a= \"x y\" ", vec![ok("a", "x y")]),
        ("a=%20%3B", vec![ok("a", "%20%3B")]),
        ("ä=ü; 名前=値", vec![ok("ä", "ü"), ok("名前", "値")]),
        ("a=\u{a0}x\u{a0}", vec![ok("a", "\u{a0}x\u{a0}")]),
        ("a b=1", vec![ok("a b", "1")]),
        ("a=1, b=2", vec![ok("a", "1, b=2")]),
        (&long_pair, vec![ok("big", &long), ok("a", "1")]),
    ];
    for (input, want) in rows {
        let got: Vec<_> = parse(input).collect();
        assert_eq!(got, want, "{input:?}");
    }
}

#[test]
fn get_table() {
    let rows = [
        ("a=1; b=2", "b", Some("2")),
        ("a=1; a=2", "a", Some("1")),
        ("junk; ;=x; a=1", "a", Some("1")),
        ("A=1", "a", None),
        ("ab=1", "a", None),
        ("a b=1", "b", None),
        ("x=a=1", "a", None),
        ("a", "a", None),
        ("", "a", None),
        ("=1", "", None),
        ("a=\"q\"", "a", Some("q")),
    ];
    for (cookies, name, want) in rows {
        assert_eq!(get(cookies, name), want, "{cookies:?} {name:?}");
    }
}

#[test]
fn opted_out_table() {
    let rows = [
        ("adtag_optout=1", true),
        ("x=2; adtag_optout=1; y=3", true),
        ("adtag_optout = 1 ", true),
        ("adtag_optout=\"1\"", true),
        ("adtag_optout=0", false),
        ("adtag_optout=", false),
        ("adtag_optout=11", false),
        ("adtag_optout=true", false),
        ("adtag_optout", false),
        // Several cookies of that name (other paths or domains): any `1` wins, wherever it is.
        ("adtag_optout=0; adtag_optout=1", true),
        ("adtag_optout=1; adtag_optout=0", true),
        ("adtag_optout=; x=1; adtag_optout=\"1\"", true),
        ("adtag_optout=0; junk; adtag_optout=2; adtag_optout=1 ", true),
        ("adtag_optout=0; adtag_optout=2", false),
        ("adtag_optout=0; ADTAG_OPTOUT=1", false),
        ("xadtag_optout=1", false),
        ("adtag_optoutx=1", false),
        ("ADTAG_OPTOUT=1", false),
        ("", false),
    ];
    for (cookies, want) in rows {
        assert_eq!(opted_out(cookies, "adtag_optout"), want, "{cookies:?}");
    }
    assert!(opted_out("my_opt=1", "my_opt"));
    assert!(!opted_out("=1", ""));
}

#[test]
fn tag_names() {
    let names = tag_cookie_names("12345");
    assert_eq!(
        names,
        [
            "v12345",
            "c12345",
            "l12345",
            "t12345",
            "spc12345",
            "spshc12345",
            "fr12345",
            "ps12345",
            "n12345",
            "e12345",
            "sid12345",
            "udi12345",
            "dp412345",
            "fro12345",
        ]
    );
    assert_eq!(names.len(), TAG_PREFIXES.len());
}

#[test]
fn valid_names() {
    let sixty_four = "a".repeat(64);
    let sixty_five = "a".repeat(65);
    for good in [
        "adtag_optout",
        "a",
        "A-b.c~!#$%&'*+^`|",
        sixty_four.as_str(),
    ] {
        assert!(is_valid_name(good), "{good:?}");
    }
    for bad in [
        "",
        sixty_five.as_str(),
        "a b",
        "a=b",
        "a;b",
        "a,b",
        "a\"b",
        "a(b)",
        "a/b",
        "a\\b",
        "a:b",
        "a@b",
        "a?b",
        "[a]",
        "{a}",
        "<a>",
        "a\tb",
        "a\nb",
        "ä",
        "a\u{7f}",
    ] {
        assert!(!is_valid_name(bad), "{bad:?}");
    }
}

#[test]
fn set_strings() {
    assert_eq!(
        set("adtag_optout", "1", ONE_YEAR_SECS, false),
        "adtag_optout=1; Max-Age=31536000; Path=/; SameSite=Lax"
    );
    assert_eq!(
        set("v12345", "abc", 0, true),
        "v12345=abc; Max-Age=0; Path=/; SameSite=Lax; Secure"
    );
    assert_eq!(
        set("a", "", u64::MAX, false),
        "a=; Max-Age=18446744073709551615; Path=/; SameSite=Lax"
    );
}

fn del(name: &str, domain: Option<&str>, secure: bool) -> String {
    let mut s = format!("{name}=; Max-Age=0; Path=/");
    if let Some(d) = domain {
        s.push_str("; Domain=");
        s.push_str(d);
    }
    s.push_str("; SameSite=Lax");
    if secure {
        s.push_str("; Secure");
    }
    s
}

#[test]
fn delete_all_table() {
    let rows: Vec<(&str, Vec<Option<&str>>)> = vec![
        (
            "www.example.com",
            vec![None, Some("www.example.com"), Some("example.com")],
        ),
        (
            "WWW.Example.COM.",
            vec![None, Some("www.example.com"), Some("example.com")],
        ),
        ("example.com", vec![None, Some("example.com")]),
        (
            "a.b.example.co.uk",
            vec![
                None,
                Some("a.b.example.co.uk"),
                Some("b.example.co.uk"),
                Some("example.co.uk"),
                Some("co.uk"),
            ],
        ),
        ("localhost", vec![None]),
        ("LOCALHOST", vec![None]),
        ("intranet", vec![None]),
        ("127.0.0.1", vec![None]),
        ("192.168.1.20", vec![None]),
        ("[::1]", vec![None]),
        ("::1", vec![None]),
        ("[2001:db8::1]", vec![None]),
        ("", vec![None]),
        (".", vec![None]),
    ];
    for (host, domains) in rows {
        for secure in [false, true] {
            let want: Vec<String> = domains.iter().map(|d| del("v1", *d, secure)).collect();
            assert_eq!(delete_all("v1", host, secure), want, "{host:?}");
        }
    }
}

#[test]
fn delete_all_odd_hosts_never_panic() {
    for host in [
        "..",
        "a..b",
        ".example.com",
        "a.",
        "...com",
        "ä.example",
        " x.y ",
    ] {
        let out = delete_all("n", host, true);
        assert_eq!(
            out.first().map(String::as_str),
            Some("n=; Max-Age=0; Path=/; SameSite=Lax; Secure")
        );
        assert!(
            out.iter()
                .all(|s| !s.contains("Domain=;") && !s.contains("Domain=.")),
            "{host:?}: {out:?}"
        );
    }
}

proptest! {
    #[test]
    fn parse_never_panics(s in ".{0,200}") {
        let n = parse(&s).count();
        prop_assert_eq!(n, if s.trim_matches(|c: char| c.is_ascii_whitespace()).is_empty() { 0 } else { s.split(';').count() });
        let _ = get(&s, "a");
        let _ = opted_out(&s, "adtag_optout");
    }

    #[test]
    fn finds_a_pair_among_junk(
        before in prop::collection::vec("[^;]{0,12}", 0..6),
        after in prop::collection::vec("[^;]{0,12}", 0..6),
        value in "[A-Za-z0-9%._-]{0,20}",
    ) {
        let name = "adtag_target";
        // Junk never names our cookie before it: the first pair of a name wins.
        prop_assume!(before.iter().all(|p| !p.contains(name)));
        let mut parts = before.clone();
        parts.push(format!(" {name}={value} "));
        parts.extend(after);
        let cookies = parts.join(";");
        prop_assert_eq!(get(&cookies, name), Some(value.as_str()));
        prop_assert_eq!(opted_out(&cookies, name), value == "1");
    }

    #[test]
    fn any_opt_out_among_duplicates_wins(
        values in prop::collection::vec(prop_oneof!["0", "1", "", "2", "true", " 1 "], 1..6),
        junk in prop::collection::vec("[a-z]{1,5}=[0-9]{0,2}", 0..4),
    ) {
        let mut parts: Vec<String> = values.iter().map(|v| format!("adtag_optout={v}")).collect();
        // Other cookies anywhere in between.
        for (i, j) in junk.iter().enumerate() {
            parts.insert(i % (parts.len() + 1), j.clone());
        }
        let cookies = parts.join("; ");
        prop_assert_eq!(opted_out(&cookies, "adtag_optout"), values.iter().any(|v| v.trim() == "1"), "{}", cookies);
    }

    #[test]
    fn delete_all_always_has_host_only(name in "[a-z0-9_]{1,10}", host in ".{0,40}", secure in any::<bool>()) {
        let out = delete_all(&name, &host, secure);
        prop_assert!(!out.is_empty());
        prop_assert!(!out[0].contains("Domain="));
        let prefix = [name.as_str(), "=; Max-Age=0; Path=/"].concat();
        prop_assert!(out.iter().all(|s| s.starts_with(&prefix)));
    }

    /// Cookie strings built from the characters that matter: `opted_out` is exactly "some
    /// pair named so has the value 1", and `is_valid_name` never panics.
    #[test]
    fn opted_out_matches_a_model(s in "[a_=1; \t\"]{0,40}") {
        let model = s.split(';').any(|pair| {
            let Some((n, v)) = pair.split_once('=') else { return false };
            let v = v.trim_ascii();
            let v = v.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(v);
            n.trim_ascii() == "a_" && v == "1"
        });
        prop_assert_eq!(opted_out(&s, "a_"), model, "{:?}", s);
        let _ = is_valid_name(&s);
    }
}
