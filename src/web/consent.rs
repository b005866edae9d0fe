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
//! dom.js reads each answer into plain values, every field once; an answer whose reading
//! throws (a getter, a proxy) counts as no answer: `TimedOut` too, until a readable one comes.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::web::local::Local;

use crate::core::ad::ConsentParams;
use crate::core::consent::{GppData, Restriction, TcfData, UsSection};
use crate::core::signals::{Answer, Signals};
use crate::core::cat;
use crate::web::dom::{self, item, items};
use crate::web::decide;
use crate::web::tag::{self, Tag};
use crate::web::timer::Timeout;
use js_sys::Function;
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

/// Our TCF vendor id, known from the config's start: a platform may be asked before `start`
/// (an `adtag.optOut()` from `adtag.cmd` looks again), and every answer is read for it.
pub fn set_vendor(id: Option<u32>) {
    VENDOR.set(id);
}
/// The window holding the `__tcfapiLocator` the tag chose, and the `callId` of its call: only
/// its answers count.
static LOCATOR: Local<RefCell<Option<(JsValue, String)>>> = Local::new(RefCell::new(None));

/// Finds the platforms the page has and listens to them; platforms the config declares
/// (`consentPlatforms`) are waited for even before they appear. Each answer or timeout later
/// updates the decision. Then it keeps looking (every `POLL_MS`, and before anything is
/// collected: `look_again`), so that a platform loaded late rules from when it appears.
///
/// In two tasks: `declare` (the platforms the config declares are waited for from then on, so
/// that no decision is made without them even if the list answers before `start`), then
/// `start` (the page's platforms asked: those that answer at once are taken in in the same
/// task, a decision each).
pub fn declare(t: &mut Tag) {
    for i in [TCF, GPP, USP] {
        if declared(t, i) {
            t.consent.found[i] = true;
            set_pending(t, i);
        }
    }
}

/// See `declare`.
pub fn start(t: &mut Tag) {
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
    let mut found_any = false;
    for i in [TCF, GPP, USP] {
        if t.consent.listening[i] {
            continue;
        }
        let found = match dom::cmp(&window, i as u32) {
            Some(f) => {
                ask(&window, &f, i);
                if i == USP {
                    t.consent.usp = Some(f);
                }
                true
            }
            // TCF in another frame: through `__tcfapiLocator`'s postMessage protocol.
            None => i == TCF && dom::locator(&window).is_some_and(|target| post_tcf(&window, target)),
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
                ask(&t.window.clone(), &f, USP);
            }
        });
        poll();
    }));
}

/// Platform `i`'s `addEventListener` (`getUSPData` for US Privacy) on the window; each answer
/// comes back through `answer`. A CMP that throws simply never answers: the timeout takes over.
fn ask(window: &Window, f: &Function, i: usize) {
    crate::web::wake::ready();
    dom::ask(window, f, i as u32, VENDOR.get());
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

/// An answer of platform `i` as dom.js read it (`ask`'s callback, any number of times;
/// `on_message`): `false` when reading it threw, which counts as no answer (not allowed, and
/// a later answer replaces it, as it replaces a timeout).
pub fn answer(i: u32, a: JsValue) {
    let i = i as usize;
    if a.as_bool() == Some(false) {
        change(match i {
            TCF => Change::Tcf(Answer::TimedOut),
            GPP => Change::Gpp(Answer::TimedOut),
            _ => Change::Usp(Answer::TimedOut),
        });
        return;
    }
    match i {
        TCF => on_tcf(&a),
        // dom.js passes only `ready` GPP answers.
        GPP => change(Change::Gpp(Answer::Ready(gpp_data(&a)))),
        // `getUSPData`'s `uspString`; the core judges it.
        _ => {
            if let Some(usp) = a.as_string() {
                change(Change::Usp(Answer::Ready(usp)));
            }
        }
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

/// `addEventListener` through the postMessage protocol, to the window holding the locator.
/// Only that window's answers to this very call count (`on_message`). (We post an object, so
/// the CMP answers with objects: the protocol answers in the form it was called.)
fn post_tcf(window: &Window, target: Window) -> bool {
    let id = crate::web::page::random16(window).map(|r| cat(&[CALL_ID, "-", &crate::core::ids::hex_id(&r)]));
    let Some(id) = id else { return false };
    if let Ok(mut l) = LOCATOR.try_borrow_mut() {
        *l = Some((target.clone().into(), id.clone()));
    }
    // The answers arrive as the page's trusted `message` events (observe.rs), for the page's
    // lifetime: TCF events keep coming.
    dom::tcf_call(&target, &id);
    true
}

/// A `message` event (dom.js passes only those the browser vouches for: `isTrusted`): an
/// answer when it comes from the window the tag asked (`event.source`), and it carries the
/// `callId` of the tag's call (`data.__tcfapiReturn.callId`). A frame that merely names itself
/// `__tcfapiLocator`, or answers for another, counts nothing.
pub fn on_message(source: &JsValue, call_id: Option<String>, return_value: &JsValue) {
    let ours = LOCATOR.try_borrow().ok().is_some_and(|l| {
        l.as_ref().is_some_and(|(w, id)| call_id.as_deref() == Some(id.as_str()) && w == source)
    });
    if ours {
        answer(TCF as u32, dom::tcf(return_value, VENDOR.get()));
    }
}

/// `tcloaded` / `useractioncomplete` are answers, `cmpuishown` is an answer that nothing is
/// allowed yet (the visitor is deciding; the ads need not wait for that). Anything else
/// (a failure, a stub's reply, a wrong shape) is ignored.
fn on_tcf(a: &JsValue) {
    let a = items(a);
    let tcf = match item(&a, 0).as_string().as_deref() {
        Some("tcloaded" | "useractioncomplete") => Answer::Ready(tcf_data(&a)),
        Some("cmpuishown") => Answer::Pending,
        _ => return,
    };
    change(Change::Tcf(tcf));
}

/// dom.js `tcf`'s reading of tcData (or `gppTcf`'s of GPP's tcfeuv2 section) → `TcfData`,
/// keeping of the vendors only the configured one, with the publisher's restrictions on it:
/// `[status, gdprApplies, tcString, purpose consents, purpose LIs, our vendor's consent, its
/// LI, then purpose, restriction code pairs]`. A wrong type reads as not given.
fn tcf_data(a: &[JsValue]) -> TcfData {
    let mask = |i| item(a, i).as_f64().map_or(0, |m| m as u32);
    let ours = |i| VENDOR.get().filter(|_| item(a, i).as_bool() == Some(true)).into_iter().collect();
    let mut data = TcfData {
        gdpr_applies: item(a, 1).as_bool(),
        tc_string: item(a, 2).as_string().unwrap_or_default(),
        purpose_consents: mask(3),
        purpose_li: mask(4),
        vendor_consents: ours(5),
        vendor_li: ours(6),
        restrictions: [0; 3],
    };
    for pair in a.get(7..).unwrap_or_default().chunks(2) {
        let code = pair.get(1).and_then(JsValue::as_f64);
        data.restrict(item(pair, 0).as_f64().unwrap_or(0.0) as u32, Restriction::from_code(code));
    }
    data
}

// ---------------------------------------------------------------------------------------
// GPP

/// dom.js `gpp`'s reading of a `ready` answer (`pingData`): `[gppString, applicableSections,
/// tcfeuv2 (see `tcf_data`) or null, uspv1 as a US Privacy string or null, the applicable US
/// sections]`. A `not ready` never gets here: before the first answer the platform stays
/// pending (the timeout applies); after it, the last answer stands until the next `ready`
/// (the CMP is updating its data), so collection does not stop and restart for nothing.
fn gpp_data(a: &JsValue) -> GppData {
    let a = items(a);
    let tcf = item(&a, 2);
    GppData {
        gpp_string: item(&a, 0).as_string().unwrap_or_default(),
        applicable_sections: items(&item(&a, 1)).iter().map(|id| id.as_f64().map_or(0, |n| n as i32)).collect(),
        tcf: tcf.is_object().then(|| tcf_data(&items(&tcf))),
        usp: item(&a, 3).as_string(),
        us_sections: items(&item(&a, 4)).iter().map(us_section).collect(),
    }
}

/// A 2-bit field: missing is 0 (the section has no such field), 0 and 2 are themselves,
/// anything else reads as 1 (opted out: fail closed).
fn field(v: &JsValue) -> u8 {
    match v.as_f64() {
        _ if v.is_undefined() => 0,
        Some(0.0) => 0,
        Some(2.0) => 2,
        _ => 1,
    }
}

/// `[id, SaleOptOut, SharingOptOut, TargetedAdvertisingOptOut, Gpc, ...KnownChildSensitiveDataConsents]`.
fn us_section(o: &JsValue) -> UsSection {
    let a = items(o);
    UsSection {
        id: item(&a, 0).as_f64().map_or(0, |n| n as u16),
        sale_opt_out: field(&item(&a, 1)),
        sharing_opt_out: field(&item(&a, 2)),
        targeted_advertising_opt_out: field(&item(&a, 3)),
        gpc: item(&a, 4).as_bool() == Some(true),
        known_child: a.get(5..).unwrap_or_default().iter().map(field).collect(),
    }
}
