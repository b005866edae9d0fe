//! The publisher's configuration as the page gives it: script data attributes and
//! `window.adtag.config`, any string in any key. Input: lines `key=value`; `key` is `src`
//! (the script's URL) or a RawConfig field, prefixed `w.` for the window's object, e.g.
//! `publisher=12345`, `w.endpoint=https://ads.example`. A line without `=` is ignored; a key
//! given twice keeps the last value.
#![no_main]

use adtag::core::config::{RawConfig, resolve};
use adtag::core::{cookies, url};
use libfuzzer_sys::fuzz_target;

fn field<'a>(raw: &'a mut RawConfig, key: &str) -> Option<&'a mut Option<String>> {
    Some(match key {
        "publisher" => &mut raw.publisher,
        "endpoint" => &mut raw.endpoint,
        "childDirected" => &mut raw.child_directed,
        "optOutCookie" => &mut raw.opt_out_cookie,
        "debug" => &mut raw.debug,
        "tcfVendorId" => &mut raw.tcf_vendor_id,
        _ => return None,
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (mut attrs, mut window, mut src) = (RawConfig::default(), RawConfig::default(), None);
    for line in text.split('\n') {
        let Some((key, value)) = line.split_once('=') else { continue };
        let value = Some(value.to_string());
        let slot = match key.strip_prefix("w.") {
            _ if key == "src" => Some(&mut src),
            Some(key) => field(&mut window, key),
            None => field(&mut attrs, key),
        };
        if let Some(slot) = slot {
            *slot = value;
        }
    }

    match resolve(src.as_deref(), &attrs, &window) {
        Ok(c) => {
            assert!((1..=18).contains(&c.publisher.len()), "{c:?}");
            assert!(c.publisher.bytes().all(|b| b.is_ascii_digit()), "{c:?}");
            assert!(url::is_http_url(&c.endpoint), "{c:?}");
            assert_eq!(url::parse_endpoint(&c.endpoint).as_ref(), Some(&c.endpoint));
            assert!(cookies::is_valid_name(&c.opt_out_cookie), "{c:?}");
            assert!(c.tcf_vendor_id.is_none_or(|id| (1..=65535).contains(&id)), "{c:?}");
            // Fail closed: only an explicit "no" turns the child-directed flag off.
            let child = window.child_directed.as_deref().or(attrs.child_directed.as_deref());
            if !c.child_directed {
                let no = child.map(str::trim_ascii);
                assert!(no.is_none_or(|v| v == "0" || v.eq_ignore_ascii_case("false")), "{c:?}");
            }
        }
        Err(e) => {
            // One console line, of bounded length, whatever the page put in the value.
            let m = e.message();
            assert!(!m.contains(|c: char| c.is_control() || c == '\u{2028}' || c == '\u{2029}'), "{m:?}");
            // The value is cut at 100 characters, each escaped to at most 6.
            assert!(m.chars().count() < 800, "{m:?}");
        }
    }
});
