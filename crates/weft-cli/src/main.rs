//! `weft`: run, test, validate and inspect WebAssembly modules.

mod gdb;
mod inspect;
mod limits;
mod profile;
mod run;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

const EXIT_STATUS_HELP: &str = "\
Exit status:
  0  success
  1  error: unreadable file, bad module, bad arguments, unknown export,
     invalid module, or failed wast directives
  2  the WebAssembly code trapped or threw an exception it did not catch (message on stderr)
  A WASI program that calls proc_exit(N) exits with N modulo 256 (which
  may be 1 or 2 too: weft's own errors and traps always print `error: `
  on stderr, the guest's status does not).";

/// A WebAssembly interpreter.
#[derive(Debug, Parser)]
#[command(name = "weft", version, after_help = EXIT_STATUS_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Instantiate a module and call `_start` or the function named by
    /// --invoke; a module importing WASI runs as a WASI command.
    #[command(after_help = EXIT_STATUS_HELP)]
    Run(Box<run::RunArgs>),
    /// Run a module as `weft run` does while sampling its wasm call stack,
    /// and write an SVG flame graph of where it spent its time.
    #[command(after_help = EXIT_STATUS_HELP)]
    Profile(Box<run::ProfileArgs>),
    /// Run WebAssembly spec `.wast` scripts and report failing directives.
    Wast {
        /// Enable or disable a WebAssembly feature: `-W NAME=n` (or `=y`),
        /// comma-separated or repeated. NAME is one of multi-value,
        /// sign-extension, saturating-float-to-int, mutable-global,
        /// reference-types, bulk-memory, simd, relaxed-simd, multi-memory,
        /// extended-const, wide-arithmetic, tail-call, memory64,
        /// custom-page-sizes, function-references, gc, exceptions,
        /// legacy-exceptions. Everything weft supports is on by default
        /// except legacy-exceptions (not part of 3.0); the spec's `wasm-v2`
        /// scripts need `-W multi-memory=n,memory64=n` (2.0 allows one
        /// 32-bit memory).
        #[arg(
            short = 'W',
            long = "wasm",
            value_name = "NAME[=y|n]",
            value_delimiter = ','
        )]
        features: Vec<String>,
        /// The scripts to run.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Check that a module (.wat or .wasm) is valid.
    Validate {
        /// The module to validate.
        file: PathBuf,
    },
    /// Print a module's types, imports, exports, memories, tables, globals
    /// and section sizes.
    Inspect {
        /// The module to inspect (.wat or .wasm).
        file: PathBuf,
    },
}

/// A failed command: its one-line message (printed as `error: ...`) and
/// the process exit status.
#[derive(Debug)]
pub(crate) struct CliError {
    code: u8,
    message: String,
}

impl CliError {
    /// Prints the message (as `error: ...`) and returns the exit status.
    pub(crate) fn report(&self) -> u8 {
        eprintln!("error: {}", self.message);
        self.code
    }

    /// An ordinary error, exit status 1.
    pub(crate) fn error(message: impl Into<String>) -> Self {
        CliError {
            code: 1,
            message: message.into(),
        }
    }

    /// Converts an engine error: traps get exit status 2 and keep their
    /// backtrace lines, and so do uncaught wasm exceptions (the guest's
    /// failure too); anything else is an ordinary error.
    pub(crate) fn engine(err: &weft::Error) -> Self {
        match err.as_trap() {
            Some(trap) => CliError {
                code: 2,
                message: trap.to_string(),
            },
            None if err.as_exception().is_some() => CliError {
                code: 2,
                message: err.to_string(),
            },
            None => CliError::error(err.to_string()),
        }
    }
}

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        eprintln!("error: internal error: {message}{location} (this is a bug in weft)");
    }));

    let cli = match Cli::try_parse_from(default_debug_port(std::env::args_os().collect())) {
        Ok(cli) => cli,
        Err(err) => {
            // Help and version go to stdout with status 0; usage errors are
            // ordinary errors (status 1), keeping 2 for traps.
            let code = if err.use_stderr() { 1 } else { 0 };
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    let result = match &cli.command {
        Command::Run(args) => run::run(args),
        Command::Profile(args) => run::profile(args),
        Command::Wast { features, files } => feature_config(features).map(|c| wast(&c, files)),
        Command::Validate { file } => validate(file),
        Command::Inspect { file } => inspect::inspect(file),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => ExitCode::from(err.report()),
    }
}

/// `weft run -g FILE` means the default port: a `-g` of `weft run` (before
/// the module's path) not followed by a port number gets one.
fn default_debug_port(mut args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    if args.get(1).and_then(|a| a.to_str()) != Some("run") {
        return args;
    }
    let cmd = Cli::command();
    let Some(run) = cmd.find_subcommand("run") else {
        return args;
    };
    // Options whose value is the next argument.
    let valued: Vec<String> = run
        .get_arguments()
        .filter(|a| !a.is_positional() && a.get_action().takes_values() && a.get_id() != "debug")
        .flat_map(|a| {
            let long = a.get_long().map(|l| format!("--{l}"));
            let short = a.get_short().map(|s| format!("-{s}"));
            long.into_iter().chain(short)
        })
        .collect();
    let mut i = 2;
    while let Some(arg) = args.get(i).and_then(|a| a.to_str()) {
        if arg == "-g" || arg == "--debug" {
            let port = args.get(i + 1).and_then(|a| a.to_str());
            if !port.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())) {
                args.insert(i + 1, run::DEFAULT_DEBUG_PORT.to_string().into());
            }
            break;
        }
        if valued.iter().any(|v| v == arg) {
            i += 2;
        } else if arg.starts_with('-') && arg != "-" && arg != "--" {
            i += 1;
        } else {
            // The module's path: what follows is the guest's.
            break;
        }
    }
    args
}

/// Runs each script, printing failures and per-file and total counts.
/// Returns exit status 1 if any directive failed or a file was unreadable.
fn wast(config: &weft::Config, files: &[PathBuf]) -> u8 {
    let (mut passed, mut failed) = (0, 0);
    for file in files {
        match weft_wast::run_wast_file(file, config) {
            Ok(report) => {
                for failure in &report.failures {
                    println!("{failure}");
                }
                println!(
                    "{}: {} passed, {} failed",
                    file.display(),
                    report.passed,
                    report.failed
                );
                passed += report.passed;
                failed += report.failed;
            }
            Err(err) => {
                eprintln!("error: {err:#}");
                println!("{}: 0 passed, 1 failed", file.display());
                failed += 1;
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    u8::from(failed > 0)
}

/// The default configuration with the `-W NAME[=y|n]` settings applied.
fn feature_config(features: &[String]) -> Result<weft::Config, CliError> {
    let mut config = weft::Config::default();
    for spec in features {
        let (name, on) = match spec.split_once('=') {
            None => (spec.as_str(), true),
            Some((name, "y" | "yes" | "true")) => (name, true),
            Some((name, "n" | "no" | "false")) => (name, false),
            Some(_) => {
                return Err(CliError::error(format!(
                    "`-W {spec}`: the value must be y or n"
                )));
            }
        };
        if !config.set_feature(name, on) {
            return Err(CliError::error(format!(
                "`-W {spec}`: unknown feature `{name}`"
            )));
        }
    }
    Ok(config)
}

/// Validates a module, printing `FILE: valid`.
fn validate(file: &Path) -> Result<u8, CliError> {
    let bytes = read_module(file)?;
    let mut config = weft::Config::default();
    config.wasm_legacy_exceptions(true);
    let engine = weft::Engine::new(&config);
    weft::Module::validate(&engine, &bytes)
        .map_err(|e| CliError::error(format!("{}: {e}", file.display())))?;
    println!("{}: valid", file.display());
    Ok(0)
}

/// Reads a module file, converting WebAssembly text to binary.
pub(crate) fn read_module(file: &Path) -> Result<Vec<u8>, CliError> {
    let bytes =
        std::fs::read(file).map_err(|e| CliError::error(format!("{}: {e}", file.display())))?;
    match wat::parse_bytes(&bytes) {
        Ok(binary) => Ok(binary.into_owned()),
        Err(err) => Err(CliError::error(format!(
            "{}: {}",
            file.display(),
            one_line_wat_error(&err)
        ))),
    }
}

/// Condenses the multi-line rendering of a text-format error to its
/// message and `line:col` position.
fn one_line_wat_error(err: &wat::Error) -> String {
    let text = err.to_string();
    let mut lines = text.lines();
    let message = lines.next().unwrap_or_default().trim().to_string();
    let line_col = lines
        .find_map(|line| line.trim().strip_prefix("--> "))
        .and_then(|location| location.strip_prefix("<anon>:"));
    match line_col {
        Some(line_col) => format!("{message} (at {line_col})"),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::default_debug_port;

    fn args(line: &str) -> Vec<String> {
        let os = line.split(' ').map(Into::into).collect();
        default_debug_port(os)
            .into_iter()
            .map(|a| a.into_string().unwrap())
            .collect()
    }

    #[test]
    fn a_bare_dash_g_gets_the_default_port() {
        assert_eq!(
            args("weft run -g m.wasm"),
            ["weft", "run", "-g", "1234", "m.wasm"]
        );
        assert_eq!(args("weft run -g"), ["weft", "run", "-g", "1234"]);
        assert_eq!(
            args("weft run -g 5000 m.wasm"),
            ["weft", "run", "-g", "5000", "m.wasm"]
        );
        assert_eq!(
            args("weft run --dir . --debug m.wasm"),
            ["weft", "run", "--dir", ".", "--debug", "1234", "m.wasm"]
        );
        // A value of another option, and the guest's own arguments, stay.
        assert_eq!(
            args("weft run --env -g m.wasm"),
            ["weft", "run", "--env", "-g", "m.wasm"]
        );
        assert_eq!(
            args("weft run m.wasm -g x"),
            ["weft", "run", "m.wasm", "-g", "x"]
        );
        assert_eq!(args("weft wast -g"), ["weft", "wast", "-g"]);
    }
}
