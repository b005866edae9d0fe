//! adtag: a privacy-first ad tag for publishers, compiled to WebAssembly.
//!
//! `core` is plain Rust from data to data (it builds and tests natively); `web` gathers the
//! page's inputs, calls the core and carries out what it returns (wasm32 only).
//!
//! On wasm32 the crate is `no_std` (only `alloc`): std's panic machinery and its message
//! formatting would cost about 3 KB gzipped. Native builds (tests) keep std.

#![cfg_attr(target_arch = "wasm32", no_std)]

extern crate alloc;
/// Without `standalone` (the browser tests) std is linked anyway, and its panic hook is used.
#[cfg(all(target_arch = "wasm32", not(feature = "standalone")))]
extern crate std;

/// What std's prelude gives and `no_std` does not; every module imports it.
#[allow(unused_imports)]
pub(crate) mod prelude {
    pub use ::alloc::borrow::ToOwned;
    pub use ::alloc::boxed::Box;
    pub use ::alloc::string::{String, ToString};
    pub use ::alloc::vec::Vec;
    pub use ::alloc::{format, vec};
}

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod web;

/// lol_alloc's free list instead of std's dlmalloc: a few hundred bytes of code, and a crate
/// others maintain and test rather than our own unsafe code.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
// SAFETY: wasm32-unknown-unknown without the atomics feature runs one thread, the only case in
// which AssumeSingleThreaded is sound.
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

/// The panic handler of a `standalone` build without build-std. scripts/build.sh rebuilds core
/// with `-Cpanic=immediate-abort`, where a panic traps at once and never gets here: the trap
/// surfaces in JS, where `dom.js`'s `wake` and the loader's guards log one fixed line.
#[cfg(all(target_arch = "wasm32", feature = "standalone"))]
#[panic_handler]
fn panic(_: &::core::panic::PanicInfo) -> ! {
    web::log::error("adtag: internal error");
    ::core::arch::wasm32::unreachable()
}
