//! MRC viewability as a pure state machine: fed the ad's visible ratio, the tab's visibility
//! and the time in ms; says when the ad has been viewable for one continuous second.
//! At least 50 % of the pixels in view; 30 % for ads of 242,500 px² or more.

pub const VIEWABLE_MS: f64 = 1000.0;
pub const LARGE_AD_PX: u64 = 242_500;

#[derive(Debug, Clone, PartialEq)]
pub struct Viewability {
    // helper: threshold, when the current in-view run started, whether already viewable
}

impl Viewability {
    pub fn new(_width: u32, _height: u32) -> Viewability {
        todo!("helper: core-measure")
    }
    /// The visible fraction 0.0..=1.0 of the ad's pixels needed.
    pub fn threshold(&self) -> f64 {
        todo!()
    }
    /// A new observation at `now_ms`. Returns true exactly once: when the ad becomes
    /// viewable (it has been in view, tab visible, continuously for `VIEWABLE_MS`).
    pub fn observe(&mut self, _now_ms: f64, _ratio: f64, _tab_visible: bool) -> bool {
        todo!()
    }
    /// Nothing changed, time passed: call at `now_ms` (e.g. from the timer set for `due_ms`).
    pub fn tick(&mut self, _now_ms: f64) -> bool {
        todo!()
    }
    /// When the ad will become viewable if nothing changes (to set a timer), if in view.
    pub fn due_ms(&self) -> Option<f64> {
        todo!()
    }
    pub fn is_viewable(&self) -> bool {
        todo!()
    }
}
