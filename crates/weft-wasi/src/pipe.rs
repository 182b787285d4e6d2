//! In-memory standard streams for tests and embedders.

use std::sync::{Arc, Mutex, MutexGuard};

/// An in-memory stdin: the guest reads these bytes, then end of file.
#[derive(Debug, Clone, Default)]
pub struct ReadPipe {
    data: Vec<u8>,
    pos: usize,
}

impl ReadPipe {
    /// A pipe that yields `data` and then end of file.
    pub fn new(data: impl Into<Vec<u8>>) -> Self {
        ReadPipe {
            data: data.into(),
            pos: 0,
        }
    }

    /// Bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    /// Copies up to `buf.len()` unread bytes into `buf`; returns how many.
    pub(crate) fn read(&mut self, buf: &mut [u8]) -> usize {
        let rest = &self.data[self.pos..];
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.pos += n;
        n
    }
}

/// An in-memory stdout or stderr. Clones share one buffer, so the embedder
/// keeps a clone and reads what the guest wrote with [`WritePipe::contents`].
#[derive(Debug, Clone, Default)]
pub struct WritePipe {
    buf: Arc<Mutex<Vec<u8>>>,
    /// Drops what is written instead of keeping it.
    discard: bool,
}

impl WritePipe {
    /// An empty pipe.
    pub fn new() -> Self {
        WritePipe::default()
    }

    /// A pipe that accepts writes and keeps nothing (a guest's `/dev/null`).
    pub fn discard() -> Self {
        WritePipe {
            discard: true,
            ..WritePipe::default()
        }
    }

    fn lock(&self) -> MutexGuard<'_, Vec<u8>> {
        // A panic elsewhere cannot leave a Vec<u8> inconsistent.
        self.buf
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Everything written so far.
    pub fn contents(&self) -> Vec<u8> {
        self.lock().clone()
    }

    /// Everything written so far, as text (invalid UTF-8 is replaced).
    pub fn contents_string(&self) -> String {
        String::from_utf8_lossy(&self.lock()).into_owned()
    }

    /// Appends `data`.
    pub(crate) fn write(&self, data: &[u8]) {
        if !self.discard {
            self.lock().extend_from_slice(data);
        }
    }
}
