//! What happens to rendered ads and to the page, observed whether or not collection is
//! allowed (publisher events stay in the page): viewability from `IntersectionObserver` and
//! the tab's visibility, clicks reported by the frames the tag built, and the page being
//! hidden. Beacons for them go out only through `Measure`, which exists only with a permit.
//! Only events the browser vouches for (`isTrusted`) reach this module (see dom.js `watch`).

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::config::LazyLoad;
use crate::core::events::Kind;
use crate::core::viewability::Viewability;
use crate::web::dom::{item, items};
use crate::web::publisher_events::object;
use crate::web::tag::{self, Tag};
use crate::web::timer::{Timeout, now_ms};
use crate::web::{decide, dom};
use wasm_bindgen::prelude::*;
use web_sys::IntersectionObserver;

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
    /// The lazy-loading observers (null unless `lazyLoad`).
    lazy: JsValue,
    /// When the page was last shown (for `session_end`'s duration).
    pub shown_at: u64,
    pub hidden_reported: bool,
}

impl Observers {
    pub fn new(window: &web_sys::Window, lazy: Option<LazyLoad>) -> Observers {
        // Every event reaches the tag through `wake` (see `event`).
        crate::web::wake::ready();
        let intersection = dom::watch(window);
        let lazy = match lazy {
            Some(l) => dom::lazy(l.fetch_margin_percent, l.render_margin_percent),
            None => JsValue::NULL,
        };
        Observers { intersection, lazy, shown_at: now_ms(), hidden_reported: false }
    }

    /// Starts watching a slot against the lazy-loading margins.
    pub fn watch_lazy(&self, slot: &web_sys::Element) {
        dom::lazy_observe(&self.lazy, slot, true);
    }

    pub fn unwatch_lazy(&self, slot: &web_sys::Element) {
        dom::lazy_observe(&self.lazy, slot, false);
    }

    /// Starts watching a freshly rendered ad frame.
    pub fn watch(&self, frame: &web_sys::Element) {
        dom::observe(self.intersection.as_ref(), frame, true);
    }

    /// Stops watching a frame that is gone.
    pub fn unwatch(&self, frame: &web_sys::Element) {
        dom::observe(self.intersection.as_ref(), frame, false);
    }
}

/// One event from dom.js `watch` or `lazy` (kinds 0..=7). Each becomes a piece of work for the
/// tag, run now or right after the work in progress (one closure type for all of them).
pub fn event(kind: u32, value: JsValue, ratio: f64) {
    if kind == 4 {
        // A message (dom.js passes only trusted `MessageEvent`s, and says so): a slot's frame,
        // or the answer of a TCF platform in another frame.
        let m = items(&value);
        if item(&m, 0).as_bool() != Some(true) {
            return;
        }
        crate::web::consent::on_message(&item(&m, 1), item(&m, 4).as_string(), &item(&m, 5));
    }
    tag::run(move |t| on_event(t, kind, value, ratio));
}

fn on_event(t: &mut Tag, kind: u32, value: JsValue, ratio: f64) {
    match kind {
        0 => {
            let id = t.slots.iter().find(|s| s.frame.as_ref().is_some_and(|f| JsValue::from(f) == value)).map(|s| s.id);
            if let Some(id) = id {
                update_view(t, id, Some(ratio));
            }
        }
        1 => visibility_changed(t),
        2 => page_hidden(t),
        3 => page_shown(t),
        4 => frame_message(t, &items(&value)),
        // The page's slots changed (a slot added or removed).
        5 => crate::web::slots::claim_new(t),
        // A slot came within (ratio 1) or left a lazy-loading margin: 6 fetch, 7 render.
        _ => crate::web::slots::near(t, &value, kind == 6, ratio > 0.5),
    }
}

fn tab_visible(t: &Tag) -> bool {
    dom::visible(&t.document)
}

/// Feeds slot `id`'s viewability machine (with a new ratio, or just a re-check); on becoming
/// viewable, records it and tells the page.
fn update_view(t: &mut Tag, id: u32, ratio: Option<f64>) {
    let visible = tab_visible(t);
    let now = now_ms() as f64;
    let Some(slot) = t.slots.by_id(id) else { return };
    let generation = slot.generation;
    let Some(view) = slot.view.as_mut() else { return };
    let before = view.ratio;
    if let Some(r) = ratio {
        view.ratio = r;
    }
    let became = view.state.observe(now, view.ratio, visible);
    view.timer = match view.state.due_ms() {
        Some(due) if !became => Timeout::new((due - now).max(0.0) as u32 + 1, move || {
            tag::run(move |t| {
                if t.slots.iter().any(|s| s.id == id && s.generation == generation) {
                    update_view(t, id, None);
                }
            });
        }),
        _ => None,
    };
    let name = slot.name.clone();
    if ratio.is_some() && view.ratio != before {
        // Whole percent (no_std has no f64::round; ratios are in 0..=1).
        let percent = (view.ratio * 100.0 + 0.5) as u32;
        tag::notify("slotVisibilityChanged", object(&[("slot", name.as_str().into()), ("inViewPercentage", percent.into())]));
    }
    if !became {
        return;
    }
    let ad = slot.ad_id.clone();
    if let Some(m) = decide::measuring(t) {
        m.record(Kind::AdViewable { slot: name.clone(), ad: ad.clone() });
    }
    tag::notify("impressionViewable", object(&[("slot", name.into()), ("ad", ad.into())]));
}

/// A message from a slot's frame (src/frame.html, served minified as adtag-frame.html): `{adtag: "loaded", token}` once the
/// creative's frame loaded (→ `slotOnload`, once per ad), `{adtag: "click", token}` when the
/// visitor clicked the ad (→ `ad_click` and `adClick`). It counts only when the browser
/// vouches for it (`isTrusted`: not an event the page dispatched), it comes from the very
/// frame the tag built for that slot (`source`: not the page, another frame, nor the
/// creative, whose window is one level deeper), and `token` names the slot's current ad (not
/// one it showed before). Clicks count at most once a second per slot.
///
/// `m` is the message as dom.js read it: `[isTrusted, source, data.adtag, data.token, …]`.
fn frame_message(t: &mut Tag, m: &[JsValue]) {
    let click = match item(m, 2).as_string().as_deref() {
        Some("click") => true,
        Some("loaded") => false,
        _ => return,
    };
    let token = item(m, 3).as_string().unwrap_or_default();
    let source = item(m, 1);
    let now = now_ms();
    let Some(slot) = t.slots.iter_mut().find(|s| {
        !token.is_empty()
            && s.token == token
            && s.frame.as_ref().and_then(|f| f.content_window()).is_some_and(|w| JsValue::from(w) == source)
    }) else {
        return;
    };
    let (name, ad) = (slot.name.clone(), slot.ad_id.clone());
    if !click {
        if !slot.onload_told {
            slot.onload_told = true;
            tag::notify("slotOnload", object(&[("slot", name.into()), ("ad", ad.into())]));
        }
        return;
    }
    if now.saturating_sub(slot.last_click_ms) < CLICK_INTERVAL_MS && slot.last_click_ms != 0 {
        return;
    }
    slot.last_click_ms = now;
    if let Some(m) = decide::measuring(t) {
        m.record(Kind::AdClick { slot: name.clone(), ad: ad.clone() });
    }
    tag::notify("adClick", object(&[("slot", name.into()), ("ad", ad.into())]));
}

fn visibility_changed(t: &mut Tag) {
    if tab_visible(t) {
        page_shown(t);
    } else {
        page_hidden(t);
    }
    // Hidden tabs pause viewability; shown again, the runs restart.
    let ids: Vec<u32> = t.slots.iter().map(|s| s.id).collect();
    for id in ids {
        update_view(t, id, None);
    }
}

fn page_shown(t: &mut Tag) {
    if let Some(o) = t.observers.as_mut() {
        o.shown_at = now_ms();
        o.hidden_reported = false;
    }
}

/// The page is hidden or going away: `session_end`, then everything queued goes out (a
/// keepalive `fetch`). `pagehide` after a `visibilitychange` to hidden records no second
/// `session_end` but sends what was recorded in between.
fn page_hidden(t: &mut Tag) {
    let Some(o) = t.observers.as_mut() else { return };
    let first = !o.hidden_reported;
    o.hidden_reported = true;
    let duration_ms = now_ms().saturating_sub(o.shown_at);
    if let Some(m) = decide::measuring(t) {
        if first {
            m.record(Kind::SessionEnd { duration_ms });
        }
        // Events recorded while hidden go out at pagehide too.
        m.flush_final();
    }
}
