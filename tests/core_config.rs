#![cfg(not(target_arch = "wasm32"))]

use adtag::core::config::{
    self, CollapseEmptySlots, Config, ConfigError, ConsentPlatforms, DEFAULT_LAZY_LOAD,
    DEFAULT_OPT_OUT_COOKIE, LazyLoad, RawConfig,
};
use adtag::core::targeting::{Problem, Source, Targeting, TargetingError};
use proptest::prelude::*;

const SRC: Option<&str> = Some("https://Ads.Example.com/adtag.js?v=1");

fn raw(publisher: &str) -> RawConfig {
    RawConfig {
        publisher: Some(publisher.to_string()),
        ..RawConfig::default()
    }
}

fn some(s: &str) -> Option<String> {
    Some(s.to_string())
}

fn resolve_attrs(attrs: &RawConfig) -> Result<Config, ConfigError> {
    config::resolve(SRC, attrs, &RawConfig::default())
}

#[test]
fn defaults() {
    let c = resolve_attrs(&raw("12345")).unwrap();
    assert_eq!(
        c,
        Config {
            publisher: "12345".into(),
            endpoint: "https://ads.example.com".into(),
            child_directed: false,
            opt_out_cookie: DEFAULT_OPT_OUT_COOKIE.into(),
            debug: false,
            tcf_vendor_id: None,
            lazy_load: None,
            targeting: Targeting::default(),
            targeting_errors: vec![],
            consent_platforms: ConsentPlatforms::default(),
            collapse_empty_slots: CollapseEmptySlots::Auto,
        }
    );
    assert_eq!(DEFAULT_OPT_OUT_COOKIE, "adtag_optout");
}

#[test]
fn later_wins_per_key() {
    let attrs = RawConfig {
        publisher: some("111"),
        endpoint: some("https://attrs.example.com"),
        child_directed: some("true"),
        opt_out_cookie: some("attrs_out"),
        debug: some("1"),
        tcf_vendor_id: some("10"),
        lazy_load: some("true"),
        targeting: None,
        consent_platforms: some("tcf"),
        collapse_empty_slots: some("never"),
    };
    let window = RawConfig {
        publisher: some("222"),
        child_directed: some("false"),
        tcf_vendor_id: some("20"),
        lazy_load: some(r#"{"fetchMarginPercent":100}"#),
        consent_platforms: some(r#"["gpp"]"#),
        ..RawConfig::default()
    };
    let c = config::resolve(SRC, &attrs, &window).unwrap();
    assert_eq!(
        c.lazy_load,
        Some(LazyLoad {
            fetch_margin_percent: 100,
            render_margin_percent: 200
        })
    );
    assert_eq!(
        c.consent_platforms,
        ConsentPlatforms {
            gpp: true,
            ..ConsentPlatforms::default()
        }
    );
    assert_eq!(c.collapse_empty_slots, CollapseEmptySlots::Never);
    assert_eq!(c.publisher, "222");
    assert_eq!(c.endpoint, "https://attrs.example.com");
    assert!(!c.child_directed);
    assert_eq!(c.opt_out_cookie, "attrs_out");
    assert!(c.debug);
    assert_eq!(c.tcf_vendor_id, Some(20));

    // Window alone is enough.
    let c = config::resolve(SRC, &RawConfig::default(), &raw("9")).unwrap();
    assert_eq!(c.publisher, "9");
    // A bad window value is not rescued by a good attribute.
    let err = config::resolve(SRC, &raw("1"), &raw("x")).unwrap_err();
    assert_eq!(err, ConfigError::BadPublisher("x".into()));
}

#[test]
fn publisher() {
    let ok: &[(&str, &str)] = &[
        ("1", "1"),
        ("12345", "12345"),
        (" 12345 ", "12345"),
        ("\t42\n", "42"),
        ("007", "007"),
        ("123456789012345678", "123456789012345678"),
    ];
    for (input, want) in ok {
        assert_eq!(
            resolve_attrs(&raw(input)).map(|c| c.publisher).as_deref(),
            Ok(*want)
        );
    }
    for input in ["", "   ", "\n"] {
        assert_eq!(
            resolve_attrs(&raw(input)),
            Err(ConfigError::MissingPublisher),
            "{input:?}"
        );
    }
    assert_eq!(
        resolve_attrs(&RawConfig::default()),
        Err(ConfigError::MissingPublisher)
    );
    let bad = [
        "12a",
        "-1",
        "+1",
        "1.0",
        "1e5",
        "1 2",
        "1234567890123456789",
        "99999999999999999999999999999",
        "١٢٣",
        "１２３",
        "pub-123",
        "12345\u{a0}",
        "<script>",
    ];
    for input in bad {
        assert_eq!(
            resolve_attrs(&raw(input)),
            Err(ConfigError::BadPublisher(input.into())),
            "{input:?}"
        );
    }
}

#[test]
fn endpoint() {
    type Case<'a> = (
        Option<&'a str>,
        Option<&'a str>,
        Result<&'a str, ConfigError>,
    );
    let cases: &[Case] = &[
        (SRC, None, Ok("https://ads.example.com")),
        (
            Some("http://127.0.0.1:8080/adtag.js"),
            None,
            Ok("http://127.0.0.1:8080"),
        ),
        (
            None,
            Some("https://e.example.com/base/"),
            Ok("https://e.example.com/base"),
        ),
        (
            SRC,
            Some("HTTPS://Ads.Example.COM/x/"),
            Ok("https://ads.example.com/x"),
        ),
        (
            SRC,
            Some("  https://e.example.com  "),
            Ok("https://e.example.com"),
        ),
        (None, None, Err(ConfigError::MissingEndpoint)),
        (Some(""), None, Err(ConfigError::MissingEndpoint)),
        (Some("/adtag.js"), None, Err(ConfigError::MissingEndpoint)),
        (
            Some("file:///x/adtag.js"),
            None,
            Err(ConfigError::MissingEndpoint),
        ),
        (
            SRC,
            Some("ftp://x"),
            Err(ConfigError::BadEndpoint("ftp://x".into())),
        ),
        (SRC, Some(""), Err(ConfigError::BadEndpoint("".into()))),
        (
            SRC,
            Some("/relative"),
            Err(ConfigError::BadEndpoint("/relative".into())),
        ),
        (
            SRC,
            Some("https://x.com/?a=1"),
            Err(ConfigError::BadEndpoint("https://x.com/?a=1".into())),
        ),
        (
            SRC,
            Some("https://x.com/#f"),
            Err(ConfigError::BadEndpoint("https://x.com/#f".into())),
        ),
        (
            SRC,
            Some("https://u@x.com"),
            Err(ConfigError::BadEndpoint("https://u@x.com".into())),
        ),
        (
            SRC,
            Some("javascript:alert(1)"),
            Err(ConfigError::BadEndpoint("javascript:alert(1)".into())),
        ),
    ];
    for (src, endpoint, want) in cases {
        let attrs = RawConfig {
            endpoint: endpoint.map(String::from),
            ..raw("1")
        };
        let got = config::resolve(*src, &attrs, &RawConfig::default()).map(|c| c.endpoint);
        assert_eq!(got, want.clone().map(String::from), "{src:?} {endpoint:?}");
    }
}

#[test]
fn booleans() {
    let cases: &[(Option<&str>, bool, bool)] = &[
        // value, child_directed, debug
        (None, false, false),
        (Some(""), true, true),
        (Some("true"), true, true),
        (Some("TRUE"), true, true),
        (Some(" 1 "), true, true),
        (Some("false"), false, false),
        (Some("False"), false, false),
        (Some("0"), false, false),
        (Some("yes"), true, false),
        (Some("no"), true, false),
        (Some("2"), true, false),
        (Some("off"), true, false),
        (Some("undefined"), true, false),
        (Some("null"), true, false),
        (Some("0.0"), true, false),
    ];
    for (value, child, debug) in cases {
        let v = value.map(String::from);
        let attrs = RawConfig {
            child_directed: v.clone(),
            debug: v,
            ..raw("1")
        };
        let c = resolve_attrs(&attrs).unwrap();
        assert_eq!((c.child_directed, c.debug), (*child, *debug), "{value:?}");
    }
}

#[test]
fn opt_out_cookie() {
    let ok: &[(&str, &str)] = &[("my_optout", "my_optout"), (" x-out ", "x-out"), ("a", "a")];
    for (input, want) in ok {
        let attrs = RawConfig {
            opt_out_cookie: some(input),
            ..raw("1")
        };
        assert_eq!(
            resolve_attrs(&attrs).map(|c| c.opt_out_cookie).as_deref(),
            Ok(*want)
        );
    }
    for input in ["", "a b", "a=b", "a;b", "é", "\"q\"", "a,b"] {
        let attrs = RawConfig {
            opt_out_cookie: some(input),
            ..raw("1")
        };
        assert_eq!(
            resolve_attrs(&attrs),
            Err(ConfigError::BadOptOutCookie(input.into())),
            "{input:?}"
        );
    }
}

#[test]
fn tcf_vendor_id() {
    let ok: &[(&str, u32)] = &[("1", 1), ("755", 755), (" 65535 ", 65535), ("00042", 42)];
    for (input, want) in ok {
        let attrs = RawConfig {
            tcf_vendor_id: some(input),
            ..raw("1")
        };
        assert_eq!(
            resolve_attrs(&attrs).map(|c| c.tcf_vendor_id),
            Ok(Some(*want))
        );
    }
    let bad = [
        "",
        "0",
        "65536",
        "-1",
        "1.0",
        "12a",
        "99999999999999999999",
        "1e3",
        "0x10",
    ];
    for input in bad {
        let attrs = RawConfig {
            tcf_vendor_id: some(input),
            ..raw("1")
        };
        assert_eq!(
            resolve_attrs(&attrs),
            Err(ConfigError::BadTcfVendorId(input.into())),
            "{input:?}"
        );
    }
}

#[test]
fn first_error_in_field_order() {
    let all_bad = RawConfig {
        publisher: some("x"),
        endpoint: some("ftp://x"),
        opt_out_cookie: some("a b"),
        tcf_vendor_id: some("0"),
        ..RawConfig::default()
    };
    assert_eq!(
        resolve_attrs(&all_bad),
        Err(ConfigError::BadPublisher("x".into()))
    );
    let rest_bad = RawConfig {
        publisher: some("1"),
        ..all_bad.clone()
    };
    assert_eq!(
        resolve_attrs(&rest_bad),
        Err(ConfigError::BadEndpoint("ftp://x".into()))
    );
    let rest_bad = RawConfig {
        endpoint: None,
        ..rest_bad
    };
    assert_eq!(
        resolve_attrs(&rest_bad),
        Err(ConfigError::BadOptOutCookie("a b".into()))
    );
    let rest_bad = RawConfig {
        opt_out_cookie: None,
        ..rest_bad
    };
    assert_eq!(
        resolve_attrs(&rest_bad),
        Err(ConfigError::BadTcfVendorId("0".into()))
    );
}

#[test]
fn messages() {
    let cases: &[(ConfigError, &str)] = &[
        (
            ConfigError::MissingPublisher,
            "adtag: publisher id (data-publisher / adtag.config.publisher) is missing (digits, e.g. 12345)",
        ),
        (
            ConfigError::BadPublisher("12a".into()),
            "adtag: publisher id (data-publisher / adtag.config.publisher) \"12a\" must be 1 to 18 digits",
        ),
        (
            ConfigError::MissingEndpoint,
            "adtag: endpoint (data-endpoint / adtag.config.endpoint) is missing and the script src has no http(s) origin to default to",
        ),
        (
            ConfigError::BadEndpoint("ftp://x".into()),
            "adtag: endpoint (data-endpoint / adtag.config.endpoint) \"ftp://x\" must be an http(s) URL without query, fragment or user name",
        ),
        (
            ConfigError::BadOptOutCookie("a b".into()),
            "adtag: opt-out cookie name (data-opt-out-cookie / adtag.config.optOutCookie) \"a b\" is not a valid cookie name",
        ),
        (
            ConfigError::BadTcfVendorId("0".into()),
            "adtag: TCF vendor id (data-tcf-vendor-id / adtag.config.tcfVendorId) \"0\" must be a number from 1 to 65535",
        ),
    ];
    for (err, want) in cases {
        assert_eq!(err.to_string(), *want);
    }
}

#[test]
fn messages_stay_on_one_line() {
    let err = ConfigError::BadPublisher("a\"b\\c\nd\r\u{2028}\u{0}".into());
    assert_eq!(
        err.to_string(),
        "adtag: publisher id (data-publisher / adtag.config.publisher) \"a\\\"b\\\\c\\u000ad\\u000d\\u2028\\u0000\" must be 1 to 18 digits"
    );
    let long = "9".repeat(10_000);
    let msg = ConfigError::BadPublisher(long).to_string();
    assert!(msg.len() < 300, "{msg}");
    assert!(msg.contains(&format!("\"{}…\"", "9".repeat(100))));
}

// --- lazyLoad, consentPlatforms, collapseEmptySlots, targeting ------------------------------

fn with(field: fn(&mut RawConfig) -> &mut Option<String>, value: &str) -> RawConfig {
    let mut r = raw("1");
    *field(&mut r) = some(value);
    r
}

#[test]
fn lazy_load() {
    let lazy: fn(&mut RawConfig) -> &mut Option<String> = |r| &mut r.lazy_load;
    let margins = |f, r| {
        Some(LazyLoad {
            fetch_margin_percent: f,
            render_margin_percent: r,
        })
    };
    let ok: &[(&str, Option<LazyLoad>)] = &[
        // `<script data-lazy-load>`: present is on.
        ("", Some(DEFAULT_LAZY_LOAD)),
        ("true", Some(DEFAULT_LAZY_LOAD)),
        (" TRUE ", Some(DEFAULT_LAZY_LOAD)),
        ("1", Some(DEFAULT_LAZY_LOAD)),
        ("false", None),
        ("0", None),
        ("{}", Some(DEFAULT_LAZY_LOAD)),
        (
            r#"{"fetchMarginPercent":100,"renderMarginPercent":50}"#,
            margins(100, 50),
        ),
        (r#"{"renderMarginPercent":0}"#, margins(500, 0)),
        (r#" {"fetchMarginPercent":0} "#, margins(0, 200)),
        (
            r#"{"fetchMarginPercent":10000,"renderMarginPercent":10000}"#,
            margins(10000, 10000),
        ),
        // GPT's mobileScaling (and other keys) are ignored, not an error.
        (
            r#"{"fetchMarginPercent":500,"renderMarginPercent":200,"mobileScaling":2.0}"#,
            margins(500, 200),
        ),
        // A render margin wider than the fetch margin just renders on arrival.
        (
            r#"{"fetchMarginPercent":100,"renderMarginPercent":300}"#,
            margins(100, 300),
        ),
    ];
    for (input, want) in ok {
        assert_eq!(
            resolve_attrs(&with(lazy, input)).map(|c| c.lazy_load),
            Ok(*want),
            "{input:?}"
        );
    }
    let bad = [
        "yes",
        "on",
        "2",
        "{",
        "[]",
        r#"{"fetchMarginPercent":-1}"#,
        r#"{"fetchMarginPercent":10001}"#,
        r#"{"fetchMarginPercent":1.5}"#,
        r#"{"fetchMarginPercent":"500"}"#,
        r#"{"renderMarginPercent":null}"#,
        r#"{"renderMarginPercent":99999999999999999999999}"#,
        "(unreadable)",
        "object",
    ];
    for input in bad {
        assert_eq!(
            resolve_attrs(&with(lazy, input)),
            Err(ConfigError::BadLazyLoad(input.into())),
            "{input:?}"
        );
    }
    assert_eq!(
        DEFAULT_LAZY_LOAD,
        LazyLoad {
            fetch_margin_percent: 500,
            render_margin_percent: 200
        }
    );
}

#[test]
fn consent_platforms() {
    let field: fn(&mut RawConfig) -> &mut Option<String> = |r| &mut r.consent_platforms;
    let p = |tcf, gpp, usp| ConsentPlatforms { tcf, gpp, usp };
    let ok: &[(&str, ConsentPlatforms)] = &[
        ("", p(false, false, false)),
        ("[]", p(false, false, false)),
        ("tcf", p(true, false, false)),
        ("tcf,gpp", p(true, true, false)),
        (" TCF , usp ", p(true, false, true)),
        ("usp,tcf,gpp,tcf", p(true, true, true)),
        ("tcf,", p(true, false, false)),
        (r#"["tcf","gpp"]"#, p(true, true, false)),
        (r#"[ "USP" ]"#, p(false, false, true)),
    ];
    for (input, want) in ok {
        assert_eq!(
            resolve_attrs(&with(field, input)).map(|c| c.consent_platforms),
            Ok(*want),
            "{input:?}"
        );
    }
    let bad = [
        "tcfv2",
        "tcf gpp",
        "tcf;gpp",
        "onetrust",
        "true",
        "[",
        r#"["tcf",1]"#,
        r#"["tcf,gpp"]"#,
        r#"[""]"#,
        r#"{"tcf":true}"#,
        r#"[["tcf"]]"#,
        "(unreadable)",
    ];
    for input in bad {
        assert_eq!(
            resolve_attrs(&with(field, input)),
            Err(ConfigError::BadConsentPlatforms(input.into())),
            "{input:?}"
        );
    }
}

#[test]
fn collapse_empty_slots() {
    let field: fn(&mut RawConfig) -> &mut Option<String> = |r| &mut r.collapse_empty_slots;
    let ok: &[(&str, CollapseEmptySlots)] = &[
        ("auto", CollapseEmptySlots::Auto),
        (" Auto ", CollapseEmptySlots::Auto),
        ("never", CollapseEmptySlots::Never),
        ("NEVER", CollapseEmptySlots::Never),
        ("now", CollapseEmptySlots::Now),
    ];
    for (input, want) in ok {
        assert_eq!(
            resolve_attrs(&with(field, input)).map(|c| c.collapse_empty_slots),
            Ok(*want),
            "{input:?}"
        );
    }
    for input in ["", "true", "false", "always", "collapse", "(unreadable)"] {
        assert_eq!(
            resolve_attrs(&with(field, input)),
            Err(ConfigError::BadCollapseEmptySlots(input.into())),
            "{input:?}"
        );
    }
}

fn page_error(problem: Problem, key: &str) -> TargetingError {
    TargetingError {
        source: Source::Page,
        problem,
        key: key.into(),
        value: String::new(),
    }
}

#[test]
fn page_targeting_never_fails_the_config() {
    let field: fn(&mut RawConfig) -> &mut Option<String> = |r| &mut r.targeting;
    let c = resolve_attrs(&with(
        field,
        r#"{"section":["sport","news"],"bad key":"x","n":1}"#,
    ))
    .unwrap();
    assert_eq!(
        c.targeting.entries,
        vec![(
            "section".to_string(),
            vec!["sport".to_string(), "news".to_string()]
        )]
    );
    assert_eq!(
        c.targeting_errors,
        vec![
            page_error(Problem::BadKey, "bad key"),
            page_error(Problem::BadType, "n"),
        ]
    );
    for input in ["(unreadable)", "[1]", "true", ""] {
        let c = resolve_attrs(&with(field, input)).unwrap();
        assert!(c.targeting.is_empty());
        assert_eq!(
            c.targeting_errors,
            vec![page_error(Problem::NotAnObject, "")],
            "{input:?}"
        );
    }
}

#[test]
fn new_keys_fail_in_field_order_after_the_old_ones() {
    let all_bad = RawConfig {
        tcf_vendor_id: some("0"),
        lazy_load: some("x"),
        consent_platforms: some("x"),
        collapse_empty_slots: some("x"),
        ..raw("1")
    };
    assert_eq!(
        resolve_attrs(&all_bad),
        Err(ConfigError::BadTcfVendorId("0".into()))
    );
    let r = RawConfig {
        tcf_vendor_id: None,
        ..all_bad
    };
    assert_eq!(resolve_attrs(&r), Err(ConfigError::BadLazyLoad("x".into())));
    let r = RawConfig {
        lazy_load: None,
        ..r
    };
    assert_eq!(
        resolve_attrs(&r),
        Err(ConfigError::BadConsentPlatforms("x".into()))
    );
    let r = RawConfig {
        consent_platforms: None,
        ..r
    };
    assert_eq!(
        resolve_attrs(&r),
        Err(ConfigError::BadCollapseEmptySlots("x".into()))
    );
}

#[test]
fn new_key_messages() {
    let cases: &[(ConfigError, &str)] = &[
        (
            ConfigError::BadLazyLoad("yes".into()),
            "adtag: lazy loading (data-lazy-load / adtag.config.lazyLoad) \"yes\" must be true, false or {fetchMarginPercent, renderMarginPercent} of whole numbers from 0 to 10000",
        ),
        (
            ConfigError::BadConsentPlatforms("onetrust".into()),
            "adtag: consent platforms (data-consent-platforms / adtag.config.consentPlatforms) \"onetrust\" must list tcf, gpp or usp (e.g. \"tcf,gpp\" or [\"tcf\"])",
        ),
        (
            ConfigError::BadCollapseEmptySlots("always".into()),
            "adtag: empty slots (data-collapse-empty-slots / adtag.config.collapseEmptySlots) \"always\" must be auto, never or now",
        ),
    ];
    for (err, want) in cases {
        assert_eq!(err.to_string(), *want);
    }
}

proptest! {
    #[test]
    fn resolve_never_panics(
        src in proptest::option::of(".*"),
        p in proptest::option::of(".*"),
        e in proptest::option::of(".*"),
        b in proptest::option::of(".*"),
        o in proptest::option::of(".*"),
        t in proptest::option::of(".*"),
    ) {
        let attrs = RawConfig {
            publisher: p, endpoint: e, child_directed: b.clone(), opt_out_cookie: o,
            debug: b.clone(), tcf_vendor_id: t, lazy_load: b.clone(), targeting: b.clone(),
            consent_platforms: b.clone(), collapse_empty_slots: b,
        };
        match config::resolve(src.as_deref(), &attrs, &RawConfig::default()) {
            Ok(c) => {
                prop_assert!(!c.publisher.is_empty() && c.publisher.len() <= 18);
                prop_assert!(c.endpoint.starts_with("http"));
            }
            Err(err) => {
                let msg = err.to_string();
                prop_assert!(msg.starts_with("adtag: ") && !msg.contains(['\n', '\r']));
            }
        }
    }
}
