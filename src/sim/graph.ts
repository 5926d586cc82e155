// The AS graph as the engine sees it: integer AS indices and CSR adjacency in typed arrays, one list per
// relationship (providers, customers, peers), each list sorted ascending. Indices follow ascending ASN, so that
// "lowest neighbor ASN" is "lowest neighbor index" and the graph (and every result) is the same whatever the order
// of the input lines. Pure: built from edge arrays, no I/O.

/** A link as given: `a` is the provider of `b` (rel -1), or `a` and `b` are peers (rel 0). */
export interface EdgeList {
  a: Uint32Array;
  b: Uint32Array;
  rel: Int8Array;
  count: number;
}

export interface AsGraph {
  readonly n: number;
  /** index -> ASN, strictly ascending. */
  readonly asn: Uint32Array;
  /** CSR: the providers of i are prov[provOff[i] .. provOff[i+1]). Likewise customers and peers. */
  readonly provOff: Int32Array;
  readonly prov: Int32Array;
  readonly custOff: Int32Array;
  readonly cust: Int32Array;
  readonly peerOff: Int32Array;
  readonly peer: Int32Array;
  /** Links dropped while building: self-loops and repeated pairs (the first relationship given wins). */
  readonly dropped: { selfLoops: number; duplicates: number; conflicting: number };
}

export type Relationship = 'customer' | 'peer' | 'provider';

/** Binary search in a sorted Uint32Array; -1 when absent. */
export function indexOfAsn(g: AsGraph, asn: number): number {
  const a = g.asn;
  let lo = 0;
  let hi = a.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = a[mid]!;
    if (v === asn) return mid;
    if (v < asn) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

function inSorted(list: Int32Array, from: number, to: number, x: number): boolean {
  let lo = from;
  let hi = to - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = list[mid]!;
    if (v === x) return true;
    if (v < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** What j is to i (j is i's customer, peer or provider), or undefined when they are not linked. */
export function relationshipOf(g: AsGraph, i: number, j: number): Relationship | undefined {
  if (inSorted(g.cust, g.custOff[i]!, g.custOff[i + 1]!, j)) return 'customer';
  if (inSorted(g.peer, g.peerOff[i]!, g.peerOff[i + 1]!, j)) return 'peer';
  if (inSorted(g.prov, g.provOff[i]!, g.provOff[i + 1]!, j)) return 'provider';
  return undefined;
}

export function degree(g: AsGraph, i: number): number {
  return g.provOff[i + 1]! - g.provOff[i]! + g.custOff[i + 1]! - g.custOff[i]! + g.peerOff[i + 1]! - g.peerOff[i]!;
}

export function customerCount(g: AsGraph, i: number): number {
  return g.custOff[i + 1]! - g.custOff[i]!;
}

/** Every neighbor of i with what it is to i, in ascending index order within each relationship. */
export function* neighbors(g: AsGraph, i: number): Generator<[number, Relationship]> {
  for (let k = g.custOff[i]!; k < g.custOff[i + 1]!; k++) yield [g.cust[k]!, 'customer'];
  for (let k = g.peerOff[i]!; k < g.peerOff[i + 1]!; k++) yield [g.peer[k]!, 'peer'];
  for (let k = g.provOff[i]!; k < g.provOff[i + 1]!; k++) yield [g.prov[k]!, 'provider'];
}

export function linkCount(g: AsGraph): { providerCustomer: number; peer: number } {
  return { providerCustomer: g.cust.length, peer: g.peer.length / 2 };
}

function csr(n: number, from: Int32Array, to: Int32Array, m: number): { off: Int32Array; list: Int32Array } {
  const off = new Int32Array(n + 1);
  for (let k = 0; k < m; k++) off[from[k]! + 1]!++;
  for (let i = 0; i < n; i++) off[i + 1]! += off[i]!;
  const fill = off.slice(0, n);
  const list = new Int32Array(m);
  for (let k = 0; k < m; k++) list[fill[from[k]!]!++] = to[k]!;
  for (let i = 0; i < n; i++) list.subarray(off[i]!, off[i + 1]!).sort();
  return { off, list };
}

/** Builds the graph. Self-loops and repeated pairs are dropped and counted (never silently). */
export function buildGraph(edges: EdgeList): AsGraph {
  const m = edges.count;
  // ASNs, sorted and unique.
  const all = new Uint32Array(2 * m);
  all.set(edges.a.subarray(0, m), 0);
  all.set(edges.b.subarray(0, m), m);
  all.sort();
  let n = 0;
  for (let k = 0; k < all.length; k++) if (k === 0 || all[k] !== all[k - 1]) all[n++] = all[k]!;
  const asn = all.slice(0, n);
  const g0 = { asn } as AsGraph;
  const ia = new Int32Array(m);
  const ib = new Int32Array(m);
  for (let k = 0; k < m; k++) {
    ia[k] = indexOfAsn(g0, edges.a[k]!);
    ib[k] = indexOfAsn(g0, edges.b[k]!);
  }
  // Deduplicate unordered pairs, keeping the first given: an undirected CSR of link ids, each node's entries
  // sorted by (neighbor, link id) with a native numeric sort, duplicates adjacent.
  const deg = new Int32Array(n + 1);
  for (let k = 0; k < m; k++) { deg[ia[k]! + 1]!++; deg[ib[k]! + 1]!++; }
  for (let i = 0; i < n; i++) deg[i + 1]! += deg[i]!;
  const fill = deg.slice(0, n);
  const ent = new Float64Array(2 * m);
  for (let k = 0; k < m; k++) {
    ent[fill[ia[k]!]!++] = ib[k]! * m + k;
    ent[fill[ib[k]!]!++] = ia[k]! * m + k;
  }
  const keep = new Uint8Array(m).fill(1);
  let selfLoops = 0;
  let duplicates = 0;
  let conflicting = 0;
  for (let k = 0; k < m; k++) if (ia[k] === ib[k]) { keep[k] = 0; selfLoops++; }
  for (let u = 0; u < n; u++) {
    const list = ent.subarray(deg[u]!, deg[u + 1]!);
    list.sort();
    let prevNbr = -1;
    let first = -1;
    for (let t = 0; t < list.length; t++) {
      const nbr = Math.floor(list[t]! / m);
      const k = list[t]! - nbr * m;
      if (nbr === u || nbr < u) { prevNbr = nbr; first = k; continue; } // counted once, from the lower index
      if (nbr === prevNbr) {
        keep[k] = 0;
        duplicates++;
        const same = edges.rel[k] === edges.rel[first] && (edges.rel[k] === 0 || ia[k] === ia[first]);
        if (!same) conflicting++;
        continue;
      }
      prevNbr = nbr;
      first = k;
    }
  }
  // Directed lists.
  let pc = 0;
  let pp = 0;
  for (let k = 0; k < m; k++) if (keep[k]) { if (edges.rel[k] === 0) pp++; else pc++; }
  const cFrom = new Int32Array(pc); const cTo = new Int32Array(pc); // provider -> customer
  const pFrom = new Int32Array(pc); const pTo = new Int32Array(pc); // customer -> provider
  const rFrom = new Int32Array(2 * pp); const rTo = new Int32Array(2 * pp);
  let c = 0;
  let r = 0;
  for (let k = 0; k < m; k++) {
    if (!keep[k]) continue;
    if (edges.rel[k] === 0) {
      rFrom[r] = ia[k]!; rTo[r++] = ib[k]!;
      rFrom[r] = ib[k]!; rTo[r++] = ia[k]!;
    } else {
      cFrom[c] = ia[k]!; cTo[c] = ib[k]!;
      pFrom[c] = ib[k]!; pTo[c++] = ia[k]!;
    }
  }
  const cust = csr(n, cFrom, cTo, pc);
  const prov = csr(n, pFrom, pTo, pc);
  const peer = csr(n, rFrom, rTo, 2 * pp);
  return {
    n, asn,
    provOff: prov.off, prov: prov.list,
    custOff: cust.off, cust: cust.list,
    peerOff: peer.off, peer: peer.list,
    dropped: { selfLoops, duplicates, conflicting },
  };
}

/** A small graph from readable triples, for tests and examples: [provider, customer, -1] or [a, b, 0]. */
export function graphFromLinks(links: ReadonlyArray<readonly [number, number, -1 | 0]>): AsGraph {
  const m = links.length;
  const e: EdgeList = { a: new Uint32Array(m), b: new Uint32Array(m), rel: new Int8Array(m), count: m };
  links.forEach(([a, b, rel], k) => { e.a[k] = a; e.b[k] = b; e.rel[k] = rel; });
  return buildGraph(e);
}
