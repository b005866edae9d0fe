//! Consent platforms on the page: IAB TCF v2.2 (`__tcfapi`, or `__tcfapiLocator` in an
//! ancestor frame), GPP (`__gpp`) and US Privacy (`__uspapi`). Their answers become
//! `Signals` through `tag::update_signals`, live, in both directions.
//!
//! A page should put its CMP stub before the tag, as IAB asks; a platform that appears later
//! (loaded late, through a tag manager) is found by `look_again` (every second, and before
//! anything is collected) and rules from then on. A platform the config declares
//! (`consentPlatforms`) is waited for even before it appears. A platform that is odd in any
//! way (not a function, throws, answers in the wrong shape, never answers) never makes the tag
//! throw: it stays `Pending` until the timeout, and then counts as `TimedOut` (not allowed).

#[allow(unused_imports)]
use crate::prelude::*;
use crate::web::local::Local;

use crate::core::ad::ConsentParams;
use crate::core::consent::{GPP_TCF_EU, GPP_USP, GppData, Restriction, TcfData, UsSection, purpose_bit};
use crate::core::signals::{Answer, Signals};
use crate::web::page::get;
use crate::web::publisher_events::object;
use crate::core::cat;
use crate::web::{decide, dom, wake};
use crate::web::tag::{self, Tag};
use crate::web::timer::Timeout;
use js_sys::{Array, Function, Object, Reflect};
use core::cell::{Cell, RefCell};
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

/// How often the tag looks for platforms that appeared since, and asks US Privacy again
/// (`__uspapi` has no change events): a function call a second.
pub const POLL_MS: u32 = 1000;

/// The consent platforms as the tag knows them; part of the tag's state.
#[derive(Default)]
pub struct Platforms {
    /// Per platform (TCF, GPP, USP): waited for (found on the page, or declared in the config).
    found: [bool; 3],
    /// Found on the page and subscribed to.
    listening: [bool; 3],
    /// Answered at least once, or timed out.
    settled: [bool; 3],
    /// Counts each platform's waits, so that an old timeout can't settle a newer wait.
    wait: [u32; 3],
    usp: Option<Function>,
}

static VENDOR: Local<Cell<Option<u32>>> = Local::new(Cell::new(None));
/// The window holding the `__tcfapiLocator` the tag chose, and the `callId` of its call: only
/// its answers count.
static LOCATOR: Local<RefCell<Option<(JsValue, String)>>> = Local::new(RefCell::new(None));

/// Finds the platforms the page has and listens to them; platforms the config declares
/// (`consentPlatforms`) are waited for even before they appear. Each answer or timeout later
/// updates the decision. Then it keeps looking (every `POLL_MS`, and before anything is
/// collected: `look_again`), so that a platform loaded late rules from when it appears.
pub fn start(t: &mut Tag) {
    VENDOR.set(t.signals.tcf_vendor_id);
    for i in [TCF, GPP, USP] {
        if declared(t, i) {
            t.consent.found[i] = true;
            set_pending(t, i);
        }
    }
    look_again(t);
    poll();
}

/// Is platform `i` declared in the config (`consentPlatforms`)?
fn declared(t: &Tag, i: usize) -> bool {
    let p = &t.config.consent_platforms;
    [p.tcf, p.gpp, p.usp].get(i).copied().unwrap_or(false)
}

/// Looks for platforms that appeared since; each one found is subscribed to and is pending
/// (not allowed) until it answers. True when one was found.
pub fn look_again(t: &mut Tag) -> bool {
    let window = t.window.clone();
    let func = |name| get(&window, name).dyn_into::<Function>().ok();
    let mut found_any = false;
    for i in [TCF, GPP, USP] {
        if t.consent.listening[i] {
            continue;
        }
        let found = match i {
            TCF => match func("__tcfapi") {
                Some(f) => {
                    ask(&window, &f, "addEventListener", 2, TCF);
                    true
                }
                None => find_locator(&window).is_some_and(|target| post_tcf(&window, target)),
            },
            GPP => func("__gpp").is_some_and(|f| {
                ask(&window, &f, "addEventListener", 0, GPP);
                true
            }),
            _ => func("__uspapi").is_some_and(|f| {
                ask(&window, &f, "getUSPData", 1, USP);
                t.consent.usp = Some(f);
                true
            }),
        };
        if found {
            t.consent.listening[i] = true;
            t.consent.found[i] = true;
            set_pending(t, i);
            found_any = true;
        }
    }
    found_any
}

/// Platform `i` is waited for: not allowed until it answers, and timed out after
/// `CONSENT_TIMEOUT_MS` (still not allowed; a later answer replaces the timeout).
fn set_pending(t: &mut Tag, i: usize) {
    t.consent.settled[i] = false;
    t.consent.wait[i] = t.consent.wait[i].wrapping_add(1);
    let wait = t.consent.wait[i];
    match i {
        TCF => t.signals.tcf = Answer::Pending,
        GPP => t.signals.gpp = Answer::Pending,
        _ => t.signals.usp = Answer::Pending,
    }
    // Never cleared: when it fires it changes only a wait that is still the current one.
    core::mem::forget(Timeout::new(CONSENT_TIMEOUT_MS, move || {
        tag::run(move |t| {
            if t.consent.wait[i] != wait || t.consent.settled[i] {
                return;
            }
            t.consent.settled[i] = true;
            decide::update(t, |s| match i {
                TCF => s.tcf = Answer::TimedOut,
                GPP => s.gpp = Answer::TimedOut,
                _ => s.usp = Answer::TimedOut,
            });
        });
    }));
}

/// Every `POLL_MS`: new platforms, and US Privacy's current answer.
fn poll() {
    core::mem::forget(Timeout::new(POLL_MS, || {
        tag::run(|t| {
            if look_again(t) {
                decide::decide_again(t);
            }
            if let Some(f) = t.consent.usp.clone() {
                ask(&t.window.clone(), &f, "getUSPData", 1, USP);
            }
        });
        poll();
    }));
}

/// `f(command, arg, callback)` (GPP: `f(command, callback)`) on the window; each answer comes
/// back through `answer`. A CMP that throws simply never answers: the timeout takes over.
fn ask(window: &Window, f: &Function, command: &str, arg: u32, i: usize) {
    dom::ask(window, f, command, arg, wake::CONSENT + i as u32, i == GPP);
}

/// Has every platform waited for given a first answer (or timed out)? Until then the first
/// decision, and so the ad requests, wait.
pub fn settled(t: &Tag) -> bool {
    (0..3).all(|i| !t.consent.found[i] || t.consent.settled[i])
}

/// What goes on the ad request, each only once its platform answered: `gdpr` (1 unless the
/// CMP says GDPR does not apply), `gdpr_consent`, `gpp`, `gpp_sid` (applicable sections,
/// comma-separated), `us_privacy`.
pub fn params(signals: &Signals) -> ConsentParams {
    crate::core::consent::ad_params(signals)
}

/// An answer of platform `i` (`ask`'s callback, any number of times).
pub fn answer(i: u32, data: JsValue) {
    match i as usize {
        TCF => on_tcf(data),
        GPP => on_gpp(data),
        _ => on_usp(data),
    }
}

/// One change to the platforms' answers. (One type, so the work closure is built once.)
enum Change {
    Tcf(Answer<TcfData>),
    Gpp(Answer<GppData>),
    Usp(Answer<String>),
}

/// Records an answer: it settles its platform, then the decision follows.
fn change(change: Change) {
    tag::run(move |t| {
        let i = match &change {
            Change::Tcf(_) => TCF,
            Change::Gpp(_) => GPP,
            Change::Usp(_) => USP,
        };
        t.consent.settled[i] = true;
        decide::update(t, move |s| match change {
            Change::Tcf(a) => s.tcf = a,
            Change::Gpp(a) => s.gpp = a,
            Change::Usp(a) => s.usp = a,
        });
    });
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

/// `addEventListener` through the postMessage protocol, to the window holding the locator.
/// Only that window's answers to this very call count (`on_message`). (We post an object, so
/// the CMP answers with objects: the protocol answers in the form it was called.)
fn post_tcf(window: &Window, target: Window) -> bool {
    let id = crate::web::page::random16(window).map(|r| cat(&[CALL_ID, "-", &crate::core::ids::hex_id(&r)]));
    let Some(id) = id else { return false };
    let call = object(&[("command", "addEventListener".into()), ("version", 2.into()),
        ("callId", id.as_str().into())]);
    if let Ok(mut l) = LOCATOR.try_borrow_mut() {
        *l = Some((target.clone().into(), id));
    }
    // The answers arrive as the page's trusted `message` events (observe.rs), for the page's
    // lifetime: TCF events keep coming.
    let _ = target.post_message(&object(&[("__tcfapiCall", call)]), "*");
    true
}

/// A `message` event: an answer when the browser vouches for it (`isTrusted`), it comes from
/// the window the tag asked (`event.source`), and it carries the `callId` of the tag's call.
/// A frame that merely names itself `__tcfapiLocator`, or answers for another, counts nothing.
pub fn on_message(e: &JsValue) {
    if get(e, "isTrusted").as_bool() != Some(true) {
        return;
    }
    let ret = get(&get(e, "data"), "__tcfapiReturn");
    let call_id = get(&ret, "callId").as_string();
    let ours = LOCATOR.try_borrow().ok().is_some_and(|l| {
        l.as_ref().is_some_and(|(w, id)| call_id.as_deref() == Some(id.as_str()) && Object::is(w, &get(e, "source")))
    });
    if ours {
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
    change(Change::Tcf(tcf));
}

/// `o[n] === true`.
fn is_true(o: &JsValue, n: u32) -> bool {
    o.is_object() && Reflect::get(o, &n.into()).ok().and_then(|v| v.as_bool()) == Some(true)
}

/// tcData → `TcfData`, keeping of the vendors only the configured one, with the publisher's
/// restrictions on it (`publisher.restrictions[purpose][vendor]`).
fn tcf_data(d: &JsValue) -> TcfData {
    let (purpose, vendor) = (get(d, "purpose"), get(d, "vendor"));
    let bits = |o: JsValue| (1..=11).filter(|&n| is_true(&o, n)).fold(0, |m, n| m | purpose_bit(n));
    let ours = |o: JsValue| VENDOR.get().filter(|&id| is_true(&o, id)).into_iter().collect();
    let mut data = TcfData {
        gdpr_applies: get(d, "gdprApplies").as_bool(),
        tc_string: get(d, "tcString").as_string().unwrap_or_default(),
        purpose_consents: bits(get(&purpose, "consents")),
        purpose_li: bits(get(&purpose, "legitimateInterests")),
        vendor_consents: ours(get(&vendor, "consents")),
        vendor_li: ours(get(&vendor, "legitimateInterests")),
        restrictions: [0; 3],
    };
    let restrictions = get(&get(d, "publisher"), "restrictions");
    if let Some(id) = VENDOR.get() {
        for p in 1..=11u32 {
            let code = at(&at(&restrictions, p), id);
            if !code.is_undefined() && !code.is_null() {
                data.restrict(p, Restriction::from_code(code.as_f64()));
            }
        }
    }
    data
}

/// `o[n]`, undefined where it can't be read.
fn at(o: &JsValue, n: u32) -> JsValue {
    if !o.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(o, &n.into()).unwrap_or(JsValue::UNDEFINED)
}

/// GPP's `tcfeuv2` section (as @iabgpp/cmpapi parses it) → `TcfData`: purposes as arrays of
/// booleans (index 0 = purpose 1), vendors as arrays of ids, restrictions as
/// `[{key: purpose, type, ids}]`. `None` when it can't be read (the core then refuses).
fn gpp_tcf(section: &JsValue) -> Option<TcfData> {
    let section = each(section).into_iter().find(|s| s.is_object())?;
    let flags = |name: &str| -> Option<u32> {
        let a = get(&section, name).dyn_into::<Array>().ok()?;
        Some((1..=11u32).filter(|&n| a.get(n - 1).as_bool() == Some(true)).fold(0, |m, n| m | purpose_bit(n)))
    };
    let ids = |name: &str| -> Option<Vec<u32>> {
        let a = get(&section, name).dyn_into::<Array>().ok()?;
        Some(VENDOR.get().filter(|&v| a.iter().any(|x| x.as_f64() == Some(f64::from(v)))).into_iter().collect())
    };
    let mut data = TcfData {
        gdpr_applies: Some(true),
        tc_string: String::new(),
        purpose_consents: flags("PurposeConsents")?,
        purpose_li: flags("PurposeLegitimateInterests")?,
        vendor_consents: ids("VendorConsents")?,
        vendor_li: ids("VendorLegitimateInterests")?,
        restrictions: [0; 3],
    };
    if let (Some(id), Ok(list)) = (VENDOR.get(), get(&section, "PublisherRestrictions").dyn_into::<Array>()) {
        for r in list.iter() {
            let purpose = get(&r, "key").as_f64().unwrap_or(0.0) as u32;
            let ours = get(&r, "ids").dyn_into::<Array>().is_ok_and(|a| a.iter().any(|x| x.as_f64() == Some(f64::from(id))));
            if ours {
                data.restrict(purpose, Restriction::from_code(get(&r, "type").as_f64()));
            }
        }
    }
    Some(data)
}

/// GPP's `uspv1` section → the US Privacy string (`1` + notice + opt-out of sale + LSPA).
fn gpp_usp(section: &JsValue) -> Option<String> {
    let section = each(section).into_iter().find(|s| s.is_object())?;
    let mut usp = String::from("1");
    for field in ["Notice", "OptOutSale", "LspaCovered"] {
        usp.push_str(&get(&section, field).as_string()?);
    }
    Some(usp)
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
        change(Change::Gpp(Answer::Ready(gpp)));
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
        if id == GPP_TCF_EU {
            data.tcf = gpp_tcf(&get(&parsed, "tcfeuv2"));
        } else if id == GPP_USP {
            data.usp = gpp_usp(&get(&parsed, "uspv1"));
        }
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
        change(Change::Usp(Answer::Ready(usp)));
    }
}
