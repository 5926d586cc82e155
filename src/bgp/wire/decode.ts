// Both decoding stages in one call: decodeMessage() (structure, stage 1) then, for UPDATE and OPEN, the session
// checks of validate.ts (stage 2). The result lists every error found with its RFC 7606 action; `action` is the
// strongest of them (what the caller must do), null when the message is clean.
import { type DecodeOptions, decodeMessage } from './codec.js';
import type { CodecContext } from './context.js';
import { type Action, BgpDecodeError, worstAction, type WireError } from './errors.js';
import type { BgpMessage } from './messages.js';
import { sessionActions, type SessionInfo, validateOpen, validateUpdate } from './validate.js';

export type FullDecodeResult =
  | { readonly ok: true; readonly msg: BgpMessage; readonly errors: readonly WireError[]; readonly action: Action | null }
  | { readonly ok: false; readonly error: WireError; readonly action: 'reset' };

export function decode(b: Uint8Array, ctx: CodecContext, session: SessionInfo = {}, offset = 0,
  opts: DecodeOptions = {}): FullDecodeResult {
  const r = decodeMessage(b, ctx, offset, opts);
  if (!r.ok) return { ok: false, error: r.error, action: 'reset' };
  if (r.msg.type === 'OPEN') {
    const e = validateOpen(r.msg, session);
    if (e !== null) return { ok: false, error: e, action: 'reset' };
  }
  const errors = r.msg.type === 'UPDATE' ? [...sessionActions(r.errors, session), ...validateUpdate(r.msg, ctx, session)]
    : r.errors;
  return { ok: true, msg: r.msg, errors, action: worstAction(errors) };
}

/** decodeMessage() for callers that prefer an exception (BgpDecodeError) for a message that cannot be used. */
export function decodeOrThrow(b: Uint8Array, ctx: CodecContext): BgpMessage {
  const r = decodeMessage(b, ctx);
  if (!r.ok) throw new BgpDecodeError(r.error);
  return r.msg;
}
