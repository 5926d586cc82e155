// Address arithmetic for the lab's addressing plan (pure): CIDR parsing, containment and overlap, addresses as
// bigints and back (IPv6 written in RFC 5952 canonical form), the n-th subnet of a pool.

import { isIP } from 'node:net';
import { formatIPv6 } from '../util/ip.js';

export interface Cidr {
  family: 4 | 6;
  /** The address as written (before the slash). */
  address: string;
  length: number;
  /** The network address (host bits cleared), canonical text. */
  network: string;
  /** True if the written address has host bits set (an interface address rather than a prefix). */
  hostBits: boolean;
}

const bits = (f: 4 | 6) => (f === 4 ? 32 : 128);

export function addrToBig(a: string): bigint {
  if (isIP(a) === 4) return a.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
  let [head, tail] = a.includes('::') ? a.split('::') as [string, string] : [a, undefined];
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hextets.
  const fix = (s: string) => s.replace(/(\d+\.\d+\.\d+\.\d+)$/, (v4) => {
    const n = addrToBig(v4);
    return `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  });
  head = fix(head);
  const h = head ? head.split(':') : [];
  const t = tail !== undefined ? (tail ? fix(tail).split(':') : []) : [];
  const groups = tail !== undefined ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
}

export function bigToAddr(n: bigint, f: 4 | 6): string {
  if (f === 4) return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 0xffn)).join('.');
  const g = Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(112 - 16 * i)) & 0xffffn));
  return formatIPv6(g);
}

export function parseCidr(s: string): Cidr | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const fam = isIP(m[1]!);
  if (fam === 0) return undefined;
  const f = fam as 4 | 6;
  const length = Number(m[2]);
  if (length > bits(f)) return undefined;
  const n = addrToBig(m[1]!);
  const mask = ((1n << BigInt(bits(f))) - 1n) ^ ((1n << BigInt(bits(f) - length)) - 1n);
  return { family: f, address: m[1]!, length, network: bigToAddr(n & mask, f), hostBits: (n & mask) !== n };
}

function range(c: Cidr): [bigint, bigint] {
  const lo = addrToBig(c.network);
  return [lo, lo + (1n << BigInt(bits(c.family) - c.length)) - 1n];
}

/** True if `addr` (an address or a CIDR) lies inside `prefix`. */
export function prefixContains(prefix: string, addr: string): boolean {
  const p = parseCidr(prefix);
  const a = addr.includes('/') ? parseCidr(addr) : parseCidr(`${addr}/${isIP(addr) === 6 ? 128 : 32}`);
  if (!p || !a || p.family !== a.family || a.length < p.length) return false;
  const [lo, hi] = range(p);
  const [alo, ahi] = range(a);
  return alo >= lo && ahi <= hi;
}

export function overlaps(x: string, y: string): boolean {
  const a = parseCidr(x);
  const b = parseCidr(y);
  if (!a || !b || a.family !== b.family) return false;
  const [alo, ahi] = range(a);
  const [blo, bhi] = range(b);
  return alo <= bhi && blo <= ahi;
}

/** The host address of a CIDR ("10.0.0.1/30" → "10.0.0.1"). */
export function hostOf(cidr: string): string {
  return cidr.split('/')[0]!;
}

/** `base` (a prefix) + n (an address offset), as an address. */
export function addressAt(prefix: string, n: bigint | number): string {
  const c = parseCidr(prefix)!;
  return bigToAddr(addrToBig(c.network) + BigInt(n), c.family);
}

/** The i-th subnet of length `len` inside `pool` (undefined when the pool is exhausted). */
export function subnetAt(pool: string, len: number, i: number): string | undefined {
  const p = parseCidr(pool)!;
  const count = 1n << BigInt(len - p.length);
  if (BigInt(i) >= count) return undefined;
  const size = 1n << BigInt(bits(p.family) - len);
  return `${bigToAddr(addrToBig(p.network) + size * BigInt(i), p.family)}/${len}`;
}

/** Canonical text of an address (so "2001:DB8::0:1" and "2001:db8::1" compare equal). */
export function canonical(addr: string): string {
  const f = isIP(addr);
  return f === 0 ? addr : bigToAddr(addrToBig(addr), f as 4 | 6);
}

/** The other usable host of a /30 or /31 (v4) or /64 .. /127 (v6) link given one end: 1 ↔ 2 of the subnet. */
export function peerAddress(cidr: string): string {
  const c = parseCidr(cidr)!;
  const base = addrToBig(c.network);
  const me = addrToBig(c.address) - base;
  const other = me === 1n ? 2n : 1n;
  return `${bigToAddr(base + other, c.family)}/${c.length}`;
}
