//! Slots in the DOM: hold the declared size while the ad loads, render a creative into a
//! sandboxed `<iframe srcdoc>`, or collapse.

use crate::core::ad::{RenderPlan, SANDBOX, SlotSize, srcdoc};
use wasm_bindgen::JsCast;
use web_sys::{Document, HtmlElement, HtmlIFrameElement};

fn px(n: u32) -> String {
    [n.to_string().as_str(), "px"].concat()
}

/// Keeps the slot at its declared size while its ad loads: no layout shift either way.
pub fn reserve(slot: &HtmlElement, size: SlotSize) {
    let style = slot.style();
    let _ = style.set_property("display", "block");
    let _ = style.set_property("width", &px(size.width));
    let _ = style.set_property("height", &px(size.height));
    let _ = style.set_property("overflow", "hidden");
    let _ = slot.set_attribute("data-adtag-state", "loading");
}

/// No ad, an error or a timeout: the slot takes no room.
pub fn collapse(slot: &HtmlElement) {
    let _ = slot.style().set_property("display", "none");
    let _ = slot.set_attribute("data-adtag-state", "empty");
}

/// Renders the creative in a frame that can't read the page's cookies or DOM (no
/// `allow-same-origin`) nor navigate it (no `allow-top-navigation`). `token` lets the
/// frame's click message be told from a forged one.
pub fn render(document: &Document, slot: &HtmlElement, plan: &RenderPlan, token: &str) -> Option<HtmlIFrameElement> {
    let frame: HtmlIFrameElement = document.create_element("iframe").ok()?.dyn_into().ok()?;
    // The sandbox goes on before the document does, so the creative never runs without it.
    frame.set_attribute("sandbox", SANDBOX).ok()?;
    frame.set_width(&plan.width.to_string());
    frame.set_height(&plan.height.to_string());
    let _ = frame.set_attribute("title", "Advertisement");
    let _ = frame.set_attribute("scrolling", "no");
    let _ = frame.set_attribute("referrerpolicy", "no-referrer");
    let _ = frame.style().set_property("border", "0");
    let _ = frame.style().set_property("display", "block");
    frame.set_srcdoc(&srcdoc(plan, token));
    slot.replace_children_with_node_1(&frame);
    let _ = slot.set_attribute("data-adtag-state", "rendered");
    Some(frame)
}
