//! [`Engine`] and [`Config`]: enabled features, limits, and the engine-wide
//! type registry (so `call_indirect` compares two integers).

mod registry;

pub(crate) use registry::{Composite, FieldType, GROUP_LOCAL, Registry, StorageType, SubType};

use crate::types::{ConcreteType, FuncType};
use std::sync::{Arc, RwLock, RwLockReadGuard};

/// Which WebAssembly proposals are enabled and what limits apply.
#[derive(Debug, Clone)]
pub struct Config {
    pub(crate) max_call_depth: usize,
    pub(crate) max_stack_cells: usize,
    pub(crate) multi_value: bool,
    pub(crate) sign_extension: bool,
    pub(crate) saturating_float_to_int: bool,
    pub(crate) mutable_global: bool,
    pub(crate) reference_types: bool,
    pub(crate) bulk_memory: bool,
    pub(crate) simd: bool,
    pub(crate) multi_memory: bool,
    pub(crate) relaxed_simd: bool,
    pub(crate) extended_const: bool,
    pub(crate) wide_arithmetic: bool,
    pub(crate) tail_call: bool,
    pub(crate) memory64: bool,
    pub(crate) custom_page_sizes: bool,
    pub(crate) function_references: bool,
    pub(crate) gc: bool,
    pub(crate) exceptions: bool,
    pub(crate) threads: bool,
    pub(crate) legacy_exceptions: bool,
    pub(crate) consume_fuel: bool,
    pub(crate) lazy_compilation: bool,
    pub(crate) interruptible: bool,
    pub(crate) debug_info: bool,
    pub(crate) compile_threads: usize,
    pub(crate) gc_zeal: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_call_depth: 20_000,
            max_stack_cells: 4 << 20,
            multi_value: true,
            sign_extension: true,
            saturating_float_to_int: true,
            mutable_global: true,
            reference_types: true,
            bulk_memory: true,
            simd: true,
            relaxed_simd: true,
            multi_memory: true,
            extended_const: true,
            wide_arithmetic: true,
            tail_call: true,
            memory64: true,
            custom_page_sizes: true,
            function_references: true,
            gc: true,
            exceptions: true,
            threads: true,
            legacy_exceptions: false,
            consume_fuel: false,
            lazy_compilation: false,
            interruptible: false,
            debug_info: false,
            compile_threads: 0,
            gc_zeal: false,
        }
    }
}

impl Config {
    /// A default configuration.
    pub fn new() -> Self {
        Config::default()
    }

    /// Collect garbage at every GC allocation (a testing aid: it makes
    /// a missing root show up at once; far too slow for real use).
    #[doc(hidden)]
    pub fn gc_zeal(&mut self, on: bool) -> &mut Self {
        self.gc_zeal = on;
        self
    }

    /// Maximum number of nested wasm calls before a `call stack exhausted` trap.
    pub fn max_call_depth(&mut self, depth: usize) -> &mut Self {
        self.max_call_depth = depth.max(1);
        self
    }

    /// Maximum number of 64-bit value-stack cells (locals and operands of all
    /// active frames) before a `call stack exhausted` trap.
    pub fn max_stack_cells(&mut self, cells: usize) -> &mut Self {
        self.max_stack_cells = cells.max(1024);
        self
    }

    /// Enables or disables the multi-value proposal.
    pub fn wasm_multi_value(&mut self, on: bool) -> &mut Self {
        self.multi_value = on;
        self
    }

    /// Enables or disables the sign-extension operators.
    pub fn wasm_sign_extension(&mut self, on: bool) -> &mut Self {
        self.sign_extension = on;
        self
    }

    /// Enables or disables the non-trapping float-to-int conversions.
    pub fn wasm_saturating_float_to_int(&mut self, on: bool) -> &mut Self {
        self.saturating_float_to_int = on;
        self
    }

    /// Enables or disables import/export of mutable globals.
    pub fn wasm_mutable_global(&mut self, on: bool) -> &mut Self {
        self.mutable_global = on;
        self
    }

    /// Enables or disables reference types (`funcref`/`externref` values,
    /// several tables, `table.*` instructions).
    pub fn wasm_reference_types(&mut self, on: bool) -> &mut Self {
        self.reference_types = on;
        self
    }

    /// Enables or disables bulk memory (`memory.copy/fill/init`, `table.copy/init`,
    /// passive segments).
    pub fn wasm_bulk_memory(&mut self, on: bool) -> &mut Self {
        self.bulk_memory = on;
        self
    }

    /// Enables or disables 128-bit SIMD (`v128` values and operators).
    /// Disabling it also disables relaxed SIMD.
    pub fn wasm_simd(&mut self, on: bool) -> &mut Self {
        self.simd = on;
        if !on {
            self.relaxed_simd = false;
        }
        self
    }

    /// Enables or disables relaxed SIMD (deterministic in weft: see the
    /// `simd` module's documentation for the result each operator gives).
    /// Enabling it also enables SIMD.
    pub fn wasm_relaxed_simd(&mut self, on: bool) -> &mut Self {
        self.relaxed_simd = on;
        if on {
            self.simd = true;
        }
        self
    }

    /// Enables or disables multi-memory (several memories per module; memory
    /// instructions name the one they use).
    pub fn wasm_multi_memory(&mut self, on: bool) -> &mut Self {
        self.multi_memory = on;
        self
    }

    /// Enables or disables extended constant expressions (`i32/i64.add`,
    /// `sub`, `mul` and `global.get` of any earlier immutable global in
    /// initialisers and segment offsets).
    pub fn wasm_extended_const(&mut self, on: bool) -> &mut Self {
        self.extended_const = on;
        self
    }

    /// Enables or disables wide arithmetic (`i64.add128`, `i64.sub128`,
    /// `i64.mul_wide_s`, `i64.mul_wide_u`).
    pub fn wasm_wide_arithmetic(&mut self, on: bool) -> &mut Self {
        self.wide_arithmetic = on;
        self
    }

    /// Enables or disables tail calls (`return_call`,
    /// `return_call_indirect`): the callee replaces the caller's frame.
    pub fn wasm_tail_call(&mut self, on: bool) -> &mut Self {
        self.tail_call = on;
        self
    }

    /// Enables or disables memory64: memories with 64-bit addresses
    /// (`(memory i64 ...)`), up to the store's memory limit.
    pub fn wasm_memory64(&mut self, on: bool) -> &mut Self {
        self.memory64 = on;
        self
    }

    /// Enables or disables custom page sizes (`(pagesize 1)`: memories
    /// counted in single bytes instead of 64 KiB pages).
    pub fn wasm_custom_page_sizes(&mut self, on: bool) -> &mut Self {
        self.custom_page_sizes = on;
        self
    }

    /// Enables or disables typed function references (`(ref $t)`,
    /// `(ref null $t)`, `call_ref`, `return_call_ref`, `ref.as_non_null`,
    /// `br_on_null`, `br_on_non_null`, non-nullable locals, tables with an
    /// initialiser). Disabling it also disables GC.
    pub fn wasm_function_references(&mut self, on: bool) -> &mut Self {
        self.function_references = on;
        if !on {
            self.gc = false;
        }
        self
    }

    /// Enables or disables the GC proposal's types: recursive type groups,
    /// subtyping (`sub`, `sub final`), struct and array types and the
    /// abstract `any`/`eq`/`i31`/`struct`/`array`/`none` hierarchy.
    /// weft registers and links these types, but does not run the GC
    /// instructions yet (`struct.new`, `array.new`, casts, ...): a function
    /// that uses one is rejected when it is compiled. Enabling it also
    /// enables typed function references.
    pub fn wasm_gc(&mut self, on: bool) -> &mut Self {
        self.gc = on;
        if on {
            self.function_references = true;
        }
        self
    }

    /// Enables or disables exception handling: tags, `throw`, `throw_ref`,
    /// `try_table` and `exnref`.
    pub fn wasm_exceptions(&mut self, on: bool) -> &mut Self {
        self.exceptions = on;
        self
    }

    /// Enables or disables threads: shared memories, atomic instructions,
    /// `memory.atomic.wait*`/`notify` and `atomic.fence`.
    pub fn wasm_threads(&mut self, on: bool) -> &mut Self {
        self.threads = on;
        self
    }

    /// Enables or disables the legacy form of exception handling (`try`,
    /// `catch`, `catch_all`, `delegate`, `rethrow`), which older toolchains
    /// emit; it is not part of WebAssembly 3.0, so it is off by default
    /// (`weft run` turns it on). It runs on the same handler tables as
    /// `try_table`.
    pub fn wasm_legacy_exceptions(&mut self, on: bool) -> &mut Self {
        self.legacy_exceptions = on;
        self
    }

    /// Compiles each function on its first call instead of with the module.
    /// The whole module is still validated up front, so an invalid module is
    /// rejected just as early; what moves is the translation to weft's code,
    /// which is most of the load time of a large module whose functions do
    /// not all run. Off by default. A body that validates but exceeds one of
    /// weft's own limits (the number of local cells, for instance) is then
    /// reported by the call that first reaches it, as a module error.
    pub fn lazy_compilation(&mut self, on: bool) -> &mut Self {
        self.lazy_compilation = on;
        self
    }

    /// How many threads validate and compile a module's functions: 0 (the
    /// default) for one per available CPU, 1 for none but the caller's. A
    /// small code section is always done on the caller's thread. Results
    /// and errors do not depend on it: functions are taken in order and the
    /// first invalid one is reported.
    pub fn compile_threads(&mut self, n: usize) -> &mut Self {
        self.compile_threads = n;
        self
    }

    /// Compiles code that charges fuel per basic block (one unit per
    /// instruction), so `Store::set_fuel` bounds execution. Off by default;
    /// when off, compiled code contains no fuel accounting at all.
    pub fn consume_fuel(&mut self, on: bool) -> &mut Self {
        self.consume_fuel = on;
        self
    }

    /// Compiles code that checks the store's interrupt flag at function
    /// entry and loop headers (see `Store::interrupt_handle`). Off by
    /// default; when off, compiled code contains no checks.
    pub fn interruptible(&mut self, on: bool) -> &mut Self {
        self.interruptible = on;
        self
    }

    /// Compiles code for a debugger: a step point before every wasm
    /// instruction (where breakpoints and single steps stop), no
    /// instruction fused across two wasm instructions, and a map of where
    /// each local and operand-stack value is; modules keep their binary,
    /// which a debugger reads for the DWARF sections. Off by default; when
    /// off, compiled code has no step points and debugging costs nothing.
    /// See `Store::set_debugger`.
    pub fn debug_info(&mut self, on: bool) -> &mut Self {
        self.debug_info = on;
        self
    }

    /// Whether code is compiled for a debugger.
    pub fn debug_info_enabled(&self) -> bool {
        self.debug_info
    }

    /// Whether code is compiled with fuel accounting.
    pub fn fuel_enabled(&self) -> bool {
        self.consume_fuel
    }

    /// Whether code is compiled with interrupt checks.
    pub fn interruptible_enabled(&self) -> bool {
        self.interruptible
    }

    /// A configuration with exactly the WebAssembly 2.0 features: everything
    /// in the default configuration except the 3.0 features multi-memory (2.0
    /// requires a module to have at most one memory and encodes a zero byte
    /// where 3.0 has a memory index), relaxed SIMD, extended constant
    /// expressions, wide arithmetic, tail calls, memory64, custom page
    /// sizes, typed function references, GC types and exception tags.
    pub fn wasm2() -> Self {
        Config {
            multi_memory: false,
            relaxed_simd: false,
            extended_const: false,
            wide_arithmetic: false,
            tail_call: false,
            memory64: false,
            custom_page_sizes: false,
            function_references: false,
            gc: false,
            exceptions: false,
            threads: false,
            ..Config::default()
        }
    }

    /// Enables (`true`) or disables a feature by its command-line name:
    /// `multi-value`, `sign-extension`, `saturating-float-to-int`,
    /// `mutable-global`, `reference-types`, `bulk-memory`, `simd`,
    /// `relaxed-simd`, `multi-memory`, `extended-const`, `wide-arithmetic`,
    /// `tail-call`, `memory64`, `custom-page-sizes`, `function-references`,
    /// `gc`, `exceptions`, `legacy-exceptions`, `threads`.
    /// Returns `false` for an unknown name.
    pub fn set_feature(&mut self, name: &str, on: bool) -> bool {
        match name {
            "multi-value" => self.wasm_multi_value(on),
            "sign-extension" => self.wasm_sign_extension(on),
            "saturating-float-to-int" | "nontrapping-float-to-int-conversions" => {
                self.wasm_saturating_float_to_int(on)
            }
            "mutable-global" => self.wasm_mutable_global(on),
            "reference-types" => self.wasm_reference_types(on),
            "bulk-memory" => self.wasm_bulk_memory(on),
            "simd" => self.wasm_simd(on),
            "relaxed-simd" => self.wasm_relaxed_simd(on),
            "multi-memory" => self.wasm_multi_memory(on),
            "extended-const" => self.wasm_extended_const(on),
            "wide-arithmetic" => self.wasm_wide_arithmetic(on),
            "tail-call" => self.wasm_tail_call(on),
            "memory64" => self.wasm_memory64(on),
            "custom-page-sizes" => self.wasm_custom_page_sizes(on),
            "function-references" => self.wasm_function_references(on),
            "gc" => self.wasm_gc(on),
            "exceptions" | "exception-handling" => self.wasm_exceptions(on),
            "legacy-exceptions" => self.wasm_legacy_exceptions(on),
            "threads" => self.wasm_threads(on),
            _ => return false,
        };
        true
    }

    /// A configuration with only WebAssembly 1.0 (plus nothing else).
    pub fn wasm1() -> Self {
        Config {
            multi_value: false,
            sign_extension: false,
            saturating_float_to_int: false,
            reference_types: false,
            bulk_memory: false,
            simd: false,
            mutable_global: true,
            ..Config::wasm2()
        }
    }

    pub(crate) fn wasm_features(&self) -> wasmparser::WasmFeatures {
        use wasmparser::WasmFeatures as F;
        let mut f = F::MVP;
        f.set(F::MUTABLE_GLOBAL, self.mutable_global);
        f.set(F::MULTI_VALUE, self.multi_value);
        f.set(F::SIGN_EXTENSION, self.sign_extension);
        f.set(F::SATURATING_FLOAT_TO_INT, self.saturating_float_to_int);
        f.set(F::REFERENCE_TYPES, self.reference_types);
        f.set(F::BULK_MEMORY, self.bulk_memory);
        f.set(F::SIMD, self.simd);
        f.set(F::RELAXED_SIMD, self.relaxed_simd);
        f.set(F::MULTI_MEMORY, self.multi_memory);
        f.set(F::EXTENDED_CONST, self.extended_const);
        f.set(F::WIDE_ARITHMETIC, self.wide_arithmetic);
        f.set(F::TAIL_CALL, self.tail_call);
        f.set(F::MEMORY64, self.memory64);
        f.set(F::CUSTOM_PAGE_SIZES, self.custom_page_sizes);
        f.set(F::FUNCTION_REFERENCES, self.function_references);
        f.set(F::GC, self.gc);
        f.set(F::EXCEPTIONS, self.exceptions);
        f.set(F::THREADS, self.threads);
        f.set(F::LEGACY_EXCEPTIONS, self.legacy_exceptions);
        f
    }
}

/// An engine-wide type id as compiled code carries it (a
/// [`ConcreteType`]'s index): equal ids mean equal types.
pub(crate) type SigId = u32;

#[derive(Debug)]
struct EngineInner {
    config: Config,
    types: RwLock<Registry>,
}

/// Compiles modules and owns engine-wide settings. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Engine {
    inner: Arc<EngineInner>,
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new(&Config::default())
    }
}

impl Engine {
    /// Creates an engine with the given configuration.
    pub fn new(config: &Config) -> Self {
        Engine {
            inner: Arc::new(EngineInner {
                config: config.clone(),
                types: RwLock::new(Registry::default()),
            }),
        }
    }

    /// The configuration this engine was built with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Whether both handles are the same engine (clones of one another).
    pub fn same(&self, other: &Engine) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// The type registry, for reading.
    pub(crate) fn types(&self) -> RwLockReadGuard<'_, Registry> {
        match self.inner.types.read() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Registers a recursive type group (see [`Registry::register`]).
    pub(crate) fn register_group(&self, group: &[SubType]) -> Option<u32> {
        let mut reg = match self.inner.types.write() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        reg.register(group)
    }

    /// The canonical id of a function type declared on its own, as a final
    /// type without supertypes: what a host function's type is, and equal
    /// to a module's `(type (func ...))` of the same signature.
    pub(crate) fn intern_func(&self, ty: &FuncType) -> ConcreteType {
        let group = [SubType {
            is_final: true,
            supertype: None,
            composite: Composite::Func(ty.clone()),
        }];
        // Only a registry of 2^31 types refuses; the id past every real
        // one then matches no other type.
        ConcreteType(self.register_group(&group).unwrap_or(u32::MAX))
    }

    /// [`Engine::intern_func`], as the id compiled code compares.
    pub(crate) fn intern_sig(&self, ty: &FuncType) -> SigId {
        self.intern_func(ty).0
    }
}
