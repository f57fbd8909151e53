//! An LZ4 body costs what its raw length allows, whatever it claims: a forged
//! raw length over a tiny frame allocates only what the frame holds, and a
//! bomb stops at the raw length (docs/spec.md, "Compression"). A valid frame
//! of many small blocks, whose summed worst case is far over the limit, is
//! read: the bound is the exact size, never a worst case.
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
    for (name, body, raw_len, want) in [
        ("forged raw length", &hello, 64 << 20, ErrorCode::InvalidLz4),
        ("bomb", &bomb, 1000, ErrorCode::TooLarge),
    ] {
        let mut code = None;
        let n =
            allocated_by(|| code = decompress_lz4(body, raw_len, &limits).err().map(|e| e.code));
        assert_eq!(code, Some(want), "{name}");
        // lz4_flex's block buffers (64 KiB blocks here) and the capped output.
        assert!(n < 1 << 20, "{name}: allocated {n} bytes");
    }
}

/// A streaming writer that flushes after every 1 KiB writes one small block
/// per flush. Each block's worst case (255 bytes out per byte in, at most the
/// 64 KiB block maximum) summed over 2,000 blocks is about 128 MB for 2 MB of
/// content: a reader that refused by that sum would refuse this valid body
/// under a 4 MiB limit (docs/spec.md, "LZ4 readers").
#[test]
fn many_small_blocks_are_read_under_a_limit_their_worst_case_exceeds() {
    let info = FrameInfo::new()
        .block_size(BlockSize::Max64KB)
        .block_mode(lz4_flex::frame::BlockMode::Linked);
    let mut encoder = FrameEncoder::with_frame_info(info, Vec::new());
    let mut raw = Vec::new();
    for i in 0..2000u32 {
        let chunk: Vec<u8> = (0..1024u32)
            .map(|j| (i.wrapping_mul(31) ^ j.wrapping_mul(7) ^ (j >> 3)) as u8)
            .collect();
        encoder.write_all(&chunk).unwrap();
        encoder.flush().unwrap();
        raw.extend_from_slice(&chunk);
    }
    let frame = encoder.finish().unwrap();
    let blocks = count_blocks(&frame);
    assert_eq!(blocks, 2000, "one block per flush");
    let limits = Limits {
        max_decompressed_size: 4 << 20,
        ..Limits::default()
    };
    let worst: u64 = block_sizes(&frame)
        .iter()
        .map(|&size| (64u64 << 10).min(255 * size + 32))
        .sum();
    assert!(worst > 4 << 20, "worst case {worst}");
    assert_eq!(decompress_lz4(&frame, raw.len(), &limits).unwrap(), raw);
}

/// The stored sizes of the compressed blocks of one frame without content
/// size or checksums (magic, FLG, BD, header checksum, then the blocks).
fn block_sizes(frame: &[u8]) -> Vec<u64> {
    let mut at = 7;
    let mut sizes = Vec::new();
    loop {
        let word = u32::from_le_bytes(frame[at..at + 4].try_into().unwrap());
        if word == 0 {
            return sizes;
        }
        let size = word & 0x7FFF_FFFF;
        if word & 0x8000_0000 == 0 {
            sizes.push(u64::from(size));
        }
        at += 4 + size as usize;
    }
}

fn count_blocks(frame: &[u8]) -> usize {
    let mut at = 7;
    let mut n = 0;
    loop {
        let word = u32::from_le_bytes(frame[at..at + 4].try_into().unwrap());
        if word == 0 {
            return n;
        }
        n += 1;
        at += 4 + (word & 0x7FFF_FFFF) as usize;
    }
}
