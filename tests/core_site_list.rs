#![cfg(not(target_arch = "wasm32"))]
//! The child-directed site list: hostile responses, and whole-label matching.

use adtag::core::site_list::{
    ListError, MAX_ENTRIES, MAX_LIST_BYTES, SiteList, is_address, normalize_host, parse,
};
use proptest::prelude::*;

fn list(body: &str) -> SiteList {
    parse(200, body).unwrap()
}

#[test]
fn response_table() {
    use ListError::*;
    let too_many = format!("[{}]", vec!["\"a.com\""; MAX_ENTRIES + 1].join(","));
    let max_entries = format!("[{}]", vec!["\"a.com\""; MAX_ENTRIES].join(","));
    // Too large even though it is not JSON: the length is checked before parsing.
    let too_large = "x".repeat(MAX_LIST_BYTES + 1);
    let padded = format!("[\"a.com\"{}]", " ".repeat(MAX_LIST_BYTES - 9));
    let deep = format!("{}{}", "[".repeat(1000), "]".repeat(1000));
    let rows: Vec<(u16, &str, Result<usize, ListError>)> = vec![
        (200, "[]", Ok(0)),
        (200, " [\"example.com\"] ", Ok(1)),
        (200, "[\"a.com\",\"b.org\",\"a.com\"]", Ok(3)),
        (404, "[\"example.com\"]", Err(Status(404))),
        (500, "", Err(Status(500))),
        (204, "", Err(Status(204))),
        (0, "", Err(Status(0))),
        (201, "[]", Err(Status(201))),
        (200, "", Err(Malformed)),
        (200, "<html>error</html>", Err(Malformed)),
        (200, "[\"a.com\",]", Err(Malformed)),
        (200, "[\"a.com\"", Err(Malformed)),
        (200, "[\"a.com\"] x", Err(Malformed)),
        (200, &deep, Err(Malformed)),
        (200, "{}", Err(WrongShape)),
        (200, "{\"sites\":[\"a.com\"]}", Err(WrongShape)),
        (200, "\"a.com\"", Err(WrongShape)),
        (200, "null", Err(WrongShape)),
        (200, "[\"a.com\", 1]", Err(WrongShape)),
        (200, "[\"a.com\", null]", Err(WrongShape)),
        (200, "[[\"a.com\"]]", Err(WrongShape)),
        (200, "[\"a.com\", 1.5]", Err(WrongShape)),
        (200, &too_large, Err(TooLarge)),
        (200, &padded, Ok(1)),
        (200, &too_many, Err(TooManyEntries)),
        (200, &max_entries, Ok(MAX_ENTRIES)),
    ];
    for (status, body, want) in rows {
        let got = parse(status, body).map(|l| l.len());
        assert_eq!(got, want, "{status} {:?}", body.get(..40).unwrap_or(body));
    }
}

#[test]
fn implausible_entries_are_skipped() {
    let long_label = format!("{}.com", "a".repeat(64));
    let ok_label = format!("{}.com", "a".repeat(63));
    let too_long = format!("{}com", "abcdefghi.".repeat(26));
    let body = format!(
        "[\"\", \" \", \"*\", \"*.example.com\", \"a b.com\", \"a..com\", \".lead.com\", \
         \"x.com..\", \"{long_label}\", \"{too_long}\", \"ex!ample.com\", \"exämple.com\", \
         \"https://kids.com/\", \"kids.com:8080\", \"kids.org\", \"{ok_label}\", \"_dmarc.x.org\"]"
    );
    let l = list(&body);
    assert_eq!(l.len(), 3, "{l:?}");
    assert!(l.covers("kids.org"));
    assert!(l.covers(&ok_label));
    assert!(l.covers("_dmarc.x.org"));
    assert!(!l.covers("kids.com"));
    assert!(!l.covers("example.com") && !l.covers("a.example.com"));
    assert!(!l.covers("lead.com") && !l.covers("x.com"));
}

#[test]
fn entries_are_normalized() {
    let l = list("[\"  Example.COM.  \", \"WWW.Kids.Org\"]");
    assert_eq!(l, list("[\"example.com\", \"www.kids.org\"]"));
    assert!(l.covers("example.com") && l.covers("www.kids.org"));
    assert!(!l.covers("kids.org"));
}

#[test]
fn covers_table() {
    let l = list(
        "[\"example.com\", \"co.uk\", \"127.0.0.1\", \"localhost\", \"[::1]\", \"2001:db8::1\", \"kids\"]",
    );
    let rows = [
        ("example.com", true),
        ("www.example.com", true),
        ("a.b.example.com", true),
        ("EXAMPLE.COM.", true),
        ("WwW.Example.Com", true),
        (" example.com ", true),
        ("notexample.com", false),
        ("example.com.evil.org", false),
        ("example.co", false),
        ("com", false),
        ("xexample.com", false),
        ("example-com", false),
        ("example.com..", false),
        ("", false),
        (".", false),
        ("bbc.co.uk", true),
        ("127.0.0.1", true),
        ("1.127.0.0.1", false),
        ("127.0.0.2", false),
        ("0.0.1", false),
        ("localhost", true),
        ("LOCALHOST", true),
        ("[::1]", true),
        ("::1", true),
        ("[2001:db8::1]", true),
        ("[2001:db8::2]", false),
        ("kids", true),
        ("a.kids", true),
    ];
    for (host, want) in rows {
        assert_eq!(l.covers(host), want, "{host:?}");
    }
}

#[test]
fn parent_entries_do_not_cover_addresses() {
    let l = list("[\"0.0.1\", \"1\"]");
    assert!(!l.covers("127.0.0.1"));
    assert!(!l.covers("10.0.0.1"));
    let empty = list("[]");
    assert!(empty.is_empty() && !empty.covers("example.com"));
}

proptest! {
    #[test]
    fn parse_never_panics(status in any::<u16>(), body in ".{0,300}") {
        let _ = parse(status, &body);
    }

    #[test]
    fn parse_never_panics_on_arrays(entries in prop::collection::vec(".{0,70}", 0..20)) {
        let mut body = String::from("[");
        for (i, e) in entries.iter().enumerate() {
            if i > 0 { body.push(','); }
            adtag::core::json::push_string(&mut body, e);
        }
        body.push(']');
        let l = parse(200, &body);
        prop_assert!(l.is_ok());
        let l = l.unwrap();
        for e in &entries {
            let _ = l.covers(e);
        }
    }

    #[test]
    fn finds_a_listed_domain_among_junk(
        before in prop::collection::vec("[a-z0-9 *.!-]{0,20}", 0..8),
        after in prop::collection::vec("[a-z0-9 *.!-]{0,20}", 0..8),
        labels in prop::collection::vec("[a-z0-9]{1,10}", 2..4),
        sub in "[a-z0-9]{1,10}",
    ) {
        let domain = labels.join(".");
        let mut entries = before.clone();
        entries.push(domain.to_uppercase());
        entries.extend(after);
        let mut body = String::from("[");
        body.push_str(&entries.iter().map(|e| format!("{e:?}")).collect::<Vec<_>>().join(","));
        body.push(']');
        let l = parse(200, &body).unwrap();
        // An all-digit last label makes the host an IPv4 address: exact match only.
        let numeric = labels.last().is_some_and(|t| t.bytes().all(|b| b.is_ascii_digit()));
        prop_assert!(l.covers(&domain));
        let subdomain = format!("{sub}.{domain}");
        prop_assert_eq!(l.covers(&subdomain), !numeric);
        // Junk cannot contain `_`: nothing covers a host under `evil_tld`.
        let suffixed = format!("{domain}.evil_tld");
        prop_assert!(!l.covers(&suffixed));
    }

    /// Any host against any list: an answer, never a panic.
    #[test]
    fn covers_never_panics(
        entries in prop::collection::vec("[a-zA-Z0-9.:\\[\\]_ -]{0,12}|.{0,12}", 0..8),
        host in "[a-zA-Z0-9.:\\[\\]_ -]{0,20}|.{0,20}",
    ) {
        let mut body = String::from("[");
        for (i, e) in entries.iter().enumerate() {
            if i > 0 { body.push(','); }
            adtag::core::json::push_string(&mut body, e);
        }
        body.push(']');
        let l = parse(200, &body);
        prop_assert!(l.is_ok());
        if let Ok(l) = l {
            let _ = l.covers(&host);
            let _ = l.covers(&normalize_host(&host));
        }
        let _ = is_address(&host);
    }
}
