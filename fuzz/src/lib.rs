//! What each fuzz target checks, one function per target: the parser called once on the
//! input, then the invariants that must hold for any input (a panic here is a finding).
//!
//! Plain Rust with no dependency but `adtag`: the targets in `fuzz_targets/` call these,
//! and `tests/core_fuzz_regressions.rs` includes this file to replay the committed corpus
//! and every past crash in the root's `cargo test`, without libFuzzer.

use adtag::core::ad::{MAX_SIDE, MAX_SIZES, SlotSize, parse_size, parse_sizes, render_plan, srcdoc};
use adtag::core::config::{RawConfig, resolve};
use adtag::core::consent::{GppData, TcfData, UsSection, gpp_opted_out, tcf_allows, usp_opted_out};
use adtag::core::cookies::{self, Pair};
use adtag::core::json::{self, MAX_DEPTH, Value, push_string};
use adtag::core::site_list::{self, is_address, normalize_host};
use adtag::core::url::{self, http_host, http_origin, is_http_url, parse_endpoint, push_encoded};

/// Every target, by name (the name of its `fuzz_targets/` file and corpus directory).
pub const TARGETS: [(&str, fn(&[u8])); 8] = [
    ("ad_answer", ad_answer),
    ("config", config),
    ("consent", consent),
    ("cookies", cookie_jar),
    ("json", json_text),
    ("site_list", site_list),
    ("slot_size", slot_size),
    ("url", url),
];

/// `document.cookie` as any page can set it. Input: the opt-out cookie name, a newline, the
/// cookie string (no newline: the name is `adtag_optout`).
pub fn cookie_jar(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (name, jar) = text.split_once('\n').unwrap_or(("adtag_optout", text));

    let pairs: Vec<_> = cookies::parse(jar).collect();
    for pair in pairs.iter().flatten() {
        let Pair { name, value } = *pair;
        assert!(!name.is_empty() && name.trim_ascii() == name, "name {name:?}");
        assert!(!name.contains([';', '=']) && !value.contains(';'), "{pair:?}");
    }

    // The first pair of that name is the value; an opt-out is never read where the jar
    // holds no `name=1` pair, and is always read where the first one says `1` (whichever
    // of several the core lets win, these two hold).
    let first = pairs.iter().flatten().find(|p| p.name == name).map(|p| p.value);
    assert_eq!(cookies::get(jar, name), first);
    let opted_out = cookies::opted_out(jar, name);
    if opted_out {
        assert!(pairs.iter().flatten().any(|p| p.name == name && p.value == "1"));
    }
    if first == Some("1") {
        assert!(opted_out);
    }
}

/// The publisher's configuration as the page gives it: script data attributes and
/// `window.adtag.config`, any string in any key. Input: lines `key=value`; `key` is `src`
/// (the script's URL) or a config key, prefixed `w.` for the window's object, e.g.
/// `publisher=12345`, `w.endpoint=https://ads.example`. A line without `=` or with another
/// key is ignored; a key given twice keeps the last value.
pub fn config(data: &[u8]) {
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
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (mut attrs, mut window, mut src) = (RawConfig::default(), RawConfig::default(), None);
    for line in text.split('\n') {
        let Some((key, value)) = line.split_once('=') else { continue };
        let slot = match key.strip_prefix("w.") {
            _ if key == "src" => Some(&mut src),
            Some(key) => field(&mut window, key),
            None => field(&mut attrs, key),
        };
        if let Some(slot) = slot {
            *slot = Some(value.to_string());
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
            let breaks = |c: char| c.is_control() || c == '\u{2028}' || c == '\u{2029}';
            assert!(!m.contains(breaks), "{m:?}");
            // The value is cut at 100 characters, each escaped to at most 6.
            assert!(m.chars().count() < 800, "{m:?}");
        }
    }
}

/// A slot's `data-adtag-size` attribute, as the page writes it.
pub fn slot_size(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match parse_size(text) {
        Ok(size) => {
            assert!((1..=MAX_SIDE).contains(&size.width), "{text:?} → {size:?}");
            assert!((1..=MAX_SIDE).contains(&size.height), "{text:?} → {size:?}");
            // Only digits, one `x` and surrounding blanks make a size.
            let t = text.trim_ascii();
            assert!(t.bytes().all(|b| b.is_ascii_digit() || b == b'x' || b == b'X'), "{text:?}");
            assert_eq!(parse_size(&format!("{}x{}", size.width, size.height)), Ok(size));
        }
        Err(e) => assert!(!e.message().contains(char::is_control), "{e:?}"),
    }
    // The list form (`"970x250, 728x90"`): every size in bounds, at most MAX_SIZES, none twice.
    match parse_sizes(text) {
        Ok(sizes) => {
            let list = sizes.as_slice();
            assert!(!list.is_empty() && list.len() <= MAX_SIZES, "{text:?} → {list:?}");
            for (i, s) in list.iter().enumerate() {
                assert!((1..=MAX_SIDE).contains(&s.width) && (1..=MAX_SIDE).contains(&s.height), "{text:?}");
                assert!(!list[..i].contains(s), "{text:?}: {s:?} twice");
            }
        }
        Err(e) => assert!(!e.message().contains(char::is_control), "{e:?}"),
    }
}

/// URLs from config and ad servers: http(s) check, origin, host, endpoint, and the
/// percent-encoding of query values (the page URL and consent strings).
pub fn url(data: &[u8]) {
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
    assert_eq!(percent_decode(&enc), s.as_bytes());
}

fn percent_decode(s: &str) -> Vec<u8> {
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

/// The child-directed site list as the network answers it. Input: the page's host, a
/// newline, the response body (no newline: the host is `www.example.com`).
pub fn site_list(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (host, body) = text.split_once('\n').unwrap_or(("www.example.com", text));
    let Ok(list) = site_list::parse(200, body) else { return };

    // A list parses only from a JSON array of strings; each entry covers itself and its
    // subdomains, and nothing else: not `notexample.com`, and an address only itself.
    let entries: Vec<String> = match json::parse(body) {
        Ok(Value::Arr(items)) => items
            .iter()
            .map(|v| normalize_host(v.as_str().expect("a list of strings")))
            .collect(),
        other => panic!("a list from {other:?}"),
    };
    assert!(list.len() <= entries.len());
    if list.covers(host) {
        let h = normalize_host(host);
        let within = |e: &String| h == *e || (!is_address(&h) && h.ends_with(&format!(".{e}")));
        assert!(entries.iter().any(within), "{host:?} covered by {entries:?}");
    }
}

/// The ad server's answer. Input: the body; a first byte `\x01` to `\x09` picks a status
/// other than 200 instead (so most inputs are 200 answers).
pub fn ad_answer(data: &[u8]) {
    const STATUSES: [u16; 9] = [204, 0, 201, 301, 304, 404, 500, 503, 65535];
    let (status, body) = match data.first() {
        Some(&b @ 1..=9) => (STATUSES[usize::from(b - 1)], &data[1..]),
        _ => (200, data),
    };
    let Ok(body) = std::str::from_utf8(body) else { return };
    // The sizes the slot asked for: an answer of any other size is refused.
    let requested = [SlotSize { width: 300, height: 250 }, SlotSize { width: 728, height: 90 }, SlotSize { width: 1, height: 1 }];
    let Ok(plan) = render_plan(status, body, &requested) else { return };
    assert!(requested.contains(&SlotSize { width: plan.width, height: plan.height }), "{plan:?}");

    assert_eq!(status, 200);
    assert!((1..=MAX_SIDE).contains(&plan.width) && (1..=MAX_SIDE).contains(&plan.height));
    assert!(!plan.ad_id.is_empty() && plan.ad_id.chars().count() <= 128, "{plan:?}");
    if let Some(click) = &plan.click_url {
        let lower = click.to_ascii_lowercase();
        assert!(lower.starts_with("http://") || lower.starts_with("https://"), "{click:?}");
        assert!(is_http_url(click), "{click:?}");
    }

    // The creative's document: the tag's own part (everything but the creative) holds no
    // script at all (clicks are taken by the frame document, src/frame.html).
    let doc = srcdoc(&plan);
    let own = &doc[..doc.len() - plan.html.len() - "</body></html>".len()];
    assert!(!own.to_ascii_lowercase().contains("<script"), "{own:?}");
    assert!(own.ends_with("<body>"), "{own:?}");
}

/// The JSON reader (ad answers, the site list) on any bytes the network sends. What it
/// reads, written back out with the same string writer the tag uses, reads back the same.
pub fn json_text(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(v) = json::parse(text) else { return };
    let mut out = String::new();
    let depth = write_json(&v, &mut out);
    assert!(depth <= MAX_DEPTH, "depth {depth}");
    assert_eq!(json::parse(&out), Ok(v), "{out:?}");
}

/// Writes `v` as JSON (a float as `0.5`: the reader keeps no float value) and returns its
/// nesting depth.
fn write_json(v: &Value, out: &mut String) -> usize {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(n) => out.push_str(&n.to_string()),
        Value::Float => out.push_str("0.5"),
        Value::Str(s) => {
            let start = out.len();
            push_string(out, s);
            // Safe inside an HTML <script>: no raw `<`, `>`, `&`, line separators or
            // control characters below U+0020 (DEL and C1 controls are valid JSON as is).
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
                depth = depth.max(write_json(item, out));
            }
            out.push(']');
            return depth + 1;
        }
        Value::Obj(members) => {
            out.push('{');
            let mut depth = 0;
            // Repeated keys are kept in order (the reader has no quadratic duplicate check);
            // `get` reads the first.
            for (i, (k, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_string(out, k);
                out.push(':');
                depth = depth.max(write_json(item, out));
            }
            out.push('}');
            return depth + 1;
        }
    }
    0
}

/// The vendor id the consent checks ask about.
const VENDOR: u32 = 755;

/// Consent data as the page's platforms answer it: a US Privacy string (the whole input
/// when it starts with `1`), otherwise TCF and GPP answers built from the bytes. Whatever
/// the answer, a vendor without consent never gets cookies, and any applicable US section
/// that says no (or is missing) is an opt-out.
pub fn consent(data: &[u8]) {
    if let Some(b'1') = data.first() {
        let Ok(usp) = std::str::from_utf8(data) else { return };
        // Fail closed: only a well-formed string whose sale flag is N or - allows.
        if !usp_opted_out(usp) {
            let b = usp.as_bytes();
            assert!(b.len() == 4 && b"NnYy-".contains(&b[1]) && b"Nn-".contains(&b[2]), "{usp:?}");
            assert!(b"NnYy-".contains(&b[3]), "{usp:?}");
        }
        return;
    }

    let mut b = Bytes(data);
    let (Some(t), Some(g)) = (tcf_data(&mut b), gpp_data(&mut b)) else { return };
    let allows = tcf_allows(&t, VENDOR);
    if t.gdpr_applies != Some(false) {
        let consented = |p: u32| t.purpose_consents & (1 << p) != 0 && t.vendor_consents.contains(&VENDOR);
        assert_eq!(allows.cookies, consented(1), "{t:?}");
        assert_eq!(allows.personalized, consented(3) && consented(4), "{t:?}");
    }
    assert!(!allows.beacons || allows.cookies, "{t:?}");

    let applies = |id: u16| g.applicable_sections.contains(&i32::from(id));
    let says_no = g.us_sections.iter().filter(|s| applies(s.id)).any(|s| {
        let no = |v: u8| v != 0 && v != 2;
        s.gpc
            || no(s.sale_opt_out)
            || no(s.sharing_opt_out)
            || no(s.targeted_advertising_opt_out)
            || s.known_child.iter().any(|&c| c != 0)
    });
    let missing = g.applicable_sections.iter().any(|&id| {
        (7..=27).contains(&id) && !g.us_sections.iter().any(|s| i32::from(s.id) == id)
    });
    if says_no || missing {
        assert!(gpp_opted_out(&g), "{g:?}");
    }
}

/// Reads plain data from the fuzzer's bytes; `None` once they run out.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes([self.byte()?, self.byte()?, self.byte()?, self.byte()?]))
    }
    /// Up to `max` items.
    fn list<T>(&mut self, max: u8, mut item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let n = self.byte()? % (max + 1);
        (0..n).map(|_| item(self)).collect()
    }
    fn string(&mut self) -> Option<String> {
        let bytes = self.list(16, Self::byte)?;
        Some(String::from_utf8_lossy(&bytes).into_owned())
    }
}

fn tcf_data(b: &mut Bytes) -> Option<TcfData> {
    // Small vendor ids, and often ours.
    let vendor = |b: &mut Bytes| {
        let x = b.byte()?;
        Some(if x & 1 == 0 { VENDOR } else { u32::from(x) })
    };
    Some(TcfData {
        gdpr_applies: [None, Some(true), Some(false)][usize::from(b.byte()? % 3)],
        tc_string: b.string()?,
        purpose_consents: b.u32()?,
        purpose_li: b.u32()?,
        vendor_consents: b.list(6, vendor)?,
        vendor_li: b.list(6, vendor)?,
        ..TcfData::default()
    })
}

fn gpp_data(b: &mut Bytes) -> Option<GppData> {
    let applicable_sections = b.list(4, |b| Some(i32::from(b.byte()? % 33) - 2))?;
    let us_sections = b.list(4, |b| {
        Some(UsSection {
            id: u16::from(b.byte()? % 31),
            sale_opt_out: b.byte()? % 4,
            sharing_opt_out: b.byte()? % 4,
            targeted_advertising_opt_out: b.byte()? % 4,
            gpc: b.byte()? & 1 == 1,
            known_child: b.list(3, Bytes::byte)?,
            ..UsSection::default()
        })
    })?;
    Some(GppData { gpp_string: b.string()?, applicable_sections, us_sections, ..GppData::default() })
}
