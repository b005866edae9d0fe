//! `Local<T>`: the tag's per-page state in plain `static`s, instead of std's `thread_local!`
//! (the crate is `no_std` on wasm32).

/// A `static` holding a `Cell`/`RefCell`. Sound only because wasm32 without the `atomics`
/// target feature (which this crate is built without) runs exactly one thread: no value is
/// ever reachable from two threads, so the `Sync` promise is never exercised.
pub struct Local<T>(T);

// SAFETY: single-threaded target (see above); the compile-time check below keeps it so.
unsafe impl<T> Sync for Local<T> {}

#[cfg(target_feature = "atomics")]
compile_error!("web::local::Local assumes a single-threaded wasm32 (no atomics)");

impl<T> Local<T> {
    pub const fn new(value: T) -> Self {
        Local(value)
    }

    /// Runs `f` on the value, like `LocalKey::with`.
    pub fn with<R>(&'static self, f: impl FnOnce(&T) -> R) -> R {
        f(&self.0)
    }
}

impl<T> core::ops::Deref for Local<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}
