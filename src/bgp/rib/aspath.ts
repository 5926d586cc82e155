// The AS_PATH as the RIB keeps it (RFC 4271 §5.1.2, §9.1.2.2 a; RFC 5065 §3 and §5.3 confederation segments;
// RFC 6793 4-octet ASes throughout).
//
// One interned AsPath per distinct path, its segments flattened into one number array
//   [type, count, asn x count, type, count, asn x count, ...]
// so a path costs one small array, and the values the decision and the policies ask for (decision length,
// neighbor AS, origin AS) are computed once at construction.
//
// Decision length (RFC 4271 §9.1.2.2 a, RFC 5065 §5.3): an AS_SET counts 1 whatever its size; AS_CONFED_SEQUENCE
// and AS_CONFED_SET count 0. Neighbor AS (for MED, §9.1.2.2 c): the first AS of the first AS_SEQUENCE, skipping
// confederation segments; none when the path is empty or starts with an AS_SET — the caller then uses the local
// AS, as BIRD does ("treated as locally originated").
//
// Text form, as the wire codec and bgpdump print it: "64512 64513 {64514,64515} (64516 64517) [64518,64519]".

import { u32 } from '../wire/octets.js';
import { HASH_SEED, Internable, mix, newNumbers, sameNumbers, type WireSpan } from './intern.js';

export const AS_SET = 1, AS_SEQUENCE = 2, AS_CONFED_SEQUENCE = 3, AS_CONFED_SET = 4;
export type SegmentTypeName = 'set' | 'sequence' | 'confed-sequence' | 'confed-set';
const TYPE_NAMES: Record<number, SegmentTypeName> = {
  [AS_SET]: 'set', [AS_SEQUENCE]: 'sequence', [AS_CONFED_SEQUENCE]: 'confed-sequence', [AS_CONFED_SET]: 'confed-set',
};
const TYPE_CODES: Record<SegmentTypeName, number> = {
  set: AS_SET, sequence: AS_SEQUENCE, 'confed-sequence': AS_CONFED_SEQUENCE, 'confed-set': AS_CONFED_SET,
};

export interface AsPathSegment {
  /** 1 AS_SET, 2 AS_SEQUENCE, 3 AS_CONFED_SEQUENCE, 4 AS_CONFED_SET (or the name). */
  readonly type: number | SegmentTypeName;
  readonly asns: readonly number[];
}

export function segmentTypeCode(t: number | SegmentTypeName): number {
  const code = typeof t === 'number' ? t : TYPE_CODES[t];
  if (code === undefined || code < 1 || code > 4) throw new RangeError(`unknown AS_PATH segment type ${String(t)}`);
  return code;
}

const TEXT = new WeakMap<AsPath, string>();

export class AsPath implements Internable {
  declare readonly data: readonly number[];
  declare readonly hash: number;
  declare refs: number;
  get live(): boolean {
    return this.refs >= 0;
  }
  /** RFC 4271 §9.1.2.2 a length: AS_SET counts 1, confederation segments 0. */
  declare readonly length: number;
  /**
   * The neighbor AS and the origin AS as int32 (`asn | 0`), or null for none. Kept so because V8 stores a field
   * that once held a number beyond 2^31 - 1 (a 4-octet AS from 2147483648 on, such as the private ones of RFC
   * 6996) as a separate heap object in every object of the kind; int32 values and null are stored in the object.
   */
  declare readonly nbr: number | null;
  declare readonly org: number | null;
  /** First AS of the first AS_SEQUENCE (confederation segments skipped), or -1. */
  get neighborAs(): number {
    return this.nbr === null ? -1 : this.nbr >>> 0;
  }
  /** Last AS of the path when it ends in a sequence, or -1 (empty, or aggregated into an AS_SET). */
  get originAs(): number {
    return this.org === null ? -1 : this.org >>> 0;
  }

  private constructor() {}

  /** The hash a path of these segments has (what make() stores). */
  static hashOf(data: readonly number[]): number {
    let h = HASH_SEED;
    for (let i = 0; i < data.length;) {
      const n = data[i + 1]!;
      h = mix(mix(h, data[i]!), n);
      for (let k = 0; k < n; k++) h = mix(h, data[i + 2 + k]!);
      i += 2 + n;
    }
    return h;
  }

  /**
   * hashOf() of the path whose segments are the AS_PATH bytes b[from, to) with 4-octet ASes (RFC 6793: a segment
   * is its type octet, its count octet and count ASes of 4 octets), without the flat array made. The bytes must
   * have been checked (every segment whole).
   */
  static hashOfWire(b: Uint8Array, from: number, to: number): number {
    let h = HASH_SEED;
    for (let q = from; q < to;) {
      const n = b[q + 1]!;
      h = mix(mix(h, b[q]!), n);
      q += 2;
      for (let k = 0; k < n; k++, q += 4) h = mix(h, u32(b, q));
    }
    return h;
  }

  /** Whether this path's segments are the 4-octet AS_PATH bytes of `w` (for Interner.find). */
  static hasWire(p: AsPath, w: WireSpan): boolean {
    const d = p.data, b = w.b, to = w.to;
    let i = 0;
    for (let q = w.from; q < to;) {
      const n = b[q + 1]!;
      if (i + 2 + n > d.length || d[i] !== b[q] || d[i + 1] !== n) return false;
      i += 2;
      q += 2;
      for (let k = 0; k < n; k++, q += 4) if (d[i++] !== u32(b, q)) return false;
    }
    return i === d.length;
  }

  /** The flat segments of the 4-octet AS_PATH bytes b[from, to), as an array to keep (intern.ts newNumbers). */
  static dataOfWire(b: Uint8Array, from: number, to: number): number[] {
    let size = 0;
    for (let q = from; q < to; q += 2 + 4 * b[q + 1]!) size += 2 + b[q + 1]!;
    const data = newNumbers(size);
    for (let q = from, i = 0; q < to;) {
      const n = b[q + 1]!;
      data[i++] = b[q]!;
      data[i++] = n;
      q += 2;
      for (let k = 0; k < n; k++, q += 4) data[i++] = u32(b, q);
    }
    return data;
  }

  /**
   * A new (not yet interned) path over `data` (flat segments, kept as given). An object literal with this class's
   * prototype, not `new`, so that V8 may allocate it straight into the old generation (see Attrs.make).
   */
  static make(data: readonly number[], hash = AsPath.hashOf(data)): AsPath {
    // Every number below is an int32 (`| 0`): a path's array holds doubles once it has an AS beyond 2^31 - 1,
    // and a value read from it would otherwise be stored as one (see `nbr`).
    let len = 0, nbr: number | null = null, org: number | null = null, neighborDone = false;
    for (let i = 0; i < data.length;) {
      const type = data[i]! | 0, n = data[i + 1]! | 0;
      if (type === AS_SEQUENCE) {
        len = (len + n) | 0;
        if (!neighborDone) { neighborDone = true; if (n > 0) nbr = data[i + 2]! | 0; }
        if (n > 0) org = data[i + 1 + n]! | 0;
      } else if (type === AS_SET) {
        len = (len + 1) | 0;
        neighborDone = true;
        if (n > 0) org = null;
      } else if (n > 0) {
        // Confederation segments: zero length; a trailing confed sequence is the origin (RFC 5065 internal origin).
        org = type === AS_CONFED_SEQUENCE ? data[i + 1 + n]! | 0 : null;
      }
      i += 2 + n;
    }
    return { __proto__: AS_PATH_PROTO, data, hash, refs: 0, length: len, nbr, org } as unknown as AsPath;
  }

  /** Whether this path's segments are `data` (for Interner.find). */
  static hasData(p: AsPath, data: readonly number[]): boolean {
    return sameNumbers(p.data, data);
  }

  get isEmpty(): boolean {
    return this.data.length === 0;
  }

  segments(): AsPathSegment[] {
    const out: AsPathSegment[] = [];
    for (let i = 0; i < this.data.length;) {
      const n = this.data[i + 1]!;
      out.push({ type: TYPE_NAMES[this.data[i]!]!, asns: this.data.slice(i + 2, i + 2 + n) });
      i += 2 + n;
    }
    return out;
  }

  /** Every AS number in the path, in order (set members included). */
  asns(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.data.length;) {
      const n = this.data[i + 1]!;
      for (let k = 0; k < n; k++) out.push(this.data[i + 2 + k]!);
      i += 2 + n;
    }
    return out;
  }

  /** How many times `asn` occurs anywhere in the path (the loop test counts these, RFC 4271 §9.1.2). */
  count(asn: number): number {
    let c = 0;
    for (let i = 0; i < this.data.length;) {
      const n = this.data[i + 1]!;
      for (let k = 0; k < n; k++) if (this.data[i + 2 + k] === asn) c++;
      i += 2 + n;
    }
    return c;
  }

  get hasConfedSegments(): boolean {
    for (let i = 0; i < this.data.length;) {
      const t = this.data[i]!;
      if (t === AS_CONFED_SEQUENCE || t === AS_CONFED_SET) return true;
      i += 2 + this.data[i + 1]!;
    }
    return false;
  }

  /**
   * "64512 64513 {64514,64515} (64516 64517) [64518,64519]"; cached (beside the object, so that paths never
   * printed or matched by a regex do not pay for the field), since AS-path regexes match against it.
   */
  text(): string {
    const cached = TEXT.get(this);
    if (cached !== undefined) return cached;
    const parts: string[] = [];
    for (let i = 0; i < this.data.length;) {
      const t = this.data[i]!, n = this.data[i + 1]!;
      const asns = this.data.slice(i + 2, i + 2 + n);
      if (t === AS_SEQUENCE) { if (n > 0) parts.push(asns.join(' ')); }
      else if (t === AS_SET) parts.push(`{${asns.join(',')}}`);
      else if (t === AS_CONFED_SEQUENCE) parts.push(`(${asns.join(' ')})`);
      else parts.push(`[${asns.join(',')}]`);
      i += 2 + n;
    }
    const t = parts.join(' ');
    TEXT.set(this, t);
    return t;
  }

  static equals(a: AsPath, b: AsPath): boolean {
    return sameNumbers(a.data, b.data);
  }
}

const AS_PATH_PROTO: object = AsPath.prototype;

/**
 * Flatten segments; empty segments are dropped, adjacent sequences of the same type are not merged. The array is
 * allocated at its exact size: an interned path lives as long as a route uses it, and an array grown by push()
 * carries ~17 slots for a typical 5-AS path (~100 bytes more per distinct path).
 */
export function flattenSegments(segments: readonly AsPathSegment[]): number[] {
  let size = 0;
  for (const s of segments) size += s.asns.length + 2 * Math.ceil(s.asns.length / 255);
  const data: number[] = new Array<number>(size);
  let at = 0;
  for (const s of segments) {
    if (s.asns.length === 0) continue;
    const type = segmentTypeCode(s.type);
    // RFC 4271 §4.3: a segment holds at most 255 ASes; longer runs are split like on the wire.
    for (let off = 0; off < s.asns.length; off += 255) {
      const n = Math.min(255, s.asns.length - off);
      data[at++] = type;
      data[at++] = n;
      for (let k = off; k < off + n; k++) {
        const a = s.asns[k]!;
        if (!Number.isInteger(a) || a < 0 || a > 0xffffffff) throw new RangeError(`bad AS number ${a}`);
        data[at++] = a;
      }
    }
  }
  return data;
}

/** Data of `path` with `asn` prepended `count` times as a segment of `type` (RFC 4271 §5.1.2, RFC 5065 §5.1). */
export function prependData(path: AsPath, asn: number, count: number, type = AS_SEQUENCE): number[] {
  const d = path.data;
  if (count <= 0) return d.slice();
  if (d.length > 0 && d[0] === type && d[1]! + count <= 255) {
    const out = [type, d[1]! + count];
    for (let i = 0; i < count; i++) out.push(asn);
    for (let i = 2; i < d.length; i++) out.push(d[i]!);
    return out;
  }
  const out: number[] = [];
  let left = count;
  while (left > 0) {
    const n = Math.min(255, left);
    out.push(type, n);
    for (let i = 0; i < n; i++) out.push(asn);
    left -= n;
  }
  for (const v of d) out.push(v);
  return out;
}

/** Data of `path` without confederation segments (RFC 5065 §5.3, when leaving the confederation). */
export function stripConfedData(path: AsPath): number[] {
  const out: number[] = [];
  const d = path.data;
  for (let i = 0; i < d.length;) {
    const t = d[i]!, n = d[i + 1]!;
    if (t !== AS_CONFED_SEQUENCE && t !== AS_CONFED_SET) for (let k = 0; k < 2 + n; k++) out.push(d[i + k]!);
    i += 2 + n;
  }
  return out;
}

/** Parse the text form ("64512 {64514,64515} (64516)"); null when malformed. */
export function parseAsPathText(text: string): AsPathSegment[] | null {
  const out: AsPathSegment[] = [];
  let seq: number[] = [];
  const flush = () => { if (seq.length > 0) { out.push({ type: 'sequence', asns: seq }); seq = []; } };
  const re = /\s*(?:(\d+)|\{([\d,\s]*)\}|\(([\d\s]*)\)|\[([\d,\s]*)\])/y;
  let pos = 0;
  const t = text.trim();
  while (pos < t.length) {
    re.lastIndex = pos;
    const m = re.exec(t);
    if (m === null) return null;
    pos = re.lastIndex;
    const nums = (s: string, sep: RegExp) => s.split(sep).filter((x) => x !== '').map(Number);
    if (m[1] !== undefined) seq.push(Number(m[1]));
    else {
      flush();
      if (m[2] !== undefined) out.push({ type: 'set', asns: nums(m[2], /[\s,]+/) });
      else if (m[3] !== undefined) out.push({ type: 'confed-sequence', asns: nums(m[3], /\s+/) });
      else out.push({ type: 'confed-set', asns: nums(m[4]!, /[\s,]+/) });
    }
  }
  flush();
  for (const s of out) for (const a of s.asns) if (a > 0xffffffff) return null;
  return out;
}
