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

use crate::core::ad::{self, AdError, AdRequest, RenderPlan, SizeError, SlotSize, parse_size};
use crate::core::events::Kind;
use crate::core::{ids, viewability::Viewability};
use crate::web::http::{self, FetchError};
use crate::web::observe::SlotView;
use crate::web::tag::{self, Tag};
use crate::web::{consent, decide, log, page, render};
use wasm_bindgen::prelude::*;
use web_sys::{Document, HtmlElement, HtmlIFrameElement};

/// How long an ad request may take before its slot collapses.
pub const AD_TIMEOUT_MS: u32 = 3000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Found, waiting for the first decision.
    Found,
    /// An ad request is out (for `Slot::generation`).
    Requested,
    Rendered,
    Collapsed,
}

pub struct Slot {
    /// Never reused on this page.
    pub id: u32,
    pub element: HtmlElement,
    pub name: String,
    pub size: SlotSize,
    pub state: State,
    /// Which request is current; answers for older ones are dropped.
    pub generation: u32,
    /// Filled in once rendered: the frame, its click token and the ad id.
    pub frame: Option<HtmlIFrameElement>,
    pub token: String,
    pub ad_id: String,
    /// When the last click counted (ms, the tag's monotonic clock).
    pub last_click_ms: u64,
    /// Viewability, once rendered.
    pub view: Option<SlotView>,
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
pub fn discover(document: &Document) -> Vec<(HtmlElement, String, Result<SlotSize, SizeError>)> {
    let Ok(list) = document.query_selector_all("[data-adtag-slot]") else { return Vec::new() };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<HtmlElement>().ok())
        .filter(|e| !e.has_attribute("data-adtag-state"))
        .map(|e| {
            let name = e.get_attribute("data-adtag-slot").unwrap_or_default();
            let size = parse_size(&e.get_attribute("data-adtag-size").unwrap_or_default());
            (e, name, size)
        })
        .collect()
}

/// Claims the slots that appeared since last time (all of them at start), reserves the good
/// ones' space, reports and collapses the bad ones; once the tag has decided, requests their
/// ads at once. Slots that left the page are released.
pub fn claim_new(t: &mut Tag) {
    release_removed(t);
    let mut fresh = Vec::new();
    for (element, name, size) in discover(&t.document) {
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
        let token = page::random16(&t.window).map(|r| ids::hex_id(&r)).unwrap_or_default();
        t.slots.next_id += 1;
        let id = t.slots.next_id;
        t.slots.push(Slot { id, element, name, size, state: State::Found, generation: 0, frame: None, token,
            ad_id: String::new(), last_click_ms: 0, view: None });
        fresh.push(id);
    }
    if t.decided {
        for id in fresh {
            request(t, id);
        }
    }
}

/// The first decision exists: every slot found so far asks for its ad.
pub fn request_all(t: &mut Tag) {
    let ids: Vec<u32> = t.slots.iter().filter(|s| s.state == State::Found).map(|s| s.id).collect();
    for id in ids {
        request(t, id);
    }
}

/// Asks for slot `id`'s ad under the current decision (one request per slot, concurrently:
/// one slow or bad slot never holds up the others). The slot keeps its box meanwhile.
fn request(t: &mut Tag, id: u32) {
    // `measuring` looks at the opt-out cookie and the consent platforms once more, so that a
    // `uid` goes out only under a decision that still allows it.
    let uid = decide::measuring(t).map(|m| m.uid().to_owned());
    let consent = consent::params(&t.signals);
    let (ads, npa, coppa) = (t.decision.ads, !t.decision.personalized, t.decision.child_directed);
    let Some(slot) = t.slots.by_id(id) else { return };
    slot.generation += 1;
    slot.state = State::Requested;
    let generation = slot.generation;
    let name = slot.name.clone();
    if !ads {
        finish(t, id, generation, Err("no consent for ads (TCF purpose 2)".to_owned()));
        return;
    }
    let url = ad::ad_request_url(&AdRequest {
        endpoint: &t.config.endpoint,
        publisher: &t.config.publisher,
        slot: &name,
        size: slot.size,
        page_url: &t.location.href,
        npa,
        coppa,
        uid: uid.as_deref(),
        consent: &consent,
    });
    tag::notify("slotRequested", crate::web::publisher_events::object(&[("slot", name.as_str().into())]));
    http::get_text(&url, AD_TIMEOUT_MS, ad::MAX_AD_BYTES, Box::new(move |result| {
        tag::run(move |t| {
            let plan = match result {
                Ok((status, body)) => ad::render_plan(status, &body),
                Err(FetchError::Timeout) => Err(AdError::Timeout),
                Err(FetchError::TooLarge) => Err(AdError::TooLarge),
                Err(FetchError::Network) => Err(AdError::Network),
            };
            if let Some(s) = t.slots.iter().find(|s| s.id == id && s.generation == generation) {
                tag::notify("slotResponseReceived", crate::web::publisher_events::object(&[("slot", s.name.as_str().into())]));
            }
            finish(t, id, generation, plan.map_err(|e| e.message()));
        });
    }));
}

/// Renders or collapses slot `id` with the answer to its request `generation`, then tells
/// the page. An answer for an older request, or for a slot that is gone, is dropped.
fn finish(t: &mut Tag, id: u32, generation: u32, result: Result<RenderPlan, String>) {
    let debug = t.config.debug;
    let Some(slot) = t.slots.by_id(id).filter(|s| s.generation == generation && s.state == State::Requested) else {
        return;
    };
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
                slot.state = State::Rendered;
                let impression = Kind::AdImpression { slot: name.clone(), ad: slot.ad_id.clone() };
                if let Some(m) = decide::measuring(t) {
                    m.record(impression);
                }
                Ok((plan.width, plan.height))
            }
            None => {
                collapse(slot);
                Err("could not create the frame".to_owned())
            }
        },
        Err(e) => {
            collapse(slot);
            Err(e)
        }
    };
    let payload = match &outcome {
        Ok((w, h)) => {
            log::debug(debug, &cat(&["slot ", &name, ": rendered"]));
            let size = js_sys::Array::of2(&JsValue::from(*w), &JsValue::from(*h));
            crate::web::publisher_events::object(&[("slot", name.as_str().into()), ("isEmpty", false.into()),
                ("size", size.into())])
        }
        Err(reason) => {
            log::debug(debug, &cat(&["slot ", &name, ": collapsed (", reason, ")"]));
            crate::web::publisher_events::object(&[("slot", name.as_str().into()), ("isEmpty", true.into()),
                ("size", JsValue::NULL), ("reason", reason.as_str().into())])
        }
    };
    tag::notify("slotRenderEnded", payload);
}

/// No ad: the frame (if any) goes, the slot collapses, its viewability stops.
fn collapse(slot: &mut Slot) {
    render::collapse(&slot.element);
    slot.frame = None;
    slot.view = None;
    slot.ad_id.clear();
    slot.state = State::Collapsed;
}

/// Does `names` (all when `None`) include this slot?
fn named(names: Option<&[String]>, slot: &Slot) -> bool {
    names.is_none_or(|n| n.iter().any(|n| *n == slot.name))
}

/// `adtag.refresh(names?)`: a new ad (a new impression with its own viewability) for each
/// named slot that has had its first answer, under the current decision. The slot keeps its
/// box while the new ad loads: the old ad stays until the new one replaces it.
pub fn refresh(t: &mut Tag, names: Option<&[String]>) {
    if !t.decided {
        return; // the first request, with the first decision, is still to come
    }
    let ids: Vec<u32> = t.slots.iter()
        .filter(|s| named(names, s) && matches!(s.state, State::Rendered | State::Collapsed))
        .map(|s| s.id)
        .collect();
    for id in ids {
        if let Some(slot) = t.slots.by_id(id) {
            slot.view = None; // the old ad's viewability ends with it
        }
        request(t, id);
    }
}

/// `adtag.destroySlots(names?)`: the named slots' ads removed, the slots forgotten (and not
/// found again: they keep `data-adtag-state="destroyed"`).
pub fn destroy(t: &mut Tag, names: Option<&[String]>) {
    let (gone, kept): (Vec<Slot>, Vec<Slot>) = core::mem::take(&mut t.slots.list).into_iter().partition(|s| named(names, s));
    t.slots.list = kept;
    for slot in gone {
        render::clear(&slot.element, "destroyed");
        release(t, slot);
    }
}

/// Slots whose element left the page: everything held for them is let go.
fn release_removed(t: &mut Tag) {
    let (gone, kept): (Vec<Slot>, Vec<Slot>) = core::mem::take(&mut t.slots.list).into_iter().partition(|s| !s.element.is_connected());
    t.slots.list = kept;
    for slot in gone {
        // Its request is answered for the page now: the answer itself will find no slot.
        if slot.state == State::Requested {
            tag::notify("slotRenderEnded", crate::web::publisher_events::object(&[("slot", slot.name.as_str().into()),
                ("isEmpty", true.into()), ("size", JsValue::NULL), ("reason", "the slot was removed from the page".into())]));
        }
        release(t, slot);
    }
}

/// Lets go of what the tag held for a slot: the observer on its frame, its timers (dropped
/// with its `SlotView`), the frame itself (with the slot's element, if it is gone).
fn release(t: &mut Tag, slot: Slot) {
    if let (Some(o), Some(frame)) = (&t.observers, &slot.frame) {
        o.unwatch(frame);
    }
}
