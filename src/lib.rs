//! adtag: a privacy-first ad tag for publishers, compiled to WebAssembly.
//!
//! `core` is plain Rust from data to data (it builds and tests natively); `web` gathers the
//! page's inputs, calls the core and carries out what it returns (wasm32 only).

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod web;

/// A small allocator instead of dlmalloc (see `web::alloc`).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: web::alloc::Allocator = web::alloc::Allocator::new();
