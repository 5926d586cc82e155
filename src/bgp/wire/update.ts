// UPDATE message (RFC 4271 §4.3), stage 1: structure. Lengths that make the NLRI field impossible to locate and
// malformed Withdrawn Routes / NLRI fields are session resets (RFC 7606 §4, §5.3); attribute errors come from
// attr-decode.ts with their own actions.
//
//   +-----------------------------------------------------+
//   |   Withdrawn Routes Length (2 octets)                |
//   +-----------------------------------------------------+
//   |   Withdrawn Routes (variable)                       |
//   +-----------------------------------------------------+
//   |   Total Path Attribute Length (2 octets)            |
//   +-----------------------------------------------------+
//   |   Path Attributes (variable)                        |
//   +-----------------------------------------------------+
//   |   Network Layer Reachability Information (variable) |
//   +-----------------------------------------------------+
import { AttrCache, AttrParts, decodeAttributesInto, EMPTY_SET } from './attr-decode.js';
import { encodeAttributes } from './attr-encode.js';
import { AFI_IPV4, type CodecContext, IPV4_UNICAST } from './context.js';
import { NO_ERRORS, type WireError } from './errors.js';
import type { AttrSet, DecodeResult, MpNlri, UpdateMessage } from './messages.js';
import { decodePrefixes, PrefixList, prefixesLength, writePrefixes } from './prefix.js';

/**
 * The parts of one decoded UPDATE, filled by decodeUpdateInto() and overwritten by its next call: a caller that
 * decodes a stream reuses one (no result or message object per UPDATE) and takes what it keeps (the set, the
 * prefix lists) before decoding the next message. toMessage() makes the UpdateMessage parseUpdate() returns.
 */
export class UpdateParts {
  withdrawn: PrefixList = PrefixList.empty(AFI_IPV4);
  attrs: AttrSet = EMPTY_SET;
  /** `attrs` was made by this decode (no earlier one returned it: see AttrParts.newSet). */
  newSet = false;
  /** The cache's dense index of `attrs`, or -1 (see AttrParts.setIndex). */
  setIndex = -1;
  nlri: PrefixList = PrefixList.empty(AFI_IPV4);
  mpReach: MpNlri | null = null;
  mpUnreach: MpNlri | null = null;
  /** Non-fatal errors: the set's, then those of the MP NLRI (shared empty list when none). */
  errors: readonly WireError[] = NO_ERRORS;
  /** The message's bytes, and where its path attribute section lies in them. */
  bytes: Uint8Array = NO_BYTES;
  attrStart = 0;
  attrEnd = 0;
  /** Scratch of decodeAttributesInto(). */
  readonly attrParts = new AttrParts();

  /** The decoded UPDATE as a message of its own (the fields as they are now). */
  toMessage(): UpdateMessage {
    return new DecodedUpdate(this.withdrawn, this.attrs, this.nlri, this.mpReach, this.mpUnreach, this.bytes,
      this.attrStart, this.attrEnd);
  }
}

const NO_BYTES = new Uint8Array(0);

/**
 * Decode an UPDATE body b[start, end) (after the 19-octet header) into `out`. Returns null when the message is
 * usable (`out` holds it; `out.errors` lists the RFC 7606 errors treated without a reset), or the error that
 * makes it unusable (action 'reset'; `out` is then unspecified). Never throws. The same checks and results as
 * parseUpdate(), which is built on it.
 */
export function decodeUpdateInto(b: Uint8Array, start: number, end: number, ctx: CodecContext,
  cache: AttrCache | undefined, out: UpdateParts): WireError | null {
  const size = end - start;
  if (size < 4) return { kind: 'update-length', action: 'reset', reason: `UPDATE body of ${size} octets` };
  const wlen = (b[start]! << 8) | b[start + 1]!;
  if (4 + wlen > size) {
    return { kind: 'update-length', action: 'reset',
      reason: `Withdrawn Routes Length ${wlen} overruns the message (${size - 4} octets available)` };
  }
  const as = start + 2 + wlen;
  const alen = (b[as]! << 8) | b[as + 1]!;
  if (4 + wlen + alen > size) {
    return { kind: 'update-length', action: 'reset',
      reason: `Total Path Attribute Length ${alen} overruns the message (${size - 4 - wlen} octets available)` };
  }
  const v4AddPath = ctx.addPath.receive.has(IPV4_UNICAST);
  const withdrawn = wlen === 0 ? PrefixList.empty(AFI_IPV4)
    : decodePrefixes(b, start + 2, as, AFI_IPV4, v4AddPath);
  if (!(withdrawn instanceof PrefixList)) {
    return { kind: 'nlri-invalid', action: 'reset', field: 'withdrawn', afi: 1, safi: 1,
      reason: `Withdrawn Routes: ${withdrawn.fault}` };
  }
  const attrStart = as + 2, attrEnd = attrStart + alen;
  const d = decodeAttributesInto(b, attrStart, attrEnd, ctx, undefined, cache, out.attrParts);
  if (d.fatal !== null) return d.fatal;
  const nlri = attrEnd === end ? PrefixList.empty(AFI_IPV4) : decodePrefixes(b, attrEnd, end, AFI_IPV4, v4AddPath);
  if (!(nlri instanceof PrefixList)) {
    return { kind: 'nlri-invalid', action: 'reset', field: 'nlri', afi: 1, safi: 1, reason: `NLRI: ${nlri.fault}` };
  }
  out.withdrawn = withdrawn; out.attrs = d.attrs; out.newSet = d.newSet; out.setIndex = d.setIndex;
  out.nlri = nlri; out.mpReach = d.mpReach; out.mpUnreach = d.mpUnreach;
  out.errors = d.attrs.errors.length === 0 && d.nlriErrors.length === 0 ? d.attrs.errors
    : [...d.attrs.errors, ...d.nlriErrors];
  out.bytes = b; out.attrStart = attrStart; out.attrEnd = attrEnd;
  return null;
}

// parseUpdate() is not re-entrant (nothing it calls calls back), so one scratch serves every call.
const scratch = new UpdateParts();

/** Parse an UPDATE body b[start, end) (after the 19-octet header). */
export function parseUpdate(b: Uint8Array, start: number, end: number, ctx: CodecContext, cache?: AttrCache):
  DecodeResult<UpdateMessage> {
  const error = decodeUpdateInto(b, start, end, ctx, cache, scratch);
  const r: DecodeResult<UpdateMessage> = error !== null ? { ok: false, error }
    : { ok: true, msg: scratch.toMessage(), errors: scratch.errors };
  // The scratch keeps nothing alive past the call.
  scratch.attrs = EMPTY_SET; scratch.mpReach = null; scratch.mpUnreach = null; scratch.bytes = NO_BYTES;
  scratch.withdrawn = scratch.nlri = PrefixList.empty(AFI_IPV4); scratch.attrParts.attrs = EMPTY_SET;
  scratch.attrParts.mpReach = scratch.attrParts.mpUnreach = null;
  return r;
}

/**
 * A decoded UPDATE. `attrSection` is made when asked for: a view costs as much to create as the rest of the
 * message, and few callers want it.
 */
class DecodedUpdate implements UpdateMessage {
  readonly type = 'UPDATE' as const;
  readonly #bytes: Uint8Array;
  readonly #attrStart: number;
  readonly #attrEnd: number;
  constructor(readonly withdrawn: PrefixList, readonly attrs: AttrSet, readonly nlri: PrefixList,
    readonly mpReach: MpNlri | null, readonly mpUnreach: MpNlri | null, bytes: Uint8Array, attrStart: number,
    attrEnd: number) {
    this.#bytes = bytes;
    this.#attrStart = attrStart;
    this.#attrEnd = attrEnd;
  }
  get attrSection(): Uint8Array {
    return this.#bytes.subarray(this.#attrStart, this.#attrEnd);
  }
}

/** Encode an UPDATE body. */
export function encodeUpdateBody(m: UpdateMessage, ctx: CodecContext): Uint8Array {
  const v4AddPath = ctx.addPath.send.has(IPV4_UNICAST);
  const attrs = encodeAttributes(m.attrs.list, ctx, m.mpReach, m.mpUnreach);
  const wl = prefixesLength(m.withdrawn, v4AddPath);
  const nl = prefixesLength(m.nlri, v4AddPath);
  const out = new Uint8Array(4 + wl + attrs.length + nl);
  out[0] = wl >> 8; out[1] = wl & 255;
  let o = writePrefixes(m.withdrawn, v4AddPath, out, 2);
  out[o] = attrs.length >> 8; out[o + 1] = attrs.length & 255;
  out.set(attrs, o + 2);
  o += 2 + attrs.length;
  writePrefixes(m.nlri, v4AddPath, out, o);
  return out;
}
