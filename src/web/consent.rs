//! Consent platforms on the page: IAB TCF v2.2 (`__tcfapi`, or `__tcfapiLocator` in an
//! ancestor frame), GPP (`__gpp`) and US Privacy (`__uspapi`). Their answers become
//! `Signals` through `tag::update_signals`, live, in both directions.
//!
//! Only platforms present when the tag starts are used: a page puts its CMP stub before the
//! tag, as IAB asks. A platform that is odd in any way (not a function, throws, answers in
//! the wrong shape, never answers) never makes the tag throw: it stays `Pending` until the
//! timeout, and then counts as `TimedOut` (not allowed).

#[allow(unused_imports)]
use crate::prelude::*;
use crate::web::local::Local;

use crate::core::ad::ConsentParams;
use crate::core::consent::{GppData, TcfData, UsSection, purpose_bit};
use crate::core::signals::{Answer, Signals};
use crate::web::page::get;
use crate::web::publisher_events::object;
use crate::web::tag;
use crate::web::timer::Timeout;
use js_sys::{Array, Function, Object, Reflect};
use core::cell::Cell;
use wasm_bindgen::prelude::*;
use web_sys::Window;

/// How long, from the tag's start, each platform found has to give its first answer:
/// 1000 ms. After that it counts as `TimedOut`: the decision fails closed (no collection,
/// ads non-personalized) and the ads, which wait for every platform, go out. An answer that
/// comes later still replaces the timeout (collection may start then).
pub const CONSENT_TIMEOUT_MS: u32 = 1000;

const TCF: usize = 0;
const GPP: usize = 1;
const USP: usize = 2;
/// Our `callId` on the `__tcfapiLocator` postMessage protocol.
const CALL_ID: &str = "adtag-tcf";
/// GPP section names (`parsedSections` keys) of ids 7 (usnat), 8.. (the US states).
const US_SECTIONS: [&str; 21] = [
    "usnat", "usca", "usva", "usco", "usut", "usct", "usfl", "usmt", "usor", "ustx", "usde",
    "usia", "usne", "usnh", "usnj", "ustn", "usmn", "usmd", "usin", "usky", "usri",
];

/// Per platform (TCF, GPP, USP): found on the page; answered at least once or timed out.
static FOUND: Local<Cell<[bool; 3]>> = Local::new(Cell::new([false; 3]));
static SETTLED: Local<Cell<[bool; 3]>> = Local::new(Cell::new([false; 3]));
static VENDOR: Local<Cell<Option<u32>>> = Local::new(Cell::new(None));

/// Finds the platforms the page has and listens to them. Platforms found start as
/// `Answer::Pending`; each answer or the timeout updates them through `tag::update_signals`.
/// Called once the tag's state exists (and outside it), so callbacks may fire synchronously.
pub fn start(window: &Window) {
    let func = |name| get(window, name).dyn_into::<Function>().ok();
    let tcf = func("__tcfapi");
    let locator = if tcf.is_none() { find_locator(window) } else { None };
    let (gpp, usp) = (func("__gpp"), func("__uspapi"));
    let found = [tcf.is_some() || locator.is_some(), gpp.is_some(), usp.is_some()];
    FOUND.set(found);
    if found == [false; 3] {
        return;
    }
    // Before the first decision, so set directly: no decision event for a guess.
    VENDOR.set(tag::with(|t| {
        let s = &mut t.signals;
        if found[TCF] {
            s.tcf = Answer::Pending;
        }
        if found[GPP] {
            s.gpp = Answer::Pending;
        }
        if found[USP] {
            s.usp = Answer::Pending;
        }
        s.tcf_vendor_id
    })
    .flatten());
    // Never cleared: when it fires it changes only the platforms still unanswered.
    core::mem::forget(Timeout::new(CONSENT_TIMEOUT_MS, time_out));

    // A CMP that throws simply never answers: the timeout takes over.
    let call = |f: Function, command: &str, b: JsValue, c: JsValue| {
        let _ = f.call3(window, &command.into(), &b, &c);
    };
    if let Some(f) = tcf {
        call(f, "addEventListener", 2.into(), callback(on_tcf));
    } else if let Some(target) = locator {
        post_tcf(window, target);
    }
    if let Some(f) = gpp {
        call(f, "addEventListener", callback(on_gpp), JsValue::UNDEFINED);
    }
    if let Some(f) = usp {
        call(f, "getUSPData", 1.into(), callback(on_usp));
    }
}

/// Has every platform found given a first answer (or timed out)? Until then the first
/// decision, and so the ad requests, wait.
pub fn settled() -> bool {
    let (found, settled) = (FOUND.get(), SETTLED.get());
    (0..3).all(|i| !found[i] || settled[i])
}

/// What goes on the ad request, each only once its platform answered: `gdpr` (1 unless the
/// CMP says GDPR does not apply), `gdpr_consent`, `gpp`, `gpp_sid` (applicable sections,
/// comma-separated), `us_privacy`.
pub fn params(signals: &Signals) -> ConsentParams {
    let mut p = ConsentParams::default();
    let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    if let Answer::Ready(d) = &signals.tcf {
        p.gdpr = Some(d.gdpr_applies != Some(false));
        p.gdpr_consent = some(&d.tc_string);
    }
    if let Answer::Ready(g) = &signals.gpp {
        p.gpp = some(&g.gpp_string);
        let mut sid = String::new();
        for id in g.applicable_sections.iter().filter(|&&id| id > 0) {
            if !sid.is_empty() {
                sid.push(',');
            }
            crate::core::events::push_u64(&mut sid, id.unsigned_abs().into());
        }
        p.gpp_sid = some(&sid);
    }
    if let Answer::Ready(u) = &signals.usp {
        p.us_privacy = Some(u.clone());
    }
    p
}

/// A JS `(data, success)` callback that may be called any number of times.
fn callback(f: fn(JsValue)) -> JsValue {
    Closure::<dyn FnMut(JsValue)>::new(f).into_js_value()
}

/// One change to the platforms' answers. (One type, so `tag::update_signals` is built once.)
enum Change {
    Tcf(Answer<TcfData>),
    Gpp(Answer<GppData>),
    Usp(Answer<String>),
    /// These platforms (TCF, GPP, USP) timed out.
    Late([bool; 3]),
}

/// Records a change; an answer from platform `i` settles it first, so the decision may follow.
fn change(i: usize, change: Change) {
    let mut settled = SETTLED.get();
    settled[i] = true;
    SETTLED.set(settled);
    tag::update_signals(move |s| match change {
        Change::Tcf(a) => s.tcf = a,
        Change::Gpp(a) => s.gpp = a,
        Change::Usp(a) => s.usp = a,
        Change::Late(late) => {
            if late[TCF] {
                s.tcf = Answer::TimedOut;
            }
            if late[GPP] {
                s.gpp = Answer::TimedOut;
            }
            if late[USP] {
                s.usp = Answer::TimedOut;
            }
        }
    });
}

/// The timeout: every platform found that has not answered yet counts as `TimedOut`.
fn time_out() {
    let (found, settled) = (FOUND.get(), SETTLED.get());
    let late = [found[0] && !settled[0], found[1] && !settled[1], found[2] && !settled[2]];
    SETTLED.set(found);
    if late != [false; 3] {
        change(TCF, Change::Late(late)); // (the index matters not: all are settled now)
    }
}

// ---------------------------------------------------------------------------------------
// TCF

/// The nearest window, this one or an ancestor up to the top, with a child frame named
/// `__tcfapiLocator` (named frames may be read across origins; a refusal reads as none).
fn find_locator(window: &Window) -> Option<Window> {
    let mut w: JsValue = window.into();
    for _ in 0..32 {
        if has_locator(&w) {
            return Some(w.unchecked_into());
        }
        let parent = get(&w, "parent");
        if !parent.is_object() || Object::is(&parent, &w) {
            return None; // the top's parent is itself
        }
        w = parent;
    }
    None
}

/// `addEventListener` through the postMessage protocol. (We post an object, so the CMP
/// answers with objects: the protocol answers in the form it was called.)
fn post_tcf(window: &Window, target: Window) {
    let call = object(&[("command", "addEventListener".into()), ("version", 2.into()),
        ("callId", CALL_ID.into())]);
    let _ = target.post_message(&object(&[("__tcfapiCall", call)]), "*");
    // Listens for the page's lifetime: TCF events keep coming.
    let _ = window.add_event_listener_with_callback("message", callback(on_message).unchecked_ref());
}

/// A `message` event: an answer when it carries our `callId` and comes from a window that
/// hosts a `__tcfapiLocator` (a CMP's).
fn on_message(e: JsValue) {
    let ret = get(&get(&e, "data"), "__tcfapiReturn");
    if get(&ret, "callId").as_string().as_deref() == Some(CALL_ID) && has_locator(&get(&e, "source")) {
        on_tcf(get(&ret, "returnValue"));
    }
}

fn has_locator(w: &JsValue) -> bool {
    !get(&get(w, "frames"), "__tcfapiLocator").is_undefined()
}

/// `tcloaded` / `useractioncomplete` are answers, `cmpuishown` is an answer that nothing is
/// allowed yet (the visitor is deciding; the ads need not wait for that). Anything else
/// (a failure, a stub's reply, a wrong shape) is ignored.
fn on_tcf(data: JsValue) {
    let status = get(&data, "eventStatus").as_string();
    let tcf = match status.as_deref() {
        Some("tcloaded" | "useractioncomplete") => Answer::Ready(tcf_data(&data)),
        Some("cmpuishown") => Answer::Pending,
        _ => return,
    };
    change(TCF, Change::Tcf(tcf));
}

/// `o[n] === true`.
fn is_true(o: &JsValue, n: u32) -> bool {
    o.is_object() && Reflect::get(o, &n.into()).ok().and_then(|v| v.as_bool()) == Some(true)
}

/// tcData → `TcfData`, keeping of the vendors only the configured one.
fn tcf_data(d: &JsValue) -> TcfData {
    let (purpose, vendor) = (get(d, "purpose"), get(d, "vendor"));
    let bits = |o: JsValue| (1..=11).filter(|&n| is_true(&o, n)).fold(0, |m, n| m | purpose_bit(n));
    let ours = |o: JsValue| VENDOR.get().filter(|&id| is_true(&o, id)).into_iter().collect();
    TcfData {
        gdpr_applies: get(d, "gdprApplies").as_bool(),
        tc_string: get(d, "tcString").as_string().unwrap_or_default(),
        purpose_consents: bits(get(&purpose, "consents")),
        purpose_li: bits(get(&purpose, "legitimateInterests")),
        vendor_consents: ours(get(&vendor, "consents")),
        vendor_li: ours(get(&vendor, "legitimateInterests")),
    }
}

// ---------------------------------------------------------------------------------------
// GPP and US Privacy

/// Every `__gpp` event carries `pingData` (a `ping` reply is one): `signalStatus` `ready` is
/// an answer. `not ready` is not: before the first answer the platform stays pending (the
/// timeout applies); after it, the last answer stands until the next `ready` (the CMP is
/// updating its data), so collection does not stop and restart for nothing.
fn on_gpp(data: JsValue) {
    let ping = get(&data, "pingData");
    let ping = if ping.is_object() { ping } else { data };
    if get(&ping, "signalStatus").as_string().as_deref() == Some("ready") {
        let gpp = gpp_data(&ping);
        change(GPP, Change::Gpp(Answer::Ready(gpp)));
    }
}

fn gpp_data(ping: &JsValue) -> GppData {
    let parsed = get(ping, "parsedSections");
    let mut data = GppData {
        gpp_string: get(ping, "gppString").as_string().unwrap_or_default(),
        ..GppData::default()
    };
    for id in each(&get(ping, "applicableSections")) {
        let id = id.as_f64().map_or(0, |n| n as i32);
        data.applicable_sections.push(id);
        let Some(name) = id.checked_sub(7).and_then(|i| usize::try_from(i).ok()).and_then(|i| US_SECTIONS.get(i)) else {
            continue;
        };
        // A section is one object, or an array of its sub-sections' objects.
        for part in each(&get(&parsed, name)).iter().filter(|p| p.is_object()) {
            data.us_sections.push(us_section(id as u16, part));
        }
    }
    data
}

/// The elements of an array, or the value itself.
fn each(v: &JsValue) -> Vec<JsValue> {
    match v.dyn_ref::<Array>() {
        Some(a) => a.to_vec(),
        None => vec![v.clone()],
    }
}

/// A 2-bit field: missing is 0 (the section has no such field), 0 and 2 are themselves,
/// anything else reads as 1 (opted out: fail closed).
fn field(v: JsValue) -> u8 {
    match v.as_f64() {
        _ if v.is_undefined() => 0,
        Some(0.0) => 0,
        Some(2.0) => 2,
        _ => 1,
    }
}

fn us_section(id: u16, o: &JsValue) -> UsSection {
    UsSection {
        id,
        sale_opt_out: field(get(o, "SaleOptOut")),
        sharing_opt_out: field(get(o, "SharingOptOut")),
        targeted_advertising_opt_out: field(get(o, "TargetedAdvertisingOptOut")),
        gpc: get(o, "Gpc").is_truthy(),
        // One number in some state sections, a list in others.
        known_child: each(&get(o, "KnownChildSensitiveDataConsents")).into_iter().map(field).collect(),
    }
}

/// `getUSPData`'s `{version, uspString}`; the core judges the string.
fn on_usp(data: JsValue) {
    if let Some(usp) = get(&data, "uspString").as_string() {
        change(USP, Change::Usp(Answer::Ready(usp)));
    }
}
