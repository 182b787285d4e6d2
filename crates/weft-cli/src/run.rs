//! `weft run`: instantiate a module and call one of its functions.

use std::path::PathBuf;

use clap::Args;
use weft::{Engine, Linker, Module, Store, Val, ValType};

use crate::CliError;

/// Arguments of `weft run`.
#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// The module to run (.wat text or .wasm binary).
    file: PathBuf,
    /// Call this exported function and print its results, one per line.
    #[arg(long, value_name = "NAME")]
    invoke: Option<String>,
    /// Arguments for the invoked function, parsed by its parameter types:
    /// integers in decimal or 0x hex, floats in decimal or nan, inf, -inf.
    #[arg(
        value_name = "ARGS",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    args: Vec<String>,
}

/// Runs `weft run`; returns the exit status.
pub(crate) fn run(args: &RunArgs) -> Result<u8, CliError> {
    let file = args.file.display();
    let bytes = crate::read_module(&args.file)?;
    let engine = Engine::default();
    let module = Module::from_binary(&engine, &bytes)
        .map_err(|e| CliError::error(format!("{file}: {e}")))?;
    if let Some(import) = module.imports().next() {
        return Err(CliError::error(format!(
            "{file}: unresolved import \"{}\" \"{}\" ({}): weft run provides no imports",
            import.module(),
            import.name(),
            import.ty()
        )));
    }
    let mut store = Store::new(&engine, ());
    let linker = Linker::new(&engine);
    let instance = linker
        .instantiate(&mut store, &module)
        .map_err(|e| CliError::engine(&e))?;

    let Some(name) = &args.invoke else {
        if !args.args.is_empty() {
            return Err(CliError::error(
                "arguments were given but no function to pass them to (use --invoke NAME)",
            ));
        }
        // Without `_start` the start function (if any) has already run.
        if let Some(start) = instance.get_func(&mut store, "_start") {
            call(&mut store, start, &[])?;
        }
        return Ok(0);
    };
    let func = instance
        .get_func(&mut store, name)
        .ok_or_else(|| CliError::error(format!("unknown export: no function named `{name}`")))?;
    let ty = func.ty(&mut store);
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
    for result in call(&mut store, func, &params)? {
        println!("{}", format_val(&result));
    }
    Ok(0)
}

/// Calls `func`, sizing the result slots from its type.
fn call(store: &mut Store<()>, func: weft::Func, params: &[Val]) -> Result<Vec<Val>, CliError> {
    let ty = func.ty(&mut *store);
    let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
    func.call(&mut *store, params, &mut results)
        .map_err(|e| CliError::engine(&e))?;
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
        other => Err(format!(
            "parameters of type {other} cannot be given on the command line"
        )),
    }
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

/// Formats a result: integers as signed decimal, floats with Rust's Display.
fn format_val(val: &Val) -> String {
    match val {
        Val::I32(v) => v.to_string(),
        Val::I64(v) => v.to_string(),
        Val::F32(bits) => f32::from_bits(*bits).to_string(),
        Val::F64(bits) => f64::from_bits(*bits).to_string(),
        Val::V128(bits) => format!("{bits:#034x}"),
        Val::FuncRef(None) => "ref.null func".to_string(),
        Val::FuncRef(Some(_)) => "ref.func".to_string(),
        Val::ExternRef(None) => "ref.null extern".to_string(),
        Val::ExternRef(Some(_)) => "ref.extern".to_string(),
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
