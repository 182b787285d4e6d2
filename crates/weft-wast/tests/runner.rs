//! Tests of the script runner itself, on small inline scripts.

use weft_wast::{WastReport, run_wast_str};

fn run(script: &str) -> WastReport {
    run_wast_str("inline.wast", script, &weft::Config::default())
}

const MODULE: &str = r#"
(module
  (func (export "add") (param i32 i32) (result i32)
    local.get 0
    local.get 1
    i32.add)
  (func (export "div") (param i32 i32) (result i32)
    local.get 0
    local.get 1
    i32.div_s)
  (func (export "nan") (result f32) f32.const nan)
  (global (export "g") i64 (i64.const 7)))
"#;

#[test]
fn passing_script_counts_every_directive() {
    let script = format!(
        r#"{MODULE}
(assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 3))
(assert_return (invoke "nan") (f32.const nan:canonical))
(assert_return (invoke "nan") (f32.const nan:arithmetic))
(assert_return (get "g") (i64.const 7))
(assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
(invoke "add" (i32.const 0) (i32.const 0))
(assert_invalid (module (func (result i32) i64.const 0)) "type mismatch")
(assert_malformed (module quote "(func") "unexpected end")
(assert_unlinkable (module (import "nowhere" "f" (func))) "unknown import")
(register "m")
(module (import "m" "add" (func (param i32 i32) (result i32))))
(module (import "spectest" "print_i32" (func (param i32))) (import "spectest" "memory" (memory 1)))
"#
    );
    let report = run(&script);
    assert!(report.failures.is_empty(), "{:#?}", report.failures);
    assert_eq!((report.passed, report.failed), (13, 0));
}

#[test]
fn wrong_result_is_a_failure_with_location() {
    let script = format!(
        "{MODULE}\n(assert_return (invoke \"add\" (i32.const 1) (i32.const 2)) (i32.const 4))\n"
    );
    let report = run(&script);
    assert_eq!((report.passed, report.failed), (1, 1));
    let failure = &report.failures[0];
    assert_eq!(failure.directive, "assert_return");
    assert_eq!((failure.line, failure.col), (14, 2));
    assert!(
        failure.message.contains("expected i32.const 4"),
        "{failure}"
    );
    assert!(failure.message.contains("got i32.const 3"), "{failure}");
    assert!(
        failure
            .to_string()
            .starts_with("inline.wast:14:2: assert_return: ")
    );
}

#[test]
fn wrong_expectations_fail() {
    let script = format!(
        r#"{MODULE}
(assert_trap (invoke "add" (i32.const 1) (i32.const 0)) "integer divide by zero")
(assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "unreachable")
(assert_invalid (module (func (result i32) i32.const 0)) "type mismatch")
(assert_return (invoke "missing"))
(assert_return (invoke "nan") (f32.const 0))
"#
    );
    let report = run(&script);
    assert_eq!(
        (report.passed, report.failed),
        (1, 5),
        "{:#?}",
        report.failures
    );
}

#[test]
fn unsupported_directives_fail_loudly() {
    let script = "(module (func (export \"x\")))\n(assert_suspension (invoke \"x\") \"s\")\n";
    let report = run(script);
    assert_eq!((report.passed, report.failed), (1, 1));
    assert!(report.failures[0].message.contains("not supported"));
}

#[test]
fn threads_run_their_directives_and_report_through_wait() {
    // The thread's own directives count (one fails: it has no module),
    // as do `thread` and `wait`; a wait for an unknown thread fails.
    let script = "(module $m (memory (export \"m\") 1 1 shared))\n\
        (thread $t (shared (module $m)) (register \"r\" $m)\n\
          (module (memory (import \"r\" \"m\") 1 1 shared)\n\
            (func (export \"f\") (result i32) (i32.atomic.rmw.add (i32.const 0) (i32.const 1))))\n\
          (assert_return (invoke \"f\") (i32.const 0))\n\
          (invoke \"missing\"))\n\
        (wait $t)\n\
        (wait $nobody)\n";
    let report = run(script);
    assert_eq!(
        (report.passed, report.failed),
        (6, 2),
        "{:#?}",
        report.failures
    );
    assert_eq!(report.failures[0].line, 6);
    assert!(
        report.failures[0].message.contains("missing"),
        "{:#?}",
        report.failures
    );
    assert!(report.failures[1].message.contains("no running thread"));
}

#[test]
fn unparsable_script_is_one_failure() {
    let report = run("(module (func)\n(assert_return");
    assert_eq!((report.passed, report.failed), (0, 1));
    assert_eq!(report.failures[0].directive, "script");
}

#[test]
fn module_definitions_can_be_instantiated_twice() {
    let script = r#"
(module definition $M
  (global $g (export "g") (mut i32) (i32.const 0))
  (func (export "bump") (result i32)
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (global.get $g)))
(module instance $a $M)
(module instance $b $M)
(assert_return (invoke $a "bump") (i32.const 1))
(assert_return (invoke $a "bump") (i32.const 2))
(assert_return (invoke $b "bump") (i32.const 1))
(assert_return (get $a "g") (i32.const 2))
(module instance $M)
(assert_return (invoke "bump") (i32.const 1))
"#;
    let report = run(script);
    assert!(report.failures.is_empty(), "{:#?}", report.failures);
    assert_eq!((report.passed, report.failed), (9, 0));
}
