//! WASI error numbers (`errno`) and the mapping from host I/O errors.

use std::fmt;
use std::io;

macro_rules! errnos {
    ($($name:ident = $value:literal, $text:literal;)*) => {
        /// A WASI preview1 error number, as returned to the guest by every
        /// function of `wasi_snapshot_preview1`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(u16)]
        pub enum Errno {
            $(
                #[doc = $text]
                $name = $value,
            )*
        }

        impl Errno {
            /// The WASI name of the error, e.g. `"badf"`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Errno::$name => $text,)*
                }
            }
        }
    };
}

errnos! {
    Success = 0, "success";
    TooBig = 1, "2big";
    Acces = 2, "acces";
    Addrinuse = 3, "addrinuse";
    Addrnotavail = 4, "addrnotavail";
    Afnosupport = 5, "afnosupport";
    Again = 6, "again";
    Already = 7, "already";
    Badf = 8, "badf";
    Badmsg = 9, "badmsg";
    Busy = 10, "busy";
    Canceled = 11, "canceled";
    Child = 12, "child";
    Connaborted = 13, "connaborted";
    Connrefused = 14, "connrefused";
    Connreset = 15, "connreset";
    Deadlk = 16, "deadlk";
    Destaddrreq = 17, "destaddrreq";
    Dom = 18, "dom";
    Dquot = 19, "dquot";
    Exist = 20, "exist";
    Fault = 21, "fault";
    Fbig = 22, "fbig";
    Hostunreach = 23, "hostunreach";
    Idrm = 24, "idrm";
    Ilseq = 25, "ilseq";
    Inprogress = 26, "inprogress";
    Intr = 27, "intr";
    Inval = 28, "inval";
    Io = 29, "io";
    Isconn = 30, "isconn";
    Isdir = 31, "isdir";
    Loop = 32, "loop";
    Mfile = 33, "mfile";
    Mlink = 34, "mlink";
    Msgsize = 35, "msgsize";
    Multihop = 36, "multihop";
    Nametoolong = 37, "nametoolong";
    Netdown = 38, "netdown";
    Netreset = 39, "netreset";
    Netunreach = 40, "netunreach";
    Nfile = 41, "nfile";
    Nobufs = 42, "nobufs";
    Nodev = 43, "nodev";
    Noent = 44, "noent";
    Noexec = 45, "noexec";
    Nolck = 46, "nolck";
    Nolink = 47, "nolink";
    Nomem = 48, "nomem";
    Nomsg = 49, "nomsg";
    Noprotoopt = 50, "noprotoopt";
    Nospc = 51, "nospc";
    Nosys = 52, "nosys";
    Notconn = 53, "notconn";
    Notdir = 54, "notdir";
    Notempty = 55, "notempty";
    Notrecoverable = 56, "notrecoverable";
    Notsock = 57, "notsock";
    Notsup = 58, "notsup";
    Notty = 59, "notty";
    Nxio = 60, "nxio";
    Overflow = 61, "overflow";
    Ownerdead = 62, "ownerdead";
    Perm = 63, "perm";
    Pipe = 64, "pipe";
    Proto = 65, "proto";
    Protonosupport = 66, "protonosupport";
    Prototype = 67, "prototype";
    Range = 68, "range";
    Rofs = 69, "rofs";
    Spipe = 70, "spipe";
    Srch = 71, "srch";
    Stale = 72, "stale";
    Timedout = 73, "timedout";
    Txtbsy = 74, "txtbsy";
    Xdev = 75, "xdev";
    Notcapable = 76, "notcapable";
}

impl Errno {
    /// The numeric value the guest sees.
    pub fn raw(self) -> u16 {
        self as u16
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name(), self.raw())
    }
}

impl std::error::Error for Errno {}

impl From<io::Error> for Errno {
    /// Maps a host error to the closest WASI errno.
    ///
    /// An error with no OS code and kind `PermissionDenied` is how `cap-std`
    /// reports a path that would leave its directory (`..` past the root,
    /// an absolute path or an escaping symlink): it becomes
    /// [`Errno::Notcapable`]. A real `EACCES`/`EPERM` keeps its meaning.
    fn from(err: io::Error) -> Errno {
        if let Some(code) = err.raw_os_error()
            && let Some(errno) = from_os_code(code)
        {
            return errno;
        }
        use io::ErrorKind as K;
        match err.kind() {
            K::NotFound => Errno::Noent,
            K::PermissionDenied => Errno::Notcapable,
            K::AlreadyExists => Errno::Exist,
            K::WouldBlock => Errno::Again,
            K::InvalidInput => Errno::Inval,
            K::InvalidData => Errno::Ilseq,
            K::Interrupted => Errno::Intr,
            K::Unsupported => Errno::Notsup,
            K::OutOfMemory => Errno::Nomem,
            K::NotADirectory => Errno::Notdir,
            K::IsADirectory => Errno::Isdir,
            K::DirectoryNotEmpty => Errno::Notempty,
            K::ReadOnlyFilesystem => Errno::Rofs,
            K::StorageFull => Errno::Nospc,
            K::NotSeekable => Errno::Spipe,
            K::FileTooLarge => Errno::Fbig,
            K::ResourceBusy => Errno::Busy,
            K::CrossesDevices => Errno::Xdev,
            K::TooManyLinks => Errno::Mlink,
            K::BrokenPipe => Errno::Pipe,
            K::TimedOut => Errno::Timedout,
            _ => Errno::Io,
        }
    }
}

/// Linux `errno` values (the numbering of the host this runs on).
#[cfg(target_os = "linux")]
fn from_os_code(code: i32) -> Option<Errno> {
    Some(match code {
        1 => Errno::Perm,
        2 => Errno::Noent,
        3 => Errno::Srch,
        4 => Errno::Intr,
        5 => Errno::Io,
        6 => Errno::Nxio,
        7 => Errno::TooBig,
        8 => Errno::Noexec,
        9 => Errno::Badf,
        10 => Errno::Child,
        11 => Errno::Again,
        12 => Errno::Nomem,
        13 => Errno::Acces,
        14 => Errno::Fault,
        16 => Errno::Busy,
        17 => Errno::Exist,
        18 => Errno::Xdev,
        19 => Errno::Nodev,
        20 => Errno::Notdir,
        21 => Errno::Isdir,
        22 => Errno::Inval,
        23 => Errno::Nfile,
        24 => Errno::Mfile,
        25 => Errno::Notty,
        26 => Errno::Txtbsy,
        27 => Errno::Fbig,
        28 => Errno::Nospc,
        29 => Errno::Spipe,
        30 => Errno::Rofs,
        31 => Errno::Mlink,
        32 => Errno::Pipe,
        33 => Errno::Dom,
        34 => Errno::Range,
        35 => Errno::Deadlk,
        36 => Errno::Nametoolong,
        37 => Errno::Nolck,
        38 => Errno::Nosys,
        39 => Errno::Notempty,
        40 => Errno::Loop,
        75 => Errno::Overflow,
        84 => Errno::Ilseq,
        95 => Errno::Notsup,
        110 => Errno::Timedout,
        116 => Errno::Stale,
        122 => Errno::Dquot,
        125 => Errno::Canceled,
        _ => return None,
    })
}

/// Other hosts: rely on [`io::ErrorKind`] only.
#[cfg(not(target_os = "linux"))]
fn from_os_code(_code: i32) -> Option<Errno> {
    None
}

/// Result of a WASI function's body: `Ok` becomes [`Errno::Success`].
pub(crate) type WasiResult<T = ()> = Result<T, Errno>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_map_to_errnos() {
        assert_eq!(
            Errno::from(io::Error::from(io::ErrorKind::NotFound)),
            Errno::Noent
        );
        let escape = io::Error::new(io::ErrorKind::PermissionDenied, "escape");
        assert_eq!(Errno::from(escape), Errno::Notcapable);
        #[cfg(target_os = "linux")]
        {
            assert_eq!(Errno::from(io::Error::from_raw_os_error(13)), Errno::Acces);
            assert_eq!(Errno::from(io::Error::from_raw_os_error(40)), Errno::Loop);
        }
        assert_eq!(Errno::Notcapable.raw(), 76);
        assert_eq!(Errno::Badf.to_string(), "badf (8)");
    }
}
