//! An LZ4 body costs what its raw length allows, whatever it claims: a forged
//! raw length over a tiny frame is refused before the output is allocated, and
//! a bomb stops at the raw length (docs/spec.md, "Compression").
//!
//! Its own test binary, because it counts every allocation of the process.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

use envelope_producer::decompress::decompress_lz4;
use envelope_producer::error::ErrorCode;
use envelope_producer::limits::Limits;
use lz4_flex::frame::{BlockSize, FrameEncoder, FrameInfo};

struct Counting;

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size(), Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATED.fetch_add(new_size, Ordering::Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// One LZ4 frame without a declared content size.
fn no_size(raw: &[u8]) -> Vec<u8> {
    let info = FrameInfo::new().block_size(BlockSize::Max64KB);
    let mut encoder = FrameEncoder::with_frame_info(info, Vec::new());
    encoder.write_all(raw).unwrap();
    encoder.finish().unwrap()
}

fn allocated_by(f: impl FnOnce()) -> usize {
    let before = ALLOCATED.load(Ordering::Relaxed);
    f();
    ALLOCATED.load(Ordering::Relaxed) - before
}

#[test]
fn forged_sizes_cost_nothing() {
    let limits = Limits::default();
    let hello = no_size(b"hello ");
    let bomb = no_size(&vec![0; 8 << 20]);
    for (name, body, raw_len) in [
        ("forged raw length", &hello, 64 << 20),
        ("bomb", &bomb, 1000),
    ] {
        let mut code = None;
        let n =
            allocated_by(|| code = decompress_lz4(body, raw_len, &limits).err().map(|e| e.code));
        assert_eq!(code, Some(ErrorCode::InvalidLz4), "{name}");
        // lz4_flex's block buffers (64 KiB blocks here) and the capped output.
        assert!(n < 1 << 20, "{name}: allocated {n} bytes");
    }
}
