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
 * Attribute caches, one per decoding context (the codec's AttrCache is valid for one context only). Records that
 * share an attribute section then share one AttrSet object, which the bgpdump formatter also uses as its cache key.
 * Bounded so that a long file with ever-new attribute sets does not grow memory.
 */
export class DecodeCaches {
  private readonly caches = new Map<string, AttrCache>();
  constructor(readonly maxEntries = 50_000) {}
  get(key: string): AttrCache {
    let c = this.caches.get(key);
    if (c === undefined) {
      c = new AttrCache(this.maxEntries);
      this.caches.set(key, c);
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
