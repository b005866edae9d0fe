//! URLs from config and ad servers: http(s) check, origin, host, endpoint, and the
//! percent-encoding of query values (the page URL and consent strings).
#![no_main]

use adtag::core::url::{http_host, http_origin, is_http_url, parse_endpoint, push_encoded};
use libfuzzer_sys::fuzz_target;

fn decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let (mut out, mut i) = (Vec::new(), 0);
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let ok = is_http_url(s);
    let origin = http_origin(s);
    let host = http_host(s);
    assert_eq!(ok, origin.is_some());
    assert_eq!(ok, host.is_some());
    if let (Some(origin), Some(host)) = (&origin, &host) {
        let lower = s.to_ascii_lowercase();
        assert!(lower.starts_with("http://") || lower.starts_with("https://"), "{s:?}");
        assert!(!s.contains(|c: char| c.is_whitespace() || c.is_control()), "{s:?}");
        // An origin is a URL whose origin is itself; its host is the URL's host.
        assert_eq!(http_origin(origin).as_ref(), Some(origin), "{s:?}");
        assert_eq!(http_host(origin).as_ref(), Some(host), "{s:?}");
        assert_eq!(origin.to_ascii_lowercase(), *origin);
        assert!(!host.is_empty() && !host.contains(['@', '/', '?', '#', '%']), "{s:?} → {host:?}");
    }
    match parse_endpoint(s) {
        Some(e) => {
            assert!(ok, "{s:?}");
            assert!(!e.contains(['?', '#']) && !e.ends_with('/'), "{s:?} → {e:?}");
            assert_eq!(parse_endpoint(&e).as_ref(), Some(&e), "{s:?}");
            assert_eq!(http_origin(&e), origin, "{s:?}");
        }
        None => assert!(!ok || s.contains(['?', '#']), "{s:?}"),
    }

    let mut enc = String::new();
    push_encoded(&mut enc, s);
    assert!(enc.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~%".contains(&b)), "{enc:?}");
    assert_eq!(decode(&enc), s.as_bytes());
});
