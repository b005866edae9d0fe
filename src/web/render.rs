//! Slots in the DOM: keep the slot's box while the ad loads, show the creative through the
//! tag's own frame document (`adtag-frame.html`, from the tag's origin, sandboxed), or leave the
//! slot empty without moving the page.
//!
//! Why a frame document of the tag's own: an `<iframe srcdoc>` is same-document territory for
//! the page: the page's Content Security Policy applies in it (a creative's inline styles and
//! scripts are blocked on a strict-CSP page) and the page can read its markup. `adtag-frame.html`
//! is cross-origin to the page (and opaque, being sandboxed without `allow-same-origin`), so
//! neither holds; it renders the creative one frame deeper and takes the visitor's clicks on
//! a layer the creative can't reach. See src/frame.html (served minified as `adtag-frame.html`) for the messages it exchanges.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::ad::{RenderPlan, SANDBOX, SlotSize, srcdoc};
use crate::web::dom;
use web_sys::{HtmlElement, HtmlIFrameElement};

/// What happens to the box of a slot that gets no ad (config `collapseEmptySlots`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Collapse {
    /// The box stays, empty, while the slot is in view or above it (collapsing it would move
    /// what the visitor sees); it goes once the slot is out of view below the viewport.
    #[default]
    Auto,
    /// The box always stays.
    Never,
    /// The box goes at once, wherever the slot is (the page may shift).
    Now,
}

/// Reads the slot's own box for `reserve`: every new slot's first, then each one's `reserve`,
/// so that the page is laid out once for all of them.
pub fn look(slot: &HtmlElement) {
    dom::look(slot);
}

/// Keeps the slot's box while its ad loads: the page's own box where it gave the slot one,
/// else the declared size, at first sight. `frame_url` (`core::ad::frame_url`) is where the
/// slot's frame document will come from.
pub fn reserve(slot: &HtmlElement, size: SlotSize, frame_url: &str) {
    dom::reserve(slot, size.width, size.height, frame_url, SANDBOX);
}

/// Starts loading the slot's frame document (hidden), to be called as the slot's ad is
/// requested: it loads alongside the ad request, so it costs no round trip, and, like every
/// request of the tag but the site list, never before the decision. The frame request carries
/// nothing about the visitor: no query, no referrer, and (Chromium, `credentialless`) no
/// cookies. Calling it again while the frame is there does nothing.
pub fn prepare(slot: &HtmlElement) {
    dom::prepare(slot);
}

/// No ad, an error or a timeout: the slot's frame goes, and its box as `how` says.
pub fn collapse(slot: &HtmlElement, how: Collapse) {
    dom::collapse(slot, match how {
        Collapse::Auto => 0,
        Collapse::Never => 1,
        Collapse::Now => 2,
    });
}

/// Shows the creative in the slot's frame, at the ad's size, over the slot's box. `token`
/// names this ad in the frame's messages (`{adtag: "loaded" | "click", token}`), so that a
/// message about an earlier ad of the slot is told apart. Makes the frame if `prepare` did
/// not; `None` without a `reserve` before (no frame URL).
pub fn render(slot: &HtmlElement, plan: &RenderPlan, token: &str) -> Option<HtmlIFrameElement> {
    let click = plan.click_url.as_deref().unwrap_or("");
    dom::render(slot, plan.width, plan.height, &srcdoc(plan), click, token)
}

/// A destroyed slot: its ad removed, its box given back to the page, marked `state` so that
/// it is not found again.
pub fn clear(slot: &HtmlElement, state: &str) {
    dom::clear(slot, state);
}
