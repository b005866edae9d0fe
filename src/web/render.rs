//! Slots in the DOM: hold the declared size while the ad loads, render a creative into a
//! sandboxed `<iframe srcdoc>`, or collapse.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::ad::{RenderPlan, SANDBOX, SlotSize, srcdoc};
use crate::web::dom;
use web_sys::{Document, HtmlElement, HtmlIFrameElement};

/// Keeps the slot at its declared size while its ad loads: no layout shift either way.
pub fn reserve(slot: &HtmlElement, size: SlotSize) {
    dom::reserve(slot, size.width, size.height);
}

/// No ad, an error or a timeout: the slot takes no room.
pub fn collapse(slot: &HtmlElement) {
    dom::collapse(slot);
}

/// Renders the creative in a frame that can't read the page's cookies or DOM (no
/// `allow-same-origin`) nor navigate it (no `allow-top-navigation`). `token` lets the
/// frame's click message be told from a forged one. The sandbox goes on before the document
/// does, so the creative never runs without it.
pub fn render(document: &Document, slot: &HtmlElement, plan: &RenderPlan, token: &str) -> Option<HtmlIFrameElement> {
    dom::render(document, slot, plan.width, plan.height, SANDBOX, &srcdoc(plan, token))
}

/// A destroyed slot: its ad removed, its box given back to the page, marked `state` so that
/// it is not found again.
pub fn clear(slot: &HtmlElement, state: &str) {
    dom::clear(slot, state);
}
