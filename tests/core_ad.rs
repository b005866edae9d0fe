#![cfg(not(target_arch = "wasm32"))]

use adtag::core::ad::{
    self, AdError, AdRequest, ConsentParams, MAX_AD_BYTES, RenderPlan, SANDBOX, SizeError, SlotSize,
};
use proptest::prelude::*;

fn size(width: u32, height: u32) -> SlotSize {
    SlotSize { width, height }
}

/// Every size the older tables' answers use, requested at once: these tests are about the
/// other fields.
const ANY: &[SlotSize] = &[
    SlotSize {
        width: 300,
        height: 250,
    },
    SlotSize {
        width: 728,
        height: 90,
    },
    SlotSize {
        width: 1,
        height: 2000,
    },
    SlotSize {
        width: 1,
        height: 1,
    },
];

fn render_any(status: u16, body: &str) -> Result<RenderPlan, AdError> {
    ad::render_plan(status, body, ANY)
}

#[test]
fn sizes() {
    let ok: &[(&str, SlotSize)] = &[
        ("300x250", size(300, 250)),
        ("300X250", size(300, 250)),
        ("  728x90 ", size(728, 90)),
        ("\t1x1\n", size(1, 1)),
        ("2000x2000", size(2000, 2000)),
        ("0300x0250", size(300, 250)),
    ];
    for (input, want) in ok {
        assert_eq!(ad::parse_size(input), Ok(*want), "{input:?}");
    }
    let malformed = [
        "",
        " ",
        "x",
        "300",
        "300x",
        "x250",
        "-1x5",
        "300x-5",
        "+300x250",
        "3e2x250",
        "300.0x250",
        "300 x 250",
        "300x 250",
        "300 x250",
        "300x250x1",
        "300xx250",
        "300*250",
        "300×250",
        "３００x250",
        "٣٠٠x250",
        "0x",
        "300x250px",
        "0x10x10",
    ];
    for input in malformed {
        assert_eq!(
            ad::parse_size(input),
            Err(SizeError::Malformed(input.into())),
            "{input:?}"
        );
    }
    let out_of_bounds = [
        "0x250",
        "300x0",
        "0x0",
        "2001x250",
        "300x2001",
        "4294967296x1",
        "99999999999999999999999999999999x250",
        "250x99999999999999999999999999999999",
    ];
    for input in out_of_bounds {
        assert_eq!(
            ad::parse_size(input),
            Err(SizeError::OutOfBounds(input.into())),
            "{input:?}"
        );
    }
}

#[test]
fn size_messages() {
    assert_eq!(
        SizeError::Malformed("300x".into()).to_string(),
        "slot size (data-adtag-size) \"300x\" must be WIDTHxHEIGHT, e.g. 300x250"
    );
    assert_eq!(
        SizeError::OutOfBounds("0x250".into()).to_string(),
        "slot size (data-adtag-size) \"0x250\" must be 1 to 2000 pixels per side"
    );
    assert!(
        !SizeError::Malformed("a\nb".into())
            .to_string()
            .contains('\n')
    );
}

#[test]
fn request_url_minimal() {
    let consent = ConsentParams::default();
    let req = AdRequest {
        endpoint: "https://ads.example.com",
        publisher: "12345",
        slot: "top-banner",
        sizes: &[size(300, 250)],
        page_url: "https://news.example/a b?x=1&y=é#top",
        collect: true,
        npa: true,
        coppa: false,
        uid: None,
        consent: &consent,
        targeting: "",
    };
    assert_eq!(
        ad::ad_request_url(&req),
        "https://ads.example.com/v1/ad?pub=12345&slot=top-banner&size=300x250\
         &url=https%3A%2F%2Fnews.example%2Fa%20b%3Fx%3D1%26y%3D%C3%A9&npa=1&coppa=0"
    );
    let req = AdRequest {
        npa: false,
        coppa: true,
        ..req
    };
    assert!(ad::ad_request_url(&req).ends_with("&npa=0&coppa=1"));
}

#[test]
fn request_url_full() {
    let consent = ConsentParams {
        gdpr: Some(true),
        gdpr_consent: Some("CP+x/y==".into()),
        gpp: Some("DBABMA~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA".into()),
        gpp_sid: Some("2,7".into()),
        us_privacy: Some("1YNN".into()),
    };
    let req = AdRequest {
        endpoint: "https://ads.example.com/base",
        publisher: "1",
        slot: "s&lot=evil",
        sizes: &[size(728, 90)],
        page_url: "https://p.example/",
        collect: true,
        npa: false,
        coppa: false,
        uid: Some("u 1&x"),
        consent: &consent,
        targeting: "",
    };
    assert_eq!(
        ad::ad_request_url(&req),
        "https://ads.example.com/base/v1/ad?pub=1&slot=s%26lot%3Devil&size=728x90\
         &url=https%3A%2F%2Fp.example%2F&npa=0&coppa=0&uid=u%201%26x&gdpr=1\
         &gdpr_consent=CP%2Bx%2Fy%3D%3D\
         &gpp=DBABMA~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA&gpp_sid=2%2C7&us_privacy=1YNN"
    );
    let only_gdpr = ConsentParams {
        gdpr: Some(false),
        ..ConsentParams::default()
    };
    let req = AdRequest {
        uid: None,
        consent: &only_gdpr,
        ..req
    };
    assert!(ad::ad_request_url(&req).ends_with("&npa=0&coppa=0&gdpr=0"));
    let only_usp = ConsentParams {
        us_privacy: Some("1---".into()),
        ..ConsentParams::default()
    };
    let req = AdRequest {
        consent: &only_usp,
        ..req
    };
    assert!(ad::ad_request_url(&req).ends_with("&coppa=0&us_privacy=1---"));
}

fn plan(id: &str, html: &str, w: u32, h: u32, click: Option<&str>) -> RenderPlan {
    RenderPlan {
        ad_id: id.into(),
        html: html.into(),
        width: w,
        height: h,
        click_url: click.map(String::from),
    }
}

#[test]
fn render_plan_ok() {
    let cases: &[(&str, RenderPlan)] = &[
        (
            r#"{"id":"a1","html":"<b>hi</b>","width":300,"height":250,"clickUrl":"https://adv.example/x?y=1"}"#,
            plan(
                "a1",
                "<b>hi</b>",
                300,
                250,
                Some("https://adv.example/x?y=1"),
            ),
        ),
        (
            r#"{"id":"a1","html":"","width":1,"height":2000}"#,
            plan("a1", "", 1, 2000, None),
        ),
        (
            r#" {"clickUrl":null,"height":90,"width":728,"html":"x","id":"z","extra":[{"deep":1}]} "#,
            plan("z", "x", 728, 90, None),
        ),
        (
            r#"{"id":"ü😀","html":"\u00e9\n</script>","width":300,"height":250,"clickUrl":"HTTP://ADV.example"}"#,
            plan("ü😀", "é\n</script>", 300, 250, Some("HTTP://ADV.example")),
        ),
        (
            // Duplicate keys: the first wins with the core's reader (the browser's JSON.parse
            // keeps the last: tests/web_json.rs).
            r#"{"id":"first","id":"second","html":"h","width":300,"width":"x","height":250}"#,
            plan("first", "h", 300, 250, None),
        ),
    ];
    for (body, want) in cases {
        assert_eq!(render_any(200, body).as_ref(), Ok(want), "{body}");
    }
    let id128 = "é".repeat(128);
    let body = format!(r#"{{"id":"{id128}","html":"","width":1,"height":1}}"#);
    assert_eq!(render_any(200, &body).map(|p| p.ad_id), Ok(id128));
}

#[test]
fn render_plan_errors() {
    let good = r#"{"id":"a","html":"h","width":300,"height":250}"#;
    assert_eq!(render_any(204, ""), Err(AdError::NoAd));
    assert_eq!(render_any(204, good), Err(AdError::NoAd));
    for status in [0, 100, 201, 301, 304, 404, 500, 503, u16::MAX] {
        assert_eq!(render_any(status, good), Err(AdError::Status(status)));
    }

    let field = |f: &'static str| Err(AdError::BadField(f));
    let id129 = "a".repeat(129);
    let long_id = format!(r#"{{"id":"{id129}","html":"h","width":1,"height":1}}"#);
    let cases: Vec<(&str, Result<RenderPlan, AdError>)> = vec![
        ("", Err(AdError::Malformed)),
        ("null", Err(AdError::Malformed)),
        ("[]", Err(AdError::Malformed)),
        ("\"str\"", Err(AdError::Malformed)),
        ("42", Err(AdError::Malformed)),
        ("<html>", Err(AdError::Malformed)),
        (r#"{"id":"a""#, Err(AdError::Malformed)),
        (r#"{"id":"a"} x"#, Err(AdError::Malformed)),
        (
            r#"[{"id":"a","html":"h","width":300,"height":250}]"#,
            Err(AdError::Malformed),
        ),
        (r#"{"x":"\ud800"}"#, Err(AdError::Malformed)),
        ("{}", field("id")),
        (r#"{"html":"h","width":300,"height":250}"#, field("id")),
        (
            r#"{"id":"","html":"h","width":300,"height":250}"#,
            field("id"),
        ),
        (
            r#"{"id":7,"html":"h","width":300,"height":250}"#,
            field("id"),
        ),
        (
            r#"{"id":null,"html":"h","width":300,"height":250}"#,
            field("id"),
        ),
        (
            r#"{"id":["a"],"html":"h","width":300,"height":250}"#,
            field("id"),
        ),
        (&long_id, field("id")),
        (r#"{"id":"a","width":300,"height":250}"#, field("html")),
        (
            r#"{"id":"a","html":null,"width":300,"height":250}"#,
            field("html"),
        ),
        (
            r#"{"id":"a","html":{"x":"y"},"width":300,"height":250}"#,
            field("html"),
        ),
        (r#"{"id":"a","html":"h","height":250}"#, field("width")),
        (
            r#"{"id":"a","html":"h","width":300.5,"height":250}"#,
            field("width"),
        ),
        (
            r#"{"id":"a","html":"h","width":300.0,"height":250}"#,
            field("width"),
        ),
        (
            r#"{"id":"a","html":"h","width":3e2,"height":250}"#,
            field("width"),
        ),
        (
            r#"{"id":"a","html":"h","width":"300","height":250}"#,
            field("width"),
        ),
        (
            r#"{"id":"a","html":"h","width":0,"height":250}"#,
            field("width"),
        ),
        (
            r#"{"id":"a","html":"h","width":-300,"height":250}"#,
            field("width"),
        ),
        (
            r#"{"id":"a","html":"h","width":2001,"height":250}"#,
            field("width"),
        ),
        (
            r#"{"id":"a","html":"h","width":4294967596,"height":250}"#,
            field("width"),
        ),
        (
            r#"{"id":"a","html":"h","width":99999999999999999999999999,"height":250}"#,
            field("width"),
        ),
        (
            r#"{"id":"a","html":"h","width":true,"height":250}"#,
            field("width"),
        ),
        (r#"{"id":"a","html":"h","width":300}"#, field("height")),
        (
            r#"{"id":"a","html":"h","width":300,"height":-1}"#,
            field("height"),
        ),
        (
            r#"{"id":"a","html":"h","width":300,"height":-9223372036854775808}"#,
            field("height"),
        ),
    ];
    for (body, want) in &cases {
        assert_eq!(&render_any(200, body), want, "{body}");
    }
}

#[test]
fn click_urls() {
    let body = |click: &str| {
        format!(r#"{{"id":"a","html":"h","width":300,"height":250,"clickUrl":{click}}}"#)
    };
    let ok = [
        (r#""https://adv.example/land""#, "https://adv.example/land"),
        (r#""http://adv.example""#, "http://adv.example"),
        (
            r#""https://adv.example/</script><script>alert(1)</script>""#,
            "https://adv.example/</script><script>alert(1)</script>",
        ),
        (r#""https://[::1]:8443/x""#, "https://[::1]:8443/x"),
    ];
    for (json, want) in ok {
        let got = render_any(200, &body(json)).map(|p| p.click_url);
        assert_eq!(got, Ok(Some(want.to_string())), "{json}");
    }
    let bad = [
        r#""javascript:alert(1)""#,
        r#""JAVASCRIPT:alert(1)""#,
        r#""JavaScript:alert(document.cookie)""#,
        r#""javascript://adv.example/%0aalert(1)""#,
        r#""data:text/html,<script>alert(1)</script>""#,
        r#""vbscript:msgbox(1)""#,
        r#""/relative/path""#,
        r#""//adv.example/x""#,
        r#""adv.example""#,
        r#"" https://adv.example""#,
        r#""https://adv.example ""#,
        r#""\thttps://adv.example""#,
        r#""https://adv.example/\n""#,
        r#""https://user:pw@adv.example""#,
        r#""ftp://adv.example""#,
        r#""""#,
        "42",
        "true",
        "[]",
        r#"{"url":"https://adv.example"}"#,
        r#"["https://adv.example"]"#,
    ];
    for json in bad {
        assert_eq!(
            render_any(200, &body(json)),
            Err(AdError::BadClickUrl),
            "{json}"
        );
    }
}

#[test]
fn too_large_before_parsing() {
    // Over the limit is refused even when it would parse.
    let pad = " ".repeat(MAX_AD_BYTES);
    let big = format!(r#"{{"id":"a","html":"h","width":300,"height":250}}{pad}"#);
    assert_eq!(render_any(200, &big), Err(AdError::TooLarge));
    assert_eq!(
        render_any(200, &"[".repeat(MAX_AD_BYTES + 1)),
        Err(AdError::TooLarge)
    );
    // Exactly at the limit is read.
    let head = r#"{"id":"a","html":"h","width":300,"height":250}"#;
    let exact = format!("{head}{}", " ".repeat(MAX_AD_BYTES - head.len()));
    assert_eq!(exact.len(), MAX_AD_BYTES);
    assert!(render_any(200, &exact).is_ok());
    // Status wins over size.
    assert_eq!(render_any(204, &big), Err(AdError::NoAd));
    // Deep nesting inside the limit is just malformed.
    assert_eq!(
        render_any(200, &"[".repeat(MAX_AD_BYTES)),
        Err(AdError::Malformed)
    );
}

#[test]
fn ad_error_messages() {
    let cases: &[(AdError, &str)] = &[
        (AdError::NoAd, "no ad"),
        (AdError::Status(500), "HTTP 500"),
        (AdError::Status(404), "HTTP 404"),
        (AdError::TooLarge, "response over 102400 bytes"),
        (AdError::Malformed, "malformed response (not a JSON object)"),
        (AdError::BadField("width"), "missing or invalid field width"),
        (AdError::BadClickUrl, "clickUrl is not an http(s) URL"),
        (AdError::Network, "network error"),
        (AdError::Timeout, "timed out"),
    ];
    for (err, want) in cases {
        assert_eq!(err.to_string(), *want);
    }
    assert_eq!(MAX_AD_BYTES, 102_400);
}

const HEAD: &str = "<!doctype html><html><head><meta charset=\"utf-8\"><base target=\"_blank\">\
    <style>html,body{margin:0;padding:0;overflow:hidden}</style></head><body>";

#[test]
fn srcdoc_is_the_creative_under_a_reset_head() {
    let p = plan("a", "<img src=x>", 300, 250, None);
    assert_eq!(ad::srcdoc(&p), format!("{HEAD}<img src=x></body></html>"));
}

#[test]
fn srcdoc_carries_no_click_url_and_no_script_of_the_tag() {
    // Clicks are taken by the frame document (src/frame.html), out of the creative's reach: nothing in the
    // creative's own document for it to read or trigger.
    let p = plan("a", "<div>ad", 300, 250, Some("https://adv.example/land?a=1&b=2"));
    let doc = ad::srcdoc(&p);
    assert_eq!(doc, format!("{HEAD}<div>ad</body></html>"));
    assert!(!doc.contains("adv.example") && !doc.contains("<script"));
}

#[test]
fn frame_url_is_frame_html_beside_the_script() {
    let cases = [
        ("https://ads.example.com/adtag.js", "https://ads.example.com/adtag-frame.html"),
        ("https://ads.example.com/t/v2/adtag.js?v=3#x", "https://ads.example.com/t/v2/adtag-frame.html"),
        ("http://127.0.0.1:8080/adtag.js", "http://127.0.0.1:8080/adtag-frame.html"),
        ("https://ads.example.com", "https://ads.example.com/adtag-frame.html"),
        ("https://ads.example.com/", "https://ads.example.com/adtag-frame.html"),
        ("https://ads.example.com?q=/a/b", "https://ads.example.com/adtag-frame.html"),
        ("https://ads.example.com/dir/", "https://ads.example.com/dir/adtag-frame.html"),
    ];
    for (src, want) in cases {
        assert_eq!(ad::frame_url(src), want, "{src}");
    }
}

#[test]
fn sandbox_is_strict() {
    assert!(SANDBOX.contains("allow-scripts") && SANDBOX.contains("allow-popups"));
    assert!(!SANDBOX.contains("allow-same-origin"));
    assert!(!SANDBOX.contains("allow-top-navigation"));
}

proptest! {
    #[test]
    fn render_plan_never_panics(status in any::<u16>(), body in ".*") {
        let _ = render_any(status, &body);
    }

    #[test]
    fn render_plan_never_panics_on_objects(
        id in r#"[a-z"\\<>/ ]{0,8}"#,
        num in r"-?[0-9]{0,25}(\.[0-9])?(e[0-9])?",
        junk in r#"[\[\]{}":,0-9a-z\\ ]{0,32}"#,
    ) {
        let body = format!(
            r#"{{"id":"{id}","html":{junk},"width":{num},"height":{num},"clickUrl":"{id}"}}"#
        );
        if let Ok(p) = render_any(200, &body) {
            prop_assert!((1..=ad::MAX_SIDE).contains(&p.width));
            let _ = ad::srcdoc(&p);
        }
    }

    #[test]
    fn parse_size_never_panics(input in ".*") {
        if let Ok(s) = ad::parse_size(&input) {
            prop_assert!((1..=ad::MAX_SIDE).contains(&s.width));
            prop_assert!((1..=ad::MAX_SIDE).contains(&s.height));
        }
    }

    #[test]
    fn parse_size_round_trips(w in 1u32..=2000, h in 1u32..=2000) {
        prop_assert_eq!(ad::parse_size(&format!("{w}x{h}")), Ok(size(w, h)));
    }

    #[test]
    fn srcdoc_adds_nothing_but_the_head(html in ".*") {
        let p = plan("a", &html, 1, 1, Some("https://x.example/"));
        let doc = ad::srcdoc(&p);
        prop_assert!(doc.starts_with(HEAD));
        prop_assert_eq!(&doc[HEAD.len()..doc.len() - "</body></html>".len()], html.as_str());
    }

    #[test]
    fn frame_url_never_panics_and_ends_in_frame_html(src in ".*") {
        prop_assert!(ad::frame_url(&src).ends_with("/adtag-frame.html"));
    }
}

// --- several sizes (SPEC §8) ---------------------------------------------------------------

fn list(sizes: &[(u32, u32)]) -> Vec<SlotSize> {
    sizes.iter().map(|&(w, h)| size(w, h)).collect()
}

#[test]
fn size_lists() {
    let ok: &[(&str, &[(u32, u32)])] = &[
        ("300x250", &[(300, 250)]),
        (
            "970x250, 728x90, 320x50",
            &[(970, 250), (728, 90), (320, 50)],
        ),
        ("970x250,728x90,320x50", &[(970, 250), (728, 90), (320, 50)]),
        (" 320x50 ,\t728X90 ", &[(320, 50), (728, 90)]),
        // A size listed twice counts once, where it first appears.
        ("728x90, 320x50, 728x90", &[(728, 90), (320, 50)]),
        (
            "1x1,2x2,3x3,4x4,5x5,6x6,7x7,8x8",
            &[
                (1, 1),
                (2, 2),
                (3, 3),
                (4, 4),
                (5, 5),
                (6, 6),
                (7, 7),
                (8, 8),
            ],
        ),
        // Duplicates don't count towards the limit.
        ("1x1,1x1,1x1,1x1,1x1,1x1,1x1,1x1,1x1,2x2", &[(1, 1), (2, 2)]),
    ];
    for (input, want) in ok {
        let got = ad::parse_sizes(input).map(|s| s.as_slice().to_vec());
        assert_eq!(got, Ok(list(want)), "{input:?}");
    }
    let bad: &[(&str, SizeError)] = &[
        ("", SizeError::Malformed("".into())),
        (",", SizeError::Malformed("".into())),
        ("300x250,", SizeError::Malformed("".into())),
        (",300x250", SizeError::Malformed("".into())),
        ("300x250,,728x90", SizeError::Malformed("".into())),
        ("300x250, ", SizeError::Malformed(" ".into())),
        ("300x250, 728x", SizeError::Malformed(" 728x".into())),
        (
            "300x250;728x90",
            SizeError::Malformed("300x250;728x90".into()),
        ),
        (
            "300x250 728x90",
            SizeError::Malformed("300x250 728x90".into()),
        ),
        ("300x250, 0x90", SizeError::OutOfBounds(" 0x90".into())),
        ("3000x250, 728x", SizeError::OutOfBounds("3000x250".into())),
        (
            "1x1,2x2,3x3,4x4,5x5,6x6,7x7,8x8,9x9",
            SizeError::TooMany("1x1,2x2,3x3,4x4,5x5,6x6,7x7,8x8,9x9".into()),
        ),
    ];
    for (input, want) in bad {
        assert_eq!(ad::parse_sizes(input).as_ref(), Err(want), "{input:?}");
    }
    // A single size parses as parse_size does, errors included.
    for input in ["300x250", " 728x90", "300x", "0x1", "x"] {
        assert_eq!(
            ad::parse_sizes(input).map(|s| s.as_slice().to_vec()),
            ad::parse_size(input).map(|s| vec![s]),
            "{input:?}"
        );
    }
    assert_eq!(
        SizeError::TooMany("1x1,...".into()).to_string(),
        "slot size (data-adtag-size) \"1x1,...\" lists more than 8 sizes"
    );
    assert_eq!(ad::MAX_SIZES, 8);
}

#[test]
fn fitting_keeps_the_order_given() {
    let sizes = list(&[(970, 250), (728, 90), (320, 50)]);
    let cases: &[(u32, &[(u32, u32)])] = &[
        (1200, &[(970, 250), (728, 90), (320, 50)]),
        (970, &[(970, 250), (728, 90), (320, 50)]),
        (969, &[(728, 90), (320, 50)]),
        (728, &[(728, 90), (320, 50)]),
        (375, &[(320, 50)]),
        (320, &[(320, 50)]),
        (319, &[]),
        (0, &[]),
    ];
    for (width, want) in cases {
        assert_eq!(
            ad::fitting(&sizes, *width).as_slice(),
            &list(want)[..],
            "{width}px"
        );
    }
    // The publisher's order, not by size.
    let small_first = list(&[(320, 50), (970, 250), (728, 90)]);
    assert_eq!(
        ad::fitting(&small_first, 800).as_slice(),
        &list(&[(320, 50), (728, 90)])[..]
    );
    assert!(ad::fitting(&[], 1000).is_empty());
    assert_eq!(ad::Sizes::EMPTY.as_slice(), &[]);
}

#[test]
fn envelope_holds_every_size() {
    let sizes = ad::parse_sizes("970x90, 300x250, 320x50").unwrap();
    assert_eq!(sizes.envelope(), size(970, 250));
    assert_eq!(ad::Sizes::one(size(300, 250)).envelope(), size(300, 250));
    assert_eq!(ad::Sizes::EMPTY.envelope(), size(0, 0));
    assert!(sizes.contains(size(300, 250)) && !sizes.contains(size(250, 300)));
}

fn request<'a>(consent: &'a ConsentParams, sizes: &'a [SlotSize]) -> AdRequest<'a> {
    AdRequest {
        endpoint: "https://ads.example.com",
        publisher: "1",
        slot: "s",
        sizes,
        page_url: "https://p.example/a",
        collect: false,
        npa: true,
        coppa: false,
        uid: None,
        consent,
        targeting: "",
    }
}

#[test]
fn request_url_lists_the_sizes_in_order() {
    let consent = ConsentParams::default();
    let sizes = list(&[(970, 250), (728, 90), (320, 50)]);
    let url = ad::ad_request_url(&request(&consent, &sizes));
    assert_eq!(
        url,
        "https://ads.example.com/v1/ad?pub=1&slot=s&size=970x250,728x90,320x50\
         &url=https%3A%2F%2Fp.example%2Fa&npa=1&coppa=0"
    );
    let one = list(&[(320, 50)]);
    assert!(ad::ad_request_url(&request(&consent, &one)).contains("&size=320x50&url="));
}

#[test]
fn request_url_carries_no_fragment_and_no_query_without_collection() {
    let consent = ConsentParams::default();
    let sizes = [size(300, 250)];
    // (page URL, collect, url= as sent)
    let cases: &[(&str, bool, &str)] = &[
        (
            "https://p.example/a?email=me%40x.example#token=abc",
            false,
            "https%3A%2F%2Fp.example%2Fa",
        ),
        (
            "https://p.example/a?email=me%40x.example#token=abc",
            true,
            "https%3A%2F%2Fp.example%2Fa%3Femail%3Dme%2540x.example",
        ),
        (
            "https://p.example/a#frag?not=query",
            false,
            "https%3A%2F%2Fp.example%2Fa",
        ),
        (
            "https://p.example/a#frag?not=query",
            true,
            "https%3A%2F%2Fp.example%2Fa",
        ),
        ("https://p.example/?", true, "https%3A%2F%2Fp.example%2F%3F"),
        ("https://p.example/?", false, "https%3A%2F%2Fp.example%2F"),
        ("https://p.example/#", true, "https%3A%2F%2Fp.example%2F"),
        ("https://p.example/", false, "https%3A%2F%2Fp.example%2F"),
        ("", false, ""),
    ];
    for (page_url, collect, want) in cases {
        let req = AdRequest {
            page_url,
            collect: *collect,
            ..request(&consent, &sizes)
        };
        let url = ad::ad_request_url(&req);
        let sent = url.split("&url=").nth(1).and_then(|r| r.split('&').next());
        assert_eq!(sent, Some(*want), "{page_url:?} collect={collect}");
    }
}

#[test]
fn request_url_carries_targeting_last_and_encoded() {
    let consent = ConsentParams {
        us_privacy: Some("1YNN".into()),
        ..ConsentParams::default()
    };
    let sizes = [size(300, 250)];
    let req = AdRequest {
        targeting: "section=sport,news&pos=top",
        ..request(&consent, &sizes)
    };
    assert!(
        ad::ad_request_url(&req)
            .ends_with("&us_privacy=1YNN&tgt=section%3Dsport%2Cnews%26pos%3Dtop"),
        "{}",
        ad::ad_request_url(&req)
    );
    let req = AdRequest {
        targeting: "",
        ..req
    };
    assert!(!ad::ad_request_url(&req).contains("tgt"));
}

#[test]
fn an_ad_of_another_size_collapses_the_slot() {
    let body = |w: u32, h: u32| format!(r#"{{"id":"a","html":"h","width":{w},"height":{h}}}"#);
    let one = [size(300, 250)];
    let three = list(&[(970, 250), (728, 90), (320, 50)]);
    // (requested, answer, accepted)
    let cases: &[(&[SlotSize], (u32, u32), bool)] = &[
        (&one, (300, 250), true),
        (&one, (300, 600), false),
        (&one, (250, 300), false),
        (&one, (1, 1), false),
        (&three, (970, 250), true),
        (&three, (728, 90), true),
        (&three, (320, 50), true),
        (&three, (970, 90), false),
        (&three, (300, 250), false),
        // Only the sizes that fit were requested: a bigger one listed on the slot is refused.
        (&three[1..], (970, 250), false),
        (&[], (300, 250), false),
    ];
    for (requested, (w, h), accepted) in cases {
        let got = ad::render_plan(200, &body(*w, *h), requested);
        match accepted {
            true => assert_eq!(got.map(|p| (p.width, p.height)), Ok((*w, *h))),
            false => assert_eq!(got, Err(AdError::WrongSize(size(*w, *h))), "{w}x{h}"),
        }
    }
    assert_eq!(
        AdError::WrongSize(size(300, 600)).to_string(),
        "ad size 300x600 is not a size the slot asked for"
    );
    // A bad field is named before the size is compared; a bad click URL comes after.
    let bad_height = r#"{"id":"a","html":"h","width":300,"height":0}"#;
    assert_eq!(
        ad::render_plan(200, bad_height, &one),
        Err(AdError::BadField("height"))
    );
    let bad_click = r#"{"id":"a","html":"h","width":300,"height":600,"clickUrl":"javascript:x"}"#;
    assert_eq!(
        ad::render_plan(200, bad_click, &one),
        Err(AdError::WrongSize(size(300, 600)))
    );
}

proptest! {
    #[test]
    fn parse_sizes_never_panics(input in "[0-9xX, ]{0,40}|.*") {
        if let Ok(sizes) = ad::parse_sizes(&input) {
            let s = sizes.as_slice();
            prop_assert!(!s.is_empty() && s.len() <= ad::MAX_SIZES);
            for (i, a) in s.iter().enumerate() {
                prop_assert!((1..=ad::MAX_SIDE).contains(&a.width));
                prop_assert!(!s[..i].contains(a));
            }
        }
    }

    #[test]
    fn fitting_is_the_ordered_subset_that_fits(
        sides in proptest::collection::vec((1u32..=2000, 1u32..=2000), 0..12),
        width in 0u32..2200,
    ) {
        let sizes: Vec<SlotSize> = sides.iter().map(|&(w, h)| size(w, h)).collect();
        let got = ad::fitting(&sizes, width);
        let mut want: Vec<SlotSize> = Vec::new();
        for s in sizes.iter().filter(|s| s.width <= width) {
            if !want.contains(s) && want.len() < ad::MAX_SIZES {
                want.push(*s);
            }
        }
        prop_assert_eq!(got.as_slice(), &want[..]);
    }

    #[test]
    fn render_plan_renders_only_a_requested_size(
        w in 1u32..=2000, h in 1u32..=2000,
        requested in proptest::collection::vec((1u32..=4, 1u32..=4), 0..4),
    ) {
        let requested: Vec<SlotSize> = requested.iter().map(|&(a, b)| size(a * 100, b * 100)).collect();
        let body = format!(r#"{{"id":"a","html":"h","width":{w},"height":{h}}}"#);
        match ad::render_plan(200, &body, &requested) {
            Ok(p) => prop_assert!(requested.contains(&size(p.width, p.height))),
            Err(e) => prop_assert_eq!(e, AdError::WrongSize(size(w, h))),
        }
    }
}
