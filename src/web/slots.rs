//! The page's ad slots (`<div data-adtag-slot="name" data-adtag-size="WxH">`) and each one's
//! life: found (whenever it appears) → requested under the current decision → rendered or
//! collapsed → refreshed → released (destroyed, or removed from the page).
//!
//! Each slot has an id that never changes and a generation that grows with every request: an
//! answer, a timer or a message for an older generation (the slot was refreshed since) or for
//! a slot that is gone is dropped, never applied to the wrong ad.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::core::cat;

use crate::core::config::CollapseEmptySlots;
use crate::core::ad::{self, AdError, AdRequest, RenderPlan, SizeError, Sizes, parse_sizes};
use crate::core::events::Kind;
use crate::core::slot::{self as machine, Action, CollapseReason, Input};
use crate::core::targeting::{self, Source, Targeting};
use crate::core::{ids, viewability::Viewability};
use crate::web::http::{self, FetchError};
use crate::web::observe::SlotView;
use crate::web::tag::{self, Tag};
use crate::web::{consent, decide, dom, log, page, render};
use wasm_bindgen::prelude::*;
use web_sys::{Document, HtmlElement, HtmlIFrameElement};

/// How long an ad request may take before its slot collapses.
pub const AD_TIMEOUT_MS: u32 = 3000;

pub struct Slot {
    /// Never reused on this page.
    pub id: u32,
    pub element: HtmlElement,
    pub name: String,
    /// The sizes the publisher declared, in order.
    pub sizes: Sizes,
    /// The sizes the current request asked for (those that fitted): the answer must be one.
    requested: Sizes,
    targeting: Targeting,
    /// Where the slot is in its life (the core's state machine).
    machine: machine::Slot,
    /// The generation of the current request (see `machine`), for timers and messages.
    pub generation: u32,
    /// An answered ad waiting to be rendered (lazy loading: until within the render margin).
    held: Option<RenderPlan>,
    /// Within the lazy-loading fetch and render margins.
    near: (bool, bool),
    /// Filled in once rendered: the frame, its click token and the ad id.
    pub frame: Option<HtmlIFrameElement>,
    pub token: String,
    pub ad_id: String,
    /// When the last click counted (ms, the tag's monotonic clock).
    pub last_click_ms: u64,
    /// Viewability, once rendered.
    pub view: Option<SlotView>,
    /// The size of the ad shown, once rendered; why not, once collapsed.
    shown: Option<(u32, u32)>,
    why_empty: String,
    /// The frame document was asked for (once per slot: it stays for every ad after).
    prepared: bool,
    /// The `slotOnload` of the current ad was told (the frame says "loaded" again if its
    /// document reloads).
    pub onload_told: bool,
}

impl Slot {
    /// `{slot, state, size, ad, reason}` for `adtag.slots()` and the publisher console.
    pub fn describe(&self) -> JsValue {
        let state = match self.machine.state() {
            machine::State::Found => "found",
            machine::State::Waiting => "waiting",
            machine::State::Requested { .. } => "requested",
            machine::State::Held { .. } => "held",
            machine::State::Rendered { .. } => "rendered",
            machine::State::Collapsed { .. } => "collapsed",
            machine::State::Destroyed => "destroyed",
        };
        let size = match self.shown {
            Some((w, h)) => js_sys::Array::of2(&w.into(), &h.into()).into(),
            None => JsValue::NULL,
        };
        let text = |s: &str| if s.is_empty() { JsValue::NULL } else { s.into() };
        crate::web::publisher_events::object(&[("slot", self.name.as_str().into()), ("state", state.into()),
            ("size", size), ("ad", text(&self.ad_id)), ("reason", text(&self.why_empty))])
    }
}

/// The slots the tag holds, in the order found.
#[derive(Default)]
pub struct Slots {
    list: Vec<Slot>,
    next_id: u32,
}

impl core::ops::Deref for Slots {
    type Target = Vec<Slot>;
    fn deref(&self) -> &Vec<Slot> {
        &self.list
    }
}

impl core::ops::DerefMut for Slots {
    fn deref_mut(&mut self) -> &mut Vec<Slot> {
        &mut self.list
    }
}

impl Slots {
    pub fn by_id(&mut self, id: u32) -> Option<&mut Slot> {
        self.list.iter_mut().find(|s| s.id == id)
    }
}

/// Every slot element not yet claimed by a tag, in document order: the good ones, and the
/// ones whose size is malformed (each reported and collapsed by the caller).
pub fn discover(document: &Document) -> Vec<(HtmlElement, String, Result<Sizes, SizeError>)> {
    let Ok(list) = document.query_selector_all("[data-adtag-slot]") else { return Vec::new() };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<HtmlElement>().ok())
        .filter(|e| !e.has_attribute("data-adtag-state"))
        .map(|e| {
            let name = e.get_attribute("data-adtag-slot").unwrap_or_default();
            let size = parse_sizes(&e.get_attribute("data-adtag-size").unwrap_or_default());
            (e, name, size)
        })
        .collect()
}

/// Claims the slots that appeared since last time (all of them at start), reserves the good
/// ones' space, reports and collapses the bad ones; once the tag has decided, they go their
/// way at once. Slots that left the page are released.
pub fn claim_new(t: &mut Tag) {
    release_removed(t);
    let lazy = t.config.lazy_load.is_some();
    let mut fresh = Vec::new();
    let found = discover(&t.document);
    // Every box read before any is written (`render::look`).
    for (element, name, sizes) in &found {
        if sizes.is_ok() && !name.trim().is_empty() {
            render::look(element);
        }
    }
    for (element, name, sizes) in found {
        let sizes = match sizes {
            Ok(sizes) if !name.trim().is_empty() => sizes,
            Ok(_) => {
                log::error("adtag: data-adtag-slot is empty: name each slot, e.g. data-adtag-slot=\"top\"");
                render::collapse(&element, collapse_mode(t));
                continue;
            }
            Err(e) => {
                log::error(&cat(&["adtag: slot \"", &name, "\": data-adtag-size ", &e.message()]));
                render::collapse(&element, collapse_mode(t));
                continue;
            }
        };
        // Bad targeting entries are reported by name and left out; the ad is still requested.
        let mut errors = Vec::new();
        let targeting = match element.get_attribute("data-adtag-targeting") {
            Some(text) => targeting::parse_with(&text, Source::Slot, &mut errors, crate::web::json::parse),
            None => Targeting::default(),
        };
        for e in &errors {
            log::error(&cat(&["adtag: slot \"", &name, "\": ", &e.message()]));
        }
        render::reserve(&element, sizes.envelope(), &t.frame_url);
        let token = page::random16(&t.window).map(|r| ids::hex_id(&r)).unwrap_or_default();
        t.slots.next_id += 1;
        let id = t.slots.next_id;
        if lazy {
            if let Some(o) = &t.observers {
                o.watch_lazy(&element);
            }
        }
        t.slots.push(Slot { id, element, name, sizes, requested: Sizes::EMPTY, targeting, machine: machine::Slot::new(lazy),
            generation: 0, held: None, near: (false, false), frame: None, token, ad_id: String::new(),
            last_click_ms: 0, view: None, shown: None, why_empty: String::new(), prepared: false, onload_told: false });
        fresh.push(id);
    }
    if t.decided {
        tell_decision(fresh);
    }
}

/// The decision was made, or whether ads are allowed changed: every slot hears of it. A
/// refusal reaches every slot at once (a slot still holding the old grant could otherwise
/// request or show an ad in between, say through a `refresh()` from an `adtag.on('decision')`
/// callback); only a grant is spread over tasks of their own.
pub fn decided(t: &mut Tag) {
    let ids = t.slots.iter().map(|s| s.id).collect();
    match t.decision.ads {
        true => tell_decision(ids),
        false => ids.into_iter().for_each(|id| hear_decision(t, id)),
    }
}

/// Each slot hears of the decision in a task of its own (a request, a collapse), in order:
/// the decision as it is when that task runs, so that a refusal that came in between wins.
fn tell_decision(ids: Vec<u32>) {
    for id in ids {
        tag::later(hear_decision, id);
    }
}

fn hear_decision(t: &mut Tag, id: u32) {
    let ads_allowed = t.decision.ads;
    step(t, id, Input::Decided { ads_allowed });
}

/// Where slot `element` is against the lazy-loading margins changed (`fetch`: the fetch
/// margin, else the render margin).
pub fn near(t: &mut Tag, element: &JsValue, fetch: bool, inside: bool) {
    let Some(slot) = t.slots.iter_mut().find(|s| JsValue::from(&s.element) == *element) else { return };
    if fetch {
        slot.near.0 = inside;
    } else {
        slot.near.1 = inside;
    }
    let (id, (in_fetch_margin, in_render_margin)) = (slot.id, slot.near);
    step(t, id, Input::Near { in_fetch_margin, in_render_margin });
}

/// Feeds one input to slot `id`'s machine and carries out what it answers.
fn step(t: &mut Tag, id: u32, input: Input) {
    let Some(slot) = t.slots.by_id(id) else { return };
    let action = slot.machine.step(input);
    match action {
        // Never under a decision that doesn't allow ads, whatever the slot's machine last heard.
        Action::Request { generation } if !(t.decided && t.decision.ads) => {
            step(t, id, Input::Answer { generation, result: Err(CollapseReason::AdsNotAllowed) })
        }
        Action::Request { generation } => request(t, id, generation),
        Action::Render { generation } => show(t, id, generation),
        Action::HoldUntilRenderMargin | Action::Nothing => {}
        Action::Collapse { reason } => {
            let how = collapse_mode(t);
            let Some(slot) = t.slots.by_id(id) else { return };
            collapse(slot, how);
            slot.why_empty = reason.message();
            let name = slot.name.clone();
            ended(t, &name, Err(&reason.message()));
        }
        Action::Release => {
            if let Some(i) = t.slots.iter().position(|s| s.id == id) {
                let slot = t.slots.remove(i);
                release(t, slot);
            }
        }
    }
}

/// Asks for slot `id`'s ad under the current decision (one request per slot, concurrently:
/// one slow or bad slot never holds up the others). The slot keeps its box meanwhile.
fn request(t: &mut Tag, id: u32, generation: u32) {
    // `measuring` looks at the opt-out cookie and the consent platforms once more, so that a
    // `uid` goes out only under a decision that still allows it.
    let uid = decide::measuring(t).map(|m| m.uid().to_owned());
    let consent = consent::params(&t.signals);
    let (collect, npa, coppa) = (t.decision.collect, !t.decision.personalized, t.decision.child_directed);
    let Some(slot) = t.slots.by_id(id) else { return };
    slot.generation = generation;
    // Only the sizes that fit the width the slot has now.
    let width = dom::width(&slot.element);
    slot.requested = ad::fitting(slot.sizes.as_slice(), if width > 0.0 { width as u32 } else { 0 });
    if slot.requested.is_empty() {
        step(t, id, Input::Answer { generation, result: Err(CollapseReason::NoSizeFits) });
        return;
    }
    let mut errors = Vec::new();
    let tgt = targeting::param(&t.config.targeting, &slot.targeting, &mut errors);
    let name = slot.name.clone();
    let url = ad::ad_request_url(&AdRequest {
        endpoint: &t.config.endpoint,
        publisher: &t.config.publisher,
        slot: &name,
        sizes: slot.requested.as_slice(),
        page_url: &t.location.href,
        collect,
        npa,
        coppa,
        uid: uid.as_deref(),
        consent: &consent,
        targeting: &tgt,
    });
    tag::notify("slotRequested", crate::web::publisher_events::object(&[("slot", name.as_str().into())]));
    let rule = crate::core::audit::ad_request_rule(npa, coppa, uid.is_some());
    http::get_text(&url, &rule, AD_TIMEOUT_MS, ad::MAX_AD_BYTES, Box::new(move |result| {
        tag::run(move |t| answered(t, id, generation, result));
    }));
    // The slot's frame document loads while the ad request is out (it costs no round trip of
    // its own), in a task of its own after the requests (making a frame is the costliest thing
    // the tag does to the page); never before the decision, never for a slot denied ads.
    tag::later(prepare_waiting, id);
}

/// Slot `id`'s frame, if its ad is still awaited (not for a slot that collapsed meanwhile).
fn prepare_waiting(t: &mut Tag, id: u32) {
    let allowed = t.decided && t.decision.ads;
    let waiting = t.slots.by_id(id)
        .is_some_and(|s| matches!(s.machine.state(), machine::State::Requested { .. } | machine::State::Held { .. }));
    if allowed && waiting {
        prepare(t, id);
    }
}

/// Starts loading slot `id`'s frame document, once (the frame stays for every ad after).
fn prepare(t: &mut Tag, id: u32) {
    let Some(slot) = t.slots.by_id(id) else { return };
    if !slot.prepared {
        slot.prepared = true;
        render::prepare(&slot.element);
        crate::web::audit::record(crate::core::audit::Action::Request, &t.frame_url, crate::core::audit::rule::FRAME);
    }
}

/// The answer to slot `id`'s request `generation` (dropped by the machine when the slot was
/// refreshed or released since).
fn answered(t: &mut Tag, id: u32, generation: u32, result: Result<(u16, String), FetchError>) {
    let Some(slot) = t.slots.by_id(id) else { return };
    if slot.generation != generation {
        return;
    }
    let plan = match result {
        Ok((status, body)) => ad::render_plan_with(status, &body, slot.requested.as_slice(), crate::web::json::parse),
        Err(FetchError::Timeout) => Err(AdError::Timeout),
        Err(FetchError::TooLarge) => Err(AdError::TooLarge),
        Err(FetchError::Network) => Err(AdError::Network),
    };
    let name = slot.name.clone();
    let result = match plan {
        Ok(plan) => {
            slot.held = Some(plan);
            Ok(())
        }
        Err(e) => Err(CollapseReason::Ad(e)),
    };
    tag::notify("slotResponseReceived", crate::web::publisher_events::object(&[("slot", name.as_str().into())]));
    step(t, id, Input::Answer { generation, result });
}

/// Renders the ad answered for slot `id`'s request `generation`, then tells the page.
fn show(t: &mut Tag, id: u32, generation: u32) {
    let Some(slot) = t.slots.by_id(id) else { return };
    let Some(plan) = slot.held.take().filter(|_| slot.generation == generation) else { return };
    let name = slot.name.clone();
    if !slot.element.is_connected() {
        // Gone meanwhile: the machine hears of it when the page's change is seen.
        collapse(slot, render::Collapse::Never);
        ended(t, &name, Err("the slot was removed from the page"));
        return;
    }
    if let (Some(o), Some(old)) = (&t.observers, &slot.frame) {
        o.unwatch(old);
    }
    // The answer came before the frame's own task: the frame is made now.
    prepare(t, id);
    let Some(slot) = t.slots.by_id(id) else { return };
    // A new token per ad: a message about the ad shown before counts for nothing.
    slot.token = page::random16(&t.window).map(|r| ids::hex_id(&r)).unwrap_or_default();
    slot.onload_told = false;
    match render::render(&slot.element, &plan, &slot.token) {
        Some(frame) => {
            if let Some(o) = &t.observers {
                o.watch(&frame);
            }
            slot.frame = Some(frame);
            slot.view = Some(SlotView { state: Viewability::new(plan.width, plan.height), ratio: 0.0, timer: None });
            slot.ad_id = plan.ad_id;
            slot.shown = Some((plan.width, plan.height));
            slot.why_empty.clear();
            let impression = Kind::AdImpression { slot: name.clone(), ad: slot.ad_id.clone() };
            if let Some(m) = decide::measuring(t) {
                m.record(impression);
            }
            log::debug(t.config.debug, &cat(&["slot ", &name, ": rendered"]));
            ended(t, &name, Ok((plan.width, plan.height)));
        }
        None => {
            let how = collapse_mode_of(&t.config);
            let Some(slot) = t.slots.by_id(id) else { return };
            collapse(slot, how);
            ended(t, &name, Err("could not create the frame"));
        }
    }
}

/// `slotRenderEnded` for the page: `{slot, isEmpty, size, reason?}`.
fn ended(t: &Tag, name: &str, outcome: Result<(u32, u32), &str>) {
    let object = crate::web::publisher_events::object;
    let payload = match outcome {
        Ok((w, h)) => {
            let size = js_sys::Array::of2(&JsValue::from(w), &JsValue::from(h));
            object(&[("slot", name.into()), ("isEmpty", false.into()), ("size", size.into())])
        }
        Err(reason) => {
            log::debug(t.config.debug, &cat(&["slot ", name, ": collapsed (", reason, ")"]));
            object(&[("slot", name.into()), ("isEmpty", true.into()), ("size", JsValue::NULL), ("reason", reason.into())])
        }
    };
    tag::notify("slotRenderEnded", payload);
}

/// What happens to an empty slot's box (config `collapseEmptySlots`).
fn collapse_mode(t: &Tag) -> render::Collapse {
    collapse_mode_of(&t.config)
}

fn collapse_mode_of(c: &crate::core::config::Config) -> render::Collapse {
    match c.collapse_empty_slots {
        CollapseEmptySlots::Auto => render::Collapse::Auto,
        CollapseEmptySlots::Never => render::Collapse::Never,
        CollapseEmptySlots::Now => render::Collapse::Now,
    }
}

/// No ad: the frame (if any) goes, and the box as `how` says; its viewability stops.
fn collapse(slot: &mut Slot, how: render::Collapse) {
    render::collapse(&slot.element, how);
    slot.shown = None;
    slot.frame = None;
    slot.view = None;
    slot.held = None;
    slot.ad_id.clear();
}

/// Does `names` (all when `None`) include this slot?
fn named(names: Option<&[String]>, slot: &Slot) -> bool {
    names.is_none_or(|n| n.iter().any(|n| *n == slot.name))
}

/// `adtag.refresh(names?)`: a new ad (a new impression with its own viewability) for each
/// named slot that has had its answer, under the current decision. The slot keeps its box
/// while the new ad loads: the old ad stays until the new one replaces it.
pub fn refresh(t: &mut Tag, names: Option<&[String]>) {
    let ids: Vec<u32> = t.slots.iter().filter(|s| named(names, s)).map(|s| s.id).collect();
    for id in ids {
        step(t, id, Input::Refresh);
    }
}

/// `adtag.destroySlots(names?)`: the named slots' ads removed, the slots forgotten (and not
/// found again: they keep `data-adtag-state="destroyed"`).
pub fn destroy(t: &mut Tag, names: Option<&[String]>) {
    let ids: Vec<u32> = t.slots.iter().filter(|s| named(names, s)).map(|s| s.id).collect();
    for id in ids {
        if let Some(slot) = t.slots.by_id(id) {
            // The frame and the viewport watcher go; then the box is given back.
            render::collapse(&slot.element, render::Collapse::Never);
            render::clear(&slot.element, "destroyed");
        }
        step(t, id, Input::Destroy);
    }
}

/// Slots whose element left the page: everything held for them is let go. A request still
/// out is answered for the page now (its answer will find no slot).
fn release_removed(t: &mut Tag) {
    let gone: Vec<(u32, String, bool)> = t.slots.iter()
        .filter(|s| !s.element.is_connected())
        .map(|s| (s.id, s.name.clone(), matches!(s.machine.state(), machine::State::Requested { .. })))
        .collect();
    for (id, name, pending) in gone {
        if pending {
            ended(t, &name, Err("the slot was removed from the page"));
        }
        step(t, id, Input::Removed);
    }
}

/// Lets go of what the tag held for a slot: the observers on its element and frame, its
/// timers (dropped with its `SlotView`).
fn release(t: &mut Tag, slot: Slot) {
    if let Some(o) = &t.observers {
        if let Some(frame) = &slot.frame {
            o.unwatch(frame);
        }
        o.unwatch_lazy(&slot.element);
    }
}
