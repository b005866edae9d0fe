#![cfg(target_arch = "wasm32")]
//! Slot discovery and rendering in a real DOM (`adtag::web::slots`, `adtag::web::render`):
//! which slots the tag finds, the room they keep while the ad loads, the sandboxed frame the
//! creative lands in, and the collapse that leaves no gap. Sizes are measured by the browser's
//! layout (`offsetWidth`/`offsetHeight`), as the visitor sees them.

mod common;

use adtag::core::ad::{RenderPlan, SizeError, SlotSize};
use adtag::web::{render, slots};
use common::*;
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlIFrameElement};

wasm_bindgen_test_configure!(run_in_browser);

fn size(width: u32, height: u32) -> SlotSize {
    SlotSize { width, height }
}

fn slot_attrs<'a>(name: &'a str, size: &'a str) -> [(&'a str, &'a str); 2] {
    [("data-adtag-slot", name), ("data-adtag-size", size)]
}

fn plan(html: &str, width: u32, height: u32) -> RenderPlan {
    RenderPlan {
        ad_id: "ad-1".to_owned(),
        html: html.to_owned(),
        width,
        height,
        click_url: Some("https://advertiser.example/landing?x=1".to_owned()),
    }
}

fn rendered_box(e: &HtmlElement) -> (i32, i32) {
    (e.offset_width(), e.offset_height())
}

/// The one thing in the slot: it must be a single `<iframe>` and nothing else.
fn only_frame(slot: &HtmlElement) -> HtmlIFrameElement {
    assert_eq!(slot.child_nodes().length(), 1, "the slot holds exactly one node: {}", slot.inner_html());
    let child = slot.first_element_child().expect("an element child");
    assert_eq!(child.tag_name(), "IFRAME");
    child.dyn_into::<HtmlIFrameElement>().expect("an iframe")
}

// --- discovery ------------------------------------------------------------------------------

#[wasm_bindgen_test]
fn discover_finds_slots_in_document_order_with_parsed_sizes() {
    let page = Fixture::new();
    let top = page.add("div", &slot_attrs("top", "300x250"));
    let wrapper = page.add("section", &[]);
    let nested = add_to(&wrapper, "div", &slot_attrs("nested", "728x90"));
    let side = page.add("aside", &slot_attrs("side", " 160X600 "));
    let bad = page.add("div", &slot_attrs("bad", "300x"));
    let huge = page.add("div", &slot_attrs("huge", "3000x250"));
    let no_size = page.add("div", &[("data-adtag-slot", "no-size")]);

    let found = slots::discover(&document());
    let names: Vec<&str> = found.iter().map(|(_, name, _)| name.as_str()).collect();
    assert_eq!(names, ["top", "nested", "side", "bad", "huge", "no-size"]);
    let sizes: Vec<_> = found.iter().map(|(_, _, size)| size.clone()).collect();
    assert_eq!(
        sizes,
        [
            Ok(size(300, 250)),
            Ok(size(728, 90)),
            Ok(size(160, 600)),
            Err(SizeError::Malformed("300x".to_owned())),
            Err(SizeError::OutOfBounds("3000x250".to_owned())),
            Err(SizeError::Malformed(String::new())),
        ]
    );
    for ((element, name, _), expected) in found.iter().zip([&top, &nested, &side, &bad, &huge, &no_size]) {
        assert!(element.is_same_node(Some(expected)), "slot {name} is the page's own element");
    }
}

#[wasm_bindgen_test]
fn discover_on_a_page_without_slots_finds_nothing() {
    let page = Fixture::new();
    page.add("div", &[("class", "adtag-slot"), ("data-size", "300x250")]);
    assert!(slots::discover(&document()).is_empty());
}

#[wasm_bindgen_test]
fn discover_skips_slots_that_already_have_a_state() {
    let page = Fixture::new();
    for state in ["loading", "rendered", "empty", ""] {
        let e = page.add("div", &slot_attrs("claimed", "300x250"));
        e.set_attribute("data-adtag-state", state).unwrap();
    }
    let fresh = page.add("div", &slot_attrs("fresh", "300x250"));
    let found = slots::discover(&document());
    assert_eq!(found.len(), 1, "only the unclaimed slot");
    assert!(found[0].0.is_same_node(Some(&fresh)));
}

#[wasm_bindgen_test]
fn a_second_pass_finds_only_slots_added_since() {
    let page = Fixture::new();
    page.add("div", &slot_attrs("a", "300x250"));
    page.add("div", &slot_attrs("b", "nonsense"));
    // What the tag does with the first pass: reserve the good, collapse the bad.
    for (element, _, size) in slots::discover(&document()) {
        match size {
            Ok(size) => render::reserve(&element, size),
            Err(_) => render::collapse(&element),
        }
    }
    assert!(slots::discover(&document()).is_empty(), "a slot is claimed once");

    page.add("div", &slot_attrs("later", "320x50"));
    let names: Vec<String> = slots::discover(&document()).into_iter().map(|(_, n, _)| n).collect();
    assert_eq!(names, ["later"]);
}

// --- reserve and collapse ---------------------------------------------------------------------

#[wasm_bindgen_test]
fn reserve_gives_the_slot_its_declared_size() {
    let page = Fixture::new();
    let slot = page.add("div", &slot_attrs("top", "300x250"));
    assert_eq!(slot.offset_height(), 0, "an empty div takes no height before the tag");
    render::reserve(&slot, size(300, 250));
    assert_eq!(rendered_box(&slot), (300, 250));
    assert_eq!(slot.get_attribute("data-adtag-state").as_deref(), Some("loading"));
}

#[wasm_bindgen_test]
fn reserve_holds_the_size_for_inline_slots_and_oversized_placeholders() {
    let page = Fixture::new();
    // A <span> ignores width and height unless the tag makes it a block.
    let span = page.add("span", &slot_attrs("inline", "320x50"));
    render::reserve(&span, size(320, 50));
    assert_eq!(rendered_box(&span), (320, 50));

    // A publisher's placeholder bigger than the slot does not stretch it.
    let slot = page.add("div", &slot_attrs("top", "300x250"));
    add_to(&slot, "div", &[("style", "width: 900px; height: 900px")]);
    render::reserve(&slot, size(300, 250));
    assert_eq!(rendered_box(&slot), (300, 250));
}

#[wasm_bindgen_test]
fn a_reserved_slot_does_not_spill_over_the_page() {
    let page = Fixture::new();
    // Pinned to the viewport's corner so that `elementFromPoint` can look at it.
    let corner = page.add("div", &[("style", "position: fixed; top: 0; left: 0; z-index: 2147483647")]);
    let slot = add_to(&corner, "div", &slot_attrs("top", "300x250"));
    let placeholder = add_to(&slot, "div", &[("style", "width: 600px; height: 500px; background: red")]);
    render::reserve(&slot, size(300, 250));

    let at = |x: f32, y: f32| document().element_from_point(x, y);
    let inside = at(150.0, 125.0).expect("something at the slot's centre");
    assert!(inside.is_same_node(Some(&placeholder)), "the placeholder shows inside the slot");
    for (x, y) in [(450.0, 125.0), (150.0, 400.0)] {
        let outside = at(x, y);
        assert!(
            !outside.is_some_and(|e| e.is_same_node(Some(&placeholder))),
            "the slot's content shows at ({x}, {y}), outside its 300x250"
        );
    }
}

#[wasm_bindgen_test]
fn collapse_takes_no_room() {
    let page = Fixture::new();
    let slot = page.add("div", &slot_attrs("top", "300x250"));
    render::reserve(&slot, size(300, 250));
    render::collapse(&slot);
    assert_eq!(slot.offset_height(), 0);
    assert_eq!(slot.offset_width(), 0);
    assert_eq!(slot.get_attribute("data-adtag-state").as_deref(), Some("empty"));
}

#[wasm_bindgen_test]
fn collapsing_one_slot_leaves_the_others_alone() {
    let page = Fixture::new();
    let a = page.add("div", &slot_attrs("a", "300x250"));
    let b = page.add("div", &slot_attrs("b", "728x90"));
    render::reserve(&a, size(300, 250));
    render::reserve(&b, size(728, 90));
    render::collapse(&a);
    assert_eq!(rendered_box(&a), (0, 0));
    assert_eq!(rendered_box(&b), (728, 90));
}

// --- render -----------------------------------------------------------------------------------

#[wasm_bindgen_test]
fn render_puts_one_sandboxed_frame_of_the_ads_size_in_the_slot() {
    let page = Fixture::new();
    let slot = page.add("div", &slot_attrs("top", "300x250"));
    slot.set_inner_html("<p>Advertisement loading…</p>");
    render::reserve(&slot, size(300, 250));

    let creative = "<div id=\"creative\">Buy <b>now</b></div>";
    let frame = render::render(&document(), &slot, &plan(creative, 300, 250), "tok-1").expect("a frame");
    let only = only_frame(&slot);
    assert!(only.is_same_node(Some(&frame)));
    assert_eq!(slot.get_attribute("data-adtag-state").as_deref(), Some("rendered"));

    let sandbox = frame.get_attribute("sandbox").expect("a sandbox attribute");
    let tokens: Vec<&str> = sandbox.split_ascii_whitespace().collect();
    assert!(tokens.contains(&"allow-scripts"), "sandbox = {sandbox:?}");
    assert!(!tokens.contains(&"allow-same-origin"), "the ad could read the page: {sandbox:?}");
    assert!(
        !tokens.iter().any(|t| t.starts_with("allow-top-navigation")),
        "the ad could navigate the page: {sandbox:?}"
    );
    assert!(frame.sandbox().contains("allow-scripts"), "the browser parsed the sandbox");

    assert!(frame.srcdoc().contains(creative), "srcdoc = {}", frame.srcdoc());
    assert_eq!(frame.width(), "300");
    assert_eq!(frame.height(), "250");
    assert_eq!(rendered_box(&frame), (300, 250), "the frame as laid out");
    assert_eq!(rendered_box(&slot), (300, 250), "the slot keeps its size around the frame");
}

#[wasm_bindgen_test]
fn rendering_again_replaces_the_frame() {
    let page = Fixture::new();
    let slot = page.add("div", &slot_attrs("top", "300x250"));
    render::reserve(&slot, size(300, 250));
    render::render(&document(), &slot, &plan("<p>first</p>", 300, 250), "t1").expect("a frame");
    let second = render::render(&document(), &slot, &plan("<p>second</p>", 300, 250), "t2").expect("a frame");
    let only = only_frame(&slot);
    assert!(only.is_same_node(Some(&second)));
    assert!(only.srcdoc().contains("<p>second</p>"));
    assert!(!only.srcdoc().contains("<p>first</p>"));
}

#[wasm_bindgen_test]
fn a_smaller_ad_gets_a_frame_of_its_own_size() {
    let page = Fixture::new();
    let slot = page.add("div", &slot_attrs("top", "300x250"));
    render::reserve(&slot, size(300, 250));
    let frame = render::render(&document(), &slot, &plan("<p>small</p>", 300, 50), "t").expect("a frame");
    assert_eq!(rendered_box(&frame), (300, 50));
}

#[wasm_bindgen_test]
fn collapse_after_render_hides_the_ad() {
    let page = Fixture::new();
    let slot = page.add("div", &slot_attrs("top", "300x250"));
    render::reserve(&slot, size(300, 250));
    let frame = render::render(&document(), &slot, &plan("<p>ad</p>", 300, 250), "t").expect("a frame");
    render::collapse(&slot);
    assert_eq!(rendered_box(&slot), (0, 0));
    assert_eq!(rendered_box(&frame), (0, 0));
}

// --- the sandbox at work ------------------------------------------------------------------------

/// A creative that tries to reach the page (its DOM, its cookies, its location: a fragment
/// navigation to `escape_url`, which would not unload the test page) and reports what it
/// managed, by `postMessage`.
fn probe(escape_url: &str) -> String {
    assert!(!escape_url.contains(['"', '\\', '<']), "a plain URL: {escape_url}");
    r#"<script>
(function () {
  var report = {probe: "adtag-test-probe"};
  try { report.parentDocument = "read:" + parent.document.title; }
  catch (e) { report.parentDocument = "blocked:" + e.name; }
  try { report.cookie = "read:" + document.cookie; }
  catch (e) { report.cookie = "blocked:" + e.name; }
  try { top.location.href = "ESCAPE_URL"; report.topNavigation = "attempted"; }
  catch (e) { report.topNavigation = "blocked:" + e.name; }
  setTimeout(function () { parent.postMessage(report, "*"); }, 50);
})();
</script><p>probe</p>"#
        .replace("ESCAPE_URL", escape_url)
}

/// The first message from `frame` whose `data.probe` is set, or `None` within 5 s.
async fn probe_report(frame: &HtmlIFrameElement, render_it: impl FnOnce()) -> Option<JsValue> {
    let mut resolve_slot = None;
    let promise = Promise::new(&mut |resolve, _| resolve_slot = Some(resolve));
    let resolve: Function = resolve_slot.expect("the executor ran");
    let frame_window = frame.clone();
    let listener = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        let source = Reflect::get(&event, &"source".into()).unwrap_or(JsValue::NULL);
        let from_frame = frame_window.content_window().is_some_and(|w| JsValue::from(w) == source);
        let data = Reflect::get(&event, &"data".into()).unwrap_or(JsValue::NULL);
        let is_probe = data.is_object() && Reflect::has(&data, &"probe".into()).unwrap_or(false);
        if from_frame && is_probe {
            let _ = resolve.call1(&JsValue::UNDEFINED, &data);
        }
    });
    let callback: &Function = listener.as_ref().unchecked_ref();
    window().add_event_listener_with_callback("message", callback).unwrap();
    render_it();
    let report = within(5000, &promise).await;
    window().remove_event_listener_with_callback("message", callback).unwrap();
    report
}

#[wasm_bindgen_test]
async fn the_creative_cannot_reach_the_page() {
    clear_cookies();
    raw_set_cookie("page_secret=s3cret; Path=/");
    let page = Fixture::new();
    let slot = page.add("div", &slot_attrs("top", "300x250"));
    render::reserve(&slot, size(300, 250));
    let location = window().location();
    let href_before = location.href().unwrap();
    let escape_url = [href_before.split('#').next().unwrap(), "#adtag-escaped"].concat();

    // The frame must exist before the listener can tell its messages from others': render
    // first, into a detached slot, then move it in.
    let staging = element("div", &[]);
    let frame = render::render(&document(), &staging, &plan(&probe(&escape_url), 300, 250), "t").expect("a frame");
    let report = probe_report(&frame, || slot.replace_children_with_node_1(&frame)).await;
    let report = report.expect("the creative's script ran (allow-scripts) and reported");
    let get = |k: &str| Reflect::get(&report, &k.into()).unwrap().as_string().unwrap_or_default();

    assert_eq!(get("parentDocument"), "blocked:SecurityError", "the ad read the page's DOM");
    // Chromium and Firefox throw on an opaque origin's document.cookie; WebKit answers "".
    let cookie = get("cookie");
    assert!(cookie.starts_with("blocked:") || cookie == "read:", "the ad read cookies: {cookie}");
    assert!(!get("cookie").contains("s3cret"));
    let href_after = location.href().unwrap();
    if href_after != href_before {
        location.set_hash("").unwrap();
    }
    assert_eq!(href_after, href_before, "the ad navigated the page ({})", get("topNavigation"));
    assert!(frame.content_document().is_none(), "the page cannot reach into the ad either");
    clear_cookies();
}
