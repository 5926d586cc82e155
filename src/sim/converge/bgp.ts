// Event-driven BGP on the AS graph, one prefix, one router per AS: what happens between two stable states.
// Each AS keeps an Adj-RIB-In per session, runs the decision (Gao-Rexford class, then AS-path length, then lowest
// neighbor ASN — the same ranking as the static engine, so both must end in the same state) and advertises its
// best route valley-free. Timing (RFC 4271):
//   - MinRouteAdvertisementInterval per session (§9.2.1.1), 30 s for eBGP by default (§10), each start of the
//     timer multiplied by a random factor in [0.75, 1] (jitter, §10). An advertisement that changes while the
//     timer runs waits for its expiry and then sends the latest state only.
//   - Withdrawals are sent at once (the common implementation default; RFC 1771 exempted them and RFC 4271
//     lets implementations choose): `wrate: true` rate-limits them too.
//   - Each UPDATE takes the link's propagation delay, then waits in the receiving AS's single processing queue
//     for its processing delay.
//   - Sender-side loop suppression: an AS does not advertise a path to the neighbor whose ASN is in it (it sends
//     a withdrawal instead if it had advertised something); receivers also discard paths holding their own ASN.
// Paths are persistent cons lists in typed arrays; no per-route objects. Pure apart from the injected RNG.
import { CUSTOMER, NONE, ORIGIN, PEER, PROVIDER, type Announcement } from '../announce.js';
import type { AsGraph } from '../graph.js';
import type { Rng } from '../../util/rng.js';
import { EventQueue } from './queue.js';

export interface TimingModel {
  /** MRAI in ms (0 = off). */
  mraiMs: number;
  /** Multiply each MRAI start by U[jitterMin, 1]; 1 = no jitter. */
  jitterMin: number;
  wrate: boolean;
  /** Propagation delay of the link a-b in ms. */
  linkDelayMs: (a: number, b: number) => number;
  /** Processing delay of one UPDATE at an AS, in ms: [min, max) uniform. */
  procMinMs: number;
  procMaxMs: number;
}

export const DEFAULT_TIMING: Omit<TimingModel, 'linkDelayMs'> = {
  mraiMs: 30_000, jitterMin: 0.75, wrate: false, procMinMs: 1, procMaxMs: 10,
};

const ARRIVE = 0;
const PROCESS = 1;
const MRAI = 2;

/** Counters of one phase (from a site event to quiescence). */
export interface PhaseStats {
  start: number;
  announcements: number;
  withdrawals: number;
  lastUpdateAt: number;
  lastChangeAt: number;
  changes: Int32Array;
  /** Time each AS spent without a route during the phase (ms), and whether it lost it at all. */
  noRouteMs: Float64Array;
  lostRoute: Uint8Array;
  /** Peak number of ASes without a route at one time, beyond those without one at the start. */
  peakNoRoute: number;
  /** UPDATEs per time bucket from the phase start. */
  timeline: number[];
  events: number;
}

export class BgpSim {
  readonly n: number;
  readonly E: number;
  readonly adjOff: Int32Array;
  readonly adj: Int32Array;
  readonly adjCls: Uint8Array;
  readonly rev: Int32Array;
  // Adj-RIB-In per slot (graph slots 0..E-1, seed slots E+k).
  readonly ribPath: Int32Array;
  readonly ribSite: Int32Array;
  // Per AS.
  readonly bestSlot: Int32Array;
  readonly bestSite: Int32Array;
  readonly bestOut: Int32Array;
  readonly bestLen: Uint16Array;
  readonly bestCls: Uint8Array;
  readonly originSites: Int32Array;
  readonly busyUntil: Float64Array;
  // Per outgoing session (indexed like adj: v's slot p means v -> adj[p]).
  readonly sentPath: Int32Array;
  readonly sentSite: Int32Array;
  readonly mraiUntil: Float64Array;
  readonly pending: Uint8Array;
  // Path pool.
  pAsn = new Uint32Array(1 << 16);
  pNext = new Int32Array(1 << 16);
  pLen = new Uint16Array(1 << 16);
  pUsed = 0;
  readonly seedPath: Int32Array;
  readonly seedOff: Int32Array;
  readonly seedList: Int32Array;
  readonly enabled: Uint8Array;
  /** Graph index of each site's origin AS (-1 outside the graph): the far end of its seed sessions' links. */
  readonly originOfSite: Int32Array;
  now = 0;
  readonly q = new EventQueue();
  stats: PhaseStats | undefined;
  private noRouteSince: Float64Array;
  private currentNoRoute = 0;
  private baseNoRoute = 0;

  constructor(readonly g: AsGraph, readonly ann: Announcement, readonly timing: TimingModel, readonly random: Rng,
    readonly bucketMs = 5000) {
    const n = (this.n = g.n);
    const off = new Int32Array(n + 1);
    for (let v = 0; v < n; v++) {
      off[v + 1] = off[v]! + (g.custOff[v + 1]! - g.custOff[v]!) + (g.peerOff[v + 1]! - g.peerOff[v]!) + (g.provOff[v + 1]! - g.provOff[v]!);
    }
    const E = (this.E = off[n]!);
    const adj = new Int32Array(E);
    const cls = new Uint8Array(E);
    for (let v = 0; v < n; v++) {
      const items: Array<[number, number]> = [];
      for (let e = g.custOff[v]!; e < g.custOff[v + 1]!; e++) items.push([g.cust[e]!, CUSTOMER]);
      for (let e = g.peerOff[v]!; e < g.peerOff[v + 1]!; e++) items.push([g.peer[e]!, PEER]);
      for (let e = g.provOff[v]!; e < g.provOff[v + 1]!; e++) items.push([g.prov[e]!, PROVIDER]);
      items.sort((x, y) => x[0] - y[0]);
      items.forEach(([u, c], k) => { adj[off[v]! + k] = u; cls[off[v]! + k] = c; });
    }
    const rev = new Int32Array(E);
    for (let v = 0; v < n; v++) {
      for (let p = off[v]!; p < off[v + 1]!; p++) {
        const u = adj[p]!;
        let lo = off[u]!;
        let hi = off[u + 1]! - 1;
        while (lo < hi) { const mid = (lo + hi) >> 1; if (adj[mid]! < v) lo = mid + 1; else hi = mid; }
        rev[p] = lo;
      }
    }
    this.adjOff = off; this.adj = adj; this.adjCls = cls; this.rev = rev;
    const S = E + ann.seedCount;
    this.ribPath = new Int32Array(S).fill(-1);
    this.ribSite = new Int32Array(S).fill(-1);
    this.bestSlot = new Int32Array(n).fill(-1);
    this.bestSite = new Int32Array(n).fill(-1);
    this.bestOut = new Int32Array(n).fill(-1);
    this.bestLen = new Uint16Array(n);
    this.bestCls = new Uint8Array(n);
    this.originSites = new Int32Array(n);
    this.busyUntil = new Float64Array(n);
    this.sentPath = new Int32Array(E).fill(-1);
    this.sentSite = new Int32Array(E).fill(-1);
    this.mraiUntil = new Float64Array(E);
    this.pending = new Uint8Array(E);
    this.noRouteSince = new Float64Array(n).fill(-1);
    // Seeds: their fixed paths (the origin ASN, 1 + prepend times), and a per-node index.
    this.seedPath = new Int32Array(ann.seedCount);
    for (let k = 0; k < ann.seedCount; k++) {
      let p = -1;
      for (let i = 0; i < ann.seedLen[k]!; i++) p = this.cons(ann.seedKey[k]!, p);
      this.seedPath[k] = p;
    }
    const so = new Int32Array(n + 1);
    for (let k = 0; k < ann.seedCount; k++) so[ann.seedNode[k]! + 1]!++;
    for (let v = 0; v < n; v++) so[v + 1]! += so[v]!;
    const fill = so.slice(0, n);
    const sl = new Int32Array(ann.seedCount);
    for (let k = 0; k < ann.seedCount; k++) sl[fill[ann.seedNode[k]!]!++] = k;
    this.seedOff = so; this.seedList = sl;
    this.enabled = new Uint8Array(ann.siteCount);
    this.originOfSite = new Int32Array(ann.siteCount).fill(-1);
    for (let k = 0; k < ann.originNode.length; k++) this.originOfSite[ann.originSite[k]!] = ann.originNode[k]!;
  }

  private cons(asn: number, tail: number): number {
    if (this.pUsed === this.pAsn.length) {
      const m = this.pAsn.length * 2;
      const a = new Uint32Array(m); a.set(this.pAsn); this.pAsn = a;
      const b = new Int32Array(m); b.set(this.pNext); this.pNext = b;
      const c = new Uint16Array(m); c.set(this.pLen); this.pLen = c;
    }
    const id = this.pUsed++;
    this.pAsn[id] = asn;
    this.pNext[id] = tail;
    this.pLen[id] = tail < 0 ? 1 : this.pLen[tail]! + 1;
    return id;
  }

  private pathHas(p: number, asn: number): boolean {
    for (; p >= 0; p = this.pNext[p]!) if (this.pAsn[p] === asn) return true;
    return false;
  }

  private samePath(x: number, y: number): boolean {
    for (;;) {
      if (x === y) return true;
      if (x < 0 || y < 0) return false;
      if (this.pAsn[x] !== this.pAsn[y]) return false;
      x = this.pNext[x]!;
      y = this.pNext[y]!;
    }
  }

  /** Starts counting a phase at the current time. */
  beginPhase(): void {
    let none = 0;
    for (let v = 0; v < this.n; v++) if (this.bestSlot[v] === -1) none++;
    this.baseNoRoute = none;
    this.currentNoRoute = none;
    this.noRouteSince.fill(-1);
    this.stats = { start: this.now, announcements: 0, withdrawals: 0, lastUpdateAt: this.now, lastChangeAt: this.now,
      changes: new Int32Array(this.n), noRouteMs: new Float64Array(this.n), lostRoute: new Uint8Array(this.n),
      peakNoRoute: 0, timeline: [], events: 0 };
  }

  /** A site starts (true) or stops (false) announcing, now. */
  setSite(site: number, on: boolean): void {
    if ((this.enabled[site] === 1) === on) return;
    this.enabled[site] = on ? 1 : 0;
    const a = this.ann;
    for (let k = 0; k < a.originNode.length; k++) {
      if (a.originSite[k] !== site) continue;
      const v = a.originNode[k]!;
      this.originSites[v]! += on ? 1 : -1;
      this.decide(v);
    }
    for (let k = 0; k < a.seedCount; k++) {
      if (a.seedSite[k] !== site) continue;
      // The site's own router: its first advertisement goes at once; the seed session is not rate-limited
      // (one message per event).
      const to = a.seedNode[k]!;
      const from = this.originOfSite[site]! >= 0 ? this.originOfSite[site]! : to;
      this.send(to, this.E + k, on ? this.seedPath[k]! : -1, on ? site : -1, this.timing.linkDelayMs(from, to));
    }
  }

  private send(to: number, slot: number, path: number, site: number, delay: number): void {
    const s = this.stats;
    if (s !== undefined) {
      if (path < 0) s.withdrawals++; else s.announcements++;
      const b = Math.floor((this.now - s.start) / this.bucketMs);
      while (s.timeline.length <= b) s.timeline.push(0);
      s.timeline[b]!++;
    }
    this.q.push(this.now + delay, ARRIVE, to, slot, path, site);
  }

  /** Runs events until none is left or `until` (ms) is reached. Returns the number of events handled. */
  run(until = Infinity, onTick?: (now: number, events: number) => void): number {
    let count = 0;
    const q = this.q;
    while (q.length > 0 && q.peekTime() <= until) {
      const id = q.pop();
      const t = q.time[id]!; const kind = q.kind[id]!; const a = q.a[id]!; const b = q.b[id]!; const c = q.c[id]!; const d = q.d[id]!;
      this.now = t;
      count++;
      if (onTick !== undefined && (count & 0xffff) === 0) onTick(t, count);
      if (kind === ARRIVE) {
        const done = Math.max(t, this.busyUntil[a]!) + this.timing.procMinMs +
          (this.timing.procMaxMs - this.timing.procMinMs) * this.random();
        this.busyUntil[a] = done;
        q.push(done, PROCESS, a, b, c, d);
      } else if (kind === PROCESS) {
        if (this.stats) this.stats.lastUpdateAt = t;
        // Receiver-side loop detection.
        const path = c >= 0 && this.pathHas(c, this.g.asn[a]!) ? -1 : c;
        this.ribPath[b] = path;
        this.ribSite[b] = path < 0 ? -1 : d;
        this.decide(a);
      } else if (kind === MRAI) {
        this.pending[a] = 0;
        this.flushSession(a);
      }
    }
    if (this.stats) this.stats.events += count;
    return count;
  }

  /** The decision process at v; on a change, updates the advertisements to every neighbor. */
  private decide(v: number): void {
    let slot = -1;
    let cls: number = NONE;
    let len = 0;
    let key = 0;
    let site = -1;
    let path = -1;
    if (this.originSites[v]! > 0) {
      slot = -2; cls = ORIGIN;
      // The first enabled site originated here (as the static engine).
      for (let k = 0; k < this.ann.originNode.length; k++) {
        if (this.ann.originNode[k] === v && this.enabled[this.ann.originSite[k]!]) { site = this.ann.originSite[k]!; break; }
      }
    } else {
      const asn = this.g.asn;
      for (let p = this.adjOff[v]!, end = this.adjOff[v + 1]!; p < end; p++) {
        const rp = this.ribPath[p]!;
        if (rp < 0) continue;
        const c = this.adjCls[p]!;
        const l = this.pLen[rp]!;
        const k = asn[this.adj[p]!]!;
        if (slot === -1 || c < cls || (c === cls && (l < len || (l === len && k < key)))) {
          slot = p; cls = c; len = l; key = k; site = this.ribSite[p]!; path = rp;
        }
      }
      for (let i = this.seedOff[v]!, end = this.seedOff[v + 1]!; i < end; i++) {
        const kk = this.seedList[i]!;
        const s = this.E + kk;
        const rp = this.ribPath[s]!;
        if (rp < 0) continue;
        const c = this.ann.seedCls[kk]!;
        const l = this.pLen[rp]!;
        const k = this.ann.seedKey[kk]!;
        // A seed wins a full tie against a graph neighbor, and the earlier seed against a later one (static rule).
        if (slot === -1 || c < cls || (c === cls && (l < len || (l === len && (k < key || (k === key && (slot < this.E || s < slot))))))) {
          slot = s; cls = c; len = l; key = k; site = this.ribSite[s]!; path = rp;
        }
      }
    }
    const oldSlot = this.bestSlot[v]!;
    const oldOut = this.bestOut[v]!;
    const oldSite = this.bestSite[v]!;
    // Unchanged: same slot, same site, and (for a learned route) the same path.
    if (slot === oldSlot && site === oldSite && (slot < 0 || (oldOut >= 0 && this.samePath(this.pNext[oldOut]!, path)))) return;
    this.bestSlot[v] = slot;
    this.bestSite[v] = site;
    this.bestCls[v] = cls;
    this.bestLen[v] = slot === -2 ? 0 : len;
    this.bestOut[v] = slot === -2 || slot === -1 ? -1 : this.cons(this.g.asn[v]!, path);
    const s = this.stats;
    if (s !== undefined) {
      s.changes[v]!++;
      s.lastChangeAt = this.now;
      if (slot === -1 && oldSlot !== -1) {
        this.noRouteSince[v] = this.now;
        s.lostRoute[v] = 1;
        this.currentNoRoute++;
        if (this.currentNoRoute - this.baseNoRoute > s.peakNoRoute) s.peakNoRoute = this.currentNoRoute - this.baseNoRoute;
      } else if (slot !== -1 && oldSlot === -1) {
        if (this.noRouteSince[v]! >= 0) s.noRouteMs[v]! += this.now - this.noRouteSince[v]!;
        this.noRouteSince[v] = -1;
        this.currentNoRoute--;
      }
    }
    for (let p = this.adjOff[v]!, end = this.adjOff[v + 1]!; p < end; p++) this.flushSession(p, v);
  }

  /** What v should advertise on its session p now: the path id, or -1 for nothing. */
  private desired(p: number, v: number): number {
    const slot = this.bestSlot[v]!;
    if (slot < 0) return -1; // no route, or v originates (the site's own sessions carry that)
    if (slot >= this.E && this.ann.seedNoExport[slot - this.E] === 1) return -1;
    const cls = this.bestCls[v]!;
    // Valley-free: only customer routes go to peers and providers.
    if (cls !== CUSTOMER && this.adjCls[p] !== CUSTOMER) return -1;
    const out = this.bestOut[v]!;
    if (this.pathHas(this.pNext[out]!, this.g.asn[this.adj[p]!]!)) return -1;
    return out;
  }

  private sessionOwner(p: number): number {
    // Binary search for the AS whose slot range holds p.
    let lo = 0;
    let hi = this.n - 1;
    const off = this.adjOff;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (off[mid]! <= p) lo = mid; else hi = mid - 1; }
    return lo;
  }

  /** Brings session p (v -> neighbor) up to date with v's best route, as far as MRAI allows. */
  private flushSession(p: number, owner = -1): void {
    const v = owner >= 0 ? owner : this.sessionOwner(p);
    const want = this.desired(p, v);
    const sent = this.sentPath[p]!;
    const wantSite = want < 0 ? -1 : this.bestSite[v]!;
    if ((want === sent || (want >= 0 && sent >= 0 && this.samePath(want, sent))) && wantSite === this.sentSite[p]) {
      return;
    }
    if (want < 0 && sent < 0) return;
    const isWithdraw = want < 0;
    const limited = this.timing.mraiMs > 0 && (!isWithdraw || this.timing.wrate);
    if (limited && this.now < this.mraiUntil[p]!) {
      if (!this.pending[p]) { this.pending[p] = 1; this.q.push(this.mraiUntil[p]!, MRAI, p, 0, 0, 0); }
      return;
    }
    this.sentPath[p] = want;
    this.sentSite[p] = wantSite;
    const u = this.adj[p]!;
    this.send(u, this.rev[p]!, want, wantSite, this.timing.linkDelayMs(v, u));
    if (limited) {
      const j = this.timing.jitterMin >= 1 ? 1 : this.timing.jitterMin + (1 - this.timing.jitterMin) * this.random();
      this.mraiUntil[p] = this.now + this.timing.mraiMs * j;
    }
  }

  /** Ends the phase: closes the no-route intervals still open. */
  endPhase(): PhaseStats {
    const s = this.stats!;
    for (let v = 0; v < this.n; v++) {
      if (this.noRouteSince[v]! >= 0) { s.noRouteMs[v]! += this.now - this.noRouteSince[v]!; }
    }
    this.stats = undefined;
    return s;
  }
}
