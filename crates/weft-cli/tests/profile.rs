//! The guest profiler: `weft run --profile=...` and `weft profile`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Spends about 300 ms in `hot` (checking the clock every 4096 turns) and
/// almost nothing in `cold`, called before and after it.
const HOT_AND_COLD: &str = r#"(module
  (import "wasi_snapshot_preview1" "clock_time_get"
    (func $clock (param i32 i64 i32) (result i32)))
  (memory (export "memory") 1)
  (func $now (result i64)
    (drop (call $clock (i32.const 1) (i64.const 1000) (i32.const 0)))
    (i64.load (i32.const 0)))
  (func $hot (param $until i64) (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.and (local.get $i) (i32.const 4095)))
      (br_if $l (i64.lt_u (call $now) (local.get $until)))))
  (func $cold (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 1000)))))
  (func $_start (export "_start")
    (call $cold)
    (call $hot (i64.add (call $now) (i64.const 300000000)))
    (call $cold)))"#;

fn scratch_dir(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("weft-profile-tests")
        .join(test);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Runs weft in `dir` and returns its stderr; it must exit 0.
fn weft_in(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_weft"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run weft");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "weft {args:?} failed: {stderr}");
    stderr
}

fn program(dir: &Path) -> String {
    let path = dir.join("hot_and_cold.wat");
    std::fs::write(&path, HOT_AND_COLD).expect("write the program");
    path.to_string_lossy().into_owned()
}

#[test]
fn collapsed_stacks_are_dominated_by_the_hot_function() {
    let dir = scratch_dir("collapsed");
    let prog = program(&dir);
    let stderr = weft_in(&dir, &["run", "--profile=collapsed,out.folded,1ms", &prog]);
    assert!(stderr.contains("samples to out.folded"), "{stderr}");
    let text = std::fs::read_to_string(dir.join("out.folded")).expect("the profile");
    let mut total = 0u64;
    let mut hot = 0u64;
    for line in text.lines() {
        let (stack, n) = line.rsplit_once(' ').expect("`stack count`");
        let n: u64 = n.parse().expect("a count");
        assert!(stack.starts_with("_start"), "outermost first: {line}");
        total += n;
        if stack.split(';').any(|f| f == "hot") {
            hot += n;
        }
    }
    assert!(
        total >= 50,
        "only {total} samples in 300 ms at 1 ms:\n{text}"
    );
    assert!(hot * 10 >= total * 9, "hot has {hot} of {total}:\n{text}");
}

#[test]
fn the_firefox_profile_is_json_naming_the_functions() {
    let dir = scratch_dir("guest");
    let prog = program(&dir);
    weft_in(&dir, &["run", "--profile=guest,,2ms", &prog]);
    let text = std::fs::read_to_string(dir.join("weft-guest-profile.json")).expect("the profile");
    let json: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert!(
        json.get("meta").is_some() && json.get("threads").is_some(),
        "{text:.300}"
    );
    assert!(
        text.contains("\"hot\"") && text.contains("\"_start\""),
        "{text:.2000}"
    );
}

#[test]
fn weft_profile_writes_an_svg_flame_graph() {
    let dir = scratch_dir("svg");
    let prog = program(&dir);
    weft_in(&dir, &["profile", "--interval", "1ms", &prog]);
    let svg = std::fs::read_to_string(dir.join("hot_and_cold.svg")).expect("the flame graph");
    assert_well_formed(&svg);
    assert!(svg.contains("<title>hot ("), "{svg:.2000}");
    assert!(svg.contains("<title>_start ("), "{svg:.2000}");
    // `-o` chooses the file.
    weft_in(&dir, &["profile", "-o", "other.svg", &prog]);
    assert_well_formed(&std::fs::read_to_string(dir.join("other.svg")).expect("other.svg"));
}

#[test]
fn profiling_a_bad_spec_is_an_error() {
    let dir = scratch_dir("bad");
    let prog = program(&dir);
    let out = Command::new(env!("CARGO_BIN_EXE_weft"))
        .current_dir(&dir)
        .args(["run", "--profile=perfmap", &prog])
        .output()
        .expect("run weft");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown profiler `perfmap`"));
}

/// Checks that every tag is closed in order and nothing but text and
/// entities sits outside tags.
fn assert_well_formed(xml: &str) {
    let mut open: Vec<String> = Vec::new();
    let mut rest = xml.trim();
    assert!(rest.starts_with("<?xml"), "no XML declaration");
    rest = &rest[rest.find("?>").expect("declaration end") + 2..];
    while let Some(lt) = rest.find('<') {
        let text = &rest[..lt];
        assert!(!text.contains('>'), "stray > in text: {text}");
        for (i, _) in text.match_indices('&') {
            let entity = &text[i..text[i..].find(';').map_or(text.len(), |e| i + e + 1)];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"].contains(&entity),
                "bad entity {entity}"
            );
        }
        let gt = lt + rest[lt..].find('>').expect("tag end");
        let tag = &rest[lt + 1..gt];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(
                open.pop().as_deref(),
                Some(name.trim()),
                "mismatched </{name}>"
            );
        } else if !tag.ends_with('/') {
            let name = tag.split_whitespace().next().expect("tag name");
            open.push(name.to_string());
        }
        rest = &rest[gt + 1..];
    }
    assert!(open.is_empty(), "unclosed: {open:?}");
    assert!(rest.trim().is_empty(), "text after the root element");
}
