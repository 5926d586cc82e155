// Path attribute section decoding (RFC 4271 §4.3/§5, RFC 4760 §3-4, RFC 6396 §4.3.4): the attribute set of an
// UPDATE (attr-values.ts decodes each attribute, with the RFC 7606 error handling) and its MP_REACH_NLRI /
// MP_UNREACH_NLRI NLRI, which stay per message so that sets can be shared.
//
// Speed: with an AttrCache, decodeAttributes() interns sets. One allocation-free pass (attr-scan.ts) checks the
// section, normalises it (MP NLRI cut out) into a scratch buffer, and extracts the decision's hot fields; the
// cache finds an equal set by a hash of those bytes and a byte comparison. A new error-free set is kept packed
// (attr-set.ts: header words + its own copy of the bytes in a slab) and its attribute objects are built on first
// use of `list`; a set with errors is decoded at once, because its errors are needed now. Without a cache every
// set is decoded at once into a plain AttrSet, as before.
import { bytesKey } from './addr.js';
import { AttrCache } from './attr-cache.js';
import { PackedAttrSet } from './attr-set.js';
import { BIT_MP_MRT, SCAN_LAZY, SCAN_UNCLEAN, SCANNED, scanSection } from './attr-scan.js';
import { decodeList, isPrefixFamily, type MrtFamily } from './attr-values.js';
import { ATTR, FLAG, type PathAttribute } from './attributes.js';
import { type CodecContext, family } from './context.js';
import { NO_ERRORS, type WireError } from './errors.js';
import type { AttrSet, MpNlri } from './messages.js';
import { decodePrefixes, PrefixList } from './prefix.js';
import { u16 } from './octets.js';

export { AttrCache, type AttrCacheOptions } from './attr-cache.js';
export { PackedAttrSet } from './attr-set.js';
export { decodeList, type DecodedList, isPrefixFamily, malformedAction, type MrtFamily } from './attr-values.js';

export interface DecodeAttrsOptions {
  /**
   * The attributes come from an MRT TABLE_DUMP_V2 RIB entry of this family (RFC 6396 §4.3.4): MP_REACH_NLRI may be
   * abbreviated to next-hop length + next hop. The full form is still accepted (some writers use it).
   */
  readonly mrt?: MrtFamily;
}

export interface DecodedAttrs {
  readonly attrs: AttrSet;
  readonly mpReach: MpNlri | null;
  readonly mpUnreach: MpNlri | null;
  /** Errors about the MP NLRI themselves (action 'afi-safi-disable'); message-level, not part of the set. */
  readonly nlriErrors: readonly WireError[];
  /** An error that makes the UPDATE unusable (action 'reset'), or null. */
  readonly fatal: WireError | null;
}

/** Where the MP attributes sit in a section, found by scanAttrs(). */
interface Scan {
  key: string;
  /** Value offsets of MP_REACH/MP_UNREACH (first occurrence), -1 when absent. */
  reachVs: number; reachVe: number; unreachVs: number; unreachVe: number;
  /** False when the section has anomalies (overruns, duplicate MP): such sections are not cached. */
  clean: boolean;
}

/**
 * The interning key of an attribute section b[start, end): its bytes, except that MP_REACH_NLRI keeps only flags,
 * type and the header up to the reserved octet, and MP_UNREACH_NLRI only flags, type, AFI and SAFI — their lengths
 * and NLRI differ between UPDATEs that share every attribute.
 */
export function scanAttrs(b: Uint8Array, start: number, end: number, mrt: boolean): Scan {
  const s: Scan = { key: '', reachVs: -1, reachVe: -1, unreachVs: -1, unreachVe: -1, clean: true };
  let p = start;
  let keyFrom = start;
  let key = '';
  while (p < end) {
    if (p + 3 > end) { s.clean = false; break; }
    const flags = b[p]!, type = b[p + 1]!;
    const ext = (flags & FLAG.EXTENDED) !== 0;
    if (ext && p + 4 > end) { s.clean = false; break; }
    const len = ext ? u16(b, p + 2) : b[p + 2]!;
    const vs = p + (ext ? 4 : 3), ve = vs + len;
    if (ve > end) { s.clean = false; break; }
    if (type === ATTR.MP_REACH_NLRI || type === ATTR.MP_UNREACH_NLRI) {
      const isReach = type === ATTR.MP_REACH_NLRI;
      if (isReach ? s.reachVs >= 0 : s.unreachVs >= 0) { s.clean = false; p = ve; continue; }
      if (isReach) { s.reachVs = vs; s.reachVe = ve; } else { s.unreachVs = vs; s.unreachVe = ve; }
      let hdrEnd: number;
      if (isReach) {
        const abbreviated = mrt && len >= 1 && b[vs]! + 1 === len;
        hdrEnd = abbreviated ? ve : vs + 4 < ve ? Math.min(ve, vs + 5 + b[vs + 3]!) : ve;
      } else {
        hdrEnd = Math.min(ve, vs + 3);
      }
      key += bytesKey(b, keyFrom, p + 2) + bytesKey(b, vs, hdrEnd);
      keyFrom = ve;
    }
    p = ve;
  }
  s.key = keyFrom === start ? bytesKey(b, start, end) : key + bytesKey(b, keyFrom, end);
  return s;
}

/**
 * The result of decodeAttributesInto(): a DecodedAttrs whose fields the next decode overwrites. A caller that
 * decodes many sections fills one and reads it before the next call (no result object per section).
 */
export class AttrParts implements DecodedAttrs {
  attrs: AttrSet = EMPTY_SET;
  mpReach: MpNlri | null = null;
  mpUnreach: MpNlri | null = null;
  nlriErrors: readonly WireError[] = NO_ERRORS;
  fatal: WireError | null = null;
  /**
   * `attrs` was made by this call (a cache miss, or no cache): no earlier decode returned it, so a caller that
   * keys data by set knows there is none for it yet.
   */
  newSet = false;
  /** The cache's dense index of `attrs` (AttrCache.lastIndex), or -1 when the set is not in a cache. */
  setIndex = -1;
}

/** The set of an UPDATE without attributes (shared, frozen). */
export const EMPTY_SET: AttrSet = Object.freeze({ list: Object.freeze([]), key: '', errors: NO_ERRORS });

/**
 * Decode a path attribute section b[start, end). With a cache, a section equal to one seen before returns the
 * cached AttrSet (same object) and only its MP NLRI are decoded.
 */
export function decodeAttributes(b: Uint8Array, start: number, end: number, ctx: CodecContext,
  opts: DecodeAttrsOptions = {}, cache?: AttrCache): DecodedAttrs {
  return decodeAttributesInto(b, start, end, ctx, opts.mrt, cache, new AttrParts());
}

/** decodeAttributes() writing its result into `out` (every field is set); returns `out`. */
export function decodeAttributesInto(b: Uint8Array, start: number, end: number, ctx: CodecContext,
  mrt: MrtFamily | undefined, cache: AttrCache | undefined, out: AttrParts): AttrParts {
  if (cache !== undefined) {
    const status = scanSection(b, start, end, ctx.as4, mrt);
    // An unclean section (overruns, a second MP attribute) is not cached: decoded below, as without a cache.
    if (status !== SCAN_UNCLEAN) {
      let set: AttrSet | undefined = cache.lookup();
      let fatal: WireError | null = null;
      out.newSet = set === undefined;
      if (set !== undefined) {
        cache.hits++;
      } else {
        cache.misses++;
        if (status === SCAN_LAZY) {
          set = cache.addLazy(ctx, mrt);
        } else {
          const d = decodeList(b, start, end, ctx, mrt);
          fatal = d.fatal;
          const errors = d.errors.length === 0 ? NO_ERRORS : d.errors;
          // A rejected MP attribute keeps its NLRI bytes in the set, so such a set is specific to this UPDATE.
          set = fatal === null && !invalidMp(d.list) ? cache.addDecoded(d.list, errors, ctx, mrt)
            : { list: d.list, key: scanAttrs(b, start, end, mrt !== undefined).key, errors };
        }
      }
      out.setIndex = cache.indexOf(set);
      const reachVs = SCANNED.reachVs, reachVe = SCANNED.reachVe;
      const unreachVs = SCANNED.unreachVs, unreachVe = SCANNED.unreachVe;
      out.attrs = set; out.fatal = fatal; out.mpReach = null; out.mpUnreach = null; out.nlriErrors = NO_ERRORS;
      if (reachVs < 0 && unreachVs < 0) return out;
      if (set instanceof PackedAttrSet) packedMp(b, set, reachVs, reachVe, unreachVs, unreachVe, ctx, out);
      else listMp(b, set, reachVs, reachVe, unreachVs, unreachVe, ctx, out);
      return out;
    }
  }
  const scan = scanAttrs(b, start, end, mrt !== undefined);
  const d = decodeList(b, start, end, ctx, mrt);
  out.attrs = { list: d.list, key: scan.key, errors: d.errors.length === 0 ? NO_ERRORS : d.errors };
  out.newSet = true;
  out.setIndex = -1;
  out.fatal = d.fatal; out.mpReach = null; out.mpUnreach = null; out.nlriErrors = NO_ERRORS;
  if (scan.reachVs >= 0 || scan.unreachVs >= 0) {
    listMp(b, out.attrs, scan.reachVs, scan.reachVe, scan.unreachVs, scan.unreachVe, ctx, out);
  }
  return out;
}

function invalidMp(list: readonly PathAttribute[]): boolean {
  for (const a of list) {
    if (a.name === 'INVALID' && (a.typeCode === ATTR.MP_REACH_NLRI || a.typeCode === ATTR.MP_UNREACH_NLRI)) return true;
  }
  return false;
}

/**
 * The MP NLRI of a message whose set is an eagerly decoded list, into `out`: located by the set's valid MP
 * attributes.
 */
function listMp(b: Uint8Array, set: AttrSet, reachVs: number, reachVe: number, unreachVs: number, unreachVe: number,
  ctx: CodecContext, out: AttrParts): void {
  for (const a of set.list) {
    if (a.name === 'MP_REACH_NLRI' && reachVs >= 0 && a.mrt !== true) {
      out.mpReach = mpNlri(b, reachVs + 5 + a.nextHopBytes.length, reachVe, a.afi, a.safi, ctx, 'mp-reach', out);
    } else if (a.name === 'MP_UNREACH_NLRI' && unreachVs >= 0) {
      out.mpUnreach = mpNlri(b, unreachVs + 3, unreachVe, a.afi, a.safi, ctx, 'mp-unreach', out);
    }
  }
}

/**
 * The MP NLRI of a message whose set is packed, into `out`: the set holds valid MP attributes exactly where the
 * message has them (its bytes are the message's, NLRI less), so AFI, SAFI and next-hop length are read from the
 * message.
 */
function packedMp(b: Uint8Array, set: PackedAttrSet, reachVs: number, reachVe: number, unreachVs: number,
  unreachVe: number, ctx: CodecContext, out: AttrParts): void {
  const bits = set.bits;
  const reach = reachVs >= 0 && (bits & (1 << ATTR.MP_REACH_NLRI)) !== 0 && (bits & BIT_MP_MRT) === 0;
  const unreach = unreachVs >= 0 && (bits & (1 << ATTR.MP_UNREACH_NLRI)) !== 0;
  // In wire order, as the errors would be reported from the list.
  const unreachFirst = unreach && reach && unreachVs < reachVs;
  if (unreachFirst) out.mpUnreach = mpNlri(b, unreachVs + 3, unreachVe, u16(b, unreachVs), b[unreachVs + 2]!, ctx, 'mp-unreach', out);
  if (reach) out.mpReach = mpNlri(b, reachVs + 5 + b[reachVs + 3]!, reachVe, u16(b, reachVs), b[reachVs + 2]!, ctx, 'mp-reach', out);
  if (unreach && !unreachFirst) out.mpUnreach = mpNlri(b, unreachVs + 3, unreachVe, u16(b, unreachVs), b[unreachVs + 2]!, ctx, 'mp-unreach', out);
}

/** Decode the NLRI part of an MP attribute; a fault gives opaque bytes plus an 'afi-safi-disable' error. */
function mpNlri(b: Uint8Array, s: number, e: number, afi: number, safi: number, ctx: CodecContext,
  field: 'mp-reach' | 'mp-unreach', out: AttrParts): MpNlri {
  if (!isPrefixFamily(afi, safi)) return { opaque: true, afi, safi, bytes: b.subarray(s, e) };
  const r = decodePrefixes(b, s, e, afi, ctx.addPath.receive.has(family(afi, safi)));
  if (r instanceof PrefixList) return r;
  // The error list is made only when there is an error (out.nlriErrors starts as the shared empty list).
  const errors = out.nlriErrors === NO_ERRORS ? (out.nlriErrors = []) as WireError[] : out.nlriErrors as WireError[];
  errors.push({ kind: 'nlri-invalid', action: 'afi-safi-disable', field, afi, safi,
    reason: `${field === 'mp-reach' ? 'MP_REACH_NLRI' : 'MP_UNREACH_NLRI'} NLRI: ${r.fault}` });
  return { opaque: true, afi, safi, bytes: b.subarray(s, e) };
}

