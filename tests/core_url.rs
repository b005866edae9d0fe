#![cfg(not(target_arch = "wasm32"))]

use adtag::core::url;
use proptest::prelude::*;

#[test]
fn origins() {
    let cases: &[(&str, Option<&str>)] = &[
        ("https://ads.example.com", Some("https://ads.example.com")),
        (
            "https://ads.example.com/adtag.js",
            Some("https://ads.example.com"),
        ),
        (
            "https://ads.example.com:8443/x?y#z",
            Some("https://ads.example.com:8443"),
        ),
        (
            "HTTPS://Ads.Example.COM/Path",
            Some("https://ads.example.com"),
        ),
        ("HtTp://LOCALHOST:8080", Some("http://localhost:8080")),
        (
            "http://127.0.0.1:8080/adtag.js",
            Some("http://127.0.0.1:8080"),
        ),
        ("https://x.com:443/", Some("https://x.com")),
        ("http://x.com:80/", Some("http://x.com")),
        ("http://x.com:443/", Some("http://x.com:443")),
        ("https://x.com:0443", Some("https://x.com")),
        ("https://x.com:65535", Some("https://x.com:65535")),
        ("https://x.com?q", Some("https://x.com")),
        ("https://x.com#f", Some("https://x.com")),
        ("https://[::1]:8080/x", Some("https://[::1]:8080")),
        ("https://[2001:DB8::1]", Some("https://[2001:db8::1]")),
        (
            "https://[::ffff:1.2.3.4]/",
            Some("https://[::ffff:1.2.3.4]"),
        ),
        ("https://example.com./", Some("https://example.com.")),
        ("https://a-b.c-d.com/", Some("https://a-b.c-d.com")),
        ("https://x.com/é?q=ü", Some("https://x.com")),
    ];
    for (input, want) in cases {
        assert_eq!(url::http_origin(input).as_deref(), *want, "{input:?}");
        assert_eq!(url::is_http_url(input), want.is_some(), "{input:?}");
    }
}

#[test]
fn rejected() {
    let cases = [
        "",
        "https",
        "https:",
        "https://",
        "https:///path",
        "https://:8080",
        "https:/x.com",
        "https:x.com",
        "//x.com/a",
        "/relative/path",
        "x.com",
        "ftp://x.com",
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "javascript://x.com/%0aalert(1)",
        "data:text/html,<script>alert(1)</script>",
        "httpx://x.com",
        "https//x.com",
        " https://x.com",
        "https://x.com ",
        "https://x .com",
        "https://x.com/a b",
        "https://x.com/\n",
        "https://x.com/\t",
        "https://x.com/\u{0}",
        "https://x.com/\u{7f}",
        "https://x.com/\u{a0}",
        "https://x.com/\u{2028}",
        "https://x.com/\u{3000}",
        "https://user@x.com",
        "https://user:pw@x.com/",
        "https://x.com@evil.com",
        "https://evil.com\\@x.com",
        "https://x.com:",
        "https://x.com:/",
        "https://x.com:0",
        "https://x.com:65536",
        "https://x.com:123456",
        "https://x.com:99999999999999999999999",
        "https://x.com:-1",
        "https://x.com:+80",
        "https://x.com:8a",
        "https://x.com:80:80",
        "https://x_y.com",
        "https://x.com%2f",
        "https://%78.com",
        "https://exämple.com",
        "https://.x.com",
        "https://x..com",
        "https://.",
        "https://[::1",
        "https://[]",
        "https://[zz::1]",
        "https://[1.2.3.4]",
        "https://[::1]x",
        "https://[::1]:0",
        "https://x.com[::1]",
    ];
    for input in cases {
        assert_eq!(url::http_origin(input), None, "{input:?}");
        assert_eq!(url::http_host(input), None, "{input:?}");
        assert!(!url::is_http_url(input), "{input:?}");
        assert_eq!(url::parse_endpoint(input), None, "{input:?}");
    }
}

#[test]
fn hosts() {
    let cases: &[(&str, &str)] = &[
        ("https://WWW.Example.com:8080/a", "www.example.com"),
        ("http://example.com", "example.com"),
        ("http://example.com?x", "example.com"),
        ("https://[::1]:8080/", "[::1]"),
        ("https://[FE80::1]/", "[fe80::1]"),
        ("https://10.0.0.1/", "10.0.0.1"),
    ];
    for (input, want) in cases {
        assert_eq!(url::http_host(input).as_deref(), Some(*want), "{input:?}");
    }
}

#[test]
fn endpoints() {
    let cases: &[(&str, Option<&str>)] = &[
        (
            "HTTPS://Ads.Example.COM/x/",
            Some("https://ads.example.com/x"),
        ),
        ("https://ads.example.com", Some("https://ads.example.com")),
        ("https://ads.example.com/", Some("https://ads.example.com")),
        (
            "https://ads.example.com///",
            Some("https://ads.example.com"),
        ),
        (
            "https://ads.example.com/a/B/c//",
            Some("https://ads.example.com/a/B/c"),
        ),
        ("http://127.0.0.1:8080", Some("http://127.0.0.1:8080")),
        (
            "https://ads.example.com:443/x",
            Some("https://ads.example.com/x"),
        ),
        ("https://[::1]:9000/", Some("https://[::1]:9000")),
        ("https://ads.example.com/x?", None),
        ("https://ads.example.com?a=1", None),
        ("https://ads.example.com/#", None),
        ("https://ads.example.com/x#y", None),
        ("ftp://ads.example.com", None),
        (" https://ads.example.com", None),
        ("https://u@ads.example.com", None),
    ];
    for (input, want) in cases {
        assert_eq!(url::parse_endpoint(input).as_deref(), *want, "{input:?}");
    }
}

#[test]
fn percent_encoding() {
    let cases: &[(&str, &str)] = &[
        ("", ""),
        ("AZaz09-_.~", "AZaz09-_.~"),
        (" ", "%20"),
        ("a+b&c=d", "a%2Bb%26c%3Dd"),
        (
            "https://x.com/p?q=1#f",
            "https%3A%2F%2Fx.com%2Fp%3Fq%3D1%23f",
        ),
        ("é", "%C3%A9"),
        ("😀", "%F0%9F%98%80"),
        ("%", "%25"),
        ("\n\u{0}\u{7f}", "%0A%00%7F"),
        ("<>\"'", "%3C%3E%22%27"),
    ];
    for (input, want) in cases {
        let mut out = String::from("k=");
        url::push_encoded(&mut out, input);
        assert_eq!(out, format!("k={want}"), "{input:?}");
    }
}

#[test]
fn page_url_for_the_ad_request() {
    // (href, keep_query, sent)
    let cases: &[(&str, bool, &str)] = &[
        ("https://p.example/a?b=1#c", true, "https://p.example/a?b=1"),
        ("https://p.example/a?b=1#c", false, "https://p.example/a"),
        ("https://p.example/a#c?b=1", true, "https://p.example/a"),
        ("https://p.example/a#c?b=1", false, "https://p.example/a"),
        (
            "https://p.example/a?mail=x@y.z&t=secret",
            false,
            "https://p.example/a",
        ),
        ("https://p.example/a?x#", true, "https://p.example/a?x"),
        ("https://p.example/?", false, "https://p.example/"),
        ("https://p.example/#?#", true, "https://p.example/"),
        ("https://p.example/é?é#é", false, "https://p.example/é"),
        ("https://p.example/é?é#é", true, "https://p.example/é?é"),
        ("https://p.example", false, "https://p.example"),
        ("", true, ""),
        ("#", true, ""),
        ("?", false, ""),
    ];
    for (href, keep_query, want) in cases {
        assert_eq!(
            url::page_url_for_ad(href, *keep_query),
            *want,
            "{href:?} {keep_query}"
        );
    }
}

proptest! {
    #[test]
    fn page_url_for_ad_is_a_prefix_without_fragment(href in ".*", keep in any::<bool>()) {
        let sent = url::page_url_for_ad(&href, keep);
        prop_assert!(href.starts_with(sent));
        prop_assert!(!sent.contains('#'));
        if !keep {
            prop_assert!(!sent.contains('?'));
        }
        if !href.contains(['#', '?']) {
            prop_assert_eq!(sent, href.as_str());
        }
    }

    #[test]
    fn never_panics(input in ".*") {
        let _ = url::http_origin(&input);
        let _ = url::http_host(&input);
        let _ = url::is_http_url(&input);
        let _ = url::parse_endpoint(&input);
        let mut out = String::new();
        url::push_encoded(&mut out, &input);
        prop_assert!(out.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~%".contains(&b)));
    }

    #[test]
    fn never_panics_near_urls(input in r"(https?|HTTPS)://[a-z0-9.:@\[\]/?#%é -]{0,24}") {
        let origin = url::http_origin(&input);
        prop_assert_eq!(origin.is_some(), url::is_http_url(&input));
        if let Some(o) = origin {
            prop_assert_eq!(url::http_origin(&o), Some(o.clone()));
            prop_assert_eq!(url::parse_endpoint(&o), Some(o));
        }
        if let Some(e) = url::parse_endpoint(&input) {
            prop_assert!(!e.ends_with('/'));
            prop_assert_eq!(url::parse_endpoint(&e), Some(e.clone()));
        }
    }
}
