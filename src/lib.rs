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

/// A small allocator instead of dlmalloc (see `web::alloc`).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: web::alloc::Allocator = web::alloc::Allocator::new();

/// The release build's panic handler (`--features standalone`, scripts/build.sh only: the
/// browser tests link std, which brings its own). A panic logs one fixed line and traps.
#[cfg(all(target_arch = "wasm32", feature = "standalone"))]
#[panic_handler]
fn panic(_: &::core::panic::PanicInfo) -> ! {
    web::log::error("adtag: internal error");
    ::core::arch::wasm32::unreachable()
}
