//! Executes the directives of one script against one store and linker.

use std::collections::HashMap;

use wast::token::Id;
use wast::{QuoteWat, WastDirective, WastExecute, WastInvoke, WastRet, Wat};
use weft::{Config, Engine, Extern, Instance, Linker, Memory, Module, SharedMemory, Store, Val};

use crate::{spectest, values};

/// What running a function, reading a global or instantiating a module
/// produced: the values (empty for a module), or the engine's error.
type Outcome = Result<Vec<Val>, weft::Error>;

/// The state a script builds up: its store, its linker (holding `spectest`
/// and every registered instance), and its named modules and instances.
pub(crate) struct Runner {
    engine: Engine,
    store: Store<()>,
    linker: Linker<()>,
    /// The most recently instantiated module, the default target of actions.
    current: Option<Instance>,
    instances: HashMap<String, Instance>,
    /// Modules from `(module definition ...)`, in script order.
    definitions: Vec<Module>,
    /// Indices into `definitions` by `$name`.
    definition_names: HashMap<String, usize>,
    /// In a `(thread ...)`: the shared memories of the instance named in
    /// its `(shared (module $m))`, by that name (instances live in their
    /// own thread's store; only shared memories cross threads).
    shared: HashMap<String, Vec<(String, SharedMemory)>>,
}

/// Gives a store compiled for debugging a debugger that stops at every
/// wasm instruction and looks at the stopped frame, so a script checks
/// that stopping, inspecting and resuming change nothing.
fn step_everything(store: &mut Store<()>) {
    store.set_debugger(|d, _| {
        // Only the innermost frame: a walk of all of them at every step
        // would make deep recursion quadratic.
        assert!(d.stack(0).is_some(), "a stop without a stack");
        let mut k = 0;
        while d.local(0, k).is_some() {
            k += 1;
        }
        weft::debug::Resume::Step
    });
    store.debug_handle().pause();
}

/// The exported shared memories of an instance, by export name.
pub(crate) type SharedExports = Vec<(String, SharedMemory)>;

impl Runner {
    /// Creates a fresh store and a linker with `spectest` defined.
    pub(crate) fn new(config: &Config) -> Result<Self, weft::Error> {
        Runner::with_engine(Engine::new(config))
    }

    /// A runner whose modules compile with `engine` (a thread's: it shares
    /// its script's engine, with a store of its own).
    pub(crate) fn with_engine(engine: Engine) -> Result<Self, weft::Error> {
        let config = engine.config().clone();
        let mut store = Store::new(&engine, ());
        if config.fuel_enabled() {
            // Scripts assume unbounded execution; fuel accounting still runs.
            store.set_fuel(u64::MAX)?;
        }
        if config.debug_info_enabled() {
            step_everything(&mut store);
        }
        let mut linker = Linker::new(&engine);
        linker.allow_shadowing(true);
        spectest::define(&mut linker, &mut store)?;
        Ok(Runner {
            engine,
            store,
            linker,
            current: None,
            instances: HashMap::new(),
            definitions: Vec::new(),
            definition_names: HashMap::new(),
            shared: HashMap::new(),
        })
    }

    pub(crate) fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Makes the shared memories `exports` of a parent's instance known to
    /// this (thread's) runner under `name`.
    pub(crate) fn add_shared(&mut self, name: &str, exports: SharedExports) {
        self.shared.insert(name.to_string(), exports);
    }

    /// The exported shared memories of instance `id`, for a thread.
    pub(crate) fn shared_exports(&mut self, id: Id<'_>) -> Result<SharedExports, String> {
        if let Some(exports) = self.shared.get(id.name()) {
            return Ok(exports.clone());
        }
        let instance = self.instance(Some(id))?;
        let mut out = Vec::new();
        for (name, ext) in instance.exports(&mut self.store) {
            if let Extern::Memory(m) = ext
                && let Some(shared) = m.shared(&self.store)
            {
                out.push((name, shared));
            }
        }
        Ok(out)
    }

    /// Runs one directive; `Err` describes how it failed.
    pub(crate) fn run(&mut self, directive: WastDirective<'_>) -> Result<(), String> {
        match directive {
            WastDirective::Module(mut module) => self.module(&mut module),
            WastDirective::ModuleDefinition(mut module) => {
                let name = module.name();
                let compiled = self.compile(&mut module)?;
                if let Some(name) = name {
                    let index = self.definitions.len();
                    self.definition_names.insert(name.name().to_string(), index);
                }
                self.definitions.push(compiled);
                Ok(())
            }
            WastDirective::ModuleInstance {
                instance, module, ..
            } => self.module_instance(instance, module),
            WastDirective::Register {
                name,
                module: Some(id),
                ..
            } if !self.instances.contains_key(id.name()) && self.shared.contains_key(id.name()) => {
                for (export, shared) in self.shared[id.name()].clone() {
                    let memory = Memory::from_shared(&mut self.store, &shared)
                        .map_err(|e| format!("failed to import a shared memory: {e}"))?;
                    self.linker
                        .define(&mut self.store, name, &export, memory)
                        .map_err(|e| format!("failed to register {name:?}: {e}"))?;
                }
                Ok(())
            }
            WastDirective::Register { name, module, .. } => {
                let instance = self.instance(module)?;
                self.linker
                    .instance(&mut self.store, name, instance)
                    .map_err(|e| format!("failed to register {name:?}: {e}"))?;
                Ok(())
            }
            WastDirective::Invoke(invoke) => match self.invoke(&invoke)? {
                Ok(_) => Ok(()),
                Err(err) => Err(format!("invoke failed: {}", describe_error(&err))),
            },
            WastDirective::AssertReturn { exec, results, .. } => self.assert_return(exec, &results),
            WastDirective::AssertTrap { exec, message, .. } => {
                let outcome = self.execute(exec)?;
                expect_trap(outcome, message)
            }
            WastDirective::AssertExhaustion { call, message, .. } => {
                let outcome = self.invoke(&call)?;
                expect_trap(outcome, message)
            }
            WastDirective::AssertInvalid {
                mut module,
                message,
                ..
            } => self.assert_rejected(&mut module, "invalid", message),
            WastDirective::AssertMalformed {
                mut module,
                message,
                ..
            } => self.assert_rejected(&mut module, "malformed", message),
            WastDirective::AssertUnlinkable {
                module, message, ..
            } => self.assert_unlinkable(module, message),
            WastDirective::AssertInvalidCustom { .. }
            | WastDirective::AssertMalformedCustom { .. } => {
                Err("custom-section annotations are not supported".to_string())
            }
            WastDirective::AssertException { exec, .. } => {
                let outcome = self.execute(exec)?;
                expect_exception(outcome)
            }
            WastDirective::AssertSuspension { .. } => {
                Err("stack switching is not supported (assert_suspension)".to_string())
            }
            WastDirective::Thread(_) | WastDirective::Wait { .. } => {
                Err("thread and wait run in the script loop, not here".to_string())
            }
        }
    }

    /// `(module ...)`: compile, instantiate, and make it the current module.
    fn module(&mut self, module: &mut QuoteWat<'_>) -> Result<(), String> {
        let name = module.name();
        self.current = None;
        let compiled = self.compile(module)?;
        let instance = self
            .linker
            .instantiate(&mut self.store, &compiled)
            .map_err(|e| format!("instantiation failed: {}", describe_error(&e)))?;
        self.set_current(name, instance);
        Ok(())
    }

    /// `(module instance $i $m)`: instantiate a previously defined module.
    fn module_instance(
        &mut self,
        instance: Option<Id<'_>>,
        module: Option<Id<'_>>,
    ) -> Result<(), String> {
        self.current = None;
        let definition = match module {
            Some(id) => self
                .definition_names
                .get(id.name())
                .and_then(|index| self.definitions.get(*index))
                .ok_or_else(|| format!("no module definition named ${}", id.name()))?,
            None => self
                .definitions
                .last()
                .ok_or_else(|| "no module definition to instantiate".to_string())?,
        };
        let created = self
            .linker
            .instantiate(&mut self.store, definition)
            .map_err(|e| format!("instantiation failed: {}", describe_error(&e)))?;
        self.set_current(instance, created);
        Ok(())
    }

    fn set_current(&mut self, name: Option<Id<'_>>, instance: Instance) {
        if let Some(name) = name {
            self.instances.insert(name.name().to_string(), instance);
        }
        self.current = Some(instance);
    }

    /// Encodes a script module to binary and compiles it.
    fn compile(&self, module: &mut QuoteWat<'_>) -> Result<Module, String> {
        let bytes = encode(module)?;
        Module::from_binary(&self.engine, &bytes)
            .map_err(|e| format!("failed to compile module: {}", describe_error(&e)))
    }

    /// The instance named `id`, or the current one.
    fn instance(&self, id: Option<Id<'_>>) -> Result<Instance, String> {
        match id {
            Some(id) => self
                .instances
                .get(id.name())
                .copied()
                .ok_or_else(|| format!("no module instance named ${}", id.name())),
            None => self
                .current
                .ok_or_else(|| "no current module instance".to_string()),
        }
    }

    /// Calls an exported function. The outer `Err` is a problem of the
    /// script itself (unknown export, unsupported argument).
    fn invoke(&mut self, invoke: &WastInvoke<'_>) -> Result<Outcome, String> {
        let instance = self.instance(invoke.module)?;
        let func = instance
            .get_func(&mut self.store, invoke.name)
            .ok_or_else(|| format!("no exported function named {:?}", invoke.name))?;
        let args = invoke
            .args
            .iter()
            .map(|arg| values::arg(&mut self.store, arg))
            .collect::<Result<Vec<_>, _>>()?;
        let ty = func.ty(&mut self.store);
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        Ok(func
            .call(&mut self.store, &args, &mut results)
            .map(|()| results))
    }

    /// Runs the action of an `assert_return` or `assert_trap`.
    fn execute(&mut self, exec: WastExecute<'_>) -> Result<Outcome, String> {
        match exec {
            WastExecute::Invoke(invoke) => self.invoke(&invoke),
            WastExecute::Get { module, global, .. } => {
                let instance = self.instance(module)?;
                let global = instance
                    .get_global(&mut self.store, global)
                    .ok_or_else(|| format!("no exported global named {global:?}"))?;
                Ok(Ok(vec![global.get(&mut self.store)]))
            }
            WastExecute::Wat(wat) => {
                let module = self.compile(&mut QuoteWat::Wat(wat))?;
                Ok(self
                    .linker
                    .instantiate(&mut self.store, &module)
                    .map(|_| Vec::new()))
            }
        }
    }

    fn assert_return(
        &mut self,
        exec: WastExecute<'_>,
        expected: &[WastRet<'_>],
    ) -> Result<(), String> {
        match self.execute(exec)? {
            Ok(actual) => values::check_results(&self.store, &actual, expected),
            Err(err) => Err(format!("expected a return, got {}", describe_error(&err))),
        }
    }

    /// `assert_invalid` / `assert_malformed`: the module must be rejected,
    /// either already by the text parser or encoder, or by the engine.
    fn assert_rejected(
        &self,
        module: &mut QuoteWat<'_>,
        kind: &str,
        message: &str,
    ) -> Result<(), String> {
        if is_component(module) {
            return Err("components are not supported".to_string());
        }
        let Ok(bytes) = module.encode() else {
            return Ok(());
        };
        match Module::from_binary(&self.engine, &bytes) {
            Ok(_) => Err(format!(
                "expected the module to be rejected as {kind} ({message:?}), but it compiled"
            )),
            Err(_) => Ok(()),
        }
    }

    /// `assert_unlinkable`: the module compiles but must fail to link.
    fn assert_unlinkable(&mut self, module: Wat<'_>, message: &str) -> Result<(), String> {
        let module = self.compile(&mut QuoteWat::Wat(module))?;
        match self.linker.instantiate(&mut self.store, &module) {
            Ok(_) => Err(format!(
                "expected a link error ({message:?}), but instantiation succeeded"
            )),
            Err(err) if err.as_trap().is_some() => Err(format!(
                "expected a link error ({message:?}), got {}",
                describe_error(&err)
            )),
            Err(err) if err.to_string().contains(message) => Ok(()),
            Err(err) => Err(format!(
                "expected a link error ({message:?}), got: {}",
                describe_error(&err)
            )),
        }
    }
}

fn is_component(module: &QuoteWat<'_>) -> bool {
    matches!(
        module,
        QuoteWat::Wat(Wat::Component(_)) | QuoteWat::QuoteComponent(..)
    )
}

fn encode(module: &mut QuoteWat<'_>) -> Result<Vec<u8>, String> {
    if is_component(module) {
        return Err("components are not supported".to_string());
    }
    module
        .encode()
        .map_err(|e| format!("failed to encode module: {}", e.message()))
}

/// Checks that `outcome` is a trap whose message matches `expected`: ours
/// contains the expected text, or the expected text starts with ours.
fn expect_trap(outcome: Outcome, expected: &str) -> Result<(), String> {
    let err = match outcome {
        Ok(vals) => {
            return Err(format!(
                "expected trap {expected:?}, got success with {}",
                values::describe_all(&vals)
            ));
        }
        Err(err) => err,
    };
    let Some(trap) = err.as_trap() else {
        return Err(format!(
            "expected trap {expected:?}, got a non-trap error: {}",
            describe_error(&err)
        ));
    };
    let actual = trap.kind().to_string();
    if actual.contains(expected) || (!actual.is_empty() && expected.starts_with(&actual)) {
        Ok(())
    } else {
        Err(format!("expected trap {expected:?}, got trap {actual:?}"))
    }
}

/// `assert_exception`: the action ends in a wasm exception no handler
/// caught.
fn expect_exception(outcome: Outcome) -> Result<(), String> {
    match outcome {
        Ok(vals) => Err(format!(
            "expected an exception, got success with {}",
            values::describe_all(&vals)
        )),
        Err(err) if err.as_exception().is_some() => Ok(()),
        Err(err) => Err(format!(
            "expected an exception, got {}",
            describe_error(&err)
        )),
    }
}

/// One line describing an engine error (a trap without its backtrace).
fn describe_error(err: &weft::Error) -> String {
    match err.as_trap() {
        Some(trap) => format!("trap: {}", trap.kind()),
        None => err
            .to_string()
            .lines()
            .next()
            .unwrap_or_default()
            .to_string(),
    }
}
