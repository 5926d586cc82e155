// A child process that runs our session layer inside a network namespace for the interop tests (node cannot
// enter a namespace itself): it reads commands as JSON lines on stdin (create a neighbor, start, stop, announce,
// End-of-RIB, route refresh, status) and writes every Peer event as a JSON line on stdout. Real TCP, real clock.
import { createInterface } from 'node:readline';
import { SystemClock } from '../../../src/util/clock.js';
import { errorMessage } from '../../../src/util/errors.js';
import { BgpListener, Peer, parseFamily, type PeerConfigInput, type UpdateIn } from '../../../src/bgp/peer/index.js';
import { TcpTransport } from '../../../src/bgp/transport/index.js';
import type { AttrSet } from '../../../src/bgp/wire/messages.js';
import type { PathAttribute } from '../../../src/bgp/wire/attributes.js';
import { communityText, largeCommunityText } from '../../../src/bgp/wire/communities.js';
import { familyText, IPV4_UNICAST } from '../../../src/bgp/wire/context.js';
import { packAnnouncements } from '../../../src/bgp/wire/pack.js';
import { PrefixList } from '../../../src/bgp/wire/prefix.js';

const transport = new TcpTransport();
const clock = new SystemClock();
const peers = new Map<string, Peer>();
const listeners = new Map<string, BgpListener>();
const out = (o: Record<string, unknown>) => process.stdout.write(JSON.stringify(o) + '\n');

function attrSummary(s: AttrSet): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const a of s.list) {
    switch (a.name) {
      case 'ORIGIN': o.origin = a.origin; break;
      case 'AS_PATH': o.asPath = a.segments.flatMap((g) => g.asns); break;
      case 'NEXT_HOP': o.nextHop = a.nextHop; break;
      case 'MP_REACH_NLRI': o.nextHop = a.nextHop[0]; o.nextHops = a.nextHop; break;
      case 'MULTI_EXIT_DISC': o.med = a.med; break;
      case 'LOCAL_PREF': o.localPref = a.localPref; break;
      case 'COMMUNITIES': o.communities = a.communities.map(communityText); break;
      case 'LARGE_COMMUNITY': o.largeCommunities = a.communities.map(largeCommunityText); break;
      default: (o.other ??= [] as string[]) && (o.other as string[]).push(a.name);
    }
  }
  return o;
}

function updateEvent(name: string, u: UpdateIn): Record<string, unknown> {
  return {
    ev: 'update', name, treatment: u.treatment, errors: u.errors.map((e) => `${e.kind}: ${e.reason}`),
    announce: u.announce.map((a) => ({ family: familyText(a.family), prefixes: a.prefixes.texts() })),
    withdraw: u.withdraw.map((a) => ({ family: familyText(a.family), prefixes: a.prefixes.texts() })),
    attrs: u.announce.length > 0 ? attrSummary(u.attrs) : null,
  };
}

async function createPeer(config: PeerConfigInput): Promise<void> {
  const peer = Peer.create(config, { transport, clock });
  const name = peer.name;
  peers.set(name, peer);
  peer.on('state', (s) => out({ ev: 'state', name, ...s }));
  peer.on('established', (s) => out({ ev: 'established', name, holdTime: s.holdTime, families: s.families.map(familyText),
    as4: s.as4, routeRefresh: s.routeRefresh, enhancedRouteRefresh: s.enhancedRouteRefresh, extendedMessages: s.extendedMessages,
    gracefulRestart: s.peerGracefulRestart !== null, peerAs: s.peerAs, peerId: s.peerId, local: s.local, remote: s.remote,
    initiator: s.initiator, unknownCapabilities: s.unknownCapabilities, peerHostname: s.peerHostname ?? null }));
  peer.on('down', (d) => out({ ev: 'down', name, from: d.from, reason: d.reason.kind, text: d.text, graceful: d.graceful }));
  peer.on('update', (u) => out(updateEvent(name, u)));
  peer.on('endOfRib', (e) => out({ ev: 'endOfRib', name, family: familyText(e.family) }));
  peer.on('notification', (n) => out({ ev: 'notification', name, direction: n.direction, code: n.code, subcode: n.subcode, text: n.text }));
  peer.on('routeRefresh', (r) => out({ ev: 'routeRefresh', name, family: familyText(r.family), kind: r.kind }));
  peer.on('familyDisabled', (f) => out({ ev: 'familyDisabled', name, family: familyText(f.family), error: f.error.reason }));
  const local = peer.config.localAddress;
  if (local !== undefined) {
    let l = listeners.get(local);
    if (l === undefined) {
      l = new BgpListener({ transport, clock });
      listeners.set(local, l);
      await l.listen({ address: local, port: 179 });
    }
    l.add(peer);
  }
}

function announce(peer: Peer, prefixes: string[], communities: number[]): void {
  const s = peer.session!;
  const v6 = prefixes[0]!.includes(':');
  const attrs: PathAttribute[] = [
    { name: 'ORIGIN', typeCode: 1, flags: 0x40, origin: 0 },
    { name: 'AS_PATH', typeCode: 2, flags: 0x40, segments: [{ type: 2, asns: [peer.config.localAs] }] },
    v6 ? { name: 'MP_REACH_NLRI', typeCode: 14, flags: 0x80, afi: 2, safi: 1, nextHop: [s.local.address], nextHopBytes: new Uint8Array(0), reserved: 0 }
      : { name: 'NEXT_HOP', typeCode: 3, flags: 0x40, nextHop: s.local.address },
    { name: 'MULTI_EXIT_DISC', typeCode: 4, flags: 0x80, med: 77 },
    ...(communities.length > 0 ? [{ name: 'COMMUNITIES', typeCode: 8, flags: 0xc0, communities } as PathAttribute] : []),
  ];
  peer.sendUpdates(packAnnouncements(attrs, PrefixList.parse(v6 ? 2 : 1, prefixes), peer.encodeContext));
}

async function handle(c: Record<string, unknown>): Promise<unknown> {
  const p = typeof c.name === 'string' ? peers.get(c.name) : undefined;
  const need = () => { if (p === undefined) throw new Error(`no neighbor ${String(c.name)}`); return p; };
  switch (c.cmd) {
    case 'peer': await createPeer(c.config as PeerConfigInput); return null;
    case 'start': need().start(); return null;
    case 'stop': need().stop(c.message as string | undefined); return null;
    case 'announce': announce(need(), c.prefixes as string[], (c.communities as number[] | undefined) ?? []); return null;
    case 'eor': return need().sendEndOfRib(parseFamily(c.family as string) ?? IPV4_UNICAST);
    case 'refresh': return need().softResetIn();
    case 'status': { const s = need().status(); return { state: s.state, lastDown: s.lastDown, counters: s.counters, refused: s.refusedCapabilities }; }
    case 'exit':
      for (const x of peers.values()) x.close();
      for (const l of listeners.values()) await l.close();
      setTimeout(() => process.exit(0), 50);
      return null;
    default: throw new Error(`unknown command ${String(c.cmd)}`);
  }
}

createInterface({ input: process.stdin }).on('line', (line) => {
  let c: Record<string, unknown>;
  try { c = JSON.parse(line) as Record<string, unknown>; } catch { out({ ev: 'error', message: `bad JSON: ${line}` }); return; }
  handle(c).then((result) => out({ ev: 'reply', id: c.id, result }), (e: unknown) => out({ ev: 'reply', id: c.id, error: errorMessage(e) }));
});
process.stdin.on('end', () => process.exit(0));
out({ ev: 'ready', pid: process.pid });
