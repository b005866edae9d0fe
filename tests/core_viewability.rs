#![cfg(not(target_arch = "wasm32"))]

use adtag::core::viewability::{LARGE_AD_PX, VIEWABLE_MS, Viewability};

const T0: f64 = 12_345.678; // a fractional performance.now()-like start

fn mpu() -> Viewability {
    Viewability::new(300, 250)
}

#[test]
fn thresholds_by_area() {
    assert_eq!(mpu().threshold(), 0.5);
    assert_eq!(Viewability::new(970, 250).threshold(), 0.3); // exactly 242,500 px²
    assert_eq!(970u64 * 250, LARGE_AD_PX);
    assert_eq!(Viewability::new(969, 250).threshold(), 0.5);
    assert_eq!(Viewability::new(u32::MAX, u32::MAX).threshold(), 0.3); // no overflow
    assert_eq!(Viewability::new(0, 0).threshold(), 0.5);
}

#[test]
fn exactly_one_continuous_second_is_viewable() {
    let mut v = mpu();
    assert!(!v.observe(T0, 0.5, true)); // exactly at the threshold counts
    assert_eq!(v.due_ms(), Some(T0 + VIEWABLE_MS));
    assert!(!v.tick(T0 + 999.9));
    assert!(!v.is_viewable());
    assert!(v.tick(T0 + 1000.0));
    assert!(v.is_viewable());
    assert_eq!(v.due_ms(), None);
}

#[test]
fn observe_driven_at_one_second() {
    let mut v = mpu();
    assert!(!v.observe(0.0, 0.8, true));
    assert!(!v.observe(500.0, 0.9, true));
    assert!(!v.observe(999.9, 0.6, true));
    assert!(v.observe(1000.0, 0.6, true));
}

#[test]
fn less_than_a_second_then_out_is_not_viewable() {
    let mut v = mpu();
    v.observe(T0, 1.0, true);
    assert!(!v.observe(T0 + 990.0, 0.49, true));
    assert_eq!(v.due_ms(), None);
    assert!(!v.tick(T0 + 5000.0));
    assert!(!v.is_viewable());
}

#[test]
fn only_continuous_time_counts() {
    let mut v = mpu();
    v.observe(0.0, 1.0, true);
    v.observe(600.0, 0.0, true); // out (ratio 0)
    assert!(!v.observe(700.0, 1.0, true)); // back in: a new run from 700
    assert_eq!(v.due_ms(), Some(1700.0));
    assert!(!v.tick(1200.0)); // 600 + 500 in view in total, but not continuous
    assert!(!v.tick(1699.0));
    assert!(v.tick(1700.0));
}

#[test]
fn hidden_tab_resets_the_run() {
    let mut v = mpu();
    v.observe(0.0, 1.0, true);
    assert!(!v.observe(800.0, 1.0, false)); // tab hidden
    assert_eq!(v.due_ms(), None);
    assert!(!v.tick(1500.0));
    assert!(!v.observe(2000.0, 1.0, true)); // visible again: starts over
    assert!(!v.tick(2999.0));
    assert!(v.tick(3000.0));
}

#[test]
fn large_ad_uses_thirty_percent() {
    let mut big = Viewability::new(970, 250);
    big.observe(0.0, 0.4, true);
    assert!(big.tick(1000.0));

    let mut small = mpu();
    small.observe(0.0, 0.4, true);
    assert_eq!(small.due_ms(), None);
    assert!(!small.tick(1000.0));
    assert!(!small.observe(2000.0, 0.4, true));
    assert!(!small.is_viewable());

    let mut big_low = Viewability::new(970, 250);
    big_low.observe(0.0, 0.29, true);
    assert!(!big_low.tick(1000.0));
}

#[test]
fn true_only_once() {
    let mut v = mpu();
    v.observe(0.0, 1.0, true);
    assert!(v.tick(1000.0));
    assert!(!v.tick(1001.0));
    assert!(!v.observe(2000.0, 1.0, true));
    v.observe(2100.0, 0.0, true);
    v.observe(2200.0, 1.0, true);
    assert!(!v.tick(9000.0));
    assert!(v.is_viewable());
    assert_eq!(v.due_ms(), None);
}

#[test]
fn nan_and_bogus_ratios_are_out_of_view() {
    for bad in [f64::NAN, -0.5, f64::NEG_INFINITY, f64::INFINITY] {
        let mut v = mpu();
        assert!(!v.observe(0.0, bad, true));
        assert_eq!(v.due_ms(), None, "ratio {bad}");
        assert!(!v.tick(5000.0));
    }
    // A NaN in the middle of a run ends it.
    let mut v = mpu();
    v.observe(0.0, 1.0, true);
    v.observe(500.0, f64::NAN, true);
    assert!(!v.tick(1000.0));
    v.observe(600.0, 1.0, true);
    assert!(v.tick(1600.0));
}

#[test]
fn bogus_times_never_make_it_viewable() {
    let mut v = mpu();
    assert!(!v.observe(f64::NAN, 1.0, true));
    assert_eq!(v.due_ms(), None);
    assert!(!v.tick(f64::INFINITY));
    v.observe(0.0, 1.0, true);
    assert!(!v.tick(f64::NAN));
    assert!(!v.tick(f64::INFINITY));
    assert!(!v.is_viewable());
}

#[test]
fn time_going_backwards_restarts_the_run() {
    let mut v = mpu();
    v.observe(10_000.0, 1.0, true);
    assert!(!v.observe(5_000.0, 1.0, true)); // clock jumped back: run restarts at 5000
    assert_eq!(v.due_ms(), Some(6_000.0));
    assert!(!v.tick(5_999.0));
    assert!(v.tick(6_000.0));

    let mut v = mpu();
    v.observe(10_000.0, 1.0, true);
    assert!(!v.tick(2_000.0)); // via tick too
    assert_eq!(v.due_ms(), Some(3_000.0));
    assert!(v.tick(10_500.0)); // 8.5 s after the restarted run began
}

#[test]
fn tick_driven_timer_fires_on_due() {
    // The glue sets a timer for due_ms() and calls tick with the time it fires.
    for start in [0.0, 0.1, 1.7, T0, 987_654_321.123, 1e15 + 0.5] {
        let mut v = mpu();
        v.observe(start, 0.7, true);
        let due = v.due_ms().expect("in view");
        assert!(!v.tick(start));
        assert!(v.tick(due), "start {start}");
    }
}

#[test]
fn tick_without_a_run_does_nothing() {
    let mut v = mpu();
    assert!(!v.tick(0.0));
    assert!(!v.tick(1e9));
    assert_eq!(v.due_ms(), None);
}
