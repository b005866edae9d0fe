//! MRC viewability as a pure state machine: fed the ad's visible ratio, the tab's visibility
//! and the time in ms; says when the ad has been viewable for one continuous second.
//! At least 50 % of the pixels in view; 30 % for ads of 242,500 px² or more.
//!
//! Odd inputs never count towards viewability: a NaN, infinite or negative ratio is "out of
//! view", a non-finite time ends the run, and time going backwards restarts the run.

#[allow(unused_imports)]
use crate::prelude::*;

pub const VIEWABLE_MS: f64 = 1000.0;
pub const LARGE_AD_PX: u64 = 242_500;

const THRESHOLD: f64 = 0.5;
const LARGE_AD_THRESHOLD: f64 = 0.3;

#[derive(Debug, Clone, PartialEq)]
pub struct Viewability {
    /// Visible fraction needed.
    threshold: f64,
    /// When the current continuous in-view run started; `None` when out of view.
    run_start: Option<f64>,
    /// Already reported viewable (the answer is given once).
    viewable: bool,
}

impl Viewability {
    pub fn new(width: u32, height: u32) -> Viewability {
        let area = u64::from(width).saturating_mul(u64::from(height));
        let threshold = if area >= LARGE_AD_PX {
            LARGE_AD_THRESHOLD
        } else {
            THRESHOLD
        };
        Viewability {
            threshold,
            run_start: None,
            viewable: false,
        }
    }

    /// The visible fraction 0.0..=1.0 of the ad's pixels needed.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    /// A new observation at `now_ms`. Returns true exactly once: when the ad becomes
    /// viewable (it has been in view, tab visible, continuously for `VIEWABLE_MS`).
    pub fn observe(&mut self, now_ms: f64, ratio: f64, tab_visible: bool) -> bool {
        let in_view = tab_visible && ratio.is_finite() && ratio >= self.threshold;
        if !in_view || !now_ms.is_finite() {
            self.run_start = None;
            return false;
        }
        match self.run_start {
            // Time went backwards: the run cannot be trusted, start it again now.
            Some(start) if now_ms < start => self.run_start = Some(now_ms),
            Some(_) => {}
            None => self.run_start = Some(now_ms),
        }
        self.check(now_ms)
    }

    /// Nothing changed, time passed: call at `now_ms` (e.g. from the timer set for `due_ms`).
    pub fn tick(&mut self, now_ms: f64) -> bool {
        if !now_ms.is_finite() {
            return false;
        }
        if let Some(start) = self.run_start
            && now_ms < start
        {
            // Time went backwards: restart the run now.
            self.run_start = Some(now_ms);
        }
        self.check(now_ms)
    }

    /// When the ad will become viewable if nothing changes (to set a timer), if in view.
    /// `None` once viewable.
    pub fn due_ms(&self) -> Option<f64> {
        if self.viewable {
            return None;
        }
        self.run_start.map(|start| start + VIEWABLE_MS)
    }

    pub fn is_viewable(&self) -> bool {
        self.viewable
    }

    /// Becomes viewable when the run has lasted `VIEWABLE_MS`. Compared as
    /// `now >= start + VIEWABLE_MS`, the same sum `due_ms` gives, so a timer set for
    /// `due_ms` always fires on time despite rounding.
    fn check(&mut self, now_ms: f64) -> bool {
        match self.run_start {
            Some(start) if !self.viewable && now_ms >= start + VIEWABLE_MS => {
                self.viewable = true;
                true
            }
            _ => false,
        }
    }
}
