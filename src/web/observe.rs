//! What happens to rendered ads and to the page, observed whether or not collection is
//! allowed (publisher events stay in the page): viewability from `IntersectionObserver` and
//! the tab's visibility, clicks reported by the frames the tag built, and the page being
//! hidden. Beacons for them go out only through `Measure`, which exists only with a permit.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::events::Kind;
use crate::core::viewability::Viewability;
use crate::web::page::get;
use crate::web::publisher_events::{emit, object};
use crate::web::tag::{self, Tag};
use crate::web::timer::{Timeout, now_ms};
use wasm_bindgen::prelude::*;
use crate::web::dom;
use web_sys::{IntersectionObserver, MessageEvent, VisibilityState};

/// Clicks on one ad closer together than this count once.
const CLICK_INTERVAL_MS: u64 = 1000;

/// Per rendered slot: its viewability machine, the last ratio seen, the timer that ticks it.
pub struct SlotView {
    pub state: Viewability,
    pub ratio: f64,
    pub timer: Option<Timeout>,
}

/// The page-wide observers, created with the tag, for the page's lifetime.
pub struct Observers {
    intersection: Option<IntersectionObserver>,
    /// When the page was last shown (for `session_end`'s duration).
    pub shown_at: u64,
    pub hidden_reported: bool,
}

impl Observers {
    pub fn new(window: &web_sys::Window) -> Observers {
        // One callback for every kind of event (see dom.js), `Fn` so that one event may arrive
        // while another is handled (page code run from inside the tag's work).
        let on = Closure::<dyn Fn(u32, JsValue, f64)>::new(|kind: u32, value: JsValue, ratio: f64| match kind {
            0 => slot_seen(|t| t.slots.iter().position(|s| s.frame.as_ref().is_some_and(|f| JsValue::from(f) == value)), ratio),
            1 => visibility_changed(),
            2 => page_hidden(),
            3 => page_shown(),
            _ => {
                // dom.js passes only `MessageEvent`s.
                frame_message(value.unchecked_ref::<MessageEvent>());
            }
        });
        let intersection = dom::watch(window, on.as_ref());
        on.forget();
        Observers { intersection, shown_at: now_ms(), hidden_reported: false }
    }

    /// Starts watching a freshly rendered ad frame.
    pub fn watch(&self, frame: &web_sys::Element) {
        if let Some(io) = &self.intersection {
            io.observe(frame);
        }
    }
}

fn tab_visible(t: &Tag) -> bool {
    t.document.visibility_state() == VisibilityState::Visible
}

/// A new ratio for the slot `find` picks (or, with a NaN ratio, just a re-check).
fn slot_seen(find: impl FnOnce(&Tag) -> Option<usize>, ratio: f64) {
    let Some(Some(i)) = tag::with(|t| find(t)) else { return };
    update_view(i, Some(ratio));
}

/// Feeds slot `i`'s viewability machine; on becoming viewable, tells the page and records it.
fn update_view(i: usize, ratio: Option<f64>) {
    let Some(Some((slot, ad))) = tag::with(|t| {
        let visible = tab_visible(t);
        let now = now_ms() as f64;
        let slot = t.slots.get_mut(i)?;
        let view = slot.view.as_mut()?;
        if let Some(r) = ratio {
            view.ratio = r;
        }
        let became = view.state.observe(now, view.ratio, visible);
        view.timer = match view.state.due_ms() {
            Some(due) if !became => Timeout::new((due - now).max(0.0) as u32 + 1, move || update_view(i, None)),
            _ => None,
        };
        if !became {
            return None;
        }
        let (slot, ad) = (slot.name.clone(), slot.ad_id.clone());
        if let Some(m) = tag::measuring(t) {
            m.record(Kind::AdViewable { slot: slot.clone(), ad: ad.clone() });
        }
        Some((slot, ad))
    }) else {
        return;
    };
    emit("impressionViewable", &object(&[("slot", slot.into()), ("ad", ad.into())]));
}

/// A message from a slot's frame (www/adtag-frame.html): `{adtag: "loaded", token}` once the
/// creative's frame loaded (→ `slotOnload`), `{adtag: "click", token}` when the visitor
/// clicked the ad (→ `ad_click` and `adClick`). It counts only when the browser vouches for
/// it (`isTrusted`: not an event the page dispatched), it comes from the very frame the tag
/// built for that slot (`source`: not the page, another frame, nor the creative, whose window
/// is one level deeper), and `token` names the slot's current ad (not one it showed before).
/// Clicks count at most once a second per slot.
fn frame_message(e: &MessageEvent) {
    if !e.is_trusted() {
        return;
    }
    let data = e.data();
    let click = match get(&data, "adtag").as_string().as_deref() {
        Some("click") => true,
        Some("loaded") => false,
        _ => return,
    };
    let token = get(&data, "token").as_string().unwrap_or_default();
    let source: JsValue = e.source().map(JsValue::from).unwrap_or(JsValue::NULL);
    let Some(Some((slot, ad))) = tag::with(|t| {
        let now = now_ms();
        let slot = t.slots.iter_mut().find(|s| {
            !token.is_empty()
                && s.token == token
                && s.frame.as_ref().and_then(|f| f.content_window()).is_some_and(|w| JsValue::from(w) == source)
        })?;
        let (name, ad) = (slot.name.clone(), slot.ad_id.clone());
        if !click {
            return Some((name, ad));
        }
        if now.saturating_sub(slot.last_click_ms) < CLICK_INTERVAL_MS {
            return None;
        }
        slot.last_click_ms = now;
        if let Some(m) = tag::measuring(t) {
            m.record(Kind::AdClick { slot: name.clone(), ad: ad.clone() });
        }
        Some((name, ad))
    }) else {
        return;
    };
    let payload = object(&[("slot", slot.into()), ("ad", ad.into())]);
    emit(if click { "adClick" } else { "slotOnload" }, &payload);
}

fn visibility_changed() {
    let hidden = tag::with(|t| !tab_visible(t)).unwrap_or(false);
    if hidden {
        page_hidden();
    } else {
        page_shown();
    }
    // Hidden tabs pause viewability; shown again, the runs restart.
    let n = tag::with(|t| t.slots.len()).unwrap_or(0);
    for i in 0..n {
        update_view(i, None);
    }
}

fn page_shown() {
    tag::with(|t| {
        if let Some(o) = t.observers.as_mut() {
            o.shown_at = now_ms();
            o.hidden_reported = false;
        }
    });
}

/// The page is hidden or going away: `session_end`, then everything queued goes out with
/// `sendBeacon`. `pagehide` after a `visibilitychange` to hidden reports nothing twice.
fn page_hidden() {
    tag::with(|t| {
        let Some(o) = t.observers.as_mut() else { return };
        if o.hidden_reported {
            return;
        }
        o.hidden_reported = true;
        let duration_ms = now_ms().saturating_sub(o.shown_at);
        if let Some(m) = tag::measuring(t) {
            m.record(Kind::SessionEnd { duration_ms });
            m.flush_final();
        }
    });
}
