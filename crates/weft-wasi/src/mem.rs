//! Bounds-checked access to the guest's linear memory.
//!
//! Every pointer and length a guest passes goes through [`Mem`]: a range
//! that does not lie entirely inside memory is [`Errno::Fault`], never a
//! host panic. Multi-byte values are little-endian; alignment is not
//! required.

use crate::errno::{Errno, WasiResult};

/// The guest's memory for the duration of one WASI call (empty when the
/// module exports no `memory`, so every access is `EFAULT`).
pub(crate) struct Mem<'a> {
    bytes: &'a mut [u8],
}

impl<'a> Mem<'a> {
    /// Wraps the memory's bytes.
    pub(crate) fn new(bytes: &'a mut [u8]) -> Self {
        Mem { bytes }
    }

    fn range(&self, ptr: u32, len: u64) -> WasiResult<std::ops::Range<usize>> {
        let start = u64::from(ptr);
        let end = start.checked_add(len).ok_or(Errno::Fault)?;
        if end > self.bytes.len() as u64 {
            return Err(Errno::Fault);
        }
        // Both fit in usize: they are at most the length of a slice.
        Ok(start as usize..end as usize)
    }

    /// The `len` bytes at `ptr`.
    pub(crate) fn slice(&self, ptr: u32, len: u32) -> WasiResult<&[u8]> {
        let r = self.range(ptr, u64::from(len))?;
        Ok(&self.bytes[r])
    }

    /// The `len` bytes at `ptr`, writable.
    pub(crate) fn slice_mut(&mut self, ptr: u32, len: u32) -> WasiResult<&mut [u8]> {
        let r = self.range(ptr, u64::from(len))?;
        Ok(&mut self.bytes[r])
    }

    /// Checks that `count` records of `size` bytes fit at `ptr`.
    pub(crate) fn check_array(&self, ptr: u32, count: u32, size: u32) -> WasiResult<()> {
        self.range(ptr, u64::from(count) * u64::from(size))
            .map(|_| ())
    }

    fn array<const N: usize>(&self, ptr: u32) -> WasiResult<[u8; N]> {
        let r = self.range(ptr, N as u64)?;
        let mut out = [0; N];
        out.copy_from_slice(&self.bytes[r]);
        Ok(out)
    }

    /// Reads a `u8`.
    pub(crate) fn read_u8(&self, ptr: u32) -> WasiResult<u8> {
        Ok(self.array::<1>(ptr)?[0])
    }

    /// Reads a little-endian `u16`.
    pub(crate) fn read_u16(&self, ptr: u32) -> WasiResult<u16> {
        self.array(ptr).map(u16::from_le_bytes)
    }

    /// Reads a little-endian `u32`.
    pub(crate) fn read_u32(&self, ptr: u32) -> WasiResult<u32> {
        self.array(ptr).map(u32::from_le_bytes)
    }

    /// Reads a little-endian `u64`.
    pub(crate) fn read_u64(&self, ptr: u32) -> WasiResult<u64> {
        self.array(ptr).map(u64::from_le_bytes)
    }

    /// Writes `bytes` at `ptr`.
    pub(crate) fn write(&mut self, ptr: u32, bytes: &[u8]) -> WasiResult<()> {
        let len = u32::try_from(bytes.len()).map_err(|_| Errno::Fault)?;
        self.slice_mut(ptr, len)?.copy_from_slice(bytes);
        Ok(())
    }

    /// Writes a `u8`.
    pub(crate) fn write_u8(&mut self, ptr: u32, v: u8) -> WasiResult<()> {
        self.write(ptr, &[v])
    }

    /// Writes a little-endian `u32`.
    pub(crate) fn write_u32(&mut self, ptr: u32, v: u32) -> WasiResult<()> {
        self.write(ptr, &v.to_le_bytes())
    }

    /// Writes a little-endian `u64`.
    pub(crate) fn write_u64(&mut self, ptr: u32, v: u64) -> WasiResult<()> {
        self.write(ptr, &v.to_le_bytes())
    }

    /// Reads an array of `(buf, len)` pairs (`iovec`/`ciovec`, 8 bytes
    /// each) and checks that every buffer lies inside memory.
    pub(crate) fn iovecs(&self, ptr: u32, count: u32) -> WasiResult<Vec<(u32, u32)>> {
        self.check_array(ptr, count, 8)?;
        let mut out = Vec::with_capacity(count as usize);
        for i in 0..count {
            let at = ptr + i * 8;
            let buf = self.read_u32(at)?;
            let len = self.read_u32(at + 4)?;
            self.range(buf, u64::from(len))?;
            out.push((buf, len));
        }
        Ok(out)
    }

    /// A path or other string argument: its raw bytes (WASI strings are
    /// not NUL-terminated). A path containing NUL is `EINVAL`.
    pub(crate) fn path(&self, ptr: u32, len: u32) -> WasiResult<std::path::PathBuf> {
        use std::os::unix::ffi::OsStrExt;
        let bytes = self.slice(ptr, len)?;
        if bytes.contains(&0) {
            return Err(Errno::Inval);
        }
        Ok(std::ffi::OsStr::from_bytes(bytes).into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_bounds_is_fault() {
        let mut bytes = [0u8; 16];
        let mut mem = Mem::new(&mut bytes);
        assert_eq!(mem.read_u32(12), Ok(0));
        assert_eq!(mem.read_u32(13), Err(Errno::Fault));
        assert_eq!(mem.read_u64(u32::MAX), Err(Errno::Fault));
        assert_eq!(mem.slice(16, 0).map(<[u8]>::len), Ok(0));
        assert_eq!(mem.slice(17, 0).err(), Some(Errno::Fault));
        assert_eq!(mem.write_u32(13, 1), Err(Errno::Fault));
        assert!(mem.check_array(0, u32::MAX, 8).is_err());
        assert_eq!(mem.write_u32(0, 4), Ok(()));
        assert_eq!(mem.write_u32(4, 100), Ok(()));
        assert_eq!(mem.iovecs(0, 1), Err(Errno::Fault));
        assert_eq!(mem.iovecs(0, 3), Err(Errno::Fault));
    }
}
