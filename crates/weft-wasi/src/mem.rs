//! Bounds-checked access to the guest's linear memory.
//!
//! Every pointer and length a guest passes goes through [`Mem`]: a range
//! that does not lie entirely inside memory is [`Errno::Fault`], never a
//! host panic. Multi-byte values are little-endian; alignment is not
//! required. A shared memory (wasi-threads) has no slice view, since other
//! threads write it meanwhile: its bytes are copied in and out.

use std::borrow::Cow;

use weft::SharedMemory;

use crate::errno::{Errno, WasiResult};

/// The guest's memory for the duration of one WASI call (empty when the
/// module exports no `memory`, so every access is `EFAULT`).
pub(crate) enum Mem<'a> {
    Own(&'a mut [u8]),
    Shared(SharedMemory),
}

/// A buffer of `n` zero bytes for a copy of guest memory; `ENOMEM` if the
/// host cannot allocate it (the guest chooses `n`).
fn zeroed(n: usize) -> WasiResult<Vec<u8>> {
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| Errno::Nomem)?;
    v.resize(n, 0);
    Ok(v)
}

impl<'a> Mem<'a> {
    /// Wraps the memory's bytes.
    pub(crate) fn new(bytes: &'a mut [u8]) -> Self {
        Mem::Own(bytes)
    }

    fn len(&self) -> u64 {
        match self {
            Mem::Own(b) => b.len() as u64,
            Mem::Shared(m) => m.data_size(),
        }
    }

    fn range(&self, ptr: u32, len: u64) -> WasiResult<std::ops::Range<usize>> {
        let start = u64::from(ptr);
        let end = start.checked_add(len).ok_or(Errno::Fault)?;
        if end > self.len() {
            return Err(Errno::Fault);
        }
        // Both fit in usize: they are at most the length of a memory
        // addressed by 32 bits.
        Ok(start as usize..end as usize)
    }

    /// The `len` bytes at `ptr` (a copy, for a shared memory).
    pub(crate) fn slice(&self, ptr: u32, len: u32) -> WasiResult<Cow<'_, [u8]>> {
        let r = self.range(ptr, u64::from(len))?;
        match self {
            Mem::Own(b) => Ok(Cow::Borrowed(&b[r])),
            Mem::Shared(m) => {
                let mut out = zeroed(r.len())?;
                m.read(r.start as u64, &mut out).map_err(|_| Errno::Fault)?;
                Ok(Cow::Owned(out))
            }
        }
    }

    /// Lets `f` fill the `len` bytes at `ptr`; `f` returns how many it
    /// wrote (from the start), which are all that change in memory.
    pub(crate) fn fill<E>(
        &mut self,
        ptr: u32,
        len: u32,
        f: impl FnOnce(&mut [u8]) -> Result<usize, E>,
    ) -> WasiResult<Result<usize, E>> {
        let r = self.range(ptr, u64::from(len))?;
        match self {
            Mem::Own(b) => Ok(f(&mut b[r])),
            Mem::Shared(m) => {
                let mut buf = zeroed(r.len())?;
                let result = f(&mut buf);
                if let Ok(n) = result {
                    m.write(r.start as u64, &buf[..n.min(buf.len())])
                        .map_err(|_| Errno::Fault)?;
                }
                Ok(result)
            }
        }
    }

    /// Checks that `count` records of `size` bytes fit at `ptr`.
    pub(crate) fn check_array(&self, ptr: u32, count: u32, size: u32) -> WasiResult<()> {
        self.range(ptr, u64::from(count) * u64::from(size))
            .map(|_| ())
    }

    fn array<const N: usize>(&self, ptr: u32) -> WasiResult<[u8; N]> {
        let mut out = [0; N];
        out.copy_from_slice(&self.slice(ptr, N as u32)?);
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
        let r = self.range(ptr, u64::from(len))?;
        match self {
            Mem::Own(b) => b[r].copy_from_slice(bytes),
            Mem::Shared(m) => m.write(r.start as u64, bytes).map_err(|_| Errno::Fault)?,
        }
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
        Ok(std::ffi::OsStr::from_bytes(&bytes).into())
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
        assert_eq!(mem.slice(16, 0).map(|s| s.len()), Ok(0));
        assert_eq!(mem.slice(17, 0).err(), Some(Errno::Fault));
        assert_eq!(mem.write_u32(13, 1), Err(Errno::Fault));
        assert!(mem.check_array(0, u32::MAX, 8).is_err());
        assert_eq!(mem.write_u32(0, 4), Ok(()));
        assert_eq!(mem.write_u32(4, 100), Ok(()));
        assert_eq!(mem.iovecs(0, 1), Err(Errno::Fault));
        assert_eq!(mem.iovecs(0, 3), Err(Errno::Fault));
    }

    #[test]
    fn shared_memory_is_copied_in_and_out() {
        let ty = weft::MemoryType::new(1, Some(1)).with_shared(true);
        let shared = SharedMemory::new(ty).unwrap();
        let mut mem = Mem::Shared(shared.clone());
        assert_eq!(mem.write_u32(8, 0x0403_0201), Ok(()));
        assert_eq!(mem.read_u32(8), Ok(0x0403_0201));
        assert_eq!(mem.slice(9, 2).unwrap().as_ref(), &[2, 3]);
        // Only the bytes the callback reports as written change.
        let r = mem.fill(8, 4, |buf| -> Result<usize, ()> {
            buf.fill(9);
            Ok(2)
        });
        assert_eq!(r, Ok(Ok(2)));
        let mut out = [0u8; 4];
        shared.read(8, &mut out).unwrap();
        assert_eq!(out, [9, 9, 3, 4]);
        assert_eq!(mem.read_u32(65533), Err(Errno::Fault));
        assert_eq!(mem.slice(65536, 1).err(), Some(Errno::Fault));
    }
}
