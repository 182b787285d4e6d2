//! Sampling the wasm call stack, for profilers.
//!
//! A profiler thread calls [`SampleHandle::request`] at its interval; the
//! running code notices at its next function entry or turn of a loop (the
//! points where an interruptible engine checks its interrupt flag) and
//! records the wasm frames of every activation, with the time. Code of an
//! engine without `Config::interruptible` has no such points, so sampling
//! costs nothing unless asked for; a request made while the store runs host
//! code is answered when wasm code runs again.

use std::sync::Arc;
use std::time::Instant;

use crate::error::FrameInfo;

/// One sample: when it was taken and the wasm frames, innermost first.
#[derive(Debug, Clone)]
pub struct Sample {
    /// When the running code took it.
    pub time: Instant,
    /// Every wasm frame of every activation, innermost first.
    pub frames: Vec<FrameInfo>,
}

/// Asks a store's running code for a sample. Usable from any thread.
#[derive(Debug, Clone)]
pub struct SampleHandle {
    pub(crate) flag: Arc<super::store::Attention>,
}

impl SampleHandle {
    /// Requests a sample at the next check point.
    pub fn request(&self) {
        self.flag.raise(super::store::Attention::SAMPLE);
    }
}

impl<T> super::Store<T> {
    /// A handle that requests samples of this store's call stack (taken
    /// only by code of an engine with `Config::interruptible(true)`).
    pub fn sample_handle(&self) -> SampleHandle {
        SampleHandle {
            flag: self.inner.attention.clone(),
        }
    }

    /// The samples taken so far, oldest first; the store keeps none.
    pub fn take_samples(&mut self) -> Vec<Sample> {
        std::mem::take(&mut self.inner.samples)
    }
}
