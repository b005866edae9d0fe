#![cfg(not(target_arch = "wasm32"))]
//! One slot's life (SPEC §6–§7): table tests of each transition, a property test of the
//! invariants over random input sequences, and the lazy-loading geometry.

use adtag::core::ad::AdError;
use adtag::core::config::{DEFAULT_LAZY_LOAD, LazyLoad};
use adtag::core::slot::{self, Action, CollapseReason, Input, Slot, State};
use proptest::prelude::*;

use Action::{Collapse, HoldUntilRenderMargin, Nothing, Release, Render, Request};
use Input::{Decided, Destroy, Refresh, Removed};

const ALLOW: Input = Decided { ads_allowed: true };
const DENY: Input = Decided { ads_allowed: false };
const FAR: Input = Input::Near {
    in_fetch_margin: false,
    in_render_margin: false,
};
const FETCH: Input = Input::Near {
    in_fetch_margin: true,
    in_render_margin: false,
};
const NEAR: Input = Input::Near {
    in_fetch_margin: true,
    in_render_margin: true,
};
const NO_AD: CollapseReason = CollapseReason::Ad(AdError::NoAd);

fn ok(generation: u32) -> Input {
    Input::Answer {
        generation,
        result: Ok(()),
    }
}

fn err(generation: u32, reason: CollapseReason) -> Input {
    Input::Answer {
        generation,
        result: Err(reason),
    }
}

/// Runs `steps` (input, expected action, expected state after) on a new slot.
fn run(lazy: bool, steps: &[(Input, Action, State)]) {
    let mut s = Slot::new(lazy);
    assert_eq!(s.state(), State::Found);
    for (i, (input, action, state)) in steps.iter().enumerate() {
        assert_eq!(s.step(*input), *action, "step {i}: {input:?}");
        assert_eq!(s.state(), *state, "step {i}: {input:?}");
    }
}

fn requested(generation: u32) -> State {
    State::Requested { generation }
}

fn rendered(generation: u32) -> State {
    State::Rendered { generation }
}

fn collapsed(reason: CollapseReason) -> State {
    State::Collapsed { reason }
}

#[test]
fn found_requested_rendered_refreshed_destroyed() {
    run(
        false,
        &[
            (ALLOW, Request { generation: 1 }, requested(1)),
            (ok(1), Render { generation: 1 }, rendered(1)),
            (Refresh, Request { generation: 2 }, requested(2)),
            (ok(2), Render { generation: 2 }, rendered(2)),
            (Destroy, Release, State::Destroyed),
            (ok(2), Nothing, State::Destroyed),
            (Refresh, Nothing, State::Destroyed),
            (ALLOW, Nothing, State::Destroyed),
            (Destroy, Nothing, State::Destroyed),
            (Removed, Nothing, State::Destroyed),
        ],
    );
}

#[test]
fn no_ad_collapses_and_a_refresh_tries_again() {
    run(
        false,
        &[
            (ALLOW, Request { generation: 1 }, requested(1)),
            (err(1, NO_AD), Collapse { reason: NO_AD }, collapsed(NO_AD)),
            (Refresh, Request { generation: 2 }, requested(2)),
            (
                err(2, CollapseReason::NoSizeFits),
                Collapse {
                    reason: CollapseReason::NoSizeFits,
                },
                collapsed(CollapseReason::NoSizeFits),
            ),
            (Refresh, Request { generation: 3 }, requested(3)),
            (ok(3), Render { generation: 3 }, rendered(3)),
        ],
    );
}

#[test]
fn nothing_is_requested_before_the_decision() {
    run(
        false,
        &[
            (Refresh, Nothing, State::Found),
            (NEAR, Nothing, State::Found),
            (ok(0), Nothing, State::Found),
            (ok(1), Nothing, State::Found),
            (ALLOW, Request { generation: 1 }, requested(1)),
        ],
    );
}

#[test]
fn a_decision_without_ads_collapses_until_one_allows_them() {
    let no = CollapseReason::AdsNotAllowed;
    run(
        false,
        &[
            (DENY, Collapse { reason: no }, collapsed(no)),
            (Refresh, Nothing, collapsed(no)),
            (DENY, Nothing, collapsed(no)),
            (ALLOW, Request { generation: 1 }, requested(1)),
            (ok(1), Render { generation: 1 }, rendered(1)),
            // Consent withdrawn: the ad shown stays (removing it would move the page), but no
            // refresh under a decision that refuses ads.
            (DENY, Nothing, rendered(1)),
            (Refresh, Nothing, rendered(1)),
            (ALLOW, Nothing, rendered(1)),
            (Refresh, Request { generation: 2 }, requested(2)),
        ],
    );
}

#[test]
fn an_answer_after_ads_were_refused_is_not_rendered() {
    let no = CollapseReason::AdsNotAllowed;
    run(
        false,
        &[
            (ALLOW, Request { generation: 1 }, requested(1)),
            (DENY, Nothing, requested(1)),
            (ok(1), Collapse { reason: no }, collapsed(no)),
        ],
    );
}

#[test]
fn one_request_in_flight_and_stale_answers_ignored() {
    run(
        false,
        &[
            (ALLOW, Request { generation: 1 }, requested(1)),
            (Refresh, Nothing, requested(1)),
            (ALLOW, Nothing, requested(1)),
            (ok(0), Nothing, requested(1)),
            (ok(2), Nothing, requested(1)),
            (err(7, NO_AD), Nothing, requested(1)),
            (ok(1), Render { generation: 1 }, rendered(1)),
            // The same answer again (a late duplicate) is stale now.
            (ok(1), Nothing, rendered(1)),
            (Refresh, Request { generation: 2 }, requested(2)),
            // The previous generation's answer arriving late is ignored.
            (ok(1), Nothing, requested(2)),
            (err(1, NO_AD), Nothing, requested(2)),
            (ok(2), Render { generation: 2 }, rendered(2)),
        ],
    );
}

#[test]
fn removed_while_requested_releases_and_ignores_the_answer() {
    run(
        false,
        &[
            (ALLOW, Request { generation: 1 }, requested(1)),
            (Removed, Release, State::Destroyed),
            (ok(1), Nothing, State::Destroyed),
        ],
    );
    for first in [Removed, Destroy] {
        let mut s = Slot::new(true);
        assert_eq!(
            s.step(first),
            Release,
            "a slot destroyed before anything else"
        );
        assert_eq!(s.step(ALLOW), Nothing);
        assert_eq!(s.step(NEAR), Nothing);
    }
}

#[test]
fn lazy_waits_for_the_fetch_margin_then_the_render_margin() {
    run(
        true,
        &[
            (FAR, Nothing, State::Found),
            (ALLOW, Nothing, State::Waiting),
            (FAR, Nothing, State::Waiting),
            (FETCH, Request { generation: 1 }, requested(1)),
            (ok(1), HoldUntilRenderMargin, State::Held { generation: 1 }),
            (FETCH, Nothing, State::Held { generation: 1 }),
            (FAR, Nothing, State::Held { generation: 1 }),
            (Refresh, Nothing, State::Held { generation: 1 }),
            (NEAR, Render { generation: 1 }, rendered(1)),
            (NEAR, Nothing, rendered(1)),
        ],
    );
}

#[test]
fn lazy_slot_already_near_is_requested_and_rendered_at_once() {
    run(
        true,
        &[
            (NEAR, Nothing, State::Found),
            (ALLOW, Request { generation: 1 }, requested(1)),
            (ok(1), Render { generation: 1 }, rendered(1)),
        ],
    );
    // The decision comes first: a slot scrolled near before it is not requested.
    run(
        true,
        &[
            (NEAR, Nothing, State::Found),
            (FAR, Nothing, State::Found),
            (ALLOW, Nothing, State::Waiting),
        ],
    );
}

#[test]
fn lazy_refresh_out_of_reach_waits_with_the_old_ad() {
    run(
        true,
        &[
            (NEAR, Nothing, State::Found),
            (ALLOW, Request { generation: 1 }, requested(1)),
            (ok(1), Render { generation: 1 }, rendered(1)),
            (FAR, Nothing, rendered(1)),
            (Refresh, Nothing, State::Waiting),
            // Consent withdrawn meanwhile: the old ad stays, nothing is requested.
            (DENY, Nothing, State::Waiting),
            (FETCH, Nothing, State::Waiting),
            (ALLOW, Request { generation: 2 }, requested(2)),
            (ok(2), HoldUntilRenderMargin, State::Held { generation: 2 }),
            (NEAR, Render { generation: 2 }, rendered(2)),
        ],
    );
}

#[test]
fn lazy_slot_never_shown_collapses_when_ads_are_refused() {
    let no = CollapseReason::AdsNotAllowed;
    run(
        true,
        &[
            (ALLOW, Nothing, State::Waiting),
            (DENY, Collapse { reason: no }, collapsed(no)),
            (NEAR, Nothing, collapsed(no)),
            (ALLOW, Request { generation: 1 }, requested(1)),
        ],
    );
    run(
        true,
        &[
            (FETCH, Nothing, State::Found),
            (ALLOW, Request { generation: 1 }, requested(1)),
            (ok(1), HoldUntilRenderMargin, State::Held { generation: 1 }),
            (DENY, Collapse { reason: no }, collapsed(no)),
            (NEAR, Nothing, collapsed(no)),
        ],
    );
}

#[test]
fn not_lazy_ignores_the_margins() {
    run(
        false,
        &[
            (FAR, Nothing, State::Found),
            (ALLOW, Request { generation: 1 }, requested(1)),
            (FAR, Nothing, requested(1)),
            (ok(1), Render { generation: 1 }, rendered(1)),
        ],
    );
}

#[test]
fn collapse_reasons_read_well() {
    assert_eq!(
        CollapseReason::AdsNotAllowed.message(),
        "no consent for ads (TCF purpose 2)"
    );
    assert_eq!(
        CollapseReason::NoSizeFits.message(),
        "no size fits the slot's width"
    );
    assert_eq!(CollapseReason::Ad(AdError::Timeout).message(), "timed out");
}

// --- lazy-loading geometry -------------------------------------------------------------------

fn near(top: f64, bottom: f64, vh: f64, fetch: u32, render: u32) -> (bool, bool) {
    let margins = LazyLoad {
        fetch_margin_percent: fetch,
        render_margin_percent: render,
    };
    match slot::near(top, bottom, vh, margins) {
        Input::Near {
            in_fetch_margin,
            in_render_margin,
        } => (in_fetch_margin, in_render_margin),
        other => panic!("{other:?}"),
    }
}

#[test]
fn margins_in_viewport_heights() {
    // Viewport 800 px high; margins 500% (4000 px) and 200% (1600 px).
    // ((top, bottom), (in fetch margin, in render margin))
    type Case = ((f64, f64), (bool, bool));
    let cases: &[Case] = &[
        ((100.0, 350.0), (true, true)),       // in view
        ((790.0, 1040.0), (true, true)),      // partly in view
        ((2400.0, 2650.0), (true, true)),     // exactly at the render margin
        ((2400.1, 2650.0), (true, false)),    // just past it
        ((4800.0, 5050.0), (true, false)),    // exactly at the fetch margin
        ((4800.5, 5050.0), (false, false)),   // beyond
        ((-250.0, 0.0), (true, true)),        // just scrolled past, above
        ((-1850.0, -1600.0), (true, true)),   // above, at the render margin
        ((-1900.0, -1650.0), (true, false)),  // above, beyond it
        ((-5000.0, -4001.0), (false, false)), // far above
        ((f64::NAN, 100.0), (false, false)),  // no geometry: not near
        ((-1e9, 1e9), (true, true)),          // a box taller than everything
    ];
    for ((top, bottom), want) in cases {
        assert_eq!(
            near(*top, *bottom, 800.0, 500, 200),
            *want,
            "{top}..{bottom}"
        );
    }
    // 0%: only what touches the viewport.
    assert_eq!(near(800.0, 1000.0, 800.0, 0, 0), (true, true));
    assert_eq!(near(801.0, 1000.0, 800.0, 0, 0), (false, false));
    assert_eq!(near(10.0, 20.0, f64::NAN, 500, 200), (false, false));
    assert_eq!(
        DEFAULT_LAZY_LOAD,
        LazyLoad {
            fetch_margin_percent: 500,
            render_margin_percent: 200
        }
    );
}

// --- invariants over random inputs -----------------------------------------------------------

fn any_input() -> impl Strategy<Value = Input> {
    let reason = prop_oneof![
        Just(NO_AD),
        Just(CollapseReason::NoSizeFits),
        Just(CollapseReason::Ad(AdError::Timeout)),
    ];
    prop_oneof![
        any::<bool>().prop_map(|ads_allowed| Decided { ads_allowed }),
        (any::<bool>(), any::<bool>()).prop_map(|(f, r)| Input::Near {
            in_fetch_margin: f || r,
            in_render_margin: r,
        }),
        // Answers mostly for a recent generation, sometimes for any.
        (0u32..6, proptest::option::of(reason)).prop_map(|(generation, e)| Input::Answer {
            generation,
            result: e.map_or(Ok(()), Err)
        }),
        Just(Refresh),
        Just(Refresh),
        Just(Removed),
        Just(Destroy),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn invariants_hold_for_any_sequence(
        lazy in any::<bool>(),
        inputs in proptest::collection::vec(any_input(), 0..60),
    ) {
        let mut s = Slot::new(lazy);
        let mut ads_allowed = false;
        let mut in_flight: Option<u32> = None;
        let mut last_generation = 0u32;
        // The generation whose Ok answer came and was not rendered or dropped yet.
        let mut answered_ok: Option<u32> = None;
        let mut rendered: Vec<u32> = Vec::new();
        let mut released = false;
        for input in inputs {
            if let Decided { ads_allowed: a } = input {
                ads_allowed = a;
            }
            let before = s.state();
            let action = s.step(input);
            match action {
                Request { generation } => {
                    prop_assert!(ads_allowed, "a request under a decision refusing ads");
                    prop_assert!(in_flight.is_none(), "two requests in flight");
                    prop_assert!(generation > last_generation, "generations must grow");
                    prop_assert!(!released);
                    last_generation = generation;
                    in_flight = Some(generation);
                    answered_ok = None;
                }
                Render { generation } => {
                    prop_assert!(!released, "render after destroy");
                    prop_assert_eq!(answered_ok.or(match input {
                        Input::Answer { generation: g, result: Ok(()) } if in_flight == Some(g) => Some(g),
                        _ => None,
                    }), Some(generation), "render of an ad not answered");
                    prop_assert!(!rendered.contains(&generation), "rendered twice");
                    prop_assert_eq!(generation, last_generation);
                    rendered.push(generation);
                    answered_ok = None;
                }
                Release => {
                    prop_assert!(!released, "released twice");
                    released = true;
                }
                HoldUntilRenderMargin | Collapse { .. } | Nothing => {}
            }
            if released {
                prop_assert!(matches!(action, Release | Nothing));
                prop_assert_eq!(s.state(), State::Destroyed);
            }
            if let Input::Answer { generation, result } = input {
                if in_flight == Some(generation) && !released {
                    in_flight = None;
                    if result.is_ok() && matches!(action, HoldUntilRenderMargin) {
                        answered_ok = Some(generation);
                    }
                } else {
                    // Stale: ignored, nothing changes.
                    prop_assert_eq!(action, Nothing);
                    prop_assert_eq!(s.state(), before);
                }
            }
            if matches!(action, Collapse { .. }) {
                answered_ok = None;
            }
            if released {
                in_flight = None;
            }
            // The state agrees with what is in flight.
            let requested = matches!(s.state(), State::Requested { .. });
            prop_assert_eq!(requested, in_flight.is_some());
            if !lazy {
                let waits = matches!(s.state(), State::Waiting | State::Held { .. });
                prop_assert!(!waits, "a slot that is not lazy waits");
                prop_assert!(action != HoldUntilRenderMargin);
            }
        }
    }
}
