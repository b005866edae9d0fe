//! The ad server's answer. Input: the body; a first byte `\x01` to `\x09` picks a status
//! other than 200 instead (so most inputs are 200 answers).
#![no_main]

use adtag::core::ad::{MAX_SIDE, render_plan, srcdoc};
use adtag::core::url::is_http_url;
use libfuzzer_sys::fuzz_target;

const STATUSES: [u16; 9] = [204, 0, 201, 301, 304, 404, 500, 503, 65535];

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data.first() {
        Some(&b @ 1..=9) => (STATUSES[usize::from(b - 1)], &data[1..]),
        _ => (200, data),
    };
    let Ok(body) = std::str::from_utf8(body) else { return };
    let Ok(plan) = render_plan(status, body) else { return };

    assert_eq!(status, 200);
    assert!((1..=MAX_SIDE).contains(&plan.width) && (1..=MAX_SIDE).contains(&plan.height));
    assert!(!plan.ad_id.is_empty() && plan.ad_id.chars().count() <= 128, "{plan:?}");
    if let Some(click) = &plan.click_url {
        let lower = click.to_ascii_lowercase();
        assert!(lower.starts_with("http://") || lower.starts_with("https://"), "{click:?}");
        assert!(is_http_url(click), "{click:?}");
    }

    // The frame's document: the tag's own part (everything but the creative) holds the
    // click script only with a click URL, and nothing from the answer can close it early.
    let doc = srcdoc(&plan, "t0k3n");
    let own = &doc[..doc.len() - plan.html.len() - "</body></html>".len()];
    let scripts = usize::from(plan.click_url.is_some());
    assert_eq!(own.matches("<script").count(), scripts, "{own:?}");
    assert_eq!(own.to_ascii_lowercase().matches("</script").count(), scripts, "{own:?}");
    assert!(own.ends_with("<body>") || own.ends_with("</script>"), "{own:?}");
});
