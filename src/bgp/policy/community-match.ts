// Community patterns for policy matching and removal (RFC 1997 communities, RFC 8092 large communities, RFC 4360
// extended communities). A pattern is exact or has per-field wildcards / ranges:
//   standard  "64500:100", "64500:*", "*:100", "64500:100-199", well-known names ("no-export")
//   large     "64500:1:*", "64500:*:*", "64500:1-9:0"
//   extended  "rt:64500:*", "ro:192.0.2.1:*", "rt:*:*", or an exact "0x…" value
// Each compiles to per-field [low, high] bounds, so matching is a few integer comparisons.

import {
  WELL_KNOWN_COMMUNITIES, parseExtCommunity,
} from '../rib/communities.js';
import { parseIPv4 } from '../rib/prefix.js';

type Bounds = [number, number];

function field(text: string, max: number): Bounds | null {
  if (text === '*') return [0, max];
  const r = /^(\d+)-(\d+)$/.exec(text);
  if (r) {
    const lo = Number(r[1]), hi = Number(r[2]);
    return lo <= hi && hi <= max ? [lo, hi] : null;
  }
  if (!/^\d+$/.test(text)) return null;
  const v = Number(text);
  return v <= max ? [v, v] : null;
}

/** Standard community pattern: bounds of the high and low 16 bits. */
export class CommunityPattern {
  constructor(readonly a: Bounds, readonly b: Bounds) {}
  static parse(text: string): CommunityPattern | null {
    const t = text.trim().toLowerCase();
    const wk = WELL_KNOWN_COMMUNITIES[t];
    if (wk !== undefined) {
      const a = Math.floor(wk / 65536), b = wk % 65536;
      return new CommunityPattern([a, a], [b, b]);
    }
    const parts = t.split(':');
    if (parts.length !== 2) return null;
    const a = field(parts[0]!, 0xffff), b = field(parts[1]!, 0xffff);
    return a && b ? new CommunityPattern(a, b) : null;
  }
  get exact(): number | null {
    return this.a[0] === this.a[1] && this.b[0] === this.b[1] ? this.a[0] * 65536 + this.b[0] : null;
  }
  test(c: number): boolean {
    const a = Math.floor(c / 65536), b = c % 65536;
    return a >= this.a[0] && a <= this.a[1] && b >= this.b[0] && b <= this.b[1];
  }
  /** True when some community of the (flat) list matches. */
  any(values: readonly number[] | undefined): boolean {
    if (values === undefined) return false;
    for (const c of values) if (this.test(c)) return true;
    return false;
  }
}

export class LargeCommunityPattern {
  constructor(readonly g: Bounds, readonly l1: Bounds, readonly l2: Bounds) {}
  static parse(text: string): LargeCommunityPattern | null {
    const parts = text.trim().split(':');
    if (parts.length !== 3) return null;
    const M = 0xffffffff;
    const g = field(parts[0]!, M), l1 = field(parts[1]!, M), l2 = field(parts[2]!, M);
    return g && l1 && l2 ? new LargeCommunityPattern(g, l1, l2) : null;
  }
  get exact(): [number, number, number] | null {
    return this.g[0] === this.g[1] && this.l1[0] === this.l1[1] && this.l2[0] === this.l2[1]
      ? [this.g[0], this.l1[0], this.l2[0]] : null;
  }
  testAt(flat: readonly number[], i: number): boolean {
    const g = flat[i]!, a = flat[i + 1]!, b = flat[i + 2]!;
    return g >= this.g[0] && g <= this.g[1] && a >= this.l1[0] && a <= this.l1[1] && b >= this.l2[0] && b <= this.l2[1];
  }
  any(flat: readonly number[] | undefined): boolean {
    if (flat === undefined) return false;
    for (let i = 0; i < flat.length; i += 3) if (this.testAt(flat, i)) return true;
    return false;
  }
}

/** Extended community pattern: exact value, or (sub-type, administrator bounds, local bounds) over types 0/1/2. */
export class ExtCommunityPattern {
  private constructor(
    readonly exactValue: [number, number] | null,
    readonly subType: number,
    /** Administrator kind: 'as' (types 0x00 and 0x02), 'ip' (type 0x01), or 'any'. */
    readonly adminKind: 'as' | 'ip' | 'any',
    readonly admin: Bounds,
    readonly local: Bounds,
  ) {}

  static parse(text: string): ExtCommunityPattern | null {
    const t = text.trim().toLowerCase();
    if (!t.includes('*') && !/-\d/.test(t)) {
      const v = parseExtCommunity(t);
      return v === null ? null : new ExtCommunityPattern(v, 0, 'any', [0, 0], [0, 0]);
    }
    const m = /^(rt|ro|soo):([^:]+):([^:]+)$/.exec(t);
    if (m === null) return null;
    const sub = m[1] === 'rt' ? 0x02 : 0x03;
    let kind: 'as' | 'ip' | 'any';
    let admin: Bounds | null;
    if (m[2] === '*') { kind = 'any'; admin = [0, 0xffffffff]; }
    else if (parseIPv4(m[2]!) !== null) { kind = 'ip'; const v = parseIPv4(m[2]!)!; admin = [v, v]; }
    else { kind = 'as'; admin = field(m[2]!.replace(/l$/, ''), 0xffffffff); }
    const local = field(m[3]!, 0xffffffff);
    if (admin === null || local === null) return null;
    return new ExtCommunityPattern(null, sub, kind, admin, local);
  }

  get exact(): [number, number] | null {
    return this.exactValue;
  }

  testAt(flat: readonly number[], i: number): boolean {
    const hi = flat[i]!, lo = flat[i + 1]!;
    if (this.exactValue !== null) return hi === this.exactValue[0] && lo === this.exactValue[1];
    const type = hi >>> 24, sub = (hi >>> 16) & 0xff;
    if (sub !== this.subType) return false;
    let admin: number, local: number;
    if (type === 0x00) { admin = hi & 0xffff; local = lo >>> 0; if (this.adminKind === 'ip') return false; }
    else if (type === 0x01 || type === 0x02) {
      admin = (((hi & 0xffff) << 16) | (lo >>> 16)) >>> 0;
      local = lo & 0xffff;
      if (type === 0x01 && this.adminKind === 'as') return false;
      if (type === 0x02 && this.adminKind === 'ip') return false;
    } else return false;
    return admin >= this.admin[0] && admin <= this.admin[1] && local >= this.local[0] && local <= this.local[1];
  }

  any(flat: readonly number[] | undefined): boolean {
    if (flat === undefined) return false;
    for (let i = 0; i < flat.length; i += 2) if (this.testAt(flat, i)) return true;
    return false;
  }
}
