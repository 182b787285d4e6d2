//! `weft run`: instantiate a module and call one of its functions, or run
//! a WASI command.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use clap::Args;
use weft::{Engine, Linker, Module, Store, Val, ValType};
use weft_wasi::{SharedWasiCtx, ThreadState, WasiCtx, WasiCtxBuilder, WasiThreads};

use crate::CliError;

/// Arguments of `weft run`.
#[derive(Debug, Clone, Args)]
pub(crate) struct RunArgs {
    /// The module to run (.wat text or .wasm binary).
    file: PathBuf,
    /// Call this exported function and print its results, one per line.
    #[arg(long, value_name = "NAME")]
    invoke: Option<String>,
    /// Give a WASI guest the host directory HOST, under the name GUEST
    /// (default: HOST as written). The guest can reach nothing outside
    /// its preopened directories. Repeatable.
    #[arg(long = "dir", value_name = "HOST[::GUEST]")]
    dirs: Vec<String>,
    /// Set an environment variable for a WASI guest; NAME alone passes the
    /// host's value of NAME. Repeatable; applied after --inherit-env.
    #[arg(long = "env", value_name = "NAME[=VALUE]")]
    envs: Vec<String>,
    /// Give a WASI guest a TCP socket listening on HOST:PORT, as the next
    /// descriptor after the --dir ones; it accepts connections with
    /// sock_accept. Repeatable.
    #[arg(long = "tcplisten", value_name = "HOST:PORT")]
    tcplisten: Vec<String>,
    /// Give a WASI guest the whole host environment.
    #[arg(long)]
    inherit_env: bool,
    #[command(flatten)]
    limits: crate::limits::LimitArgs,
    /// Instantiate FILE before the main module and make its exports
    /// importable as module NAME (WASI imports resolve for it too, and so
    /// do the exports of earlier --preload modules). Repeatable, in order.
    #[arg(long = "preload", value_name = "NAME=FILE")]
    preloads: Vec<String>,
    /// Most threads a wasi-threads program may run at once besides its
    /// main thread; past it `thread-spawn` fails (pthread_create returns
    /// EAGAIN).
    #[arg(long, value_name = "N", default_value_t = 64)]
    max_threads: usize,
    /// Sample the guest's wasm call stack every INTERVAL (default 10ms)
    /// and write a profile when it ends: `guest` for the Firefox Profiler
    /// (processed-profile JSON, default PATH weft-guest-profile.json),
    /// `collapsed` for flame-graph tools (`outer;inner count` lines,
    /// default PATH weft-guest-profile.folded).
    #[arg(long, value_name = "guest|collapsed[,PATH[,INTERVAL]]", value_parser = crate::profile::parse_spec)]
    profile: Option<crate::profile::ProfileSpec>,
    /// Debug the guest with LLDB: wait on 127.0.0.1:PORT (default 1234;
    /// 0 picks a free one) for `process connect --plugin wasm
    /// connect://127.0.0.1:PORT`, and start stopped before the first
    /// instruction. Code is compiled with a step point before every wasm
    /// instruction.
    #[arg(short = 'g', long = "debug", value_name = "PORT")]
    debug: Option<u16>,
    /// For a WASI command: its arguments (argv[1]...; argv[0] is FILE).
    /// With --invoke: the function's arguments, parsed by its parameter
    /// types: integers in decimal or 0x hex, floats in decimal or nan, inf,
    /// -inf. Use `--` before arguments that start with `-`.
    #[arg(
        value_name = "ARGS",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    args: Vec<String>,
}

/// The port of a bare `weft run -g`.
pub(crate) const DEFAULT_DEBUG_PORT: u16 = 1234;

/// Runs `weft run`; returns the exit status.
///
/// A module that imports `wasi_snapshot_preview1` or exports `_start` is a
/// WASI command when no --invoke is given: `_start` runs with ARGS as its
/// arguments, and the exit status is the guest's `proc_exit` code (taken
/// modulo 256, as POSIX does), or 0 if `_start` returns.
pub(crate) fn run(args: &RunArgs) -> Result<u8, CliError> {
    let file = args.file.display();
    let bytes = crate::read_module(&args.file)?;
    let compile = |config: &weft::Config| {
        let engine = Engine::new(config);
        Module::from_binary(&engine, &bytes)
            .map(|m| (engine, m))
            .map_err(|e| CliError::error(format!("{file}: {e}")))
    };
    let mut config = args.limits.config();
    if args.profile.is_some() {
        // Samples are taken where interruptible code checks its flag.
        config.interruptible(true);
    }
    if args.debug.is_some() {
        if args.profile.is_some() {
            return Err(CliError::error("-g and --profile cannot be used together"));
        }
        config.debug_info(true);
    }
    let (mut engine, mut module) = compile(&config)?;
    let threaded = weft_wasi::imports_threads(&module);
    if threaded && !config.interruptible_enabled() {
        // Ending the program from any thread interrupts the others.
        config.interruptible(true);
        (engine, module) = compile(&config)?;
    }
    let preloads = compile_preloads(&engine, &args.preloads)?;
    if threaded && args.debug.is_some() {
        return Err(CliError::error(format!(
            "{file}: debugging is not supported for wasi-threads programs"
        )));
    }
    if threaded && args.profile.is_some() {
        return Err(CliError::error(format!(
            "{file}: profiling is not supported for wasi-threads programs"
        )));
    }
    if threaded && !preloads.is_empty() {
        return Err(CliError::error(format!(
            "{file}: --preload is not supported for wasi-threads programs"
        )));
    }
    let provided = |i: &weft::ImportType<'_>| {
        i.module() == weft_wasi::MODULE
            || preloads.iter().any(|p| p.name == i.module())
            || (threaded
                && i.module() == weft_wasi::THREADS_MODULE
                && weft_wasi::SPAWN_NAMES.contains(&i.name()))
            || (threaded && matches!(i.ty(), weft::ExternType::Memory(t) if t.is_shared()))
    };
    if let Some(import) = module.imports().find(|i| !provided(i)) {
        return Err(CliError::error(format!(
            "{file}: unresolved import \"{}\" \"{}\" ({}): weft run provides only \"{}\" imports, \
             the modules given with --preload (and, for wasi-threads, \"wasi\" \"thread-spawn\" and \
             a shared memory)",
            import.module(),
            import.name(),
            import.ty(),
            weft_wasi::MODULE
        )));
    }
    let has_start = module.exports().any(|e| e.name() == "_start");
    let command = args.invoke.is_none() && (has_start || weft_wasi::imports_wasi(&module));
    if args.invoke.is_none() && !command && !args.args.is_empty() {
        return Err(CliError::error(
            "arguments were given but no function to pass them to (use --invoke NAME)",
        ));
    }

    let mut builder = WasiCtxBuilder::new();
    builder.arg(args.file.as_os_str().as_encoded_bytes());
    if command {
        builder.args(&args.args);
    }
    configure_env(&mut builder, args)?;
    for spec in &args.dirs {
        let (host, guest) = spec.split_once("::").unwrap_or((spec, spec));
        builder
            .preopened_dir(host, guest)
            .map_err(|e| CliError::error(format!("--dir {spec}: {host}: {e}")))?;
    }
    for addr in &args.tcplisten {
        let listener = std::net::TcpListener::bind(addr)
            .map_err(|e| CliError::error(format!("--tcplisten {addr}: {e}")))?;
        builder.preopened_listener(listener);
    }
    if threaded {
        return run_threaded(args, &module, builder.build());
    }
    let mut store = Store::new(&engine, builder.build());
    args.limits.apply(&mut store)?;
    let sampler = args
        .profile
        .as_ref()
        .map(|spec| crate::profile::Sampler::start(&store, spec));
    let stub = match args.debug {
        Some(port) => {
            // Instances are numbered as they are made: preloads first.
            let mut names: Vec<(usize, String)> = preloads
                .iter()
                .enumerate()
                .map(|(i, p)| (i, format!("{}.wasm", p.name)))
                .collect();
            names.push((preloads.len(), debug_name(&args.file)));
            Some(crate::gdb::attach(&mut store, port, names)?)
        }
        None => None,
    };
    let mut linker = Linker::new(&engine);
    weft_wasi::add_to_linker(&mut linker, |ctx: &mut WasiCtx| ctx)
        .map_err(|e| CliError::error(e.to_string()))?;
    for p in &preloads {
        let instance = match linker.instantiate(&mut store, &p.module) {
            Ok(instance) => instance,
            Err(e) => return link_error(&p.file, &e),
        };
        // A WASI reactor initialises itself in `_initialize`.
        if let Some(init) = instance.get_func(&mut store, "_initialize")
            && let Err(e) = call(&mut store, init, &[])
        {
            return exit_or_error(&e);
        }
        linker
            .instance(&mut store, &p.name, instance)
            .map_err(|e| CliError::error(format!("--preload {}: {e}", p.name)))?;
    }
    let instance = match linker.instantiate(&mut store, &module) {
        Ok(instance) => instance,
        Err(e) => return link_error(&file.to_string(), &e),
    };
    let outcome = main_call(&mut store, instance, args)?;
    if let Some(stub) = stub
        && let Ok(mut stub) = stub.lock()
    {
        let status = match &outcome {
            Ok(_) => 0,
            Err(e) => weft_wasi::exit_code(e).map_or(2, |c| (c & 0xff) as u8),
        };
        stub.exited(status);
    }
    if let Some(sampler) = sampler {
        sampler.finish(&mut store, &file.to_string())?;
    }
    report(&store, outcome)
}

/// Arguments of `weft profile`: those of `weft run`, plus where to write
/// the flame graph and how often to sample.
#[derive(Debug, Args)]
pub(crate) struct ProfileArgs {
    /// Write the SVG flame graph here (default: the module's file name
    /// with `.svg`, in the current directory).
    #[arg(short = 'o', long, value_name = "FILE.svg")]
    output: Option<PathBuf>,
    /// Sample every DURATION.
    #[arg(long, value_name = "DURATION", default_value = "1ms", value_parser = crate::profile::parse_interval)]
    interval: std::time::Duration,
    #[command(flatten)]
    run: RunArgs,
}

/// Runs `weft profile`: `weft run` with an SVG flame graph as its profile.
pub(crate) fn profile(args: &ProfileArgs) -> Result<u8, CliError> {
    let path = args.output.clone().unwrap_or_else(|| {
        let stem = args.run.file.file_stem().unwrap_or_default();
        PathBuf::from(stem).with_extension("svg")
    });
    if args.run.debug.is_some() {
        return Err(CliError::error(
            "weft profile cannot debug; use weft run -g to debug",
        ));
    }
    let mut run_args = args.run.clone();
    run_args.profile = Some(crate::profile::ProfileSpec {
        format: crate::profile::Format::Svg,
        path,
        interval: args.interval,
    });
    run(&run_args)
}

/// A module given with --preload.
struct Preload {
    name: String,
    file: String,
    module: Module,
}

/// Compiles each `NAME=FILE` of --preload; a module's imports must come
/// from WASI or from the modules before it.
fn compile_preloads(engine: &Engine, specs: &[String]) -> Result<Vec<Preload>, CliError> {
    let mut out: Vec<Preload> = Vec::new();
    for spec in specs {
        let Some((name, path)) = spec
            .split_once('=')
            .filter(|(n, p)| !n.is_empty() && !p.is_empty())
        else {
            return Err(CliError::error(format!(
                "--preload {spec}: expected NAME=FILE"
            )));
        };
        let file = path.to_string();
        let bytes = crate::read_module(std::path::Path::new(path))?;
        let module = Module::from_binary(engine, &bytes)
            .map_err(|e| CliError::error(format!("{file}: {e}")))?;
        if let Some(i) = module
            .imports()
            .find(|i| i.module() != weft_wasi::MODULE && !out.iter().any(|p| p.name == i.module()))
        {
            return Err(CliError::error(format!(
                "{file}: unresolved import \"{}\" \"{}\" ({}): a --preload module may import \
                 only from \"{}\" and from the --preload modules before it",
                i.module(),
                i.name(),
                i.ty(),
                weft_wasi::MODULE
            )));
        }
        out.push(Preload {
            name: name.to_string(),
            file,
            module,
        });
    }
    Ok(out)
}

/// An instantiation failure of `file`: a trap (in its start function) or
/// an exit ends the run as usual; a link error names the module.
fn link_error(file: &str, err: &weft::Error) -> Result<u8, CliError> {
    if err.as_trap().is_some() || weft_wasi::exit_code(err).is_some() {
        return exit_or_error(err);
    }
    Err(CliError::error(format!("{file}: {err}")))
}

/// Runs a wasi-threads program: the main thread and every thread it
/// spawns share the imported memory and the WASI context; --timeout and
/// --fuel apply to each thread.
fn run_threaded(args: &RunArgs, module: &Module, ctx: WasiCtx) -> Result<u8, CliError> {
    let limits = args.limits.clone();
    let setup = Box::new(move |store: &mut Store<ThreadState>| {
        limits.apply_limits(store).map_err(weft::Error::host)
    });
    let threads = WasiThreads::new(
        module,
        SharedWasiCtx::new(ctx),
        args.max_threads,
        args.limits.max_memory(),
        setup,
    )
    .map_err(|e| CliError::error(format!("{}: {e}", args.file.display())))?;
    let timer = threads.clone();
    args.limits.on_timeout(move || timer.interrupt_all());
    // Whoever reports how the program ended: the main thread, or (when it
    // stays blocked in a host call after another thread ended the
    // program) the watcher, which then ends the process itself.
    let reported = Arc::new(AtomicBool::new(false));
    let (watched, claim) = (threads.clone(), reported.clone());
    std::thread::spawn(move || {
        watched.wait_ended();
        std::thread::sleep(Duration::from_millis(200));
        if claim.swap(true, Ordering::SeqCst) {
            return;
        }
        if let Some(err) = watched.take_outcome() {
            let code = match exit_or_error(&err) {
                Ok(code) => code,
                Err(e) => e.report(),
            };
            std::process::exit(i32::from(code));
        }
    });
    let main = threads.main_instance();
    let (store, outcome) = match main {
        Ok((mut store, instance)) => {
            let outcome = main_call(&mut store, instance, args)?;
            (Some(store), outcome)
        }
        Err(e) => (None, Err(e)),
    };
    // Claim the report before taking the outcome: a watcher that claimed
    // first is ending the process with it.
    if reported.swap(true, Ordering::SeqCst) {
        loop {
            std::thread::park();
        }
    }
    let outcome = match outcome {
        Ok(results) => threads.outcome(Ok(())).map(|()| results),
        Err(e) => Err(threads.outcome(Err(e)).unwrap_err()),
    };
    match store {
        Some(store) => report(&store, outcome),
        None => exit_or_error(&outcome.unwrap_err()),
    }
}

/// The name LLDB shows for the main module: its file name, as a `.wasm`.
fn debug_name(file: &std::path::Path) -> String {
    let stem = file
        .file_stem()
        .map_or("module".into(), |s| s.to_string_lossy());
    format!("{stem}.wasm")
}

/// Calls `_start` (if any, for a command) or the --invoke function with the
/// command-line arguments. The outer error is a usage error; the inner
/// result is the guest's.
fn main_call<T>(
    store: &mut Store<T>,
    instance: weft::Instance,
    args: &RunArgs,
) -> Result<weft::Result<Vec<Val>>, CliError> {
    let Some(name) = &args.invoke else {
        // Without `_start` the start function (if any) has already run.
        return Ok(match instance.get_func(&mut *store, "_start") {
            Some(start) => call(store, start, &[]).map(|_| Vec::new()),
            None => Ok(Vec::new()),
        });
    };
    let func = instance
        .get_func(&mut *store, name)
        .ok_or_else(|| CliError::error(format!("unknown export: no function named `{name}`")))?;
    let ty = func.ty(&mut *store);
    if ty.params().len() != args.args.len() {
        return Err(CliError::error(format!(
            "`{name}` takes {} argument(s) {ty}, got {}",
            ty.params().len(),
            args.args.len()
        )));
    }
    let params = ty
        .params()
        .iter()
        .zip(&args.args)
        .enumerate()
        .map(|(i, (ty, text))| {
            parse_arg(*ty, text).map_err(|m| CliError::error(format!("argument {}: {m}", i + 1)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(call(store, func, &params))
}

/// Prints the results of a successful call, one per line, or turns its
/// error into the exit status.
fn report<T>(store: &Store<T>, outcome: weft::Result<Vec<Val>>) -> Result<u8, CliError> {
    match outcome {
        Ok(results) => {
            for result in results {
                println!("{}", format_val(store, &result));
            }
            Ok(0)
        }
        Err(e) => exit_or_error(&e),
    }
}

/// Applies --inherit-env, then each --env.
fn configure_env(builder: &mut WasiCtxBuilder, args: &RunArgs) -> Result<(), CliError> {
    if args.inherit_env {
        builder.inherit_env();
    }
    for spec in &args.envs {
        match spec.split_once('=') {
            Some(("", _)) => {
                return Err(CliError::error(format!(
                    "--env {spec}: empty variable name"
                )));
            }
            Some((key, value)) => {
                builder.env(key, value);
            }
            None => {
                if let Some(value) = std::env::var_os(spec) {
                    builder.env(spec, value.as_encoded_bytes());
                }
            }
        }
    }
    Ok(())
}

/// A guest's `proc_exit` becomes the exit status (modulo 256); anything
/// else is an error (a trap: status 2).
fn exit_or_error(err: &weft::Error) -> Result<u8, CliError> {
    match weft_wasi::exit_code(err) {
        Some(code) => Ok((code & 0xff) as u8),
        None => Err(CliError::engine(err)),
    }
}

/// Calls `func`, sizing the result slots from its type.
fn call<T>(
    store: &mut Store<T>,
    func: weft::Func,
    params: &[Val],
) -> Result<Vec<Val>, weft::Error> {
    let ty = func.ty(&mut *store);
    let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
    func.call(&mut *store, params, &mut results)?;
    Ok(results)
}

/// Parses a command-line argument as a value of type `ty`.
fn parse_arg(ty: ValType, text: &str) -> Result<Val, String> {
    match ty {
        // Out-of-range checks allow the unsigned range too; it wraps.
        ValType::I32 => parse_int(text, 32).map(|v| Val::I32(v as i32)),
        ValType::I64 => parse_int(text, 64).map(|v| Val::I64(v as i64)),
        ValType::F32 => text
            .parse::<f32>()
            .map(|f| Val::F32(f.to_bits()))
            .map_err(|_| format!("`{text}` is not a valid f32")),
        ValType::F64 => text
            .parse::<f64>()
            .map(|f| Val::F64(f.to_bits()))
            .map_err(|_| format!("`{text}` is not a valid f64")),
        ValType::V128 => parse_v128(text).map(Val::V128),
        other => Err(format!(
            "parameters of type {other} cannot be given on the command line"
        )),
    }
}

/// Parses a `v128` argument: `0x` and up to 32 hex digits (the 128-bit
/// value, lane 0 in the low bits), or a shape and its lanes in one argument,
/// separated by spaces or commas: `"i32x4 1 2 3 4"`, `i8x16,0,1,...`,
/// `"f64x2 1.5 -inf"`.
fn parse_v128(text: &str) -> Result<u128, String> {
    let text = text.trim();
    if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        return u128::from_str_radix(hex, 16)
            .ok()
            .filter(|_| !hex.starts_with(['+', '-']))
            .ok_or_else(|| format!("`{text}` is not a valid v128"));
    }
    let mut parts = text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty());
    let shape = parts.next().unwrap_or("");
    let lanes: Vec<&str> = parts.collect();
    let (count, bits) = match shape {
        "i8x16" => (16, 8),
        "i16x8" => (8, 16),
        "i32x4" | "f32x4" => (4, 32),
        "i64x2" | "f64x2" => (2, 64),
        _ => {
            return Err(format!(
                "`{text}` is not a valid v128: give 0x and 32 hex digits, or a shape \
                 (i8x16, i16x8, i32x4, i64x2, f32x4, f64x2) and its lanes"
            ));
        }
    };
    if lanes.len() != count {
        return Err(format!("{shape} takes {count} lanes, got {}", lanes.len()));
    }
    let mut v = 0u128;
    for (i, lane) in lanes.iter().enumerate() {
        let bits_of = match shape {
            "f32x4" => u128::from(parse_arg(ValType::F32, lane)?.f32().map_or(0, f32::to_bits)),
            "f64x2" => u128::from(parse_arg(ValType::F64, lane)?.f64().map_or(0, f64::to_bits)),
            _ => parse_int(lane, bits)? as u128 & ((1u128 << bits) - 1),
        };
        v |= bits_of << (i * bits as usize);
    }
    Ok(v)
}

/// Parses a decimal or `0x` hexadecimal integer that fits in `bits` bits,
/// signed or unsigned.
fn parse_int(text: &str, bits: u32) -> Result<i128, String> {
    let invalid = || format!("`{text}` is not a valid i{bits}");
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if digits.starts_with(['+', '-']) {
        return Err(invalid());
    }
    let magnitude = match digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        Some(hex) if !hex.starts_with(['+', '-']) => u64::from_str_radix(hex, 16),
        Some(_) => return Err(invalid()),
        None => digits.parse::<u64>(),
    }
    .map_err(|_| invalid())?;
    let magnitude = i128::from(magnitude);
    let value = if negative { -magnitude } else { magnitude };
    let min = -(1_i128 << (bits - 1));
    let max = (1_i128 << bits) - 1;
    if value < min || value > max {
        return Err(format!("`{text}` is out of range for i{bits}"));
    }
    Ok(value)
}

/// Formats a result: integers as signed decimal, floats with Rust's
/// Display, references in the spec scripts' notation (`null`,
/// `(ref.i31 5)`, `(ref.struct)`, `(ref.array)`, `(ref.host)` for a host
/// value, `(ref.func)`, `(ref.exn)`).
fn format_val<T>(store: &weft::Store<T>, val: &Val) -> String {
    match val {
        Val::I32(v) => v.to_string(),
        Val::I64(v) => v.to_string(),
        Val::F32(bits) => f32::from_bits(*bits).to_string(),
        Val::F64(bits) => f64::from_bits(*bits).to_string(),
        Val::V128(bits) => {
            let lanes: Vec<String> = (0..4)
                .map(|i| ((bits >> (32 * i)) as u32 as i32).to_string())
                .collect();
            format!("{bits:#034x} (i32x4 {})", lanes.join(" "))
        }
        Val::FuncRef(None) | Val::ExternRef(None) | Val::AnyRef(None) | Val::ExnRef(None) => {
            "null".to_string()
        }
        Val::FuncRef(Some(_)) => "(ref.func)".to_string(),
        Val::ExternRef(Some(r)) => format_any(store, &r.to_any()),
        Val::AnyRef(Some(r)) => format_any(store, r),
        Val::ExnRef(Some(_)) => "(ref.exn)".to_string(),
    }
}

fn format_any<T>(store: &weft::Store<T>, r: &weft::AnyRef) -> String {
    if let Some(v) = r.i31() {
        format!("(ref.i31 {v})")
    } else if r.is_struct(store) {
        "(ref.struct)".to_string()
    } else if r.is_array(store) {
        "(ref.array)".to_string()
    } else {
        "(ref.host)".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        assert_eq!(parse_int("42", 32), Ok(42));
        assert_eq!(parse_int("-0x10", 32), Ok(-16));
        assert_eq!(parse_int("0xffffffff", 32), Ok(0xffff_ffff));
        assert!(parse_int("0x100000000", 32).is_err());
        assert!(parse_int("-2147483649", 32).is_err());
        assert!(parse_int("--1", 32).is_err());
        assert!(parse_int("0x-1", 32).is_err());
        assert!(parse_int("", 32).is_err());
        assert!(matches!(
            parse_arg(ValType::I32, "0xffffffff"),
            Ok(Val::I32(-1))
        ));
    }

    #[test]
    fn v128_arguments() {
        assert_eq!(parse_v128("0x1"), Ok(1));
        assert_eq!(
            parse_v128("i32x4 1 2 3 -1"),
            Ok(1 | (2 << 32) | (3 << 64) | (0xffff_ffffu128 << 96))
        );
        assert_eq!(parse_v128("i64x2,5,0x10"), Ok(5 | (16 << 64)));
        assert_eq!(
            parse_v128("f32x4 1 0 0 0"),
            Ok(u128::from(1.0f32.to_bits()))
        );
        assert_eq!(
            parse_v128("i8x16 -1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 255"),
            Ok(0xff | (0xff << 120))
        );
        assert!(parse_v128("i32x4 1 2 3").is_err());
        assert!(parse_v128("i8x16 256 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0").is_err());
        assert!(parse_v128("0x1_0000_0000_0000_0000_0000_0000_0000_0000").is_err());
        assert!(parse_v128("v128").is_err());
        assert_eq!(
            format_val(
                &weft::Store::new(&weft::Engine::default(), ()),
                &Val::V128(1 | (0xffff_ffffu128 << 32))
            ),
            "0x0000000000000000ffffffff00000001 (i32x4 1 -1 0 0)"
        );
    }

    #[test]
    fn floats() {
        assert!(matches!(parse_arg(ValType::F32, "1.5"), Ok(Val::F32(b)) if b == 1.5f32.to_bits()));
        assert!(
            matches!(parse_arg(ValType::F64, "-inf"), Ok(Val::F64(b)) if b == f64::NEG_INFINITY.to_bits())
        );
        assert!(
            matches!(parse_arg(ValType::F32, "nan"), Ok(Val::F32(b)) if f32::from_bits(b).is_nan())
        );
        assert!(parse_arg(ValType::F64, "one").is_err());
    }
}
