#![cfg(target_arch = "wasm32")]
//! The consent platforms' answers as dom.js reads them (`adtag::web::dom::{tcf, gpp, usp}`)
//! before the tag sees them: well-formed answers, wrong shapes (not given), and hostile
//! objects whose getters or proxies throw (the whole answer is malformed: `false`).

use adtag::web::dom::{gpp, tcf, usp};
use js_sys::{Array, Function};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The value of a JS expression (the test's page is ours: `Function` is fine here).
fn js(expr: &str) -> JsValue {
    Function::new_no_args(&["return (", expr, ");"].concat()).call0(&JsValue::NULL).expect("a valid expression")
}

/// `a` as JSON text, for comparing whole readings.
fn json(a: &JsValue) -> String {
    js_sys::JSON::stringify(a).ok().and_then(|s| s.as_string()).unwrap_or_default()
}

#[wasm_bindgen_test]
fn tcdata_reads_as_purpose_masks_our_vendor_and_its_restrictions() {
    let d = js("{ eventStatus: 'tcloaded', gdprApplies: true, tcString: 'CP',
        purpose: { consents: { 1: true, 2: 'yes', 7: true }, legitimateInterests: { 2: true } },
        vendor: { consents: { 42: true, 7: true }, legitimateInterests: { 42: false } },
        publisher: { restrictions: { 2: { 42: 1 }, 3: { 9: 0 }, 4: { 42: null } } } }");
    // Bit n = purpose n; only `true` counts; restriction pairs for vendor 42 only.
    assert_eq!(json(&tcf(&d, Some(42))), r#"["tcloaded",true,"CP",130,4,true,false,2,1]"#);
    // Without a vendor id: no vendor consent, no restrictions.
    assert_eq!(json(&tcf(&d, None)), r#"["tcloaded",true,"CP",130,4,false,false]"#);
}

#[wasm_bindgen_test]
fn tcdata_of_the_wrong_shape_reads_as_nothing_given() {
    let d = js("{ eventStatus: 'tcloaded', gdprApplies: 'yes', purpose: { consents: 'all' }, vendor: [] }");
    assert_eq!(json(&tcf(&d, Some(42))), r#"["tcloaded","yes",null,0,0,false,false]"#);
    // Not an answer at all: ignored.
    for not_an_answer in ["null", "'x'", "{ eventStatus: 5 }", "function () {}"] {
        assert!(tcf(&js(not_an_answer), Some(42)).is_null(), "{not_an_answer}");
    }
}

#[wasm_bindgen_test]
fn tcdata_with_a_throwing_getter_or_proxy_is_malformed() {
    let hostile = [
        // A consent getter that throws.
        "{ eventStatus: 'tcloaded', purpose: { get consents() { throw new Error('cmp'); } } }",
        // The restriction of our vendor throws: not "no restriction".
        "{ eventStatus: 'tcloaded', publisher: { restrictions: { 1: { get 42() { throw 0; } } } } }",
        // The status itself.
        "{ get eventStatus() { throw undefined; } }",
        // A proxy that throws on every read.
        "new Proxy({}, { get() { throw new Error('proxy'); } })",
    ];
    each_is_malformed(&hostile, |d| tcf(d, Some(42)));
}

#[wasm_bindgen_test]
fn a_lying_getter_is_read_once() {
    // A getter that answers differently each time it is read: the tag sees one reading.
    let d = js("{ eventStatus: 'tcloaded', n: 0, vendor: { consents: { get 42() { return ++this.n === 1; }, n: 0 } } }");
    let a: Array = tcf(&d, Some(42)).unchecked_into();
    assert_eq!(a.get(5), JsValue::TRUE);
}

#[wasm_bindgen_test]
fn gpp_reads_its_sections() {
    let d = js("{ eventName: 'signalStatus', pingData: { signalStatus: 'ready', gppString: 'DBAB',
        applicableSections: [2, 6, 7, 8.5, 'x'], parsedSections: {
          tcfeuv2: [{ PurposeConsents: [true, false, true], PurposeLegitimateInterests: [],
            VendorConsents: [42], VendorLegitimateInterests: [],
            PublisherRestrictions: [{ key: 3, type: 0, ids: [42] }, { key: 4, type: 1, ids: [7] }] }],
          uspv1: { Notice: 'Y', OptOutSale: 'N', LspaCovered: 'N' },
          usnat: { SaleOptOut: 1, SharingOptOut: 2, Gpc: 1, KnownChildSensitiveDataConsents: [0, 2] },
          usca: [{ SaleOptOut: 2 }, 'not a section'] } } }");
    assert_eq!(
        json(&gpp(&d, Some(42))),
        r#"["DBAB",[2,6,7,8.5,"x"],["",true,"",10,0,true,false,3,0],"1YNN",[[7,1,2,null,true,0,2],[8,2,null,null,false,null]]]"#
    );
}

#[wasm_bindgen_test]
fn gpp_not_ready_is_no_answer_and_unreadable_sections_are_null() {
    assert!(gpp(&js("{ pingData: { signalStatus: 'not ready' } }"), Some(42)).is_null());
    // A tcfeuv2 without arrays and a uspv1 without strings can't be read: null (the core refuses).
    let d = js("{ signalStatus: 'ready', applicableSections: [2, 6],
        parsedSections: { tcfeuv2: { PurposeConsents: 'all' }, uspv1: { Notice: 1 } } }");
    assert_eq!(json(&gpp(&d, Some(42))), r#"[null,[2,6],null,null,[]]"#);
}

#[wasm_bindgen_test]
fn gpp_with_a_throwing_getter_or_proxy_is_malformed() {
    let hostile = [
        "{ pingData: { signalStatus: 'ready', applicableSections: [7], parsedSections: { usnat: { get SaleOptOut() { throw 1; } } } } }",
        "{ pingData: { signalStatus: 'ready', applicableSections: [2], parsedSections: { tcfeuv2: { get PurposeConsents() { throw 1; } } } } }",
        "{ pingData: new Proxy({}, { get() { throw 1; } }) }",
        "{ get pingData() { throw 1; } }",
    ];
    each_is_malformed(&hostile, |d| gpp(d, Some(42)));
}

/// Each answer (JS source), read by `read`, is malformed: `false`, which the tag takes as no
/// answer at all (not allowed), never as an answer with fields missing.
fn each_is_malformed(answers: &[&str], read: impl Fn(&JsValue) -> JsValue) {
    for answer in answers {
        assert_eq!(read(&js(answer)), JsValue::FALSE, "{answer}");
    }
}

#[wasm_bindgen_test]
fn usp_reads_its_string() {
    assert_eq!(usp(&js("{ version: 1, uspString: '1YNN' }")), "1YNN");
    assert!(usp(&js("{ uspString: 1 }")).is_null());
    assert_eq!(usp(&js("{ get uspString() { throw 1; } }")), JsValue::FALSE);
}
