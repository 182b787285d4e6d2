//! Runs WebAssembly specification `.wast` scripts against the weft engine.
//!
//! A script is a sequence of directives (`module`, `register`, `invoke`,
//! `assert_return`, `assert_trap`, ...). Every directive counts once in the
//! resulting [`WastReport`], either as passed or as failed; a directive this
//! runner does not support is counted as a failure, never silently skipped.
//!
//! ```
//! let report = weft_wast::run_wast_str(
//!     "inline.wast",
//!     r#"(module (func (export "one") (result i32) i32.const 1))
//!        (assert_return (invoke "one") (i32.const 1))"#,
//!     &weft::Config::default(),
//! );
//! assert_eq!((report.passed, report.failed), (2, 0));
//! ```

mod runner;
mod spectest;
mod values;

use std::any::Any;
use std::collections::HashMap;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use anyhow::Context as _;
use wast::parser::{self, ParseBuffer};
use wast::token::Span;
use wast::{Wast, WastDirective};

use crate::runner::Runner;

/// One directive of a script that did not behave as the script expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WastFailure {
    /// The script's name, as given to the runner.
    pub file: String,
    /// 1-based line of the directive.
    pub line: usize,
    /// 1-based column of the directive.
    pub col: usize,
    /// The kind of directive, e.g. `assert_return` or `module`.
    pub directive: String,
    /// What differed from the expectation.
    pub message: String,
}

impl fmt::Display for WastFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.file, self.line, self.col, self.directive, self.message
        )
    }
}

/// The outcome of running one script.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WastReport {
    /// The script's name, as given to the runner.
    pub file: String,
    /// Number of directives that behaved as expected.
    pub passed: usize,
    /// Number of directives that did not.
    pub failed: usize,
    /// One entry per failed directive, in script order.
    pub failures: Vec<WastFailure>,
}

impl WastReport {
    /// Returns true when no directive failed.
    pub fn is_success(&self) -> bool {
        self.failed == 0
    }

    fn fail(&mut self, contents: &str, span: Span, directive: &str, message: String) {
        let (line, col) = span.linecol_in(contents);
        self.failed += 1;
        self.failures.push(WastFailure {
            file: self.file.clone(),
            line: line + 1,
            col: col + 1,
            directive: directive.to_string(),
            message,
        });
    }
}

/// Runs the script `contents`, reporting failures under the name `file_name`.
///
/// Each script gets its own store and linker (with the standard `spectest`
/// module defined), created from `config`. A panic inside the engine while
/// running a directive is caught and counted as that directive's failure.
pub fn run_wast_str(file_name: &str, contents: &str, config: &weft::Config) -> WastReport {
    let mut report = WastReport {
        file: file_name.to_string(),
        ..WastReport::default()
    };
    let mut lexer = wast::lexer::Lexer::new(contents);
    lexer.allow_confusing_unicode(true);
    let buffer = match ParseBuffer::new_with_lexer(lexer) {
        Ok(buffer) => buffer,
        Err(err) => return parse_failure(report, contents, &err),
    };
    let directives = match parser::parse::<Wast<'_>>(&buffer) {
        Ok(wast) => wast.directives,
        Err(err) => return parse_failure(report, contents, &err),
    };

    let mut runner = match catch_unwind(AssertUnwindSafe(|| Runner::new(config))) {
        Ok(Ok(runner)) => runner,
        Ok(Err(err)) => {
            let message = format!("failed to set up the spectest module: {err}");
            fail_all(&mut report, contents, &directives, &message);
            return report;
        }
        Err(payload) => {
            let message = format!("engine panicked: {}", panic_message(payload.as_ref()));
            fail_all(&mut report, contents, &directives, &message);
            return report;
        }
    };

    std::thread::scope(|scope| {
        run_directives(scope, &mut runner, directives, contents, &mut report)
    });
    report
}

/// A `(thread ...)` in flight: joining it gives its directives' report.
type ThreadHandle<'scope> = std::thread::ScopedJoinHandle<'scope, WastReport>;

/// Runs `directives` on `runner`, adding to `report`. A `(thread $t ...)`
/// runs its own directives on a new OS thread with its own store (sharing
/// the named module's shared memories); `(wait $t)` joins it and adds its
/// results.
fn run_directives<'scope, 'env>(
    scope: &'scope std::thread::Scope<'scope, 'env>,
    runner: &mut Runner,
    directives: Vec<WastDirective<'env>>,
    contents: &'env str,
    report: &mut WastReport,
) {
    let mut threads: HashMap<String, ThreadHandle<'scope>> = HashMap::new();
    for directive in directives {
        let span = directive.span();
        let kind = directive_kind(&directive);
        let outcome = match directive {
            WastDirective::Thread(thread) => {
                spawn_thread(scope, runner, thread, contents, &report.file, &mut threads)
            }
            WastDirective::Wait { thread, .. } => match threads.remove(thread.name()) {
                Some(handle) => match handle.join() {
                    Ok(sub) => {
                        report.passed += sub.passed;
                        report.failed += sub.failed;
                        report.failures.extend(sub.failures);
                        Ok(())
                    }
                    Err(payload) => Err(format!(
                        "thread panicked: {}",
                        panic_message(payload.as_ref())
                    )),
                },
                None => Err(format!("no running thread named ${}", thread.name())),
            },
            directive => match catch_unwind(AssertUnwindSafe(|| runner.run(directive))) {
                Ok(r) => r,
                Err(payload) => Err(format!(
                    "engine panicked: {}",
                    panic_message(payload.as_ref())
                )),
            },
        };
        match outcome {
            Ok(()) => report.passed += 1,
            Err(message) => report.fail(contents, span, kind, message),
        }
    }
    // A thread the script never waited for still counts.
    for (name, handle) in threads {
        match handle.join() {
            Ok(sub) => {
                report.passed += sub.passed;
                report.failed += sub.failed;
                report.failures.extend(sub.failures);
            }
            Err(payload) => {
                let message = format!(
                    "thread ${name} panicked: {}",
                    panic_message(payload.as_ref())
                );
                report.fail(contents, Span::from_offset(0), "thread", message);
            }
        }
    }
}

/// Starts `(thread $t (shared (module $m)) ...)`.
fn spawn_thread<'scope, 'env>(
    scope: &'scope std::thread::Scope<'scope, 'env>,
    runner: &mut Runner,
    thread: wast::WastThread<'env>,
    contents: &'env str,
    file: &str,
    threads: &mut HashMap<String, ThreadHandle<'scope>>,
) -> Result<(), String> {
    let name = thread.name.name().to_string();
    if threads.contains_key(&name) {
        return Err(format!("thread ${name} is already running"));
    }
    let shared = match thread.shared_module {
        Some(id) => Some((id.name().to_string(), runner.shared_exports(id)?)),
        None => None,
    };
    let engine = runner.engine().clone();
    let file = file.to_string();
    let directives = thread.directives;
    let handle = std::thread::Builder::new()
        .name(format!("wast thread ${name}"))
        .stack_size(64 << 20)
        .spawn_scoped(scope, move || {
            let mut report = WastReport {
                file,
                ..WastReport::default()
            };
            let mut runner = match Runner::with_engine(engine) {
                Ok(r) => r,
                Err(err) => {
                    let message = format!("failed to set up the thread: {err}");
                    fail_all(&mut report, contents, &directives, &message);
                    return report;
                }
            };
            if let Some((module, exports)) = shared {
                runner.add_shared(&module, exports);
            }
            std::thread::scope(|inner| {
                run_directives(inner, &mut runner, directives, contents, &mut report)
            });
            report
        })
        .map_err(|e| format!("could not start a thread: {e}"))?;
    threads.insert(name, handle);
    Ok(())
}

/// Reads the script at `path` and runs it like [`run_wast_str`], naming it by
/// its path. Fails only when the file cannot be read as UTF-8 text.
pub fn run_wast_file(path: impl AsRef<Path>, config: &weft::Config) -> anyhow::Result<WastReport> {
    let path = path.as_ref();
    let contents = std::fs::read_to_string(path)
        .with_context(|| format!("failed to read {}", path.display()))?;
    Ok(run_wast_str(&path.display().to_string(), &contents, config))
}

fn parse_failure(mut report: WastReport, contents: &str, err: &wast::Error) -> WastReport {
    let message = format!("failed to parse script: {}", err.message());
    report.fail(contents, err.span(), "script", message);
    report
}

fn fail_all(report: &mut WastReport, contents: &str, directives: &[WastDirective<'_>], msg: &str) {
    for directive in directives {
        let kind = directive_kind(directive);
        report.fail(contents, directive.span(), kind, msg.to_string());
    }
}

/// The script keyword of a directive, used to label failures.
fn directive_kind(directive: &WastDirective<'_>) -> &'static str {
    match directive {
        WastDirective::Module(_) => "module",
        WastDirective::ModuleDefinition(_) => "module definition",
        WastDirective::ModuleInstance { .. } => "module instance",
        WastDirective::AssertMalformed { .. } => "assert_malformed",
        WastDirective::AssertInvalid { .. } => "assert_invalid",
        WastDirective::AssertInvalidCustom { .. } => "assert_invalid_custom",
        WastDirective::AssertMalformedCustom { .. } => "assert_malformed_custom",
        WastDirective::Register { .. } => "register",
        WastDirective::Invoke(_) => "invoke",
        WastDirective::AssertTrap { .. } => "assert_trap",
        WastDirective::AssertReturn { .. } => "assert_return",
        WastDirective::AssertExhaustion { .. } => "assert_exhaustion",
        WastDirective::AssertUnlinkable { .. } => "assert_unlinkable",
        WastDirective::AssertException { .. } => "assert_exception",
        WastDirective::AssertSuspension { .. } => "assert_suspension",
        WastDirective::Thread(_) => "thread",
        WastDirective::Wait { .. } => "wait",
    }
}

/// Extracts the message of a caught panic.
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(message) = payload.downcast_ref::<&str>() {
        (*message).to_string()
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message.clone()
    } else {
        "unknown panic payload".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::panic_message;

    #[test]
    fn panic_messages_are_extracted() {
        let caught = std::panic::catch_unwind(|| panic!("boom {}", 1)).unwrap_err();
        assert_eq!(panic_message(caught.as_ref()), "boom 1");
        let caught = std::panic::catch_unwind(|| std::panic::panic_any(7_u8)).unwrap_err();
        assert_eq!(panic_message(caught.as_ref()), "unknown panic payload");
    }
}
