//! `wasm_X_vec_t`: a size and a pointer, allocated here as a boxed slice.
//! Vectors of objects hold `Option<Box<X>>` (an owned pointer, null when
//! uninitialised), so deleting the vector deletes its elements.

use std::mem::MaybeUninit;

/// The layout of every `wasm_X_vec_t`.
#[repr(C)]
#[derive(Debug)]
pub struct WasmVec<T> {
    pub size: usize,
    pub data: *mut T,
}

impl<T> WasmVec<T> {
    pub(crate) fn empty() -> Self {
        WasmVec {
            size: 0,
            data: std::ptr::null_mut(),
        }
    }

    pub(crate) fn from_vec(v: Vec<T>) -> Self {
        if v.is_empty() {
            return WasmVec::empty();
        }
        let mut b = v.into_boxed_slice();
        let (size, data) = (b.len(), b.as_mut_ptr());
        std::mem::forget(b);
        WasmVec { size, data }
    }

    /// The elements.
    pub(crate) fn as_slice(&self) -> &[T] {
        if self.size == 0 || self.data.is_null() {
            return &[];
        }
        // SAFETY: a vector with elements was made by `from_vec` or, by C,
        // under the header's contract that `data` points at `size` of them.
        unsafe { std::slice::from_raw_parts(self.data, self.size) }
    }

    /// Writes `v` as element `i` (ignored past the end), through the data
    /// pointer: the vector itself is only read, so C may pass one vector
    /// as both the arguments and the results of a call.
    pub(crate) fn write_at(&self, i: usize, v: T) {
        if i < self.size && !self.data.is_null() {
            // SAFETY: `data` points at `size` elements (the header's
            // contract), `i` is in bounds, and no Rust reference to the
            // elements is alive (callers read their arguments first). The
            // old element is overwritten without being dropped: results
            // vectors hold uninitialised values by the standard's rules.
            unsafe { std::ptr::write(self.data.add(i), v) }
        }
    }

    /// Takes the elements out, leaving the vector empty. Only for vectors
    /// made here (the `own` vectors C passes back).
    pub(crate) fn take(&mut self) -> Vec<T> {
        let (size, data) = (self.size, self.data);
        self.size = 0;
        self.data = std::ptr::null_mut();
        if size == 0 || data.is_null() {
            return Vec::new();
        }
        // SAFETY: an owned vector with elements was made by `from_vec`,
        // whose boxed slice had exactly this pointer and length; it is
        // emptied above, so the slice is freed once.
        let b = unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(data, size)) };
        b.into_vec()
    }
}

/// A vector that Rust owns (a field of a type object) frees its elements
/// when dropped. Vectors C lends are only borrowed, and those handed to C
/// are moved out, so neither is dropped here.
impl<T> Drop for WasmVec<T> {
    fn drop(&mut self) {
        drop(self.take());
    }
}

/// How the elements of a vector are copied and deleted.
pub(crate) trait Element: Sized {
    /// A deep copy (a new handle for an object, a copy of a value's ref).
    fn duplicate(&self) -> Self;
    /// Deletes what the element owns.
    fn release(self) {}
    /// An uninitialised element.
    fn blank() -> Self;
}

impl Element for u8 {
    fn duplicate(&self) -> Self {
        *self
    }
    fn blank() -> Self {
        0
    }
}

impl<T: Clone> Element for Option<Box<T>> {
    fn duplicate(&self) -> Self {
        self.clone()
    }
    fn blank() -> Self {
        None
    }
}

pub(crate) fn vec_new_empty<T>(out: &mut MaybeUninit<WasmVec<T>>) {
    out.write(WasmVec::empty());
}

pub(crate) fn vec_new_uninitialized<T: Element>(out: &mut MaybeUninit<WasmVec<T>>, size: usize) {
    out.write(WasmVec::from_vec((0..size).map(|_| T::blank()).collect()));
}

/// `wasm_X_vec_new`: copies the array of `size` elements at `data`,
/// taking ownership of what they own.
pub(crate) fn vec_new<T: Element>(out: &mut MaybeUninit<WasmVec<T>>, size: usize, data: *const T) {
    let v = if size == 0 || data.is_null() {
        Vec::new()
    } else {
        // SAFETY: the header's contract: `data` points at `size` elements,
        // whose ownership passes to the new vector (they are moved, and C
        // must not use them again).
        unsafe { (0..size).map(|i| std::ptr::read(data.add(i))).collect() }
    };
    out.write(WasmVec::from_vec(v));
}

pub(crate) fn vec_copy<T: Element>(out: &mut MaybeUninit<WasmVec<T>>, src: Option<&WasmVec<T>>) {
    let v = src.map_or_else(Vec::new, |s| {
        s.as_slice().iter().map(T::duplicate).collect()
    });
    out.write(WasmVec::from_vec(v));
}

pub(crate) fn vec_delete<T: Element>(v: Option<&mut WasmVec<T>>) {
    if let Some(v) = v {
        for e in v.take() {
            e.release();
        }
    }
}

/// Declares the five `wasm_X_vec_*` functions for one element type.
macro_rules! declare_vec {
    ($elem:ty, $new_empty:ident, $new_uninit:ident, $new:ident, $copy:ident, $delete:ident) => {
        #[unsafe(no_mangle)]
        pub extern "C" fn $new_empty(
            out: Option<&mut std::mem::MaybeUninit<$crate::vec::WasmVec<$elem>>>,
        ) {
            if let Some(out) = out {
                $crate::vec::vec_new_empty(out)
            }
        }

        #[unsafe(no_mangle)]
        pub extern "C" fn $new_uninit(
            out: Option<&mut std::mem::MaybeUninit<$crate::vec::WasmVec<$elem>>>,
            size: usize,
        ) {
            if let Some(out) = out {
                $crate::vec::vec_new_uninitialized(out, size)
            }
        }

        #[unsafe(no_mangle)]
        pub extern "C" fn $new(
            out: Option<&mut std::mem::MaybeUninit<$crate::vec::WasmVec<$elem>>>,
            size: usize,
            data: *const $elem,
        ) {
            if let Some(out) = out {
                $crate::vec::vec_new(out, size, data)
            }
        }

        #[unsafe(no_mangle)]
        pub extern "C" fn $copy(
            out: Option<&mut std::mem::MaybeUninit<$crate::vec::WasmVec<$elem>>>,
            src: Option<&$crate::vec::WasmVec<$elem>>,
        ) {
            if let Some(out) = out {
                $crate::vec::vec_copy(out, src)
            }
        }

        #[unsafe(no_mangle)]
        pub extern "C" fn $delete(v: Option<&mut $crate::vec::WasmVec<$elem>>) {
            $crate::vec::vec_delete(v)
        }
    };
}
pub(crate) use declare_vec;

pub type wasm_byte_vec_t = WasmVec<u8>;
pub type wasm_name_t = wasm_byte_vec_t;
pub type wasm_message_t = wasm_name_t;

declare_vec!(
    u8,
    wasm_byte_vec_new_empty,
    wasm_byte_vec_new_uninitialized,
    wasm_byte_vec_new,
    wasm_byte_vec_copy,
    wasm_byte_vec_delete
);

impl WasmVec<u8> {
    /// A name vector holding `s`.
    pub(crate) fn from_str(s: &str) -> Self {
        WasmVec::from_vec(s.as_bytes().to_vec())
    }

    /// A message: `s` and a NUL byte, counted in the size.
    pub(crate) fn message(s: &str) -> Self {
        let mut v = s.as_bytes().to_vec();
        v.push(0);
        WasmVec::from_vec(v)
    }

    /// The bytes as text, without a trailing NUL.
    pub(crate) fn to_text(&self) -> String {
        let b = self.as_slice();
        let b = b.strip_suffix(&[0]).unwrap_or(b);
        String::from_utf8_lossy(b).into_owned()
    }
}

impl Clone for WasmVec<u8> {
    fn clone(&self) -> Self {
        WasmVec::from_vec(self.as_slice().to_vec())
    }
}
