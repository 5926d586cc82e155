// Pieces shared by the record decoders: the internal fault value, per-context attribute caches, and the decoding of
// one path attribute section through the wire codec (RFC 6396 §4.3.4: MRT attribute sections are BGP path
// attributes, with MP_REACH_NLRI possibly abbreviated to its next hop).
import {
  AttrCache, type CodecContext, decodeAttributes, type AttrSet, type MpNlri, type WireError,
} from '../bgp/wire/index.js';
import { copyBytes } from './bytes.js';

/** A problem in a record body, at body offset `at` (internal; the reader turns it into MrtMalformedError). */
export class Fault {
  constructor(readonly reason: string, readonly at: number) {}
}

/**
 * The wire codec's attribute caches for BGP4MP messages, one per decoding context (an AttrSet is valid for one
 * context only): UPDATEs with equal attributes (NLRI aside) then share one AttrSet object. Bounded (maxEntries per
 * context; repeats in an update log come close together) so that memory does not grow with the file. RIB entries
 * decode their attributes lazily instead (decode-td2.ts): a reader that needs some of them pays for those only.
 */
export class DecodeCaches {
  private readonly codecCaches = new Map<string, AttrCache>();
  constructor(readonly maxEntries = 4096) {}
  codec(key: string): AttrCache {
    let c = this.codecCaches.get(key);
    if (c === undefined) {
      c = new AttrCache(this.maxEntries);
      this.codecCaches.set(key, c);
    }
    return c;
  }
}

export interface DecodedSection {
  readonly attrs: AttrSet;
  readonly mpReach: MpNlri | null;
  readonly mpUnreach: MpNlri | null;
  readonly errors: readonly WireError[];
  readonly rawAttributes?: Uint8Array;
}

const NO_ERRORS: readonly WireError[] = [];

/** Decode the attribute section b[s, e); a fatal codec error keeps the octets (copied) in rawAttributes. */
export function decodeSection(b: Uint8Array, s: number, e: number, ctx: CodecContext,
  mrt: { afi: number; safi: number } | undefined, cache: AttrCache | undefined): DecodedSection {
  const d = decodeAttributes(b, s, e, ctx, mrt === undefined ? {} : { mrt }, cache);
  const errors = d.fatal === null && d.nlriErrors.length === 0
    ? (d.attrs.errors.length === 0 ? NO_ERRORS : d.attrs.errors)
    : [...d.attrs.errors, ...d.nlriErrors, ...(d.fatal === null ? [] : [d.fatal])];
  if (d.fatal !== null) {
    return { attrs: d.attrs, mpReach: d.mpReach, mpUnreach: d.mpUnreach, errors, rawAttributes: copyBytes(b, s, e) };
  }
  return { attrs: d.attrs, mpReach: d.mpReach, mpUnreach: d.mpUnreach, errors };
}
