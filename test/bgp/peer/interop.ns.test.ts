// Our session layer against the real daemons (BIRD 2, FRR, GoBGP, OpenBGPD, ExaBGP from Debian), each in its own
// network namespace joined to ours by a veth. Per daemon, seven sessions on seven address pairs of the link:
//
//   ours (acs-PID-o, AS 65100)                         daemon (acs-PID-d, AS 65200)
//   10.99.0.1   active  ───────────────────────────── 10.99.0.2   passive     IPv4, routes both ways
//   10.99.0.3   passive ───────────────────────────── 10.99.0.4   active      IPv4
//   fd99::1     active  ───────────────────────────── fd99::2     passive     IPv6, routes both ways
//   fd99::3     passive ───────────────────────────── fd99::4     active      IPv6
//   10.99.0.5   expects AS 65299 ──────────────────── 10.99.0.6               → we send 2/2 Bad Peer AS
//   10.99.0.7   min hold time 20 s ────────────────── 10.99.0.8   hold 9 s    → we send 2/6 Unacceptable Hold Time
//   10.99.0.9   active ────────────────────────────── 10.99.0.10  expects AS 65199 → it sends 2/2 to us
//
// Proves for each daemon: sessions up with our side active and passive over IPv4 and IPv6 transport; the
// daemon's routes (communities, large communities, MED) decode without any error under the negotiated context;
// the daemon accepts and shows our routes; the NOTIFICATIONs for a wrong AS and an unacceptable hold time, both
// ways; and our hold timer expiring (NOTIFICATION 4) when the daemon is frozen with SIGSTOP, then recovery.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createDaemon, type Daemon, type DaemonKind, type NeighborSpec, type RouteEntry, type RouterSpec } from '../../../src/daemons/index.js';
import { createTopology, detectCapabilities, makeTempDir, ResourceRegistry, runCommand } from '../../../src/netns/index.js';
import { NsSpeaker, type SpeakerEvent } from './ns-client.js';

const root = process.getuid?.() === 0;
const caps = root ? await detectCapabilities('acs') : null;
const OUR_AS = 65100, THEIR_AS = 65200;
const KINDS: DaemonKind[] = ['bird', 'frr', 'gobgp', 'openbgpd', 'exabgp'];

interface Pair { name: string; ours: string; theirs: string; ourRole: 'active' | 'passive' }
const PAIRS: Pair[] = [
  { name: 'v4a', ours: '10.99.0.1', theirs: '10.99.0.2', ourRole: 'active' },
  { name: 'v4p', ours: '10.99.0.3', theirs: '10.99.0.4', ourRole: 'passive' },
  { name: 'v6a', ours: 'fd99::1', theirs: 'fd99::2', ourRole: 'active' },
  { name: 'v6p', ours: 'fd99::3', theirs: 'fd99::4', ourRole: 'passive' },
];
const BAD_AS = { name: 'badas', ours: '10.99.0.5', theirs: '10.99.0.6' };
const BAD_HOLD = { name: 'badhold', ours: '10.99.0.7', theirs: '10.99.0.8' };
const THEY_REFUSE = { name: 'refused', ours: '10.99.0.9', theirs: '10.99.0.10' };

const THEIR_ROUTES = [
  { prefix: '198.51.100.0/24', communities: ['65200:1', '65200:2'], largeCommunities: ['65200:0:7'], med: 20 },
  { prefix: '203.0.113.0/25', communities: ['65200:3'] },
  { prefix: '2001:db8:200::/48', communities: ['65200:6'], largeCommunities: ['65200:6:6'], med: 60 },
  { prefix: '2001:db8:201::/48' },
];
const OUR_ROUTE = { v4: '192.0.2.0/24', v6: '2001:db8:100::/48', community: 65100 * 65536 + 42 };

const registry = root ? new ResourceRegistry({ label: 'session-interop' }) : null;
after(() => registry?.cleanup());

function daemonSpec(kind: DaemonKind): RouterSpec {
  const n = (address: string, localAddress: string, extra: Partial<NeighborSpec> = {}): NeighborSpec =>
    ({ address, localAddress, remoteAs: OUR_AS, holdTime: 9, ...extra });
  return {
    name: kind === 'openbgpd' ? 'obgp' : kind, routerId: '10.255.0.2', localAs: THEIR_AS,
    neighbors: [
      ...PAIRS.map((p) => n(p.ours, p.theirs, { passive: p.ourRole === 'active' })),
      n(BAD_AS.ours, BAD_AS.theirs, { passive: true }),
      n(BAD_HOLD.ours, BAD_HOLD.theirs, { passive: true }),
      n(THEY_REFUSE.ours, THEY_REFUSE.theirs, { passive: true, remoteAs: 65199 }),
    ],
    originate: THEIR_ROUTES,
  };
}

function skipReason(kind: DaemonKind): string | false {
  if (!root) return 'needs root (network namespaces)';
  if (caps?.netns !== true) return 'network namespaces unavailable';
  if (caps.daemons[kind] === undefined) return `${kind} is not installed`;
  return false;
}

const expectedFor = (v6: boolean) => THEIR_ROUTES.filter((r) => r.prefix.includes(':') === v6);

/** Every prefix announced on a session so far, with the attributes of the UPDATE that carried it. */
function received(s: NsSpeaker, name: string): Map<string, SpeakerEvent> {
  const m = new Map<string, SpeakerEvent>();
  for (const e of s.of(name, 'update')) for (const a of e.announce as { prefixes: string[] }[]) for (const p of a.prefixes) m.set(p, e);
  return m;
}

/**
 * SIGSTOP (SIGCONT) every process in the daemon's namespace — all started by its runner. Daemon.freeze() stops
 * only the main process, and OpenBGPD's session engine is a child process that keeps sending KEEPALIVEs.
 */
async function signalAll(ns: string, sig: 'SIGSTOP' | 'SIGCONT'): Promise<number> {
  const out = await runCommand(['ip', 'netns', 'pids', ns], { allowFailure: true });
  const pids = out.stdout.split(/\s+/).filter((x) => x !== '').map(Number);
  for (const pid of pids) process.kill(pid, sig);
  return pids.length;
}

let seq = 0;
for (const kind of KINDS) {
  test(`interop with ${kind}: sessions both ways on IPv4 and IPv6, routes, OPEN errors, hold timer on SIGSTOP`,
    { skip: skipReason(kind), timeout: 180_000 }, async () => {
      const reg = registry!;
      const tag = `${seq++}`;
      const nsO = `acs-${process.pid}-o${tag}`, nsD = `acs-${process.pid}-d${tag}`;
      const all = [...PAIRS, BAD_AS, BAD_HOLD, THEY_REFUSE];
      await createTopology({
        namespaces: [{ name: nsO }, { name: nsD }],
        links: [{ a: { ns: nsO, ifname: 'o0', addrs: all.map((p) => `${p.ours}/${p.ours.includes(':') ? 64 : 24}`) },
          b: { ns: nsD, ifname: 'd0', addrs: all.map((p) => `${p.theirs}/${p.theirs.includes(':') ? 64 : 24}`) } }],
      }, reg);
      const ours = await NsSpeaker.start(nsO, reg);
      let daemon: Daemon | undefined;
      try {
        const base = { localAs: OUR_AS, routerId: '10.255.0.1', peerAs: THEIR_AS, holdTime: 9, connectRetryTime: 2, idleHoldTime: 1,
          idleHoldTimeMax: 4 };
        for (const p of PAIRS) await ours.peer({ ...base, name: p.name, remoteAddress: p.theirs, localAddress: p.ours, passive: p.ourRole === 'passive' });
        await ours.peer({ ...base, name: BAD_AS.name, remoteAddress: BAD_AS.theirs, localAddress: BAD_AS.ours, peerAs: 65299 });
        await ours.peer({ ...base, name: BAD_HOLD.name, remoteAddress: BAD_HOLD.theirs, localAddress: BAD_HOLD.ours, minHoldTime: 20 });
        await ours.peer({ ...base, name: THEY_REFUSE.name, remoteAddress: THEY_REFUSE.theirs, localAddress: THEY_REFUSE.ours });
        // Passive ones listen before the daemon starts connecting.
        for (const p of PAIRS.filter((x) => x.ourRole === 'passive')) await ours.request({ cmd: 'start', name: p.name });
        daemon = createDaemon(kind, daemonSpec(kind), { ns: nsD, dir: makeTempDir(reg, `${kind}${tag}`), registry: reg });
        await daemon.start();
        for (const n of [...PAIRS.filter((x) => x.ourRole === 'active').map((p) => p.name), BAD_AS.name, BAD_HOLD.name, THEY_REFUSE.name]) {
          await ours.request({ cmd: 'start', name: n });
        }

        // ---- sessions up, both directions, both transports ----
        for (const p of PAIRS) {
          const e = await ours.waitFor((x) => x.ev === 'established' && x.name === p.name, 40_000, `${p.name} Established with ${kind}`);
          assert.equal(e.peerAs, THEIR_AS);
          assert.equal((e.local as { address: string }).address, p.ours);
          assert.equal(e.initiator, p.ourRole === 'active' ? 'local' : 'remote', `${p.name}: who opened the connection`);
          assert.deepEqual(e.families, [p.ours.includes(':') ? 'ipv6-unicast' : 'ipv4-unicast']);
          assert.equal(e.holdTime, 9);
        }

        // ---- their routes, decoded without error, with their attributes ----
        for (const p of PAIRS) {
          const want = expectedFor(p.ours.includes(':'));
          await ours.waitFor(() => want.every((r) => received(ours, p.name).has(r.prefix)), 30_000, `${p.name}: routes from ${kind}`);
          const got = received(ours, p.name);
          for (const r of want) {
            const e = got.get(r.prefix)!;
            assert.deepEqual(e.errors, [], `${p.name} ${r.prefix}: no decode error`);
            assert.equal(e.treatment, null);
            const a = e.attrs as { asPath: number[]; communities?: string[]; largeCommunities?: string[]; med?: number; nextHop: string };
            assert.equal(a.asPath[0], THEIR_AS, `${r.prefix}: AS path starts with the daemon's AS`);
            assert.deepEqual([...(a.communities ?? [])].sort(), [...(r.communities ?? [])].sort(), `${kind} ${r.prefix} communities`);
            assert.deepEqual(a.largeCommunities ?? [], r.largeCommunities ?? [], `${kind} ${r.prefix} large communities`);
            if (r.med !== undefined) assert.equal(a.med, r.med, `${kind} ${r.prefix} MED`);
          }
          const errs = ours.of(p.name, 'update').flatMap((e) => e.errors as string[]);
          assert.deepEqual(errs, [], `${p.name}: no UPDATE from ${kind} had an error`);
        }

        // ---- our routes reach the daemon ----
        await ours.request({ cmd: 'announce', name: 'v4a', prefixes: [OUR_ROUTE.v4], communities: [OUR_ROUTE.community] });
        await ours.request({ cmd: 'announce', name: 'v6a', prefixes: [OUR_ROUTE.v6], communities: [OUR_ROUTE.community] });
        await ours.request({ cmd: 'eor', name: 'v4a', family: 'ipv4-unicast' });
        for (const [prefix, from] of [[OUR_ROUTE.v4, '10.99.0.1'], [OUR_ROUTE.v6, 'fd99::1']] as const) {
          await daemon.waitForRoute(prefix, (r) => r.from === from, 20_000);
          const routes: RouteEntry[] = await daemon.routes(prefix.includes(':') ? 'ipv6' : 'ipv4');
          const r = routes.find((x) => x.prefix === prefix && x.from === from)!;
          assert.deepEqual(r.asPath, [OUR_AS], `${kind} sees our AS path`);
          assert.ok(r.communities.includes('65100:42'), `${kind} sees our community (got ${r.communities.join(' ')})`);
        }

        // ---- OPEN errors ----
        const sent = await ours.waitFor((e) => e.ev === 'notification' && e.name === BAD_AS.name && e.direction === 'sent', 20_000, 'our 2/2');
        assert.deepEqual([sent.code, sent.subcode], [2, 2]);
        const hold = await ours.waitFor((e) => e.ev === 'notification' && e.name === BAD_HOLD.name && e.direction === 'sent', 20_000, 'our 2/6');
        assert.deepEqual([hold.code, hold.subcode], [2, 6]);
        const theirs = await ours.waitFor((e) => e.ev === 'notification' && e.name === THEY_REFUSE.name && e.direction === 'received',
          20_000, `${kind}'s NOTIFICATION for a wrong AS`);
        assert.equal(theirs.code, 2, `${kind} answered our OPEN with an OPEN Message Error (${String(theirs.text)})`);
        assert.equal(theirs.subcode, 2, `${kind}: Bad Peer AS (${String(theirs.text)})`);
        for (const n of [BAD_AS, BAD_HOLD, THEY_REFUSE]) assert.equal(ours.of(n.name, 'established').length, 0);
        const st = await daemon.neighbors();
        for (const n of [BAD_AS, BAD_HOLD]) {
          const d = st.find((x) => x.address === n.ours);
          assert.notEqual(d?.state, 'established', `${kind} never got ${n.name} up`);
        }

        // ---- hold timer expiry when the daemon is frozen ----
        const before = new Map(PAIRS.map((p) => [p.name, ours.of(p.name, 'down').length]));
        const t0 = Date.now();
        assert.ok(await signalAll(nsD, 'SIGSTOP') >= 1);
        try {
          for (const p of PAIRS) {
            const d = await ours.waitFor((e) => e.ev === 'down' && e.name === p.name && ours.of(p.name, 'down').indexOf(e) >= before.get(p.name)!,
              15_000, `${p.name}: hold timer expiry with ${kind} frozen`);
            assert.equal(d.reason, 'holdTimerExpired', `${p.name}: ${String(d.text)}`);
          }
          const waited = Date.now() - t0;
          assert.ok(waited <= 10_500, `all four expired within the 9 s hold time (${waited} ms)`);
          for (const p of PAIRS) {
            assert.ok(ours.events.some((e) => e.ev === 'notification' && e.name === p.name && e.direction === 'sent' && e.code === 4));
          }
        } finally {
          await signalAll(nsD, 'SIGCONT');
        }
        // ...and the sessions come back once the daemon runs again.
        for (const p of PAIRS) {
          await ours.waitFor((e) => e.ev === 'established' && e.name === p.name && ours.of(p.name, 'established').length >= 2,
            60_000, `${p.name} re-established with ${kind}`);
        }
      } finally {
        await ours.exit();
        await daemon?.stop();
      }
    });
}
