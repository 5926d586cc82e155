// Start-up warm-up: before `anycast speaker` opens its sessions, a synthetic table goes through a throw-away speaker
// in this process, over the in-memory transport, so that V8 has compiled the code of the route path (framing,
// UPDATE decoding, attribute conversion, the RIB and its decision, export encoding) before the first real table.
// Without it, the first full table after a start runs partly in V8's interpreter while the optimizing compiler
// catches up: the moment a table's load time matters most, a restart, would be the slowest one
// (bench/results/speaker.md, run T).
//
// The throw-away speaker shares nothing with the real one (its own RIB, attribute store, transport and clock) and
// is stopped before the real one starts; what stays is compiled code, and V8's heap at the size the warm-up grew
// it to. The feed: FEED_PEERS peers announcing the same prefixes with different paths (so the decision compares
// candidates), IPv4 (/16../24) and IPv6 (only the families asked for: warmUpPlan()), AS paths of 1-8 private ASes,
// MED on some origins, 0-6 communities, a large community on some, 1-24 prefixes per UPDATE, then End-of-RIB; a
// fourth peer receives the speaker's exports when the configuration exports. Every address and AS is a
// documentation or private value, and nothing leaves the process. It is bounded: at most `timeoutMs`, after which
// the throw-away speaker is stopped wherever it is.
import { parseSpeakerConfig } from '../config/index.js';
import type { SpeakerConfig } from '../config/types.js';
import { NoopFib } from '../../fib/noop.js';
import { MemoryNetwork, type Connection } from '../transport/index.js';
import { SystemClock } from '../../util/clock.js';
import { silentLogger } from '../../util/log.js';
import { rng, type Rng } from '../../util/rng.js';
import type { PathAttribute } from '../wire/attributes.js';
import { KEEPALIVE_BYTES } from '../wire/codec.js';
import { familyText, symmetricContext } from '../wire/context.js';
import { FrameReader } from '../wire/framing.js';
import { chunkMessages, endOfRib, feederOpen, packAnnouncements } from '../wire/pack.js';
import { PrefixList } from '../wire/prefix.js';
import { Speaker } from './speaker.js';

export interface WarmUpOptions {
  /** IPv4 prefixes each feed peer announces (default 30000, at most 49152; IPv6: a tenth of it). */
  readonly prefixes?: number;
  /**
   * Families to feed (default both). A family the speaker's neighbors never carry is better left out: its feedback
   * makes V8 compile the shared route path for both kinds of prefix key, which slows the other family's load.
   */
  readonly families?: readonly ('ipv4' | 'ipv6')[];
  /** Add a peer the speaker exports to (default true): for a configuration with a neighbor it may export to. */
  readonly exporting?: boolean;
  /** Give up after this long (default 10 s). */
  readonly timeoutMs?: number;
}

export interface WarmUpReport {
  /** Routes the throw-away speaker held, every feed peer counted. */
  readonly routes: number;
  /** Routes the feed carried. */
  readonly sent: number;
  readonly ms: number;
  /** false: the deadline came first, or a feed peer could not go on (the speaker was stopped anyway). */
  readonly completed: boolean;
  /** Why a feed peer could not go on (its connection refused, a NOTIFICATION received), or null. */
  readonly failed: string | null;
}

const FEED_PEERS = 3;
/** A whole number in [0, n) from the feed's seeded generator (every start feeds the same table). */
const below = (r: Rng, n: number) => Math.floor(r() * n);
/** Prefixes per UPDATE: 1..MAX_GROUP, ~8 on average (as in a full table). */
const MAX_GROUP = 24;
const groupSize = (r: Rng) => (below(r, 4) === 0 ? 1 + below(r, MAX_GROUP) : 4 + below(r, 8));
const CTX = symmetricContext({ as4: true });
const DUT = '192.0.2.1';
const peerAddr = (p: number) => `192.0.2.${p + 2}`;
const peerAddr6 = (p: number) => `2001:db8::${p + 2}`;

/** The throw-away speaker's configuration: peers 0..FEED_PEERS-1 feed it, peer FEED_PEERS (if any) receives. */
function config(fams: readonly string[], exporting: boolean): string {
  const neighbor = (p: number, feeds: boolean) => `  - { name: w${p + 1}, address: ${peerAddr(p)}, remote-as: ${64601 + p}, ` +
    `passive: true, families: [${fams.join(', ')}], import: ${feeds ? 'accept' : 'reject'}, export: ${feeds ? 'reject' : 'accept'} }`;
  const peers = Array.from({ length: FEED_PEERS + (exporting ? 1 : 0) }, (_, p) => neighbor(p, p < FEED_PEERS));
  return `router-id: ${DUT}\nlocal-as: 64600\nlisten: ["${DUT}:179"]\nfib: noop\ngraceful-restart: false\n` +
    `neighbors:\n${peers.join('\n')}\n`;
}

/** Most IPv4 prefixes a feed peer can announce (v4Prefix() keeps them distinct up to this). */
const MAX_PREFIXES = 3 * 16384;

/**
 * IPv4 prefix i (0 <= i < MAX_PREFIXES) of the table, as [length, address], under 10.0.0.0/8: /22, /23 and /24 in
 * turn, except every 64th, which is one of /16../21 (so that every prefix size a global table carries, 2 and 3
 * octets, goes through the code; nothing longer than /24). The rank within each length is spread over its space
 * by an odd multiplier (a bijection modulo a power of two), so that no two are the same prefix.
 */
function v4Prefix(i: number): [number, number] {
  const short = i % 64 === 63;
  const k = short ? Math.floor(i / 64) : i - Math.floor(i / 64);
  const len = short ? 16 + (k % 6) : 22 + (k % 3), bits = len - 8;
  const j = short ? Math.floor(k / 6) : Math.floor(k / 3);
  return [len, ((10 << 24) | (((j * 40503) & ((1 << bits) - 1)) << (32 - len))) >>> 0];
}

function attrsFor(p: number, r: Rng, v6: boolean): PathAttribute[] {
  const hops = 1 + below(r, 8);
  const asns = [64601 + p];
  for (let k = 1; k < hops; k++) asns.push(64700 + below(r, 800));
  const list: PathAttribute[] = [
    { name: 'ORIGIN', typeCode: 1, flags: 0x40, origin: below(r, 4) === 0 ? 2 : 0 },
    { name: 'AS_PATH', typeCode: 2, flags: 0x40, segments: [{ type: 2, asns }] },
  ];
  if (v6) {
    list.push({ name: 'MP_REACH_NLRI', typeCode: 14, flags: 0x80, afi: 2, safi: 1, nextHop: [peerAddr6(p)],
      nextHopBytes: new Uint8Array(0), reserved: 0 });
  } else {
    list.push({ name: 'NEXT_HOP', typeCode: 3, flags: 0x40, nextHop: peerAddr(p) });
  }
  if (below(r, 10) < 3) list.push({ name: 'MULTI_EXIT_DISC', typeCode: 4, flags: 0x80, med: below(r, 200) });
  const nComm = below(r, 7);
  if (nComm > 0) {
    const c = new Set<number>();
    for (let k = 0; k < nComm; k++) c.add(((64601 + p) * 65536 + below(r, 300)) >>> 0);
    list.push({ name: 'COMMUNITIES', typeCode: 8, flags: 0xc0, communities: [...c].sort((a, b) => a - b) });
  }
  if (below(r, 3) === 0) {
    list.push({ name: 'LARGE_COMMUNITY', typeCode: 32, flags: 0xc0,
      communities: [{ global: 4200000000 + p, local1: below(r, 100), local2: below(r, 100) }] });
  }
  return list;
}

/** Feed peer p's UPDATEs and the End-of-RIB of each of its families, in ~64 KiB chunks (its OPEN: runPeer). */
function stream(p: number, prefixes: number, v4: boolean, v6: boolean): { chunks: Uint8Array[]; routes: number } {
  const r = rng(0x9e3779b9 + p * 7919);
  const msgs: Uint8Array[] = [];
  let routes = 0;
  for (let i = 0, n = 0; v4 && i < prefixes; i += n) {
    n = Math.min(groupSize(r), prefixes - i);
    const lens = new Uint8Array(n), words = new Uint32Array(n);
    for (let k = 0; k < n; k++) {
      const [len, addr] = v4Prefix(i + k);
      lens[k] = len;
      words[k] = addr;
    }
    msgs.push(...packAnnouncements(attrsFor(p, r, false), new PrefixList(1, lens, words), CTX));
    routes += n;
  }
  const n6 = v6 ? Math.floor(prefixes / 10) : 0;
  for (let i = 0, n = 0; i < n6; i += n) {
    n = Math.min(groupSize(r), n6 - i);
    const lens = new Uint8Array(n), words = new Uint32Array(4 * n);
    for (let k = 0; k < n; k++) {
      // /48s under 2001:db8::/32, distinct while i < 65536.
      lens[k] = 48;
      words[4 * k] = 0x20010db8;
      words[4 * k + 1] = ((((i + k) * 40503) & 0xffff) << 16) >>> 0;
    }
    msgs.push(...packAnnouncements(attrsFor(p, r, true), new PrefixList(2, lens, words), CTX));
    routes += n;
  }
  if (v4) msgs.push(endOfRib(1, 1, CTX));
  if (v6) msgs.push(endOfRib(2, 1, CTX));
  return { chunks: chunkMessages(msgs), routes };
}

/**
 * One in-memory peer: OPEN, KEEPALIVE once the speaker's OPEN arrives, then its stream (none for the receiving
 * peer); `state.updatesIn` counts the UPDATEs it receives, `state.failed` says why it could not go on.
 */
function runPeer(net: MemoryNetwork, p: number, fams: readonly string[], chunks: readonly Uint8Array[],
  state: { updatesIn: number; failed: string | null }, conns: Connection[]): void {
  net.connect({ remote: { address: DUT, port: 179 }, localAddress: peerAddr(p) }, (err, c) => {
    if (err !== null || c === null) { state.failed = `warm-up peer ${p + 1}: ${err}`; return; }
    conns.push(c);
    const reader = new FrameReader(CTX);
    let opened = false, i = 0;
    const pump = () => { while (i < chunks.length) if (!c.write(chunks[i++]!)) return; };
    c.attach({
      data: (d) => {
        reader.push(d);
        for (let f = reader.next(); f.kind === 'frame'; f = reader.next()) {
          if (f.type === 3) { state.failed = `warm-up peer ${p + 1}: NOTIFICATION ${f.bytes[19]}/${f.bytes[20]}`; return; }
          if (f.type === 1 && !opened) { opened = true; c.write(KEEPALIVE_BYTES); pump(); }
          if (f.type === 2) state.updatesIn++;
        }
      },
      close: () => {},
      drain: pump,
    });
    c.write(feederOpen(64601 + p, `198.51.100.${p + 1}`, fams.map((f) => [f === 'ipv4' ? 1 : 2, 1] as const)));
  });
}

/**
 * What a configuration's warm-up should feed: the families its neighbors and dynamic ranges carry (their
 * `families`, by default the family of their address), and whether any of them may be exported to. An empty
 * `families`: nobody to load a table from, no warm-up.
 */
export function warmUpPlan(c: SpeakerConfig): { families: ('ipv4' | 'ipv6')[]; exporting: boolean } {
  const fams = new Set<'ipv4' | 'ipv6'>();
  let exporting = false;
  for (const n of [...c.neighbors, ...c.dynamic]) {
    const address = 'prefix' in n ? n.prefix : n.address;
    for (const f of n.session.families ?? [address.includes(':') ? 'ipv6' : 'ipv4']) {
      const t = typeof f === 'string' ? f : familyText(f);
      if (t === 'ipv4' || t === 'ipv4-unicast') fams.add('ipv4');
      if (t === 'ipv6' || t === 'ipv6-unicast') fams.add('ipv6');
    }
    if (n.exportPolicy !== 'reject') exporting = true;
  }
  return { families: (['ipv4', 'ipv6'] as const).filter((f) => fams.has(f)), exporting };
}

/** Run the warm-up; never throws for the feed's sake (a failure ends it early and is reported as not completed). */
export async function warmUp(opts: WarmUpOptions = {}): Promise<WarmUpReport> {
  const t0 = performance.now();
  const prefixes = Math.max(1, Math.min(MAX_PREFIXES, Math.floor(opts.prefixes ?? 30000)));
  const deadline = t0 + (opts.timeoutMs ?? 10000);
  const fams = opts.families ?? ['ipv4', 'ipv6'];
  const exporting = opts.exporting ?? true;
  const net = new MemoryNetwork({ highWaterMark: 1 << 20 });
  const sp = new Speaker(parseSpeakerConfig(config(fams, exporting), '<warm-up>'), {
    transport: net, clock: new SystemClock(false), logger: silentLogger, fib: new NoopFib(),
  });
  const state = { updatesIn: 0, failed: null as string | null };
  const conns: Connection[] = [];
  let held = 0, sent = 0, completed = false;
  let failed: string | null = null;
  try {
    await sp.start();
    const streams = Array.from({ length: FEED_PEERS }, (_, p) => stream(p, prefixes, fams.includes('ipv4'), fams.includes('ipv6')));
    sent = streams.reduce((n, s) => n + s.routes, 0);
    for (let p = 0; p < FEED_PEERS; p++) runPeer(net, p, fams, streams[p]!.chunks, state, conns);
    if (exporting) runPeer(net, FEED_PEERS, fams, [], state, conns);
    while (performance.now() < deadline && state.failed === null) {
      held = 0;
      for (const n of sp.neighbors.values()) if (n.info) { const h = sp.rib.heldFrom(n.info); held += h.ipv4 + h.ipv6; }
      // Done when every route is held and decided, and the receiving peer has been sent UPDATEs (the export path ran).
      if (held >= sent && (state.updatesIn > 0 || !exporting)) { sp.flush(); completed = true; break; }
      await new Promise((r) => setTimeout(r, 5));
    }
    failed = state.failed; // (not what the peers see of the teardown below)
  } finally {
    for (const c of conns) c.destroy();
    await sp.stop().catch(() => {});
  }
  return { routes: held, sent, ms: Math.round(performance.now() - t0), completed, failed };
}
