//! The descriptor table: what each guest file descriptor refers to.

use std::collections::BTreeMap;

use crate::errno::{Errno, WasiResult};
use crate::pipe::{ReadPipe, WritePipe};

/// A standard stream.
#[derive(Debug)]
pub(crate) enum Stream {
    /// The host's stdin.
    HostStdin,
    /// The host's stdout.
    HostStdout,
    /// The host's stderr.
    HostStderr,
    /// An in-memory input.
    Input(ReadPipe),
    /// An in-memory output.
    Output(WritePipe),
    /// A listening TCP socket the embedder preopened (`--tcplisten`).
    Listener(std::net::TcpListener),
    /// A TCP connection from `sock_accept`.
    Tcp(std::net::TcpStream),
}

/// What a descriptor refers to.
#[derive(Debug)]
pub(crate) enum Desc {
    /// A standard stream (not seekable).
    Stream(Stream),
    /// A regular file (or other non-directory opened through a path).
    File(std::fs::File),
    /// A directory; `preopen` is the guest name of a preopened one.
    Dir {
        dir: cap_std::fs::Dir,
        preopen: Option<Vec<u8>>,
    },
}

/// One open descriptor: the object, its rights and its `fdflags`.
#[derive(Debug)]
pub(crate) struct Entry {
    pub desc: Desc,
    pub rights_base: u64,
    pub rights_inheriting: u64,
    /// `fdflags`; `APPEND` is honoured by seeking to the end before each
    /// write, the sync flags by syncing after it.
    pub flags: u16,
}

/// Open descriptors by number. New descriptors get the lowest free number.
#[derive(Debug, Default)]
pub(crate) struct FdTable {
    entries: BTreeMap<u32, Entry>,
}

impl FdTable {
    /// The entry of `fd`, or `EBADF`.
    pub(crate) fn get(&mut self, fd: u32) -> WasiResult<&mut Entry> {
        self.entries.get_mut(&fd).ok_or(Errno::Badf)
    }

    /// The entry of `fd`, shared, or `EBADF`.
    pub(crate) fn get_ref(&self, fd: u32) -> WasiResult<&Entry> {
        self.entries.get(&fd).ok_or(Errno::Badf)
    }

    /// The directory `fd` refers to: `EBADF` if closed, `ENOTDIR` if it is
    /// not a directory.
    pub(crate) fn dir(&self, fd: u32) -> WasiResult<&cap_std::fs::Dir> {
        match &self.get_ref(fd)?.desc {
            Desc::Dir { dir, .. } => Ok(dir),
            _ => Err(Errno::Notdir),
        }
    }

    /// Adds `entry` under the lowest free number; `EMFILE` if none is left.
    pub(crate) fn insert(&mut self, entry: Entry) -> WasiResult<u32> {
        let mut fd = 0u32;
        for &used in self.entries.keys() {
            if used != fd {
                break;
            }
            fd = fd.checked_add(1).ok_or(Errno::Mfile)?;
        }
        self.entries.insert(fd, entry);
        Ok(fd)
    }

    /// Puts `entry` at `fd`, replacing (and closing) what was there.
    pub(crate) fn set(&mut self, fd: u32, entry: Entry) {
        self.entries.insert(fd, entry);
    }

    /// Removes `fd`, or `EBADF`.
    pub(crate) fn remove(&mut self, fd: u32) -> WasiResult<Entry> {
        self.entries.remove(&fd).ok_or(Errno::Badf)
    }

    /// Whether `fd` is open.
    pub(crate) fn contains(&self, fd: u32) -> bool {
        self.entries.contains_key(&fd)
    }
}
