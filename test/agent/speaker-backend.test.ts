// The embedded speaker backend over the in-memory transport. The upstreams are the project's own speakers used
// only as receivers (import everything, export nothing): what they hold and the UPDATE messages their sessions
// receive are the test's truth. Interop with real daemons is test/agent/speaker.ns.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSpeakerConfig } from '../../src/bgp/config/index.js';
import { Speaker } from '../../src/bgp/speaker/index.js';
import { attrsToJSON } from '../../src/bgp/rib/attrs-view.js';
import { parsePrefix } from '../../src/bgp/rib/prefix.js';
import { MemoryNetwork } from '../../src/bgp/transport/index.js';
import { MemoryFib } from '../../src/fib/memory.js';
import { SystemClock } from '../../src/util/clock.js';
import { memoryLogger } from '../../src/util/log.js';
import { SpeakerBackend, uptimeText } from '../../src/agent/backends/speaker.js';
import { pickNextHop, speakerConfigFor, type Interfaces } from '../../src/agent/backends/speaker-config.js';
import type { RouteAttributes } from '../../src/agent/desired.js';
import type { SpeakerBackendConfig, SpeakerPeerConfig } from '../../src/agent/config/types.js';

const IFACES: Interfaces = {
  lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true, netmask: '255.0.0.0', mac: '', cidr: '127.0.0.1/8' },
    { address: '::1', family: 'IPv6', internal: true, netmask: '', mac: '', cidr: '::1/128', scopeid: 0 }],
  eth0: [{ address: '10.0.0.1', family: 'IPv4', internal: false, netmask: '255.255.255.0', mac: '', cidr: '10.0.0.1/24' },
    { address: 'fe80::1', family: 'IPv6', internal: false, netmask: '', mac: '', cidr: 'fe80::1/64', scopeid: 2 },
    { address: '2001:db8:ff::1', family: 'IPv6', internal: false, netmask: '', mac: '', cidr: '2001:db8:ff::1/64', scopeid: 0 }],
};

const peer = (p: Partial<SpeakerPeerConfig> & { name: string; address: string; as: number }): SpeakerPeerConfig => ({
  families: [p.address.includes(':') ? 'ipv6-unicast' : 'ipv4-unicast'], port: 179, localAddress: null, holdTimeS: 90,
  passive: false, nextHop: null, ...p,
});

const normal = (communities: string[] = []): RouteAttributes => ({ prepend: 0, med: null, communities, largeCommunities: [] });
const drained: RouteAttributes = { prepend: 3, med: 1000, communities: ['64512:100', '65535:0'], largeCommunities: ['64512:1:2'] };

interface Upstream {
  speaker: Speaker;
  /** UPDATE messages received from the agent (End-of-RIB included), and every event in order. */
  updates: number;
  events: string[];
}

async function upstream(net: MemoryNetwork, id: string, as: number, addr: string, agentAddr: string, extra = ''): Promise<Upstream> {
  const cfg = parseSpeakerConfig(`router-id: ${id}
local-as: ${as}
listen: ["${addr.includes(':') ? `[${addr}]` : addr}:179"]
fib: memory
graceful-restart: false
${extra}
neighbors:
  - { name: agent, address: "${agentAddr}", remote-as: 64512, local-address: "${addr}", passive: true,
      families: [ipv4-unicast, ipv6-unicast], import: accept, export: ${extra ? 'accept' : 'reject'} }
`, 'upstream.yaml');
  const speaker = new Speaker(cfg, { transport: net, clock: new SystemClock(), logger: memoryLogger(), fib: new MemoryFib(), jitterSeed: 0 });
  await speaker.start();
  const u: Upstream = { speaker, updates: 0, events: [] };
  const p = speaker.neighbor('agent').peer;
  p.on('update', (m) => {
    u.updates++;
    const x = m as unknown as { announce: { prefixes: { length: number } }[]; withdraw: { prefixes: { length: number } }[] };
    u.events.push(`update +${x.announce.reduce((n, a) => n + a.prefixes.length, 0)} -${x.withdraw.reduce((n, a) => n + a.prefixes.length, 0)}`);
  });
  p.on('notification', (n) => {
    const v = n as { direction: string; code: number; subcode: number; text: string };
    u.events.push(`notification ${v.direction} ${v.code}/${v.subcode}`);
  });
  return u;
}

function route(s: Speaker, prefix: string) {
  const p = parsePrefix(prefix)!;
  const b = s.rib.lookup(p.afi, p.key)?.best;
  return b ? attrsToJSON(b.attrs) : null;
}

async function waitFor(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Let in-flight messages arrive (the in-memory network delivers within a few turns). */
const settle = () => new Promise((r) => setTimeout(r, 60));

async function rig(cfg: Partial<SpeakerBackendConfig> = {}, up4Extra = '') {
  const net = new MemoryNetwork();
  const up4 = await upstream(net, '10.0.0.2', 64500, '10.0.0.2', '10.0.0.1', up4Extra);
  const up6 = await upstream(net, '10.0.0.3', 64501, '2001:db8:ff::2', '2001:db8:ff::1');
  const log = memoryLogger();
  const backend = new SpeakerBackend({
    localAs: 64512, routerId: '10.0.0.1', gracefulRestart: false, restartTimeS: 120,
    peers: [
      peer({ name: 'up4', address: '10.0.0.2', as: 64500, families: ['ipv4-unicast', 'ipv6-unicast'], localAddress: '10.0.0.1' }),
      peer({ name: 'up6', address: '2001:db8:ff::2', as: 64501, localAddress: '2001:db8:ff::1' }),
    ],
    ...cfg,
  }, { clock: new SystemClock(), logger: log, wall: Date.now, agentName: 'site-t', transport: net, interfaces: () => IFACES, closeGraceMs: 20 });
  await backend.start();
  const stopAll = async () => {
    await backend.close();
    await up4.speaker.stop();
    await up6.speaker.stop();
  };
  await waitFor(() => up4.speaker.neighbor('agent').peer.established && up6.speaker.neighbor('agent').peer.established, 'sessions up');
  await settle(); // the initial End-of-RIBs
  return { net, up4, up6, backend, log, stopAll };
}

test('apply: the desired prefixes reach each peer of their family with the agent\'s attributes; next hops', async (t) => {
  const r = await rig();
  t.after(r.stopAll);
  await r.backend.apply(new Map([['192.0.2.0/24', normal(['64512:100'])], ['2001:db8:53::/48', normal()]]));
  await waitFor(() => route(r.up4.speaker, '2001:db8:53::/48') !== null && route(r.up6.speaker, '2001:db8:53::/48') !== null, 'routes');
  const v4 = route(r.up4.speaker, '192.0.2.0/24')!;
  assert.equal(v4.asPath, '64512');
  assert.equal(v4.nextHop, '10.0.0.1', 'IPv4: the session\'s local address');
  assert.equal(v4.med, null);
  assert.deepEqual(v4.communities, ['64512:100']);
  // IPv6 over the IPv4 session: a global address of the interface holding the session's address, not fe80::1.
  assert.equal(route(r.up4.speaker, '2001:db8:53::/48')!.nextHop, '2001:db8:ff::1');
  assert.equal(route(r.up6.speaker, '2001:db8:53::/48')!.nextHop, '2001:db8:ff::1');
  assert.equal(route(r.up6.speaker, '192.0.2.0/24'), null, 'the IPv6-only peer gets no IPv4 route');

  const st = await r.backend.status();
  assert.equal(st.kind, 'speaker');
  assert.equal(st.healthy, true);
  assert.match(st.detail, /2\/2 sessions established, 2 prefixes originated/);
  assert.deepEqual(st.peers.map((p) => [p.name, p.state, p.exported]), [
    ['up4', 'Established', ['192.0.2.0/24', '2001:db8:53::/48']],
    ['up6', 'Established', ['2001:db8:53::/48']],
  ]);
  assert.match(st.peers[0]!.info, /^AS64500 10\.0\.0\.2:179, local 10\.0\.0\.1, up \d+s$/);
});

test('apply changes only what changed: drain attributes in one UPDATE, the other family untouched, no UPDATE for a no-op', async (t) => {
  const r = await rig();
  t.after(r.stopAll);
  await r.backend.apply(new Map([['192.0.2.0/24', normal(['64512:100'])], ['2001:db8:53::/48', normal()]]));
  await waitFor(() => route(r.up6.speaker, '2001:db8:53::/48') !== null && route(r.up4.speaker, '2001:db8:53::/48') !== null, 'routes');
  await settle();
  const u4 = r.up4.updates, u6 = r.up6.updates;

  // Drain the IPv4 prefix: AS-path prepend, MED, GRACEFUL_SHUTDOWN, large community.
  await r.backend.apply(new Map([['192.0.2.0/24', drained], ['2001:db8:53::/48', normal()]]));
  await waitFor(() => route(r.up4.speaker, '192.0.2.0/24')?.med === 1000, 'drained path');
  await settle();
  const d = route(r.up4.speaker, '192.0.2.0/24')!;
  assert.equal(d.asPath, '64512 64512 64512 64512', 'three prepends plus the eBGP one');
  assert.deepEqual(d.communities, ['64512:100', 'graceful-shutdown']);
  assert.deepEqual(d.largeCommunities, ['64512:1:2']);
  assert.equal(r.up4.updates - u4, 1, 'one UPDATE for the one changed prefix');
  assert.equal(r.up6.updates - u6, 0, 'nothing to the peer whose routes did not change');

  // Withdraw it: one UPDATE (the withdrawal), still nothing for up6.
  await r.backend.apply(new Map([['2001:db8:53::/48', normal()]]));
  await waitFor(() => route(r.up4.speaker, '192.0.2.0/24') === null, 'withdrawn');
  await settle();
  assert.equal(r.up4.updates - u4, 2);
  assert.equal(r.up6.updates - u6, 0);
  assert.equal(r.up4.events.at(-1), 'update +0 -1');

  // Three new prefixes with one attribute set: one UPDATE; re-applying an equal set: none.
  const three = new Map([['2001:db8:53::/48', normal()], ['198.51.100.0/24', normal()], ['203.0.113.0/24', normal()], ['192.0.2.0/25', normal()]]);
  await r.backend.apply(three);
  await waitFor(() => route(r.up4.speaker, '192.0.2.0/25') !== null, 'three routes');
  await settle();
  assert.equal(r.up4.updates - u4, 3, 'three prefixes with the same attributes share one UPDATE');
  await r.backend.apply(new Map(three));
  await settle();
  assert.equal(r.up4.updates - u4, 3, 'an equal set sends nothing');
  assert.equal(r.up6.updates - u6, 0);
  const st = await r.backend.status();
  assert.equal(st.applies, 5);
  assert.deepEqual(st.peers[0]!.exported, ['192.0.2.0/25', '198.51.100.0/24', '203.0.113.0/24', '2001:db8:53::/48']);
});

test('close(): everything withdrawn first, then Cease (Administrative Shutdown) on every session', async (t) => {
  const r = await rig();
  t.after(async () => { await r.up4.speaker.stop(); await r.up6.speaker.stop(); });
  await r.backend.apply(new Map([['192.0.2.0/24', drained], ['2001:db8:53::/48', normal()]]));
  await waitFor(() => route(r.up6.speaker, '2001:db8:53::/48') !== null && route(r.up4.speaker, '192.0.2.0/24') !== null, 'routes');
  await settle();
  const n4 = r.up4.events.length, n6 = r.up6.events.length;
  await r.backend.close();
  await waitFor(() => r.up4.events.some((e) => e.startsWith('notification')) && r.up6.events.some((e) => e.startsWith('notification')), 'Cease');
  assert.deepEqual(r.up4.events.slice(n4), ['update +0 -1', 'update +0 -1', 'notification received 6/2'],
    'the withdrawals (one UPDATE per family), then Cease/2');
  assert.deepEqual(r.up6.events.slice(n6), ['update +0 -1', 'notification received 6/2']);
  const st = await r.backend.status();
  assert.equal(st.healthy, false);
  assert.equal(st.detail, 'closed');
  await assert.rejects(r.backend.apply(new Map()), /not running/);
  assert.ok(r.log.records.some((x) => x.msg === 'speaker: withdrawing before closing the sessions'));
});

test('nothing learned is exported: a route the upstream sends us never reaches the other peer', async (t) => {
  const r = await rig({}, 'networks: [ { prefix: 203.0.113.0/24 } ]');
  t.after(r.stopAll);
  await r.backend.apply(new Map([['2001:db8:53::/48', normal()]]));
  await waitFor(() => route(r.up6.speaker, '2001:db8:53::/48') !== null, 'route');
  await settle();
  const agent = r.backend.instance!;
  assert.ok(agent.neighbor('up4').peer.status().counters.messagesIn.update! >= 2, 'the upstream did send its route');
  assert.equal(route(agent, '203.0.113.0/24'), null, 'import reject: not in our RIB');
  assert.equal(route(r.up6.speaker, '203.0.113.0/24'), null, 'and not exported');
  assert.deepEqual((await r.backend.status()).peers[1]!.exported, ['2001:db8:53::/48']);
});

test('a passive peer: the backend listens and the peer connects', async (t) => {
  const net = new MemoryNetwork();
  const cfg = parseSpeakerConfig(`router-id: 10.0.0.2
local-as: 64500
listen: false
fib: memory
neighbors:
  - { name: agent, address: "10.0.0.1", remote-as: 64512, local-address: "10.0.0.2", import: accept, export: reject, connect-retry-time: 1 }
`);
  const up = new Speaker(cfg, { transport: net, clock: new SystemClock(), logger: memoryLogger(), fib: new MemoryFib(), jitterSeed: 0 });
  const backend = new SpeakerBackend({ localAs: 64512, routerId: '10.0.0.1', gracefulRestart: false, restartTimeS: 120,
    peers: [peer({ name: 'up', address: '10.0.0.2', as: 64500, passive: true, localAddress: '10.0.0.1' })] },
  { clock: new SystemClock(), logger: memoryLogger(), wall: Date.now, agentName: 't', transport: net, interfaces: () => IFACES, closeGraceMs: 10 });
  await backend.start();
  await up.start();
  t.after(async () => { await backend.close(); await up.stop(); });
  await backend.apply(new Map([['198.51.100.0/24', normal()]]));
  await waitFor(() => route(up, '198.51.100.0/24') !== null, 'route over the passive session');
  const c = up.neighbor('agent').peer.status().connections;
  assert.ok(c.length === 0 || c.every((x) => x.initiator === 'local'), 'the upstream initiated');
});

test('speaker configuration: originate-only, no FIB, GR off by default, listener only for passive peers', () => {
  const base: SpeakerBackendConfig = { localAs: 64512, routerId: '192.0.2.1', gracefulRestart: false, restartTimeS: 120,
    peers: [peer({ name: 'a', address: '10.0.0.2', as: 64500, families: ['ipv4-unicast', 'ipv6-unicast'], holdTimeS: 9, port: 1179 })] };
  const c = speakerConfigFor(base, IFACES);
  assert.equal(c.fib.kind, 'noop');
  assert.deepEqual(c.listen, []);
  assert.equal(c.gracefulRestart.enabled, false);
  assert.equal(c.control.socket, null);
  const n = c.neighbors[0]!;
  assert.equal(n.importPolicy, 'reject');
  assert.equal(n.exportPolicy, 'accept');
  assert.equal(n.session.holdTime, 9);
  assert.equal(n.session.remotePort, 1179);
  assert.deepEqual(n.nextHop, { ipv6: '2001:db8:ff::1' });
  const gr = speakerConfigFor({ ...base, gracefulRestart: true, restartTimeS: 30,
    peers: [peer({ name: 'a', address: '2001:db8::2', as: 64500, passive: true, localAddress: '2001:db8::1', nextHop: '2001:db8::99', port: 1179 })] }, IFACES);
  assert.equal(gr.gracefulRestart.enabled, true);
  assert.equal(gr.gracefulRestart.restartTime, 30);
  assert.deepEqual(gr.listen, [{ host: '2001:db8::1', port: 1179 }]);
  assert.deepEqual(gr.neighbors[0]!.nextHop, { ipv6: '2001:db8::99' });
});

test('session uptime text', () => {
  assert.deepEqual([42, 125, 3723, 90061].map(uptimeText), ['42s', '2m5s', '1h2m3s', '1d1h']);
});

test('next hop of the other family: global IPv6 first, link-local only if nothing else, loopback never', () => {
  assert.equal(pickNextHop(6, IFACES, '10.0.0.1'), '2001:db8:ff::1');
  const llOnly: Interfaces = { lo: IFACES.lo, eth0: IFACES.eth0!.filter((a) => a.address !== '2001:db8:ff::1') };
  assert.equal(pickNextHop(6, llOnly, '10.0.0.1'), 'fe80::1');
  assert.equal(pickNextHop(6, { lo: IFACES.lo }, null), null);
  assert.equal(pickNextHop(4, IFACES, '2001:db8:ff::1'), '10.0.0.1');
  // A service address on lo is a usable IPv4 next hop only when no other interface has one.
  const lo2: Interfaces = { lo: [...IFACES.lo!, { address: '192.0.2.53', family: 'IPv4', internal: true, netmask: '255.255.255.255', mac: '', cidr: '192.0.2.53/32' }],
    eth1: [{ address: '10.9.0.1', family: 'IPv4', internal: false, netmask: '255.255.255.0', mac: '', cidr: '10.9.0.1/24' }] };
  assert.equal(pickNextHop(4, lo2, null), '10.9.0.1');
});
