//! `weft run` engine options: fuel, timeout, memory and stack limits, and
//! lazy compilation.

use clap::Args;
use std::time::Duration;

use crate::CliError;

/// Limits on what the guest may use.
#[derive(Debug, Clone, Args)]
pub(crate) struct LimitArgs {
    /// Give the guest N units of fuel (about one per instruction); running
    /// out traps with "all fuel consumed".
    #[arg(long, value_name = "N")]
    fuel: Option<u64>,
    /// Interrupt the guest after DURATION (e.g. 500ms, 2s, 1m; a bare
    /// number is seconds); it traps with "interrupted".
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    timeout: Option<Duration>,
    /// Largest size of any linear memory and of the GC heap (e.g. 64MiB,
    /// 1G, 65536); past it memory.grow returns -1, instantiation fails and
    /// a GC allocation that does not fit after a collection traps.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    max_memory: Option<u64>,
    /// Most nested wasm calls before "call stack exhausted".
    #[arg(long, value_name = "N")]
    max_stack_depth: Option<usize>,
    /// Compile each function on its first call instead of at load (the
    /// module is still validated completely before it runs).
    #[arg(long)]
    lazy: bool,
}

impl LimitArgs {
    /// The engine configuration these options need.
    pub(crate) fn config(&self) -> weft::Config {
        let mut c = weft::Config::default();
        // Programs from older toolchains use the legacy exception form.
        c.wasm_legacy_exceptions(true)
            .consume_fuel(self.fuel.is_some())
            .interruptible(self.timeout.is_some())
            .lazy_compilation(self.lazy);
        if let Some(d) = self.max_stack_depth {
            c.max_call_depth(d);
        }
        c
    }

    /// The --max-memory limit, if given.
    pub(crate) fn max_memory(&self) -> Option<u64> {
        self.max_memory
    }

    /// Applies fuel and memory limits to `store` and starts the timeout.
    pub(crate) fn apply<T>(&self, store: &mut weft::Store<T>) -> Result<(), CliError> {
        self.apply_limits(store)
            .map_err(|e| CliError::error(e.to_string()))?;
        let handle = store.interrupt_handle();
        self.on_timeout(move || handle.interrupt());
        Ok(())
    }

    /// Applies fuel and memory limits to `store` (each thread's store of
    /// a wasi-threads program gets its own).
    pub(crate) fn apply_limits<T>(&self, store: &mut weft::Store<T>) -> Result<(), weft::Error> {
        if let Some(fuel) = self.fuel {
            store.set_fuel(fuel)?;
        }
        store.limiter(weft::StoreLimits {
            max_memory_bytes: self.max_memory,
            ..weft::StoreLimits::default()
        });
        Ok(())
    }

    /// Runs `interrupt` once the timeout (if any) has passed.
    pub(crate) fn on_timeout(&self, interrupt: impl FnOnce() + Send + 'static) {
        if let Some(timeout) = self.timeout {
            // Detached: the process exits when the guest is done.
            std::thread::spawn(move || {
                std::thread::sleep(timeout);
                interrupt();
            });
        }
    }
}

/// Parses `500ms`, `2s`, `1.5s`, `1m`, `1h` or a bare number of seconds.
pub(crate) fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a duration (try 500ms, 2s, 1m)"))?;
    let secs = match unit.trim() {
        "us" | "µs" => n / 1e6,
        "ms" => n / 1000.0,
        "" | "s" => n,
        "m" | "min" => n * 60.0,
        "h" => n * 3600.0,
        u => {
            return Err(format!(
                "unknown duration unit `{u}` (use us, ms, s, m or h)"
            ));
        }
    };
    Duration::try_from_secs_f64(secs).map_err(|e| format!("`{s}`: {e}"))
}

/// Parses a byte size: a number with an optional K/M/G (powers of 1024,
/// also written KiB/MiB/GiB or KB/MB/GB) suffix.
pub(crate) fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a size (try 64MiB, 1G, 65536)"))?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        u => return Err(format!("unknown size unit `{u}` (use K, M or G)")),
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("`{s}` is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("1m"), Ok(Duration::from_secs(60)));
        assert!(parse_duration("fast").is_err());
        assert!(parse_duration("3 weeks").is_err());
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("64MiB"), Ok(64 << 20));
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        assert_eq!(parse_size("65536"), Ok(65536));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("99999999999G").is_err());
    }
}
