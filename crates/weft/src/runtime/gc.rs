//! The store's GC heap: structs, arrays and host values (`externref`
//! payloads), addressed by checked indices.
//!
//! # References in a cell
//! A reference of the `any` or `extern` hierarchy is one 64-bit cell:
//! - `0` is null;
//! - an odd value is an `i31`: `(v << 1) | 1`, `v` in the low 31 bits;
//! - an even non-zero value is a heap object: `(index + 1) << 1`.
//!
//! So `any.convert_extern` and `extern.convert_any` change nothing, and
//! `ref.eq` compares cells. An `exnref` is a heap object too (an
//! exception: tag and payload), so the collector traces and frees
//! exceptions like any other object. Objects never move; an index names a slot of
//! `Heap::objects`, checked on every access, so a wrong index (a collector
//! bug, say) gives a wrong object or a trap, never an unsafe access.

use crate::engine::Registry;
use crate::error::TrapKind;
use crate::types::ConcreteType;
use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

/// One heap object.
pub(crate) enum Object {
    /// A free slot (on the free list).
    Free,
    /// A struct: its fields as cells in declaration order (a `v128` field
    /// takes two, a packed field a whole cell; see `StorageType::cells`).
    Struct {
        ty: ConcreteType,
        fields: Box<[u64]>,
    },
    /// An array: `len` elements of `elem` bytes each, little-endian, so
    /// that `array.new_data`, `array.copy` and `array.fill` are byte copies.
    Array {
        ty: ConcreteType,
        elem: u8,
        data: Box<[u8]>,
    },
    /// A host value passed in as an `externref` (`ExternRef::new`).
    Host(Box<dyn Any + Send + Sync>),
    /// An exception (what an `exnref` names): its tag (store index), its
    /// payload as cells, and which of them the collector follows.
    Exn {
        tag: u32,
        payload: Box<[u64]>,
        traced: Arc<[u32]>,
    },
}

impl std::fmt::Debug for Object {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Object::Free => f.write_str("Free"),
            Object::Struct { ty, fields } => write!(f, "Struct({ty:?}, {} cells)", fields.len()),
            Object::Array { ty, elem, data } => {
                write!(
                    f,
                    "Array({ty:?}, {} x {elem} bytes)",
                    data.len() / usize::from(*elem)
                )
            }
            Object::Host(_) => f.write_str("Host"),
            Object::Exn { tag, payload, .. } => {
                write!(f, "Exn(tag {tag}, {} cells)", payload.len())
            }
        }
    }
}

impl Object {
    /// Bytes charged against the heap's limit: the payload plus a slot.
    pub(crate) fn size(&self) -> u64 {
        let payload = match self {
            Object::Free => 0,
            Object::Struct { fields, .. } => fields.len() * 8,
            Object::Array { data, .. } => data.len(),
            Object::Host(_) => 16,
            Object::Exn { payload, .. } => payload.len() * 8,
        };
        (payload + SLOT_BYTES) as u64
    }
}

/// What one slot of `Heap::objects` costs, charged per object.
const SLOT_BYTES: usize = std::mem::size_of::<Object>();

/// The largest heap weft allows when the store sets no memory limit.
pub(crate) const DEFAULT_MAX_HEAP: u64 = 4 << 30;

/// `v` (its low 31 bits) as an `i31` cell.
pub(crate) fn i31_cell(v: u32) -> u64 {
    (u64::from(v & 0x7fff_ffff) << 1) | 1
}

/// The object index of a cell that holds a heap reference.
pub(crate) fn object_index(cell: u64) -> Option<usize> {
    if cell & 1 == 0 && cell != 0 {
        usize::try_from((cell >> 1) - 1).ok()
    } else {
        None
    }
}

/// The cell of the object at `index`.
fn object_cell(index: usize) -> u64 {
    (index as u64 + 1) << 1
}

/// A reference the host holds: it keeps its object alive while any clone
/// of it exists (the heap keeps a weak pointer to each and treats the
/// live ones as roots).
#[derive(Debug)]
pub(crate) struct Root {
    pub bits: u64,
}

/// The heap size below which allocation never collects.
const MIN_THRESHOLD: u64 = 1 << 20;

#[derive(Debug, Default)]
pub(crate) struct Heap {
    objects: Vec<Object>,
    free: Vec<u32>,
    /// Bytes of the live (and not yet swept) objects.
    bytes: u64,
    /// The most `bytes` may reach.
    max_bytes: u64,
    /// Allocation collects first once `bytes` reaches this: twice what was
    /// live after the last collection (at least [`MIN_THRESHOLD`]).
    threshold: u64,
    /// Collect at every allocation (a test switch, `Config::gc_zeal`).
    pub zeal: bool,
    /// References held by the host (see [`Root`]), and the length at which
    /// the list is next pruned of dropped ones. Behind a lock because values
    /// are made for the host from a shared borrow of the store.
    roots: Mutex<(Vec<Weak<Root>>, usize)>,
    /// Per type, the cells of its objects that the collector follows.
    traced: HashMap<ConcreteType, Arc<[u32]>>,
    pub stats: GcStats,
}

/// What a store's collector has done so far ([`crate::Store::gc_stats`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GcStats {
    /// Objects allocated (structs, arrays and host values).
    pub allocated: u64,
    /// Collections run.
    pub collections: u64,
    /// Objects freed by collections.
    pub freed: u64,
    /// Objects live now (allocated and not yet freed).
    pub live_objects: u64,
    /// Bytes the live objects take now.
    pub live_bytes: u64,
    /// The most bytes the heap has held at once.
    pub peak_bytes: u64,
}

impl Heap {
    pub(crate) fn new(max_bytes: Option<u64>) -> Heap {
        Heap {
            max_bytes: max_bytes.unwrap_or(DEFAULT_MAX_HEAP),
            threshold: MIN_THRESHOLD,
            ..Heap::default()
        }
    }

    /// Sets the largest size the heap may reach.
    pub(crate) fn set_limit(&mut self, max_bytes: Option<u64>) {
        self.max_bytes = max_bytes.unwrap_or(DEFAULT_MAX_HEAP);
    }

    /// Whether the next allocation should collect first.
    pub(crate) fn due(&self) -> bool {
        self.zeal || self.bytes >= self.threshold
    }

    /// Whether an allocation of `size` bytes, known up front, should
    /// collect first: it is due, or would not fit.
    pub(crate) fn needs_collection(&self, size: u64) -> bool {
        self.due() || !self.fits(size)
    }

    /// The collector's counters, up to date.
    pub(crate) fn stats(&self) -> GcStats {
        GcStats {
            live_objects: (self.objects.len() - self.free.len()) as u64,
            live_bytes: self.bytes,
            ..self.stats
        }
    }

    /// Whether `bytes` more fit under the limit.
    pub(crate) fn fits(&self, bytes: u64) -> bool {
        self.bytes
            .checked_add(bytes)
            .is_some_and(|b| b <= self.max_bytes)
    }

    /// Stores `obj` and returns its cell.
    pub(crate) fn alloc(&mut self, obj: Object) -> Result<u64, TrapKind> {
        let size = obj.size();
        if !self.fits(size) {
            return Err(TrapKind::GcHeapExhausted);
        }
        self.bytes += size;
        self.stats.allocated += 1;
        self.stats.peak_bytes = self.stats.peak_bytes.max(self.bytes);
        let index = match self.free.pop() {
            Some(i) => {
                self.objects[i as usize] = obj;
                i as usize
            }
            None => {
                if u32::try_from(self.objects.len()).is_err() {
                    return Err(TrapKind::GcHeapExhausted);
                }
                self.objects.push(obj);
                self.objects.len() - 1
            }
        };
        Ok(object_cell(index))
    }

    /// A zeroed byte buffer of `n` bytes for an object, if the heap has
    /// room for it (never aborts the process on a huge `n`).
    pub(crate) fn zeroed(&self, n: u64) -> Result<Vec<u8>, TrapKind> {
        if !self.fits(n.saturating_add(SLOT_BYTES as u64)) {
            return Err(TrapKind::GcHeapExhausted);
        }
        let n = usize::try_from(n).map_err(|_| TrapKind::GcHeapExhausted)?;
        let mut v = Vec::new();
        v.try_reserve_exact(n)
            .map_err(|_| TrapKind::GcHeapExhausted)?;
        v.resize(n, 0);
        Ok(v)
    }

    /// The object a cell refers to (`None` for null, an `i31` or a stale
    /// cell).
    pub(crate) fn get(&self, cell: u64) -> Option<&Object> {
        match self.objects.get(object_index(cell)?)? {
            Object::Free => None,
            o => Some(o),
        }
    }

    pub(crate) fn get_mut(&mut self, cell: u64) -> Option<&mut Object> {
        match self.objects.get_mut(object_index(cell)?)? {
            Object::Free => None,
            o => Some(o),
        }
    }

    /// Two distinct arrays (or the same one twice, as `None` for the
    /// second), for `array.copy`.
    pub(crate) fn pair_mut(&mut self, a: u64, b: u64) -> Option<(&mut Object, Option<&Object>)> {
        let (ia, ib) = (object_index(a)?, object_index(b)?);
        if ia.max(ib) >= self.objects.len() {
            return None;
        }
        if ia == ib {
            return Some((self.get_mut(a)?, None));
        }
        let (lo, hi) = (ia.min(ib), ia.max(ib));
        let (left, right) = self.objects.split_at_mut(hi);
        let (x, y) = (&mut left[lo], &mut right[0]);
        let (da, db) = if ia < ib { (x, y) } else { (y, x) };
        if matches!(da, Object::Free) || matches!(db, Object::Free) {
            return None;
        }
        Some((da, Some(&*db)))
    }

    /// A host handle on the value `bits` (non-null), rooting it.
    pub(crate) fn root(&self, bits: u64) -> Arc<Root> {
        let r = Arc::new(Root { bits });
        let mut roots = self.roots.lock().unwrap_or_else(|e| e.into_inner());
        let (list, prune_at) = &mut *roots;
        if list.len() >= *prune_at {
            // Amortised: the list is at most twice the live handles (and 64).
            list.retain(|w| w.strong_count() > 0);
            *prune_at = (list.len() * 2).max(64);
        }
        list.push(Arc::downgrade(&r));
        r
    }

    /// Marks every object reachable from `roots` (cells; anything that is
    /// not a live object's reference is ignored) and from the host's
    /// handles, and frees the rest: a non-moving mark-sweep with an explicit
    /// mark stack, so deep object graphs use no host stack.
    /// Returns the freed objects, for the caller to drop when it holds no
    /// locks (dropping a host value runs host code).
    pub(crate) fn collect(&mut self, roots: &[u64], reg: &Registry) -> Vec<Object> {
        let mut marks = vec![false; self.objects.len()];
        let mut work: Vec<usize> = Vec::new();
        let objects = &self.objects;
        let mut mark = |cell: u64, work: &mut Vec<usize>| {
            if let Some(i) = object_index(cell)
                && i < objects.len()
                && !marks[i]
                && !matches!(objects[i], Object::Free)
            {
                marks[i] = true;
                work.push(i);
            }
        };
        for &r in roots {
            mark(r, &mut work);
        }
        {
            let mut host = self.roots.lock().unwrap_or_else(|e| e.into_inner());
            host.0.retain(|w| w.strong_count() > 0);
            for w in host.0.iter() {
                if let Some(r) = w.upgrade() {
                    mark(r.bits, &mut work);
                }
            }
        }
        while let Some(i) = work.pop() {
            match &objects[i] {
                Object::Struct { ty, fields } => {
                    let traced = traced_cells(&mut self.traced, reg, *ty);
                    for &at in traced.iter() {
                        if let Some(&c) = fields.get(at as usize) {
                            mark(c, &mut work);
                        }
                    }
                }
                Object::Exn {
                    payload, traced, ..
                } => {
                    for &at in traced.iter() {
                        if let Some(&c) = payload.get(at as usize) {
                            mark(c, &mut work);
                        }
                    }
                }
                Object::Array { ty, elem: 8, data }
                    if !traced_cells(&mut self.traced, reg, *ty).is_empty() =>
                {
                    for c in data.chunks_exact(8) {
                        let mut b = [0u8; 8];
                        b.copy_from_slice(c);
                        mark(u64::from_le_bytes(b), &mut work);
                    }
                }
                _ => {}
            }
        }
        let mut garbage = Vec::new();
        for (i, live) in marks.into_iter().enumerate() {
            if !live && !matches!(self.objects[i], Object::Free) {
                let obj = std::mem::replace(&mut self.objects[i], Object::Free);
                self.bytes -= obj.size();
                self.free.push(i as u32);
                self.stats.freed += 1;
                if let Object::Host(_) = obj {
                    garbage.push(obj);
                }
            }
        }
        self.stats.collections += 1;
        self.threshold = (self.bytes * 2).max(MIN_THRESHOLD);
        garbage
    }
}

/// The cells of type `ty`'s objects the collector follows (cached).
fn traced_cells(
    cache: &mut HashMap<ConcreteType, Arc<[u32]>>,
    reg: &Registry,
    ty: ConcreteType,
) -> Arc<[u32]> {
    cache
        .entry(ty)
        .or_insert_with(|| reg.gc_ref_fields(ty).into())
        .clone()
}

/// Allocates `obj` in the store's heap without collecting: for constant
/// expressions at instantiation, whose partial results no root holds yet,
/// and for wasm's allocations, which collect first in `exec/gc.rs`.
pub(crate) fn alloc(store: &mut super::store::StoreInner, obj: Object) -> Result<u64, TrapKind> {
    store.heap.alloc(obj)
}

/// Allocates `obj` for the host (`ExternRef::new`), where every wasm
/// frame is suspended at a call: collects first when the heap is due, and
/// once more before failing.
pub(crate) fn alloc_from_host(
    store: &mut super::store::StoreInner,
    obj: Object,
) -> Result<u64, TrapKind> {
    if store.heap.needs_collection(obj.size()) {
        crate::exec::collect_garbage(store);
    }
    store.heap.alloc(obj)
}
