//! The wasm's allocator: power-of-two size classes, each with a free list, carved from
//! `memory.grow`. A few hundred bytes of code instead of dlmalloc's ~7 KB. The tag holds a
//! few kilobytes at a time (at most an ad's 100 KB answer), so rounding up to a power of two
//! costs little memory; freed blocks are reused by their class and never returned (wasm
//! memory can't shrink anyway). Single-threaded: wasm32-unknown-unknown without atomics.

#[allow(unused_imports)]
use crate::prelude::*;

use ::core::alloc::{GlobalAlloc, Layout};
use ::core::arch::wasm32;
use ::core::cell::UnsafeCell;
use ::core::ptr::null_mut;

const PAGE: usize = 65536;
/// Blocks are aligned to their size up to this; larger alignments are refused (none is asked).
const MAX_ALIGN: usize = 4096;

struct State {
    /// Per class `c` (blocks of `1 << c` bytes): the first free block, 0 for none. A free
    /// block's first word holds the next one.
    free: [usize; 32],
    /// The unused rest of the memory grown so far: `next..end`.
    next: usize,
    end: usize,
}

pub struct Allocator(UnsafeCell<State>);

// SAFETY: wasm32-unknown-unknown runs one thread.
unsafe impl Sync for Allocator {}

impl Allocator {
    pub const fn new() -> Allocator {
        Allocator(UnsafeCell::new(State { free: [0; 32], next: 0, end: 0 }))
    }
}

/// The size class of a layout: the smallest power of two holding it (at least 8 bytes, for the
/// free list's link); `None` past 2 GB or for an alignment over `MAX_ALIGN`.
fn class(layout: Layout) -> Option<usize> {
    if layout.align() > MAX_ALIGN {
        return None;
    }
    let size = layout.size().max(layout.align()).max(8);
    let c = (usize::BITS - (size - 1).leading_zeros()) as usize;
    (c < 32).then_some(c)
}

unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(c) = class(layout) else { return null_mut() };
        // SAFETY: one thread, and no allocation happens while this borrow lives.
        let s = unsafe { &mut *self.0.get() };
        let Some(head) = s.free.get_mut(c) else { return null_mut() };
        if *head != 0 {
            let block = *head;
            // SAFETY: a free block of this class, aligned, holding the next link.
            *head = unsafe { *(block as *const usize) };
            return block as *mut u8;
        }
        let size = 1usize << c;
        let align = size.min(MAX_ALIGN);
        loop {
            let start = (s.next + (align - 1)) & !(align - 1);
            if let Some(stop) = start.checked_add(size) {
                if start >= s.next && stop <= s.end {
                    s.next = stop;
                    return start as *mut u8;
                }
            }
            // Grow by enough for this block after any alignment.
            let pages = (size + MAX_ALIGN).div_ceil(PAGE);
            let previous = wasm32::memory_grow(0, pages);
            if previous == usize::MAX {
                return null_mut();
            }
            let base = previous * PAGE;
            if base != s.end {
                // Not right after our last piece (the first growth): start afresh there.
                s.next = base;
            }
            s.end = base + pages * PAGE;
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let Some(c) = class(layout) else { return };
        // SAFETY: one thread, and no allocation happens while this borrow lives.
        let s = unsafe { &mut *self.0.get() };
        let Some(head) = s.free.get_mut(c) else { return };
        // SAFETY: `ptr` is a block of class `c` that we handed out, at least 8 bytes, aligned.
        unsafe { *(ptr as *mut usize) = *head };
        *head = ptr as usize;
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees a valid size for this alignment.
        let new = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        if class(new).is_some() && class(new) == class(layout) {
            return ptr; // the block already has room
        }
        // SAFETY: as for any allocation; the old block is valid for `layout.size()` bytes.
        unsafe {
            let moved = self.alloc(new);
            if !moved.is_null() {
                ::core::ptr::copy_nonoverlapping(ptr, moved, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
            moved
        }
    }
}
