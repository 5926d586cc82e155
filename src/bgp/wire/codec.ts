// Whole-message decode and encode (RFC 4271 §4), dispatching on the header type. decodeMessage() is stage 1: it
// checks the header and the structure of the body and returns a typed result — never an exception, for any
// input. validate.ts is stage 2 (needs the session). encodeMessage() is the exact inverse for every message
// decodeMessage() accepted, under the same context.
import { AttrCache } from './attr-decode.js';
import { type CodecContext, maxLength } from './context.js';
import { BgpEncodeError, type WireError } from './errors.js';
import { nextFrame } from './framing.js';
import {
  type BgpMessage, type DecodeResult, HEADER_LENGTH, MSG_KEEPALIVE, MSG_NOTIFICATION, MSG_OPEN, MSG_ROUTE_REFRESH,
  MSG_UPDATE, RR_BORR, RR_EORR,
} from './messages.js';
import { encodeOpenBody, parseOpen } from './open.js';
import { encodeUpdateBody, parseUpdate } from './update.js';

export interface DecodeOptions {
  /** Intern attribute sets (one cache per session direction; see AttrCache). */
  readonly cache?: AttrCache;
}

const fail = (error: WireError): DecodeResult => ({ ok: false, error });

/**
 * Decode the one message that starts at b[offset] (header included). Trailing bytes after it are ignored; use
 * nextFrame()/FrameReader to walk a stream.
 */
export function decodeMessage(b: Uint8Array, ctx: CodecContext, offset = 0, opts: DecodeOptions = {}): DecodeResult {
  const f = nextFrame(b, offset, b.length, ctx);
  if (f.kind === 'error') return fail(f.error);
  if (f.kind === 'incomplete') {
    const length = b.length - offset >= 18 ? (b[offset + 16]! << 8) | b[offset + 17]! : b.length - offset;
    return fail({ kind: 'header-length', action: 'reset', length,
      reason: `message truncated: ${f.need} more octet(s) needed` });
  }
  return decodeBody(f.type, b, f.start, f.end, ctx, opts);
}

/** Decode a message body whose header (at b[start]) was already checked by nextFrame(). */
export function decodeBody(type: number, b: Uint8Array, start: number, end: number, ctx: CodecContext,
  opts: DecodeOptions = {}): DecodeResult {
  const bs = start + HEADER_LENGTH;
  switch (type) {
    case MSG_OPEN: {
      const r = parseOpen(b, bs, end);
      return 'kind' in r ? fail(r) : { ok: true, msg: r, errors: [] };
    }
    case MSG_UPDATE:
      return parseUpdate(b, bs, end, ctx, opts.cache);
    case MSG_NOTIFICATION:
      return { ok: true, msg: { type: 'NOTIFICATION', code: b[bs]!, subcode: b[bs + 1]!, data: b.subarray(bs + 2, end) },
        errors: [] };
    case MSG_KEEPALIVE:
      return { ok: true, msg: { type: 'KEEPALIVE' }, errors: [] };
    case MSG_ROUTE_REFRESH: {
      const subtype = b[bs + 2]!;
      // RFC 7313 §5: BoRR/EoRR must be exactly 4 octets after the header; data = the whole message.
      if ((subtype === RR_BORR || subtype === RR_EORR) && end - bs !== 4) {
        return fail({ kind: 'route-refresh-length', action: 'reset', message: b.slice(start, end),
          reason: `ROUTE-REFRESH subtype ${subtype} with ${end - bs} octets after the header, expected 4` });
      }
      return { ok: true, msg: { type: 'ROUTE_REFRESH', afi: (b[bs]! << 8) | b[bs + 1]!, subtype, safi: b[bs + 3]!,
        rest: b.subarray(bs + 4, end) }, errors: [] };
    }
    default:
      return fail({ kind: 'header-type', action: 'reset', msgType: type, reason: `unknown message type ${type}` });
  }
}

const TYPE_CODES = { OPEN: MSG_OPEN, UPDATE: MSG_UPDATE, NOTIFICATION: MSG_NOTIFICATION, KEEPALIVE: MSG_KEEPALIVE,
  ROUTE_REFRESH: MSG_ROUTE_REFRESH } as const;

function body(m: BgpMessage, ctx: CodecContext): Uint8Array {
  switch (m.type) {
    case 'OPEN': return encodeOpenBody(m);
    case 'UPDATE': return encodeUpdateBody(m, ctx);
    case 'NOTIFICATION': {
      const out = new Uint8Array(2 + m.data.length);
      out[0] = m.code; out[1] = m.subcode; out.set(m.data, 2);
      return out;
    }
    case 'KEEPALIVE': return new Uint8Array(0);
    case 'ROUTE_REFRESH': {
      const out = new Uint8Array(4 + m.rest.length);
      out[0] = m.afi >> 8; out[1] = m.afi & 255; out[2] = m.subtype; out[3] = m.safi; out.set(m.rest, 4);
      return out;
    }
  }
}

/** Encode a message with its header. Throws BgpEncodeError if it cannot be sent under `ctx` (e.g. too long). */
export function encodeMessage(m: BgpMessage, ctx: CodecContext): Uint8Array {
  const type = TYPE_CODES[m.type];
  const b = body(m, ctx);
  const length = HEADER_LENGTH + b.length;
  if (length > maxLength(ctx, type)) {
    throw new BgpEncodeError(`${m.type} of ${length} octets exceeds the maximum ${maxLength(ctx, type)}`);
  }
  const out = new Uint8Array(length);
  out.fill(0xff, 0, 16);
  out[16] = length >> 8; out[17] = length & 255; out[18] = type;
  out.set(b, HEADER_LENGTH);
  return out;
}

/** A KEEPALIVE, ready to send (RFC 4271 §4.4). */
export const KEEPALIVE_BYTES: Uint8Array = encodeMessage({ type: 'KEEPALIVE' }, {
  as4: false, extendedMessages: false, addPath: { receive: new Set(), send: new Set() } });
