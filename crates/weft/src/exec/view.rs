//! The interpreter's unsafe core, in one place: the views through which
//! handlers reach the code ([`Ip`]), the current frame ([`Regs`]) and
//! memory 0 ([`Mem`]), plus the unchecked match of an op's operands
//! (`operands!`). Each view is derived from the one pointer it guards and
//! re-derived after anything that can move what it points into; each
//! `unsafe` block says which invariant it relies on. Everything else in
//! the interpreter is safe code built on these.
#![allow(unsafe_code)]

use super::CompiledFunc;
use super::Op;
use crate::code::{ACC, Instr, Slot};

/// The one op every activation's marker frame resumes at.
static ACTIVATION_END: Op = Op::with_handler(super::handlers::activation_end, Instr::Unreachable);

/// A pointer to the op being executed.
///
/// Invariant: it points into the code of a compiled function that stays
/// alive while it is used (the module is held by the store's instance and by
/// the [`Ctx`]); the compiler ends every function's instructions with a
/// trapping guard op and emits branch offsets and constant-pool offsets
/// (`*Wide` instructions) that stay inside the function, so `next` and
/// `jump` from a valid op give a valid op.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ip(*const Op);

impl Ip {
    /// The first op of `cf`.
    pub(super) fn start(cf: &CompiledFunc) -> Ip {
        Ip(cf.code.as_ptr())
    }

    /// A placeholder, never dereferenced.
    pub(super) fn dangling() -> Ip {
        Ip(std::ptr::null())
    }

    /// Op `pc` of `cf` (`pc` must be one of its ops).
    pub(super) fn at(cf: &CompiledFunc, pc: usize) -> Ip {
        debug_assert!(pc < cf.code.len());
        Ip(cf.code.as_ptr().wrapping_add(pc))
    }

    /// The resume point of an activation's marker frame: returning to it
    /// ends the activation.
    pub(super) fn activation_end() -> Ip {
        Ip(&ACTIVATION_END)
    }

    /// Whether this is [`Ip::activation_end`].
    pub(super) fn is_activation_end(self) -> bool {
        std::ptr::eq(self.0, &ACTIVATION_END)
    }

    #[inline(always)]
    pub(super) fn op(&self) -> &Op {
        // SAFETY: by the type's invariant `self.0` points at a live op.
        unsafe { &*self.0 }
    }

    #[inline(always)]
    pub(super) fn instr(&self) -> &Instr {
        &self.op().instr
    }

    #[inline(always)]
    pub(super) fn next(self) -> Ip {
        Ip(self.0.wrapping_add(1))
    }

    /// The op before this one.
    pub(super) fn back(self) -> Ip {
        Ip(self.0.wrapping_sub(1))
    }

    /// This op's index in `cf`'s code, if it is one of its ops (address
    /// arithmetic only: nothing is dereferenced).
    pub(super) fn pc_in(self, cf: &CompiledFunc) -> Option<usize> {
        let start = cf.code.as_ptr() as usize;
        let at = (self.0 as usize).checked_sub(start)? / std::mem::size_of::<Op>();
        (at < cf.code.len()).then_some(at)
    }

    /// The op `rel` (a relative branch offset, two's complement) away.
    #[inline(always)]
    pub(super) fn jump(self, rel: u32) -> Ip {
        Ip(self.0.wrapping_offset(rel as i32 as isize))
    }

    #[inline(always)]
    pub(super) fn skip(self, n: usize) -> Ip {
        Ip(self.0.wrapping_add(n))
    }
}

/// The current frame's cells: slot `s` is `ptr[s]`.
///
/// Invariant: `ptr` points at `stack[fp]` of the value stack and at least
/// the function's `frame_size` cells follow it; every slot operand the
/// compiler emits is below `frame_size`. A `Regs` is re-derived after
/// anything that can move the stack (growing it on a call). Debug builds
/// also carry the number of cells and check every access.
///
/// It also carries the accumulator ([`ACC`]), so the value travels from
/// handler to handler in a register like the frame pointer. The accumulator
/// is live only from an instruction that writes it to the next one, which
/// reads it; every other handler passes it along untouched or drops it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Regs {
    ptr: *mut u64,
    acc: u64,
    #[cfg(debug_assertions)]
    len: usize,
}

impl Regs {
    /// The frame starting at `stack[fp]`.
    pub(super) fn at(stack: &mut [u64], fp: usize) -> Regs {
        debug_assert!(fp <= stack.len());
        Regs {
            ptr: stack.as_mut_ptr().wrapping_add(fp),
            acc: 0,
            #[cfg(debug_assertions)]
            len: stack.len() - fp,
        }
    }

    /// A placeholder, never dereferenced.
    pub(super) fn dangling() -> Regs {
        Regs {
            ptr: std::ptr::null_mut(),
            acc: 0,
            #[cfg(debug_assertions)]
            len: 0,
        }
    }

    #[inline(always)]
    pub(super) fn get(self, s: Slot) -> u64 {
        #[cfg(debug_assertions)]
        assert!((s as usize) < self.len, "slot {s} outside the frame");
        // SAFETY: by the type's invariant slot `s` is inside the frame.
        unsafe { *self.ptr.add(s as usize) }
    }

    #[inline(always)]
    pub(super) fn set(self, s: Slot, v: u64) {
        #[cfg(debug_assertions)]
        assert!((s as usize) < self.len, "slot {s} outside the frame");
        // SAFETY: as for `get`; nothing else references the stack while a
        // handler runs.
        unsafe { *self.ptr.add(s as usize) = v }
    }

    /// Operand `s`, or the accumulator when `from_acc` (a constant in
    /// every handler, from its mode).
    #[inline(always)]
    pub(super) fn arg(self, s: Slot, from_acc: bool) -> Cell {
        if from_acc {
            debug_assert_eq!(s, ACC);
            Cell(self.acc)
        } else {
            Cell(self.get(s))
        }
    }

    /// Writes result `v` to the accumulator, and to slot `s` unless
    /// `to_acc` (the compiler lets the next instruction read the
    /// accumulator either way).
    #[inline(always)]
    pub(super) fn put(&mut self, s: Slot, v: u64, to_acc: bool) {
        self.acc = v;
        if to_acc {
            debug_assert_eq!(s, ACC);
        } else {
            self.set(s, v);
        }
    }

    #[inline(always)]
    pub(super) fn u32(self, s: Slot) -> u32 {
        self.get(s) as u32
    }

    /// The `v128` at slots `s`, `s + 1` (low half first).
    #[inline(always)]
    pub(super) fn getv(self, s: Slot) -> u128 {
        u128::from(self.get(s)) | (u128::from(self.get(s + 1)) << 64)
    }

    #[inline(always)]
    pub(super) fn setv(self, s: Slot, v: u128) {
        self.set(s, v as u64);
        self.set(s + 1, (v >> 64) as u64);
    }

    /// The 16 bytes of the `v128` at slots `s`, `s + 1`, in memory order
    /// (the `v128`'s little-endian bytes).
    #[inline(always)]
    pub(super) fn bytes16(self, s: Slot) -> [u8; 16] {
        #[cfg(debug_assertions)]
        assert!((s as usize) + 1 < self.len, "slot {s} outside the frame");
        #[cfg(target_endian = "little")]
        {
            // SAFETY: by the type's invariant slots `s` and `s + 1` are in
            // the frame: 16 contiguous bytes, the low half first, which on a
            // little-endian host are the `v128`'s bytes in order.
            unsafe { std::ptr::read_unaligned(self.ptr.add(s as usize).cast::<[u8; 16]>()) }
        }
        #[cfg(not(target_endian = "little"))]
        {
            self.getv(s).to_le_bytes()
        }
    }

    /// Writes the `v128` with memory-order bytes `b` to slots `s`, `s + 1`.
    #[inline(always)]
    pub(super) fn set_bytes16(self, s: Slot, b: [u8; 16]) {
        #[cfg(debug_assertions)]
        assert!((s as usize) + 1 < self.len, "slot {s} outside the frame");
        #[cfg(target_endian = "little")]
        {
            // SAFETY: as for `bytes16`; nothing else references the stack
            // while a handler runs.
            unsafe { std::ptr::write_unaligned(self.ptr.add(s as usize).cast::<[u8; 16]>(), b) }
        }
        #[cfg(not(target_endian = "little"))]
        {
            self.setv(s, u128::from_le_bytes(b))
        }
    }

    /// The cell index of this frame's base in `stack`.
    pub(super) fn fp(self, stack: &[u64]) -> usize {
        (self.ptr as usize - stack.as_ptr() as usize) / std::mem::size_of::<u64>()
    }

    /// The cells from this frame's slot 0 to the end of `stack` (the value
    /// stack this frame lives on), as a slice made from the frame pointer
    /// itself. Taking the slice from the stack's `Vec` instead would be a
    /// fresh unique borrow of the whole buffer, after which the frame
    /// pointer (derived from an earlier borrow) may no longer be used under
    /// Rust's aliasing rules; a slice derived from the pointer is a reborrow
    /// of it, and the pointer stays valid once the slice is gone.
    pub(super) fn frame_mut<'f>(self, stack: &[u64]) -> &'f mut [u64] {
        let len = stack.len() - self.fp(stack);
        #[cfg(debug_assertions)]
        debug_assert_eq!(len, self.len);
        // SAFETY: by the type's invariant `ptr` points at cell `fp` of the
        // live value stack, which has `len` cells from there; the caller
        // uses no other reference into the stack while the slice lives (it
        // only reads the stack's length to call this).
        unsafe { std::slice::from_raw_parts_mut(self.ptr, len) }
    }
}

/// One operand's cell, read as the type an instruction works on.
#[derive(Clone, Copy)]
pub(super) struct Cell(pub(super) u64);

impl Cell {
    #[inline(always)]
    pub(super) fn get(self) -> u64 {
        self.0
    }
    #[inline(always)]
    pub(super) fn u32(self) -> u32 {
        self.0 as u32
    }
    #[inline(always)]
    pub(super) fn i32(self) -> i32 {
        self.0 as u32 as i32
    }
    #[inline(always)]
    pub(super) fn i64(self) -> i64 {
        self.0 as i64
    }
    #[inline(always)]
    pub(super) fn f32(self) -> f32 {
        f32::from_bits(self.0 as u32)
    }
    #[inline(always)]
    pub(super) fn f64(self) -> f64 {
        f64::from_bits(self.0)
    }
}

/// Memory 0 of the current instance: base pointer and length in bytes (null
/// and 0 when there is none).
///
/// Invariant: it describes the memory's current buffer; it is re-read after
/// `memory.grow`, bulk memory operations, host calls and instance switches,
/// the only things that can resize or replace that buffer while code runs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mem {
    ptr: *mut u8,
    len: usize,
}

impl Mem {
    pub(super) fn new((ptr, len): (*mut u8, usize)) -> Mem {
        Mem { ptr, len }
    }

    /// The `N` bytes at `ea`, or `None` past the end.
    #[inline(always)]
    pub(super) fn load<const N: usize>(self, ea: u64) -> Option<[u8; N]> {
        if ea + N as u64 > self.len as u64 {
            return None;
        }
        // SAFETY: `ea + N <= len`, and by the type's invariant `ptr..ptr+len`
        // is the live buffer.
        Some(unsafe { std::ptr::read_unaligned(self.ptr.add(ea as usize).cast::<[u8; N]>()) })
    }

    /// Writes `bytes` at `ea`; `None` (and nothing written) past the end.
    #[inline(always)]
    pub(super) fn store<const N: usize>(self, ea: u64, bytes: [u8; N]) -> Option<()> {
        if ea + N as u64 > self.len as u64 {
            return None;
        }
        // SAFETY: as for `load`.
        unsafe { std::ptr::write_unaligned(self.ptr.add(ea as usize).cast::<[u8; N]>(), bytes) };
        Some(())
    }

    /// The whole buffer.
    pub(super) fn bytes<'m>(self) -> &'m mut [u8] {
        if self.ptr.is_null() {
            return &mut [];
        }
        // SAFETY: by the type's invariant this is the live buffer, and the
        // caller holds no other reference to it.
        unsafe { std::slice::from_raw_parts_mut(self.ptr, self.len) }
    }
}

/// The operands of the op at `ip`, which is known to be `$pat`.
macro_rules! operands {
    ($ip:expr, $pat:pat => $out:expr) => {{
        match *$ip.instr() {
            $pat => $out,
            #[cfg(debug_assertions)]
            _ => unreachable!("handler attached to the wrong instruction"),
            #[cfg(not(debug_assertions))]
            _ => $crate::exec::view::other_variant(),
        }
    }};
}

/// The arm of `operands!` for any other variant than its handler's.
///
/// Only `handlers::handler_of` attaches handlers to ops, and it attaches
/// each to ops of its own variant only, so this is never reached.
#[cfg(not(debug_assertions))]
#[inline(always)]
pub(super) fn other_variant() -> ! {
    // SAFETY: unreachable, as said above; debug builds check it instead.
    unsafe { std::hint::unreachable_unchecked() }
}

/// Marks the taken side of a conditional wasm branch. An empty `asm!` has
/// no effect at run time, but LLVM cannot if-convert around it, so the
/// branch stays a predicted jump instead of a `cmov` on `pc` (which would
/// make every following instruction fetch wait for the comparison).
#[inline(always)]
pub(super) fn taken_branch() {
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    // SAFETY: an empty assembly block with no operands reads and writes
    // nothing.
    unsafe {
        std::arch::asm!("", options(nomem, nostack, preserves_flags));
    }
}
