// The attribute set an AttrCache keeps (RFC 4271 §4.3 path attributes of one UPDATE, less the MP_REACH_NLRI /
// MP_UNREACH_NLRI NLRI of RFC 4760 §3-4): a compact, retained form. A full table from a transit peer brings
// 10^5..10^6 distinct sets, nearly one per UPDATE; a set decoded into attribute objects costs ~2 KB of young
// objects that the garbage collector copies and promotes. A PackedAttrSet is one small object pointing into a
// slab (one ArrayBuffer shared by ~1,000 sets of the same cache) that holds:
//   header words  the fields the decision process reads first, as numbers (attr-scan.ts H_*: presence bits,
//                 ORIGIN, AS_PATH length / first AS / last AS, NEXT_HOP, MED, LOCAL_PREF, community count)
//   section       the normalised attribute section (attr-scan.ts): the set's own copy of its bytes
// `list` (the attribute objects, exactly what decodeList() gives for the received bytes) is decoded from that copy
// on first access and kept; `key` likewise. A set whose attributes had errors (RFC 7606) is decoded when received,
// because its errors are needed then (`errors`); it is still packed, so lookups compare bytes the same way.
import { bytesKey, parseIpv4U32 } from './addr.js';
import { AS_CONFED_SEQUENCE, AS_CONFED_SET, asPathLength, firstAs, originAs } from './as-path.js';
import type { PathAttribute } from './attributes.js';
import {
  BIT_AGG_AS0, BIT_EAGER, BIT_FIRST_AS, BIT_LAST_AS, BIT_MP_MRT, BIT_PATH_AS0, BIT_PATH_CONFED, H_BITS,
  H_COMMUNITIES, H_FIRST_AS, H_LAST_AS, H_LEN, H_LOCAL_PREF, H_MED, H_NEXT_HOP, H_ORIGIN, H_PATH_LEN, HEADER_WORDS,
  typeBit,
} from './attr-scan.js';
import { decodeList, type MrtFamily } from './attr-values.js';
import { type CodecContext, family } from './context.js';
import { NO_ERRORS, type WireError } from './errors.js';
import type { AttrSet } from './messages.js';
import { u16, u32 } from './octets.js';

/**
 * What sets of one slab received under one context share: the slab (as octets and native-order words, one buffer)
 * and the context and MRT family the bytes were received under (null: sets built from a list). One per slab and
 * context, so that a set itself holds three fields.
 */
export class SetSource {
  constructor(readonly u8: Uint8Array, readonly u32: Uint32Array, readonly ctx: CodecContext | null,
    readonly mrt: MrtFamily | undefined) {}
}

/** What a set builds on first use, or holds from the start when it was decoded eagerly. */
interface Memo {
  list: readonly PathAttribute[] | null;
  key: string | null;
  readonly errors: readonly WireError[];
}

export class PackedAttrSet implements AttrSet {
  readonly src: SetSource;
  /** Word index of the set's header in the slab; the section follows the header. */
  readonly at: number;
  // null until `list` or `key` is asked for (a lazily decoded set has no errors).
  private memo: Memo | null;

  constructor(src: SetSource, at: number, list: readonly PathAttribute[] | null, errors: readonly WireError[]) {
    this.src = src;
    this.at = at;
    this.memo = list === null && errors.length === 0 ? null : { list, key: null, errors };
  }

  /** The slab as octets (header at word `at`, section right after it). */
  get u8(): Uint8Array {
    return this.src.u8;
  }
  /** The slab as native-order words. */
  get u32(): Uint32Array {
    return this.src.u32;
  }
  /** Non-fatal errors found in the attributes (only a set decoded eagerly has any). */
  get errors(): readonly WireError[] {
    return this.memo === null ? NO_ERRORS : this.memo.errors;
  }

  /** The attributes in wire order (INVALID/UNPARSED entries included), decoded from the set's bytes on first use. */
  get list(): readonly PathAttribute[] {
    const m = this.memo ??= { list: null, key: null, errors: NO_ERRORS };
    if (m.list === null) {
      const s = this.start;
      // The scan accepted these bytes as error-free under this context (test/bgp/wire/packed.test.ts holds the
      // two decoders to that), so the list is complete.
      m.list = decodeList(this.src.u8, s, s + this.octets, this.src.ctx!, this.src.mrt).list;
    }
    return m.list;
  }

  /**
   * Let go of the decoded list of a set without errors; `list` decodes it from the bytes again if asked. A
   * session's cache holds thousands of sets whose users keep what they derived from the list (the speaker its RIB
   * attributes), and a decoded list is several times the size of the set's bytes.
   */
  dropList(): void {
    if (this.memo !== null && this.memo.errors.length === 0) this.memo.list = null;
  }

  /** Whether `list` has been built (it is, from the start, for a set with errors). */
  get decoded(): boolean {
    return this.memo !== null && this.memo.list !== null;
  }

  /** The interning key of scanAttrs() (the section less MP NLRI and MP lengths, as latin1), built on first use. */
  get key(): string {
    const m = this.memo ??= { list: null, key: null, errors: NO_ERRORS };
    if (m.key === null) {
      const b = this.src.u8, s = this.start, e = s + this.octets;
      let k = '', from = s;
      for (let p = s; p < e;) {
        const ext = (b[p]! & 0x10) !== 0, type = b[p + 1]!;
        const vs = p + (ext ? 4 : 3), ve = vs + (ext ? u16(b, p + 2) : b[p + 2]!);
        if (type === 14 || type === 15) { k += bytesKey(b, from, p + 2); from = vs; }
        p = ve;
      }
      m.key = k + bytesKey(b, from, e);
    }
    return m.key;
  }

  /** Byte offset of the section in `u8`. */
  get start(): number {
    return (this.at + HEADER_WORDS) << 2;
  }
  /** Length of the section in octets. */
  get octets(): number {
    return this.src.u32[this.at + H_LEN]!;
  }
  /**
   * The set's attribute section: the received bytes less the MP_REACH/MP_UNREACH NLRI (their length fields
   * adjusted), so itself a valid section. A view into the slab: do not write to it.
   */
  section(): Uint8Array {
    return this.src.u8.subarray(this.start, this.start + this.octets);
  }

  /** attr-scan.ts BIT_* flags. */
  get bits(): number {
    return this.src.u32[this.at + H_BITS]!;
  }
  /** Whether the set holds a valid attribute of this type code (for codes the codec does not interpret: any). */
  has(typeCode: number): boolean {
    return (this.bits & typeBit(typeCode)) !== 0;
  }
  /** ORIGIN (0 IGP, 1 EGP, 2 INCOMPLETE), or null. */
  get origin(): number | null {
    return (this.bits & (1 << 1)) !== 0 ? this.src.u32[this.at + H_ORIGIN]! : null;
  }
  /** AS_PATH length as the decision counts it (RFC 4271 §9.1.2.2 a): asPathLength() of AS_PATH; 0 without one. */
  get asPathLength(): number {
    return this.src.u32[this.at + H_PATH_LEN]!;
  }
  /** firstAs() of AS_PATH (the neighbour AS when the path starts with an AS_SEQUENCE), or null. */
  get firstAs(): number | null {
    return (this.bits & BIT_FIRST_AS) !== 0 ? this.src.u32[this.at + H_FIRST_AS]! : null;
  }
  /** originAs() of AS_PATH (the last AS when the path ends with an AS_SEQUENCE), or null. */
  get lastAs(): number | null {
    return (this.bits & BIT_LAST_AS) !== 0 ? this.src.u32[this.at + H_LAST_AS]! : null;
  }
  /** NEXT_HOP as a uint32, or null. */
  get nextHop(): number | null {
    return (this.bits & (1 << 3)) !== 0 ? this.src.u32[this.at + H_NEXT_HOP]! : null;
  }
  get med(): number | null {
    return (this.bits & (1 << 4)) !== 0 ? this.src.u32[this.at + H_MED]! : null;
  }
  get localPref(): number | null {
    return (this.bits & (1 << 5)) !== 0 ? this.src.u32[this.at + H_LOCAL_PREF]! : null;
  }
  /** Number of RFC 1997 communities (0 without the attribute). */
  get communityCount(): number {
    return this.src.u32[this.at + H_COMMUNITIES]!;
  }

  /**
   * AS_PATH as received (ASes widened to numbers), flattened to one array: [type, count, AS x count, type, ...]
   * (the layout of the RIB's AsPath.data); empty without AS_PATH. On a 2-octet session this is not merged with
   * AS4_PATH (see effectiveAsPath()).
   */
  asPathData(): Uint32Array {
    if ((this.bits & (1 << 2)) === 0) return new Uint32Array(0);
    if ((this.bits & BIT_EAGER) !== 0) {
      const segs = this.list.find((a) => a.name === 'AS_PATH');
      if (segs === undefined || segs.name !== 'AS_PATH') return new Uint32Array(0);
      let n = 0;
      for (const s of segs.segments) n += 2 + s.asns.length;
      const out = new Uint32Array(n);
      let o = 0;
      for (const s of segs.segments) { out[o++] = s.type; out[o++] = s.asns.length; for (const a of s.asns) out[o++] = a; }
      return out;
    }
    const b = this.src.u8, p = this.find(2);
    const vs = valueStart(b, p), ve = vs + valueLength(b, p);
    const width = this.src.ctx!.as4 ? 4 : 2;
    let n = 0;
    for (let q = vs; q < ve; q += 2 + b[q + 1]! * width) n += 2 + b[q + 1]!;
    const out = new Uint32Array(n);
    let o = 0;
    for (let q = vs; q < ve;) {
      const cnt = b[q + 1]!;
      out[o++] = b[q]!; out[o++] = cnt;
      q += 2;
      for (let i = 0; i < cnt; i++, q += width) out[o++] = width === 4 ? u32(b, q) : u16(b, q);
    }
    return out;
  }

  /** RFC 1997 communities in wire order (empty without the attribute). */
  communityValues(): Uint32Array {
    const n = this.communityCount;
    const out = new Uint32Array(n);
    if (n === 0) return out;
    if ((this.bits & BIT_EAGER) !== 0) {
      const a = this.list.find((x) => x.name === 'COMMUNITIES');
      if (a !== undefined && a.name === 'COMMUNITIES') out.set(a.communities);
      return out;
    }
    const vs = valueStart(this.src.u8, this.find(8));
    for (let i = 0; i < n; i++) out[i] = u32(this.src.u8, vs + 4 * i);
    return out;
  }

  /** Family (family(afi, safi)) of MP_REACH_NLRI (type 14) or MP_UNREACH_NLRI (15), or -1 when absent. */
  mpFamily(typeCode: 14 | 15): number {
    if ((this.bits & (1 << typeCode)) === 0) return -1;
    if ((this.bits & BIT_EAGER) !== 0) {
      for (const a of this.list) {
        if ((a.name === 'MP_REACH_NLRI' || a.name === 'MP_UNREACH_NLRI') && a.typeCode === typeCode) return family(a.afi, a.safi);
      }
      return -1;
    }
    if (typeCode === 14 && (this.bits & BIT_MP_MRT) !== 0) return family(this.src.mrt!.afi, this.src.mrt!.safi);
    const vs = valueStart(this.src.u8, this.find(typeCode));
    return family(u16(this.src.u8, vs), this.src.u8[vs + 2]!);
  }

  /** Offset of the first attribute of a type in the section (the caller knows it is there). */
  private find(type: number): number {
    const b = this.src.u8, e = this.start + this.octets;
    let p = this.start;
    while (p < e && b[p + 1] !== type) p = valueStart(b, p) + valueLength(b, p);
    return p;
  }
}

function valueStart(b: Uint8Array, p: number): number {
  return p + ((b[p]! & 0x10) !== 0 ? 4 : 3);
}
function valueLength(b: Uint8Array, p: number): number {
  return (b[p]! & 0x10) !== 0 ? u16(b, p + 2) : b[p + 2]!;
}

/** The header words of a set from its decoded list (a set with errors, or one given to AttrCache.set()). */
export function headerFromList(list: readonly PathAttribute[], octets: number, out: Uint32Array, at: number): void {
  let bits = BIT_EAGER, origin = 0, pathLen = 0, first = 0, last = 0, nextHop = 0, med = 0, localPref = 0, comm = 0;
  for (const a of list) {
    switch (a.name) {
      case 'ORIGIN': origin = a.origin; break;
      case 'AS_PATH': {
        pathLen = asPathLength(a.segments);
        const f = firstAs(a.segments), l = originAs(a.segments);
        if (f !== undefined) { first = f; bits |= BIT_FIRST_AS; }
        if (l !== undefined) { last = l; bits |= BIT_LAST_AS; }
        for (const s of a.segments) {
          if (s.asns.includes(0)) bits |= BIT_PATH_AS0;
          if (s.type === AS_CONFED_SEQUENCE || s.type === AS_CONFED_SET) bits |= BIT_PATH_CONFED;
        }
        break;
      }
      case 'NEXT_HOP': nextHop = parseIpv4U32(a.nextHop) ?? 0; break;
      case 'MULTI_EXIT_DISC': med = a.med; break;
      case 'LOCAL_PREF': localPref = a.localPref; break;
      case 'AGGREGATOR': case 'AS4_AGGREGATOR': if (a.asn === 0) bits |= BIT_AGG_AS0; break;
      case 'AS4_PATH': if (a.segments.some((s) => s.asns.includes(0))) bits |= BIT_AGG_AS0; break;
      case 'COMMUNITIES': comm = a.communities.length; break;
      case 'MP_REACH_NLRI': if (a.mrt === true) bits |= BIT_MP_MRT; break;
      default: break;
    }
    if (a.name !== 'INVALID' && a.name !== 'UNPARSED') bits |= typeBit(a.typeCode);
  }
  out[at + H_LEN] = octets; out[at + H_BITS] = bits; out[at + H_ORIGIN] = origin; out[at + H_PATH_LEN] = pathLen;
  out[at + H_FIRST_AS] = first; out[at + H_LAST_AS] = last; out[at + H_NEXT_HOP] = nextHop; out[at + H_MED] = med;
  out[at + H_LOCAL_PREF] = localPref; out[at + H_COMMUNITIES] = comm;
}
