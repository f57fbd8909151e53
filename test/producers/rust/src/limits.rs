//! Decode limits (docs/spec.md, section "Limits"), with the TypeScript defaults.
//! Readers check them while they decode, before they allocate or recurse.

use crate::error::{fail, ErrorCode, Result};

const MIB: usize = 1024 * 1024;

/// What a reader accepts. [`Limits::default`] is the spec's defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest whole frame (prefix, sections, checksum), in bytes.
    pub max_frame_size: usize,
    /// Largest body section after decompression, in bytes.
    pub max_decompressed_size: usize,
    /// Deepest nesting of one attribute value: a scalar is 0, each array or map adds 1.
    pub max_depth: usize,
    /// Most attribute entries in one envelope: every key/value pair and array
    /// element, nested, resource and extension ones included.
    pub max_attributes: usize,
    /// Longest string, in UTF-8 bytes.
    pub max_string_length: usize,
    /// Longest bytes value.
    pub max_bytes_length: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_frame_size: 64 * MIB,
            max_decompressed_size: 64 * MIB,
            max_depth: 32,
            max_attributes: 100_000,
            max_string_length: 16 * MIB,
            max_bytes_length: 16 * MIB,
        }
    }
}

/// Per-decode state: the limits and the running attribute count. One per
/// envelope, so the count covers header and body together.
#[derive(Debug)]
pub struct Budget {
    pub limits: Limits,
    attributes: usize,
}

impl Budget {
    pub fn new(limits: Limits) -> Self {
        Budget {
            limits,
            attributes: 0,
        }
    }

    /// Counts one attribute entry (a key/value pair or an array element).
    pub fn count_attribute(&mut self, path: &dyn Fn() -> String) -> Result<()> {
        self.attributes += 1;
        if self.attributes > self.limits.max_attributes {
            return fail(
                ErrorCode::LimitExceeded,
                format!(
                    "more than {} attribute entries at {}",
                    self.limits.max_attributes,
                    path()
                ),
            );
        }
        Ok(())
    }

    /// Checks that a value one level below `depth` is allowed.
    pub fn enter(&self, depth: usize, path: &dyn Fn() -> String) -> Result<()> {
        if depth + 1 > self.limits.max_depth {
            return fail(
                ErrorCode::LimitExceeded,
                format!(
                    "value nested deeper than {} at {}",
                    self.limits.max_depth,
                    path()
                ),
            );
        }
        Ok(())
    }

    /// Checks a string length (UTF-8 bytes).
    pub fn string(&self, len: usize, path: &dyn Fn() -> String) -> Result<()> {
        if len > self.limits.max_string_length {
            return fail(
                ErrorCode::LimitExceeded,
                format!(
                    "string longer than {} bytes at {}",
                    self.limits.max_string_length,
                    path()
                ),
            );
        }
        Ok(())
    }

    /// Checks a bytes length.
    pub fn bytes(&self, len: usize, path: &dyn Fn() -> String) -> Result<()> {
        if len > self.limits.max_bytes_length {
            return fail(
                ErrorCode::LimitExceeded,
                format!(
                    "bytes longer than {} at {}",
                    self.limits.max_bytes_length,
                    path()
                ),
            );
        }
        Ok(())
    }
}
