//! The running tag on one page: its config, what the page signalled, the current decision,
//! its slots and (only while a decision allows it) its measurement.
//!
//! Order of events: read config and the synchronous signals → ask for the child-directed
//! list → once every signal has answered or timed out, decide → request an ad per slot
//! carrying that decision → render or collapse. Until that decision exists nothing but the
//! list request leaves the page, and no cookie of the tag is touched.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::core::{cat, cat_with};
use crate::web::local::Local;

use crate::core::ad::{self, AdError, AdRequest, RenderPlan};
use crate::core::config::{self, Config};
use crate::core::decision::{Decision, decide};
use crate::core::signals::{Answer, ListState, Signals};
use crate::core::{cookies, ids, site_list};
use crate::web::http::{self, FetchError};
use crate::web::measure::Measure;
use crate::web::observe::{Observers, SlotView};
use crate::core::viewability::Viewability;
use crate::core::events::Kind;
use crate::web::publisher_events::{emit, object};
use crate::web::slots::{self, Slot};
use crate::web::timer::Timeout;
use crate::web::{consent, cookie_jar, log, page, render};
use core::cell::RefCell;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, Window};

/// How long the child-directed list may take before it counts as unavailable (and the page
/// as child-directed). Short, because the ads wait for the decision.
pub const LIST_TIMEOUT_MS: u32 = 1500;
/// How long an ad request may take before its slot collapses.
pub const AD_TIMEOUT_MS: u32 = 3000;

pub struct Tag {
    pub config: Config,
    pub window: Window,
    pub document: Document,
    pub location: page::Location,
    pub signals: Signals,
    pub decision: Decision,
    /// True once every signal has answered or timed out and the ads were requested.
    pub decided: bool,
    pub slots: Vec<Slot>,
    /// Present exactly while the decision allows collection.
    pub measure: Option<Measure>,
    /// One `page_view` per page, however often consent comes and goes.
    pub page_view_sent: bool,
    /// Viewability, clicks and page visibility, watched from the start.
    pub observers: Option<Observers>,
}

static TAG: Local<RefCell<Option<Tag>>> = Local::new(RefCell::new(None));
/// What `optOut()`/`optIn()` need, kept apart from the tag's state so that they work even
/// when called re-entrantly (page code running inside the tag's own work).
static OPT_OUT: Local<RefCell<Option<OptOutTarget>>> = Local::new(RefCell::new(None));

struct OptOutTarget {
    cookie: String,
    publisher: String,
    host: String,
    https: bool,
    document: Document,
}

/// Runs `f` on the tag, if it has started. `None` as well when called re-entrantly (a page
/// callback calling back into the tag while it works): never a panic.
pub fn with<R>(f: impl FnOnce(&mut Tag) -> R) -> Option<R> {
    TAG.with(|t| t.try_borrow_mut().ok()?.as_mut().map(f))
}

pub enum StartError {
    NoPage,
    AlreadyStarted,
    Config,
}

/// Starts the tag from its script element. Reports a bad config with one console error.
pub fn start(script: &Element) -> Result<(), StartError> {
    let window = crate::web::dom::win().ok_or(StartError::NoPage)?;
    let document = window.document().ok_or(StartError::NoPage)?;
    if with(|_| ()).is_some() {
        return Err(StartError::AlreadyStarted);
    }
    let src = script.get_attribute("src").and_then(|_| script.dyn_ref::<web_sys::HtmlScriptElement>().map(|s| s.src()));
    let config = config::resolve(src.as_deref(), &page::script_config(script), &page::window_config(&window))
        .map_err(|e| {
            log::error(&e.message());
            StartError::Config
        })?;
    let debug = config.debug;

    let mut signals = Signals::pending();
    signals.opt_out_cookie = opted_out(&document, &config.opt_out_cookie);
    signals.child_flag = config.child_directed;
    signals.child_meta = page::child_meta(&document);
    signals.gpc = page::gpc(&window);
    signals.tcf_vendor_id = config.tcf_vendor_id;
    // Consent platforms: absent until `consent::start` finds them.
    signals.tcf = Answer::Absent;
    signals.gpp = Answer::Absent;
    signals.usp = Answer::Absent;

    let location = page::location(&window);
    let slots = claim_slots(&document, &window);
    log::debug(debug, &cat(&["publisher ", &config.publisher, ", endpoint ", &config.endpoint, ", ",
        &crate::core::events::decimal(slots.len() as u64), " slot(s)"]));
    // Asked per host (SPEC §2): the answer stays small and cacheable; the loader asks the same URL.
    let mut list_url = cat(&[config.endpoint.as_str(), "/v1/child-directed-sites?host="]);
    crate::core::url::push_encoded(&mut list_url, &location.hostname);
    let observers = Some(Observers::new(&window));
    let opt_out = OptOutTarget {
        cookie: config.opt_out_cookie.clone(),
        publisher: config.publisher.clone(),
        host: location.hostname.clone(),
        https: location.https,
        document: document.clone(),
    };
    let tag = Tag {
        config,
        window,
        document,
        location,
        signals,
        decision: Decision::closed(),
        decided: false,
        slots,
        measure: None,
        page_view_sent: false,
        observers,
    };
    // Stored only into an empty, unborrowed slot: a second or re-entrant start() (the glue
    // module is importable by the page) is refused, never a panic.
    let stored = TAG.with(|t| match t.try_borrow_mut() {
        Ok(mut slot) if slot.is_none() => {
            *slot = Some(tag);
            true
        }
        _ => false,
    });
    if !stored {
        return Err(StartError::AlreadyStarted);
    }
    OPT_OUT.with(|o| {
        if let Ok(mut slot) = o.try_borrow_mut() {
            *slot = Some(opt_out);
        }
    });
    if let Some(window) = crate::web::dom::win() {
        consent::start(&window);
    }
    fetch_site_list(&list_url);
    Ok(())
}

/// Finds the slots, reserves the good ones' space, reports and collapses the bad ones.
fn claim_slots(document: &Document, window: &Window) -> Vec<Slot> {
    let mut good = Vec::new();
    for (element, name, size) in slots::discover(document) {
        let size = match size {
            Ok(size) if !name.trim().is_empty() => size,
            Ok(_) => {
                log::error("adtag: data-adtag-slot is empty: name each slot, e.g. data-adtag-slot=\"top\"");
                render::collapse(&element);
                continue;
            }
            Err(e) => {
                log::error(&cat(&["adtag: slot \"", &name, "\": data-adtag-size ", &e.message()]));
                render::collapse(&element);
                continue;
            }
        };
        render::reserve(&element, size);
        let token = page::random16(window).map(|r| ids::hex_id(&r)).unwrap_or_default();
        good.push(Slot { element, name, size, frame: None, token, ad_id: String::new(), last_click_ms: 0, view: None });
    }
    good
}

fn fetch_site_list(url: &str) {
    http::get_text(url, LIST_TIMEOUT_MS, site_list::MAX_LIST_BYTES, Box::new(|result| {
        let state = match result {
            Err(FetchError::Timeout) => ListState::TimedOut,
            Err(_) => ListState::Failed,
            Ok((status, body)) => match site_list::parse(status, &body) {
                Err(_) => ListState::Failed,
                Ok(list) => {
                    let host = with(|t| t.location.hostname.clone()).unwrap_or_default();
                    if list.covers(&host) { ListState::Listed } else { ListState::NotListed }
                }
            },
        };
        update_signals(|s| s.site_list = state);
    }));
}

/// Every signal change goes through here: record it, decide again, carry out the change.
pub fn update_signals(change: impl FnOnce(&mut Signals)) {
    let mut change = Some(change);
    update_signals_dyn(&mut |s| if let Some(c) = change.take() { c(s) });
}

/// The one body of `update_signals`, not generic: built once whatever the caller (each
/// consent platform's callbacks call it; a generic body cost ~600 bytes gzipped per caller).
fn update_signals_dyn(change: &mut dyn FnMut(&mut Signals)) {
    let Some((decision, announce, first)) = with(|t| {
        change(&mut t.signals);
        let decision = decide(&t.signals);
        let changed = decision != t.decision;
        let first = !t.decided && ready(&t.signals);
        t.decision = decision.clone();
        if first {
            t.decided = true;
        }
        if t.decided {
            apply(t);
        }
        // The page hears of the decision once it is made, then of each change; not of the
        // provisional ones while signals are still arriving.
        (decision, first || (t.decided && changed), first)
    }) else {
        return;
    };
    if announce {
        announce_decision(&decision);
    }
    if first {
        request_ads();
    }
}

/// Tells the page (and, with `data-debug`, the console) the decision.
fn announce_decision(decision: &Decision) {
    let debug = with(|t| t.config.debug).unwrap_or(false);
    log::debug(debug, &cat(&["decision: collect=", bool_str(decision.collect), " personalized=",
        bool_str(decision.personalized), " childDirected=", bool_str(decision.child_directed),
        " reasons=[", &cat_with(&reason_list(decision), ","), "]"]));
    emit("decision", &decision_object(decision));
}

/// The opt-out cookie is set, or can't be read at all (a sandboxed frame: unknown means no).
fn opted_out(document: &Document, name: &str) -> bool {
    page::cookies(document).is_none_or(|c| cookies::opted_out(&c, name))
}

/// The measurement, if collection is still allowed at this moment. Every event goes through
/// here: the opt-out cookie is read again first, because another tab of this site may have
/// opted out since this page decided. Called inside `with`, so the page hears of such a
/// change a moment later.
pub fn measuring(t: &mut Tag) -> Option<&mut Measure> {
    t.measure.as_ref()?;
    if !t.signals.opt_out_cookie && opted_out(&t.document, &t.config.opt_out_cookie) {
        t.signals.opt_out_cookie = true;
        t.decision = decide(&t.signals);
        apply(t);
        later(|| {
            if let Some(d) = with(|t| t.decision.clone()) {
                announce_decision(&d);
            }
        });
    }
    t.measure.as_mut()
}

/// Runs `f` once the current work (and the page code inside it) is done.
fn later(f: impl FnOnce() + 'static) {
    // A fired Timeout frees itself; this one must not be cleared by a drop.
    core::mem::forget(Timeout::new(0, f));
}

/// Has every signal answered (or timed out)? Until then the tag waits to decide.
fn ready(s: &Signals) -> bool {
    s.site_list != ListState::Pending && consent::settled()
}

/// Starts or stops measurement to match the decision.
fn apply(t: &mut Tag) {
    match (t.decision.permit(), t.measure.is_some()) {
        (Some(permit), false) => {
            t.measure = Measure::start(permit, t, !t.page_view_sent);
            t.page_view_sent |= t.measure.is_some();
        }
        (None, true) => {
            if let Some(m) = t.measure.take() {
                m.stop();
            }
        }
        _ => {}
    }
}

fn request_ads() {
    let Some(requests) = with(|t| {
        let consent = consent::params(&t.signals);
        let uid = t.measure.as_ref().map(|m| m.uid().to_owned());
        (0..t.slots.len())
            .map(|i| {
                let slot = &t.slots[i];
                let url = ad::ad_request_url(&AdRequest {
                    endpoint: &t.config.endpoint,
                    publisher: &t.config.publisher,
                    slot: &slot.name,
                    size: slot.size,
                    page_url: &t.location.href,
                    npa: !t.decision.personalized,
                    coppa: t.decision.child_directed,
                    uid: uid.as_deref(),
                    consent: &consent,
                });
                (i, url, t.decision.ads)
            })
            .collect::<Vec<_>>()
    }) else {
        return;
    };
    // One request per slot, concurrently: one slow or bad slot never holds up the others.
    for (i, url, allowed) in requests {
        if !allowed {
            let deny = move || finish_slot(i, Err("no consent for ads (TCF purpose 2)".to_owned()));
            crate::web::dom::soon(&Closure::once_into_js(deny));
            continue;
        }
        http::get_text(&url, AD_TIMEOUT_MS, ad::MAX_AD_BYTES, Box::new(move |result| {
            let plan = match result {
                Ok((status, body)) => ad::render_plan(status, &body),
                Err(FetchError::Timeout) => Err(AdError::Timeout),
                Err(FetchError::TooLarge) => Err(AdError::TooLarge),
                Err(FetchError::Network) => Err(AdError::Network),
            };
            finish_slot(i, plan.map_err(|e| e.message()));
        }));
    }
}

/// Renders or collapses slot `i`, then tells the page.
fn finish_slot(i: usize, result: Result<RenderPlan, String>) {
    let Some((name, outcome, debug)) = with(|t| {
        let slot = t.slots.get_mut(i)?;
        let name = slot.name.clone();
        let result = match slot.element.is_connected() {
            true => result,
            false => Err("the slot was removed from the page".to_owned()),
        };
        let outcome = match result {
            Ok(plan) => match render::render(&t.document, &slot.element, &plan, &slot.token) {
                Some(frame) => {
                    if let Some(o) = &t.observers {
                        o.watch(&frame);
                    }
                    slot.frame = Some(frame);
                    slot.view = Some(SlotView { state: Viewability::new(plan.width, plan.height), ratio: 0.0, timer: None });
                    slot.ad_id = plan.ad_id;
                    let impression = Kind::AdImpression { slot: name.clone(), ad: slot.ad_id.clone() };
                    if let Some(m) = measuring(t) {
                        m.record(impression);
                    }
                    Ok((plan.width, plan.height))
                }
                None => {
                    render::collapse(&slot.element);
                    Err("could not create the frame".to_owned())
                }
            },
            Err(e) => {
                render::collapse(&slot.element);
                Err(e)
            }
        };
        Some((name, outcome, t.config.debug))
    })
    .flatten() else {
        return;
    };
    let payload = match &outcome {
        Ok((w, h)) => {
            log::debug(debug, &cat(&["slot ", &name, ": rendered"]));
            let size = js_sys::Array::of2(&JsValue::from(*w), &JsValue::from(*h));
            object(&[("slot", name.as_str().into()), ("isEmpty", false.into()), ("size", size.into())])
        }
        Err(reason) => {
            log::debug(debug, &cat(&["slot ", &name, ": collapsed (", reason, ")"]));
            object(&[("slot", name.as_str().into()), ("isEmpty", true.into()), ("size", JsValue::NULL),
                ("reason", reason.as_str().into())])
        }
    };
    emit("slotRenderEnded", &payload);
}

/// `adtag.optOut()`: the opt-out cookie, the tag's cookies deleted, collection stopped now.
/// The cookies are written at once even when the page calls this from inside the tag's own
/// work (a custom element reacting to the ad being rendered); the decision then follows as
/// soon as that work is done, and every event in between is stopped by `measuring`.
pub fn opt_out() {
    let written = OPT_OUT.with(|o| {
        let o = o.try_borrow().ok()?;
        let o = o.as_ref()?;
        cookie_jar::opt_out(&o.document, &o.cookie, &o.publisher, &o.host, o.https);
        Some(())
    });
    if written.is_some() {
        set_opt_out_signal(true);
    }
}

/// `adtag.optIn()`: removes the opt-out cookie; collection resumes if everything else allows.
pub fn opt_in() {
    let still = OPT_OUT.with(|o| {
        let o = o.try_borrow().ok()?;
        let o = o.as_ref()?;
        cookie_jar::opt_in(&o.document, &o.cookie, &o.host, o.https);
        Some(opted_out(&o.document, &o.cookie))
    });
    if let Some(still) = still {
        set_opt_out_signal(still);
    }
}

/// Feeds the opt-out signal to the decision, now or, when the tag is busy (a re-entrant call),
/// right after.
fn set_opt_out_signal(value: bool) {
    let busy = TAG.with(|t| t.try_borrow_mut().is_err());
    if busy {
        later(move || update_signals(move |s| s.opt_out_cookie = value));
    } else {
        update_signals(move |s| s.opt_out_cookie = value);
    }
}

/// The current decision (the closed one before the tag has decided).
pub fn current_decision() -> JsValue {
    decision_object(&with(|t| t.decision.clone()).unwrap_or_else(Decision::closed))
}

fn reason_list(d: &Decision) -> Vec<&'static str> {
    d.reasons.iter().map(|r| r.as_str()).collect()
}

fn bool_str(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

/// `{collect, cookies, personalized, childDirected, ads, reasons}` for the page.
pub fn decision_object(d: &Decision) -> JsValue {
    let reasons: js_sys::Array = reason_list(d).into_iter().map(JsValue::from_str).collect();
    object(&[
        ("collect", d.collect.into()),
        ("cookies", d.cookies.into()),
        ("personalized", d.personalized.into()),
        ("childDirected", d.child_directed.into()),
        ("ads", d.ads.into()),
        ("reasons", reasons.into()),
    ])
}

