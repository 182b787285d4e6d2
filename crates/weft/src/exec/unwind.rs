//! Exception unwinding over the store's call stack.
//!
//! A throw looks for a handler from the innermost frame outwards: in each
//! frame, the first entry of its function's handler table that covers the
//! instruction the frame is at (the throw, or the call an exception came
//! out of) and has a matching clause. Frames without one are popped. The
//! search stops at the activation's marker frame: the exception then leaves
//! the activation, as an error for the host (see `exec::run`). Nothing of
//! this runs unless something is thrown.

use super::view::Ip;
use super::{Ctx, Frame};
use crate::code::{CatchKind, Clause, DELEGATE_TO_CALLER, Instr};
use crate::runtime::gc::Object;

/// Where a caught exception continues: op, frame and instance.
pub(super) struct Landing {
    pub ip: Ip,
    pub fp: usize,
    pub instance: u32,
}

/// Finds the handler of exception `exn` (store index), starting in the
/// innermost frame at `at` (`None`: at the call that frame's resume point
/// follows), and writes the clause's values into its label's slots. `None`
/// if no frame of this activation catches it; its frames are gone then.
pub(super) fn find_handler(ctx: &mut Ctx<'_>, exn: u64, mut at: Option<Ip>) -> Option<Landing> {
    let Some(Object::Exn { tag, .. }) = ctx.inner.heap.get(exn) else {
        return None;
    };
    let tag = *tag;
    loop {
        let frame: Frame = *ctx.frames.last()?;
        if frame.ip.is_activation_end() {
            return None;
        }
        let inst = &ctx.inner.instances[frame.instance as usize];
        let module = inst.module.clone();
        // The frame as a backtrace shows it: at the op after the throw or
        // the call.
        let shown = Frame {
            ip: at.map_or(frame.ip, |a| a.next()),
            ..frame
        };
        let ip = at.take().unwrap_or(frame.ip.back());
        if let Some(cf) = module.inner.compiled(frame.func)
            && let Some(pc) = ip.pc_in(cf)
            && !is_tail_call(ip.instr())
        {
            let pc = pc as u32;
            let matches = |c: &&Clause| match c.kind {
                CatchKind::All | CatchKind::AllRef | CatchKind::LegacyAll => true,
                CatchKind::Tag | CatchKind::TagRef | CatchKind::Legacy => {
                    inst.tags.get(c.tag as usize) == Some(&tag)
                }
            };
            // Entries covering `pc`, innermost first; a `delegate` skips to
            // its target's entry (or out of the frame).
            let mut skip_to = None;
            let mut hit = None;
            for e in cf.handlers.iter().filter(|e| e.start <= pc && pc < e.end) {
                if let Some(t) = skip_to {
                    if e.id != t {
                        continue;
                    }
                    skip_to = None;
                }
                if let Some(t) = e.delegate {
                    if t == DELEGATE_TO_CALLER {
                        break;
                    }
                    skip_to = Some(t);
                    continue;
                }
                if let Some(c) = e.clauses.iter().find(matches) {
                    hit = Some(*c);
                    break;
                }
            }
            if let Some(c) = hit {
                ctx.unwound.clear();
                land(ctx, exn, frame.fp, c);
                return Some(Landing {
                    ip: Ip::at(cf, c.target as usize),
                    fp: frame.fp,
                    instance: frame.instance,
                });
            }
        }
        ctx.unwound.push(shown);
        ctx.frames.pop();
    }
}

/// A frame stopped at a tail call is only still there because its callee
/// is a host function (a wasm callee replaces it): the call has left the
/// frame's `try_table`s, so their handlers do not apply.
fn is_tail_call(i: &Instr) -> bool {
    matches!(
        i,
        Instr::ReturnCall { .. }
            | Instr::ReturnCallImport { .. }
            | Instr::ReturnCallIndirect { .. }
            | Instr::ReturnCallRef { .. }
    )
}

/// Writes what clause `c` gives (the payload, then the `exnref`, as its
/// kind says) to the slots from `c.dest` of the frame at `fp`.
fn land(ctx: &mut Ctx<'_>, exn: u64, fp: usize, c: Clause) {
    let Some(Object::Exn { payload, .. }) = ctx.inner.heap.get(exn) else {
        return;
    };
    let mut dest = fp + c.dest as usize;
    if let CatchKind::Legacy | CatchKind::LegacyAll = c.kind {
        // The `exnref` first, in the catch's hidden slot.
        if let Some(cell) = ctx.stack.get_mut(dest) {
            *cell = exn;
        }
        dest += 1;
    }
    let payload = match c.kind {
        CatchKind::Tag | CatchKind::TagRef | CatchKind::Legacy => &payload[..],
        CatchKind::All | CatchKind::AllRef | CatchKind::LegacyAll => &[],
    };
    let n = payload.len();
    if let Some(cells) = ctx.stack.get_mut(dest..dest + n) {
        cells.copy_from_slice(payload);
    }
    if let CatchKind::TagRef | CatchKind::AllRef = c.kind
        && let Some(cell) = ctx.stack.get_mut(dest + n)
    {
        *cell = exn;
    }
}
