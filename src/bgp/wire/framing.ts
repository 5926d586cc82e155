// Message framing over a byte stream (RFC 4271 §4.1 header, §6.1 header errors; RFC 8654 §4 lengths).
// Incremental and allocation-light: nextFrame() looks at a buffer and says "incomplete" (with how many more octets
// are needed), "frame" (offsets of one whole message) or "error" (a typed header error) — it never throws.
// FrameReader accumulates chunks split or coalesced at any byte boundary.
import { type CodecContext, maxLength } from './context.js';
import type { WireError } from './errors.js';
import { HEADER_LENGTH, MSG_KEEPALIVE, MSG_NOTIFICATION, MSG_OPEN, MSG_ROUTE_REFRESH, MSG_UPDATE } from './messages.js';

export type FrameResult =
  | { readonly kind: 'incomplete'; readonly need: number }
  | { readonly kind: 'frame'; readonly type: number; readonly start: number; readonly end: number }
  | { readonly kind: 'error'; readonly error: WireError };

/** Smallest valid length per type (RFC 4271 §4.2-4.5, RFC 2918 §3); KEEPALIVE must be exactly 19. */
const MIN_LENGTH: Readonly<Record<number, number>> = {
  [MSG_OPEN]: 29, [MSG_UPDATE]: 23, [MSG_NOTIFICATION]: 21, [MSG_KEEPALIVE]: 19, [MSG_ROUTE_REFRESH]: 23,
};

function markerOk(b: Uint8Array, off: number): boolean {
  for (let i = off; i < off + 16; i++) if (b[i] !== 0xff) return false;
  return true;
}

/** Check the header at b[off, end) and locate one message. */
export function nextFrame(b: Uint8Array, off: number, end: number, ctx: CodecContext): FrameResult {
  const have = end - off;
  // A bad marker octet is reported as soon as it arrives, without waiting for the rest of the header.
  const mEnd = Math.min(end, off + 16);
  for (let i = off; i < mEnd; i++) {
    if (b[i] !== 0xff) return { kind: 'error', error: { kind: 'header-marker', action: 'reset',
      reason: `marker octet ${i - off} is 0x${b[i]!.toString(16).padStart(2, '0')}, not 0xff` } };
  }
  if (have < HEADER_LENGTH) return { kind: 'incomplete', need: HEADER_LENGTH - have };
  const length = (b[off + 16]! << 8) | b[off + 17]!;
  const type = b[off + 18]!;
  const min = MIN_LENGTH[type];
  if (length < HEADER_LENGTH || length > maxLength(ctx, type)) {
    return { kind: 'error', error: { kind: 'header-length', action: 'reset', length,
      reason: `message length ${length} outside ${HEADER_LENGTH}..${maxLength(ctx, type)}` } };
  }
  if (min === undefined) {
    return { kind: 'error', error: { kind: 'header-type', action: 'reset', msgType: type,
      reason: `unknown message type ${type}` } };
  }
  if (length < min || (type === MSG_KEEPALIVE && length !== HEADER_LENGTH)) {
    return { kind: 'error', error: { kind: 'header-length', action: 'reset', length,
      reason: `length ${length} is ${type === MSG_KEEPALIVE ? 'not 19' : `below the minimum ${min}`} for message type ${type}` } };
  }
  if (have < length) return { kind: 'incomplete', need: length - have };
  return { kind: 'frame', type, start: off, end: off + length };
}

/** FrameReader.read(): no whole message buffered yet / the stream has a header error (see FrameReader.error). */
export const FRAME_INCOMPLETE = 0, FRAME_ERROR = -1;

/**
 * Accumulates stream chunks and yields whole messages. Frames stay valid: the reader never writes over bytes it
 * has handed out (it moves to a new buffer instead), so decoded messages may keep views into them. After an error
 * the reader is poisoned (the stream cannot be resynchronised; RFC 4271 closes the session).
 *
 * Copying: messages that lie whole inside a pushed chunk are handed out as part of that chunk, not copied; only a
 * message split across chunks is joined in a buffer of the reader's. So the reader keeps references to the chunks
 * it was given, and a caller must not write to a chunk after pushing it (socket data is never written to).
 *
 * Two ways to take frames: read() returns the message type and leaves the frame in `frameBuf[frameStart,
 * frameEnd)` (nothing allocated per message); next() returns a result object with a view of the frame.
 */
export class FrameReader {
  // The bytes being read: buf[start, end), then `rest` (the unread part of a chunk whose first bytes completed a
  // message joined in a buffer of ours), or null. `room`: buf is ours and may be appended to past `end`.
  private buf: Uint8Array = new Uint8Array(0);
  private start = 0;
  private end = 0;
  private rest: Uint8Array | null = null;
  private room = false;
  private failed: WireError | null = null;
  private needed = HEADER_LENGTH;
  private readonly ctx: () => CodecContext;
  /** After read() returned a message type: the buffer holding the message (header included) and its bounds. */
  frameBuf: Uint8Array = this.buf;
  frameStart = 0;
  frameEnd = 0;

  /** `ctx` is read on every frame, because the context changes once the OPENs are exchanged. */
  constructor(ctx: CodecContext | (() => CodecContext)) {
    this.ctx = typeof ctx === 'function' ? ctx : () => ctx;
  }

  /** Octets received but not yet returned as frames. */
  get buffered(): number {
    return this.end - this.start + (this.rest === null ? 0 : this.rest.length);
  }

  /** The error that ended the stream, or null. */
  get error(): WireError | null {
    return this.failed;
  }

  /** After read() returned FRAME_INCOMPLETE: how many more octets the next message needs at least. */
  get need(): number {
    return this.needed;
  }

  /** Add received bytes (kept by reference: do not write to `chunk` afterwards). */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.rest !== null) {
      // Frames were not all taken since the last push: join what is left into one buffer of ours (rare).
      const r = this.rest;
      this.rest = null;
      this.append(r, false);
    }
    if (this.start === this.end) {
      // Nothing pending: read the chunk where it is.
      this.buf = chunk; this.start = 0; this.end = chunk.length; this.room = false;
      return;
    }
    this.join(chunk);
  }

  /**
   * Pending bytes plus the start of `chunk`: when the pending message's length is known, only the octets that
   * complete it are copied and the rest of the chunk is read in place afterwards; else enough to learn it.
   */
  private join(chunk: Uint8Array): void {
    const pending = this.end - this.start;
    const length = pending >= 18 ? (this.buf[this.start + 16]! << 8) | this.buf[this.start + 17]! : HEADER_LENGTH;
    const take = Math.max(1, length - pending);
    if (take < chunk.length) {
      this.append(chunk.subarray(0, take), true);
      this.rest = chunk.subarray(take);
    } else {
      this.append(chunk, false);
    }
  }

  /**
   * Append `chunk` after the pending bytes, in a buffer of ours: the current one when it has room, else a new one,
   * of the exact size when `exact` (the message is then complete), else with room for more.
   */
  private append(chunk: Uint8Array, exact: boolean): void {
    const n = chunk.length;
    if (!this.room || this.end + n > this.buf.length) {
      const pending = this.end - this.start;
      const next = new Uint8Array(exact ? pending + n : Math.max(pending + n, 2 * pending, 8192));
      next.set(this.buf.subarray(this.start, this.end), 0);
      this.buf = next; this.start = 0; this.end = pending; this.room = !exact;
    }
    this.buf.set(chunk, this.end);
    this.end += n;
  }

  /**
   * The type (1..5) of the next whole message, which is then `frameBuf[frameStart, frameEnd)` (header included);
   * FRAME_INCOMPLETE (see `need`), or FRAME_ERROR when the stream has a header error (see `error`; every later
   * call returns FRAME_ERROR too).
   */
  read(): number {
    if (this.failed !== null) return FRAME_ERROR;
    for (;;) {
      const buf = this.buf, off = this.start;
      // The common case without the result object of nextFrame(): a whole message with a good marker, a length
      // within the limit and a known type at least as long as the type's minimum.
      if (this.end - off >= HEADER_LENGTH) {
        const length = (buf[off + 16]! << 8) | buf[off + 17]!, type = buf[off + 18]!;
        const min = MIN_LENGTH[type];
        if (min !== undefined && length >= min && length <= this.end - off && (type !== MSG_KEEPALIVE || length === HEADER_LENGTH) &&
          length <= maxLength(this.ctx(), type) && markerOk(buf, off)) {
          this.start = off + length;
          this.frameBuf = buf; this.frameStart = off; this.frameEnd = off + length;
          return type;
        }
      }
      const r = nextFrame(buf, off, this.end, this.ctx());
      if (r.kind === 'error') { this.failed = r.error; return FRAME_ERROR; }
      if (r.kind === 'frame') {
        this.start = r.end;
        this.frameBuf = buf; this.frameStart = r.start; this.frameEnd = r.end;
        return r.type;
      }
      if (this.rest === null) { this.needed = r.need; return FRAME_INCOMPLETE; }
      // The current bytes are used up or hold the start of a message: continue with the rest of the chunk.
      const rest = this.rest;
      this.rest = null;
      if (this.start === this.end) { this.buf = rest; this.start = 0; this.end = rest.length; this.room = false; }
      else this.join(rest);
    }
  }

  /** The next whole message (as bytes incl. header), 'incomplete', or the error that ends the stream. */
  next(): { kind: 'incomplete'; need: number } | { kind: 'frame'; type: number; bytes: Uint8Array } |
    { kind: 'error'; error: WireError } {
    const type = this.read();
    if (type === FRAME_ERROR) return { kind: 'error', error: this.failed! };
    if (type === FRAME_INCOMPLETE) return { kind: 'incomplete', need: this.needed };
    const b = this.frameBuf;
    // The constructor rather than subarray(): the same view without subarray's species lookup.
    return { kind: 'frame', type, bytes: new Uint8Array(b.buffer, b.byteOffset + this.frameStart, this.frameEnd - this.frameStart) };
  }
}
