//! The guest profiler: `weft run --profile=guest|collapsed[,PATH[,INTERVAL]]`
//! and `weft profile`.
//!
//! A sampler thread asks the store for a sample at every interval
//! ([`weft::SampleHandle`]); the running code records its wasm frames at
//! its next function entry or loop header. When the run ends, the samples
//! are written as a Firefox Profiler profile (processed-profile JSON), as
//! collapsed stacks (`outer;inner count`, what flame-graph tools read), or
//! as an SVG flame graph drawn here.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

use weft::{FrameInfo, Sample, Store};

use crate::CliError;

/// What to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// The Firefox Profiler's processed-profile JSON.
    Guest,
    /// Collapsed stacks, one `outer;inner count` line per stack.
    Collapsed,
    /// An SVG flame graph.
    Svg,
}

/// A `--profile` request.
#[derive(Debug, Clone)]
pub(crate) struct ProfileSpec {
    pub(crate) format: Format,
    pub(crate) path: PathBuf,
    pub(crate) interval: Duration,
}

/// Sampling interval when none is given.
pub(crate) const DEFAULT_INTERVAL: Duration = Duration::from_millis(10);

/// Parses `guest[,PATH[,INTERVAL]]` or `collapsed[,PATH[,INTERVAL]]`.
pub(crate) fn parse_spec(s: &str) -> Result<ProfileSpec, String> {
    let mut parts = s.splitn(3, ',');
    let (format, default_path) = match parts.next().unwrap_or("") {
        "guest" => (Format::Guest, "weft-guest-profile.json"),
        "collapsed" => (Format::Collapsed, "weft-guest-profile.folded"),
        other => {
            return Err(format!(
                "unknown profiler `{other}`: expected guest[,PATH[,INTERVAL]] or \
                 collapsed[,PATH[,INTERVAL]]"
            ));
        }
    };
    let path = match parts.next() {
        Some("") | None => PathBuf::from(default_path),
        Some(p) => PathBuf::from(p),
    };
    let interval = match parts.next() {
        Some(i) => parse_interval(i)?,
        None => DEFAULT_INTERVAL,
    };
    Ok(ProfileSpec {
        format,
        path,
        interval,
    })
}

/// A sampling interval: a duration (`1ms`, `500us`, `0.5ms`), at least
/// 100 microseconds.
pub(crate) fn parse_interval(s: &str) -> Result<Duration, String> {
    let d = crate::limits::parse_duration(s)?;
    if d < Duration::from_micros(100) {
        return Err(format!("sampling interval {s} is shorter than 100us"));
    }
    Ok(d)
}

/// A running sampler.
pub(crate) struct Sampler {
    spec: ProfileSpec,
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<()>,
    started: Instant,
    started_wall: SystemTime,
}

impl Sampler {
    /// Starts requesting samples of `store` every interval.
    pub(crate) fn start<T>(store: &Store<T>, spec: &ProfileSpec) -> Sampler {
        let handle = store.sample_handle();
        let stop = Arc::new(AtomicBool::new(false));
        let interval = spec.interval;
        let thread = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(interval);
                    handle.request();
                }
            })
        };
        Sampler {
            spec: spec.clone(),
            stop,
            thread,
            started: Instant::now(),
            started_wall: SystemTime::now(),
        }
    }

    /// Stops sampling and writes the profile; `program` names it.
    pub(crate) fn finish<T>(self, store: &mut Store<T>, program: &str) -> Result<(), CliError> {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
        let samples = store.take_samples();
        let text = match self.spec.format {
            Format::Collapsed => collapsed(&samples),
            Format::Svg => flame_graph_svg(&samples, program),
            Format::Guest => firefox_json(
                &samples,
                program,
                self.started,
                self.started_wall,
                self.spec.interval,
            )?,
        };
        let path = &self.spec.path;
        std::fs::write(path, text).map_err(|e| {
            CliError::error(format!("writing the profile to {}: {e}", path.display()))
        })?;
        eprintln!(
            "weft: wrote a profile of {} samples to {}",
            samples.len(),
            path.display()
        );
        Ok(())
    }
}

/// How a frame is named: the name section's name, else its index.
fn frame_name(f: &FrameInfo) -> String {
    match &f.func_name {
        Some(n) => n.clone(),
        None => format!("wasm-function[{}]", f.func_index),
    }
}

/// Each distinct stack (outermost first, names joined by `;`) and how many
/// samples saw it, in the order of the stacks' text.
fn stack_counts(samples: &[Sample]) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    for s in samples.iter().filter(|s| !s.frames.is_empty()) {
        let names: Vec<String> = s.frames.iter().rev().map(frame_name).collect();
        *counts.entry(names.join(";")).or_insert(0) += 1;
    }
    counts
}

/// Collapsed stacks: `outer;...;inner count` per line.
pub(crate) fn collapsed(samples: &[Sample]) -> String {
    stack_counts(samples)
        .iter()
        .map(|(stack, n)| format!("{stack} {n}\n"))
        .collect()
}

/// The Firefox Profiler's processed format: one process, one thread, a
/// sample per recorded stack at its time.
fn firefox_json(
    samples: &[Sample],
    program: &str,
    started: Instant,
    started_wall: SystemTime,
    interval: Duration,
) -> Result<String, CliError> {
    use fxprof_processed_profile as fx;
    let mut profile = fx::Profile::new(
        &format!("weft: {program}"),
        started_wall.into(),
        fx::SamplingInterval::from_nanos(interval.as_nanos() as u64),
    );
    let pid = std::process::id();
    let zero = fx::Timestamp::from_millis_since_reference(0.0);
    let process = profile.add_process(program, pid, zero);
    let thread = profile.add_thread(process, pid, zero, true);
    profile.set_thread_name(thread, "wasm");
    for s in samples {
        let frames: Vec<fx::FrameInfo> = s
            .frames
            .iter()
            .rev()
            .map(|f| fx::FrameInfo {
                frame: fx::Frame::Label(profile.intern_string(&frame_name(f))),
                category_pair: fx::CategoryHandle::OTHER.into(),
                flags: fx::FrameFlags::empty(),
            })
            .collect();
        let stack = profile.intern_stack_frames(thread, frames.into_iter());
        let at = s.time.saturating_duration_since(started).as_secs_f64() * 1000.0;
        profile.add_sample(
            thread,
            fx::Timestamp::from_millis_since_reference(at),
            stack,
            fx::CpuDelta::ZERO,
            1,
        );
    }
    serde_json::to_string(&profile)
        .map_err(|e| CliError::error(format!("writing the profile: {e}")))
}

/// One node of the flame graph: a function under a given call path.
#[derive(Default)]
struct Node {
    samples: u64,
    children: BTreeMap<String, Node>,
}

const SVG_WIDTH: f64 = 1200.0;
const ROW: f64 = 17.0;
const MARGIN: f64 = 10.0;
const TOP: f64 = 40.0;
/// A character of the 12px monospace labels is about this wide.
const CHAR_WIDTH: f64 = 7.2;

/// An SVG flame graph: callers below callees, each frame as wide as the
/// share of samples it was on the stack for, siblings in name order, a
/// tooltip with the counts.
pub(crate) fn flame_graph_svg(samples: &[Sample], program: &str) -> String {
    let mut root = Node::default();
    for (stack, n) in stack_counts(samples) {
        root.samples += n;
        let mut node = &mut root;
        for name in stack.split(';') {
            node = node.children.entry(name.to_string()).or_default();
            node.samples += n;
        }
    }
    let depth = max_depth(&root);
    let height = TOP + (depth as f64 + 1.0) * ROW + MARGIN * 2.0;
    let mut out = String::new();
    out.push_str(&format!(
        "<?xml version=\"1.0\" standalone=\"no\"?>\n\
         <svg version=\"1.1\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{SVG_WIDTH}\" \
         height=\"{height}\" viewBox=\"0 0 {SVG_WIDTH} {height}\" \
         font-family=\"monospace\" font-size=\"12\">\n\
         <rect x=\"0\" y=\"0\" width=\"{SVG_WIDTH}\" height=\"{height}\" fill=\"#fdf6e3\"/>\n\
         <text x=\"{x}\" y=\"24\" text-anchor=\"middle\" font-size=\"16\">{title}</text>\n",
        x = SVG_WIDTH / 2.0,
        title = xml_escape(&format!(
            "weft guest profile: {program} ({} samples)",
            root.samples
        )),
    ));
    if root.samples > 0 {
        let scale = (SVG_WIDTH - 2.0 * MARGIN) / root.samples as f64;
        let bottom = height - MARGIN - ROW;
        draw(&mut out, "all", &root, root.samples, MARGIN, bottom, scale);
    }
    out.push_str("</svg>\n");
    out
}

fn max_depth(node: &Node) -> usize {
    node.children
        .values()
        .map(|c| 1 + max_depth(c))
        .max()
        .unwrap_or(0)
}

/// Draws `node` at (`x`, `y`) and its children on the row above.
fn draw(out: &mut String, name: &str, node: &Node, total: u64, x: f64, y: f64, scale: f64) {
    let width = node.samples as f64 * scale;
    let share = 100.0 * node.samples as f64 / total as f64;
    let label = fit(name, width);
    out.push_str(&format!(
        "<g><title>{title}</title><rect x=\"{x:.2}\" y=\"{y:.2}\" width=\"{w:.2}\" \
         height=\"{h:.2}\" fill=\"{fill}\" rx=\"2\"/>",
        title = xml_escape(&format!("{name} ({} samples, {share:.2}%)", node.samples)),
        w = (width - 0.5).max(0.1),
        h = ROW - 1.0,
        fill = color(name),
    ));
    if !label.is_empty() {
        out.push_str(&format!(
            "<text x=\"{tx:.2}\" y=\"{ty:.2}\">{}</text>",
            xml_escape(&label),
            tx = x + 3.0,
            ty = y + ROW - 5.0,
        ));
    }
    out.push_str("</g>\n");
    let mut cx = x;
    for (child_name, child) in &node.children {
        draw(out, child_name, child, total, cx, y - ROW, scale);
        cx += child.samples as f64 * scale;
    }
}

/// The label that fits `width` pixels: the name, cut with `..`, or none.
fn fit(name: &str, width: f64) -> String {
    let room = ((width - 6.0) / CHAR_WIDTH).floor().max(0.0) as usize;
    let chars = name.chars().count();
    if chars <= room {
        name.to_string()
    } else if room >= 3 {
        let mut s: String = name.chars().take(room - 2).collect();
        s.push_str("..");
        s
    } else {
        String::new()
    }
}

/// A warm colour chosen by the name, so a function keeps its colour.
fn color(name: &str) -> String {
    let h = name.bytes().fold(2166136261u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(16777619)
    });
    let r = 205 + (h % 50);
    let g = 80 + ((h >> 8) % 130);
    let b = 40 + ((h >> 16) % 40);
    format!("rgb({r},{g},{b})")
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(name: Option<&str>, index: u32) -> FrameInfo {
        FrameInfo {
            module_name: None,
            func_index: index,
            func_name: name.map(str::to_string),
            offset: None,
            func_offset: None,
            instance: None,
        }
    }

    fn sample(frames: Vec<FrameInfo>) -> Sample {
        Sample {
            time: Instant::now(),
            frames,
        }
    }

    #[test]
    fn specs_parse_with_defaults() {
        let s = parse_spec("guest").unwrap();
        assert_eq!(s.format, Format::Guest);
        assert_eq!(s.path, PathBuf::from("weft-guest-profile.json"));
        assert_eq!(s.interval, DEFAULT_INTERVAL);
        let s = parse_spec("collapsed,out.txt,1ms").unwrap();
        assert_eq!(s.format, Format::Collapsed);
        assert_eq!(s.path, PathBuf::from("out.txt"));
        assert_eq!(s.interval, Duration::from_millis(1));
        assert!(parse_spec("perf").unwrap_err().contains("unknown profiler"));
        assert!(parse_spec("guest,x,1us").unwrap_err().contains("shorter"));
    }

    #[test]
    fn collapsed_stacks_count_each_stack_outermost_first() {
        let samples = vec![
            sample(vec![frame(Some("inner"), 2), frame(Some("main"), 1)]),
            sample(vec![frame(Some("inner"), 2), frame(Some("main"), 1)]),
            sample(vec![frame(None, 7), frame(Some("main"), 1)]),
            sample(vec![]),
        ];
        assert_eq!(
            collapsed(&samples),
            "main;inner 2\nmain;wasm-function[7] 1\n"
        );
    }

    #[test]
    fn the_svg_escapes_names_and_nests_frames() {
        let samples = vec![
            sample(vec![frame(Some("a<b>&\"c\""), 2), frame(Some("main"), 1)]),
            sample(vec![frame(Some("main"), 1)]),
        ];
        let svg = flame_graph_svg(&samples, "p.wasm");
        assert!(svg.starts_with("<?xml"));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("a&lt;b&gt;&amp;&quot;c&quot; (1 samples, 50.00%)"));
        assert!(svg.contains("main (2 samples, 100.00%)"));
        assert_eq!(svg.matches("<g>").count(), 3, "all, main, and its callee");
        assert!(!svg.contains("a<b"));
    }

    #[test]
    fn labels_are_cut_to_fit() {
        assert_eq!(fit("function", 200.0), "function");
        assert_eq!(fit("function", 6.0 + 5.0 * CHAR_WIDTH), "fun..");
        assert_eq!(fit("function", 10.0), "");
    }
}
