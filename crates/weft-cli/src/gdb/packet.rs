//! GDB remote serial protocol framing: `$payload#checksum` packets, `+`/`-`
//! acknowledgements (until no-ack mode), `}`-escapes, and the interrupt
//! byte.

use std::io::{self, BufRead, Write};

/// The largest packet weft accepts (and advertises as `PacketSize`).
pub(crate) const MAX_PACKET: usize = 0x20000;

/// What came in from the debugger.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Incoming {
    /// A packet's payload (unescaped, checksum verified).
    Packet(Vec<u8>),
    /// The interrupt byte (0x03), sent while the program runs.
    Interrupt,
    /// A packet longer than [`MAX_PACKET`]; it was read and dropped.
    TooLong,
}

/// One side of a connection: reads packets, writes replies.
pub(crate) struct Conn<S> {
    stream: io::BufReader<S>,
    /// Acknowledge every packet (until `QStartNoAckMode`).
    pub acks: bool,
}

fn hex_digit(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

impl<S: io::Read + Write> Conn<S> {
    pub(crate) fn new(stream: S) -> Conn<S> {
        Conn {
            stream: io::BufReader::new(stream),
            acks: true,
        }
    }

    fn byte(&mut self) -> io::Result<Option<u8>> {
        let b = loop {
            match self.stream.fill_buf() {
                Ok([]) => return Ok(None),
                Ok([b, ..]) => break *b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        self.stream.consume(1);
        Ok(Some(b))
    }

    /// Takes an interrupt byte already read into the buffer (it came
    /// with the packet that resumed the program).
    pub(crate) fn take_buffered_interrupt(&mut self) -> bool {
        if self.stream.buffer().first() == Some(&0x03) {
            self.stream.consume(1);
            return true;
        }
        false
    }

    /// The next packet or interrupt; `None` when the debugger hung up. A
    /// packet whose checksum is wrong is refused with `-` (in ack mode)
    /// and skipped.
    pub(crate) fn read(&mut self) -> io::Result<Option<Incoming>> {
        loop {
            match self.byte()? {
                None => return Ok(None),
                Some(0x03) => return Ok(Some(Incoming::Interrupt)),
                Some(b'$') => {}
                // Acknowledgements of our replies, and noise.
                Some(_) => continue,
            }
            let mut payload = Vec::new();
            let mut sum: u8 = 0;
            let mut escaped = false;
            let mut too_long = false;
            loop {
                let Some(b) = self.byte()? else {
                    return Ok(None);
                };
                if b == b'#' && !escaped {
                    break;
                }
                sum = sum.wrapping_add(b);
                if payload.len() >= MAX_PACKET {
                    too_long = true;
                    continue;
                }
                if escaped {
                    payload.push(b ^ 0x20);
                    escaped = false;
                } else if b == b'}' {
                    escaped = true;
                } else {
                    payload.push(b);
                }
            }
            let (Some(hi), Some(lo)) = (self.byte()?, self.byte()?) else {
                return Ok(None);
            };
            let good =
                matches!((hex_digit(hi), hex_digit(lo)), (Some(h), Some(l)) if h << 4 | l == sum);
            if self.acks {
                self.stream
                    .get_mut()
                    .write_all(if good { b"+" } else { b"-" })?;
                self.stream.get_mut().flush()?;
            }
            if !good {
                continue;
            }
            return Ok(Some(if too_long {
                Incoming::TooLong
            } else {
                Incoming::Packet(payload)
            }));
        }
    }

    /// Sends one packet, escaping what must be.
    pub(crate) fn send(&mut self, payload: &[u8]) -> io::Result<()> {
        let mut out = Vec::with_capacity(payload.len() + 4);
        out.push(b'$');
        let mut sum: u8 = 0;
        for &b in payload {
            if matches!(b, b'$' | b'#' | b'}' | b'*') {
                out.push(b'}');
                out.push(b ^ 0x20);
                sum = sum.wrapping_add(b'}').wrapping_add(b ^ 0x20);
            } else {
                out.push(b);
                sum = sum.wrapping_add(b);
            }
        }
        out.extend_from_slice(format!("#{sum:02x}").as_bytes());
        let w = self.stream.get_mut();
        w.write_all(&out)?;
        w.flush()
    }
}

/// `bytes` as lower-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hex text back to bytes; `None` if it is not an even run of hex digits.
pub(crate) fn unhex(text: &[u8]) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    text.chunks(2)
        .map(|p| Some(hex_digit(p[0])? << 4 | hex_digit(p[1])?))
        .collect()
}

/// A hex number (at most 64 bits).
pub(crate) fn hex_u64(text: &[u8]) -> Option<u64> {
    if text.is_empty() || text.len() > 16 {
        return None;
    }
    text.iter()
        .try_fold(0u64, |n, &b| Some(n << 4 | u64::from(hex_digit(b)?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stream that reads from `input` and records what is written.
    struct Pipe {
        input: io::Cursor<Vec<u8>>,
        output: Vec<u8>,
    }

    impl io::Read for Pipe {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.input.read(buf)
        }
    }

    impl Write for Pipe {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.output.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn conn(input: &[u8]) -> Conn<Pipe> {
        Conn::new(Pipe {
            input: io::Cursor::new(input.to_vec()),
            output: Vec::new(),
        })
    }

    #[test]
    fn packets_are_checked_acknowledged_and_unescaped() {
        // `g` sums to 0x67; a bad checksum is refused and skipped.
        let mut c = conn(b"+$g#00$g#67\x03$X}\x03#d8");
        assert_eq!(c.read().unwrap(), Some(Incoming::Packet(b"g".to_vec())));
        assert_eq!(c.read().unwrap(), Some(Incoming::Interrupt));
        // `}` then 0x03 is an escaped `#`.
        let sum = b'X'.wrapping_add(b'}').wrapping_add(0x03);
        assert_eq!(sum, 0xd8);
        assert_eq!(c.read().unwrap(), Some(Incoming::Packet(b"X#".to_vec())));
        assert_eq!(c.read().unwrap(), None);
        assert_eq!(c.stream.get_ref().output, b"-++");
    }

    #[test]
    fn no_ack_mode_sends_no_acknowledgements() {
        let mut c = conn(b"$g#67");
        c.acks = false;
        assert_eq!(c.read().unwrap(), Some(Incoming::Packet(b"g".to_vec())));
        assert!(c.stream.get_ref().output.is_empty());
    }

    #[test]
    fn truncated_and_oversized_packets() {
        assert_eq!(conn(b"$abc").read().unwrap(), None);
        assert_eq!(conn(b"$ab#6").read().unwrap(), None);
        let mut big = b"$".to_vec();
        big.extend(std::iter::repeat_n(b'a', MAX_PACKET + 10));
        let sum = big[1..].iter().fold(0u8, |s, b| s.wrapping_add(*b));
        big.extend_from_slice(format!("#{sum:02x}").as_bytes());
        assert_eq!(conn(&big).read().unwrap(), Some(Incoming::TooLong));
    }

    #[test]
    fn replies_are_escaped_with_their_checksum() {
        let mut c = conn(b"");
        c.send(b"OK").unwrap();
        c.send(b"a#b").unwrap();
        assert_eq!(c.stream.get_ref().output, b"$OK#9a$a}\x03b#43");
    }

    #[test]
    fn hex_helpers() {
        assert_eq!(hex(&[0, 0xab]), "00ab");
        assert_eq!(unhex(b"00ab"), Some(vec![0, 0xab]));
        assert_eq!(unhex(b"0"), None);
        assert_eq!(unhex(b"zz"), None);
        assert_eq!(hex_u64(b"4000000000000000"), Some(1 << 62));
        assert_eq!(hex_u64(b""), None);
        assert_eq!(hex_u64(b"10000000000000000"), None);
    }
}
