// Our speaker (`anycast speaker`, a real process with the kernel FIB) in a namespace in the middle, BIRD 2, FRR,
// GoBGP, OpenBGPD and ExaBGP around it, each in its own namespace on its own link:
//
//            bird    frr
//               \    /
//   exabgp ── us (AS65000) ── gobgp
//                  |
//               openbgpd
//
// Per daemon (AS 65001 + i): an IPv4 session where we are active and the daemon passive, an IPv6 session where
// the daemon is active and we are passive, a session where we expect a wrong AS (we must send NOTIFICATION 2/2),
// and for BIRD and GoBGP one where their hold time is below our minimum (NOTIFICATION 2/6). The daemons are
// started once and shared by the tests below, which run in order: routes with attributes both ways (checked on
// their side with their own query commands and on ours through the control API), kernel routes equal to the
// Loc-RIB, route refresh both ways, withdrawals both ways, graceful restart of the daemons and of our speaker
// with forwarding kept in the kernel, hold timer expiry when the daemons are frozen, and a clean stop leaving no
// route of ours.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { callSpeaker } from '../../../src/bgp/api/client.js';
import { createDaemon, pollUntil, type Daemon, type DaemonKind, type NeighborSpec, type RouteEntry } from '../../../src/daemons/index.js';
import { createTopology, makeTempDir, nsExec, nsSpawn, ResourceRegistry, runCommand, type NsProcess } from '../../../src/netns/index.js';

const root = process.getuid?.() === 0;
const skip = root ? false : 'needs root for network namespaces';
const P = `acx-${process.pid}`;
const US = `${P}-us`;
const KINDS: DaemonKind[] = ['bird', 'frr', 'gobgp', 'openbgpd', 'exabgp'];
const HOLD_CHECK: DaemonKind[] = ['bird', 'gobgp'];
/** Daemons whose generated configuration can advertise graceful restart with forwarding preserved. */
const GR_KINDS: DaemonKind[] = ['bird', 'frr', 'gobgp'];
const CLI = join(import.meta.dirname, '..', '..', '..', 'src', 'cli', 'main.js');
const asOf = (i: number) => 65001 + i;
const ours4 = (i: number) => `10.93.${i}.1`, theirs4 = (i: number) => `10.93.${i}.2`;
const ours6 = (i: number) => `fd93:${i + 1}::1`, theirs6 = (i: number) => `fd93:${i + 1}::2`;
const their4Prefix = (i: number) => `198.51.100.${i * 16}/28`;
const their6Prefix = (i: number) => `2001:db8:9${i}::/48`;
const OUR4 = '203.0.113.0/24', OUR6 = '2001:db8:1000::/48';
const GR = { restartTime: 60 };

let registry: ResourceRegistry;
let dir: string;
let sock: string;
let us: NsProcess | null = null;
const daemons: Daemon[] = [];

function ourConfig(): string {
  const ns: string[] = [];
  KINDS.forEach((k, i) => {
    const common = 'import: accept, export: ours, hold-time: 9, idle-hold-time: 1, connect-retry-time: 5';
    ns.push(`  - { name: ${k}4, address: ${theirs4(i)}, remote-as: ${asOf(i)}, local-address: ${ours4(i)}, ${common} }`);
    ns.push(`  - { name: ${k}6, address: "${theirs6(i)}", remote-as: ${asOf(i)}, local-address: "${ours6(i)}", passive: true, ${common} }`);
    ns.push(`  - { name: ${k}-wrong-as, address: 10.93.${i}.4, remote-as: 65099, local-address: 10.93.${i}.3, ${common} }`);
    if (HOLD_CHECK.includes(k)) ns.push(`  - { name: ${k}-hold, address: 10.93.${i}.6, remote-as: ${asOf(i)}, local-address: 10.93.${i}.5, min-hold-time: 30, ${common} }`);
  });
  const attrs = 'communities: ["65000:1", "65000:2"], large-communities: ["65000:1:2"], med: 10, prepend: 1';
  return `router-id: 10.93.255.1
local-as: 65000
fib: kernel
graceful-restart: { enabled: true, restart-time: 60, selection-deferral: 8 }
control: { socket: ${sock} }
log: { level: debug }
policies:
  ours:
    terms:
      - { match: { route-type: local }, action: accept }
networks:
  - { prefix: ${OUR4}, ${attrs} }
  - { prefix: "${OUR6}", ${attrs} }
neighbors:
${ns.join('\n')}
`;
}

async function startUs(): Promise<void> {
  us = nsSpawn(US, [process.execPath, CLI, 'speaker', '--config', join(dir, 'speaker.yaml')], registry, { logFile: join(dir, 'speaker.log') });
  await pollUntil('our control socket', 20_000, async () => {
    try { await api('/v1/status'); return { done: true, value: true }; } catch (e) { return { done: false, seen: String(e) }; }
  });
}

const api = (path: string, method: 'GET' | 'POST' | 'DELETE' = 'GET', body?: unknown) => callSpeaker({ socket: sock }, method, path, body) as Promise<any>;

interface NeighborJson { name: string; state: string; lastError: string | null }
async function neighbors(): Promise<Map<string, NeighborJson>> {
  const r = await api('/v1/neighbors') as { neighbors: NeighborJson[] };
  return new Map(r.neighbors.map((n) => [n.name, n]));
}

async function kernelRoutes(): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const fam of ['-4', '-6']) {
    const r = await nsExec(US, ['ip', fam, '-j', 'route', 'show', 'proto', '172']);
    for (const x of JSON.parse(r.stdout || '[]') as { dst: string; gateway?: string; nexthops?: { gateway: string }[] }[]) {
      const dst = x.dst.includes('/') ? x.dst : `${x.dst}/${x.dst.includes(':') ? 128 : 32}`;
      out.set(dst, x.gateway !== undefined ? [x.gateway] : (x.nexthops ?? []).map((h) => h.gateway).sort());
    }
  }
  return out;
}

async function locRib(): Promise<Map<string, string[]>> {
  const r = await api('/v1/rib') as { routes: { prefix: string; paths: { best: boolean; multipath: boolean; from: string; attrs: { nextHop: string | null } }[] }[] };
  const out = new Map<string, string[]>();
  for (const x of r.routes) {
    const best = x.paths.filter((p) => p.best || p.multipath);
    if (best.length === 0 || best[0]!.from === 'local') continue;
    out.set(x.prefix, best.map((p) => p.attrs.nextHop!).sort());
  }
  return out;
}

function ourRoute(entries: RouteEntry[], prefix: string): RouteEntry | undefined {
  return entries.find((e) => e.prefix === prefix && e.asPath[0] === 65000);
}

before(async () => {
  if (!root) return;
  registry = new ResourceRegistry({ label: 'acx-speaker-interop' });
  dir = makeTempDir(registry, 'acx-speaker');
  sock = join(dir, 'speaker.sock');
  await createTopology({
    namespaces: [{ name: US }, ...KINDS.map((k) => ({ name: `${P}-${k}` }))],
    links: KINDS.map((k, i) => ({
      a: { ns: US, ifname: `u${k}`, addrs: [`${ours4(i)}/24`, `10.93.${i}.3/24`, `10.93.${i}.5/24`, `${ours6(i)}/64`] },
      b: { ns: `${P}-${k}`, ifname: 'up', addrs: [`${theirs4(i)}/24`, `10.93.${i}.4/24`, `10.93.${i}.6/24`, `${theirs6(i)}/64`] },
    })),
  }, registry);
  writeFileSync(join(dir, 'speaker.yaml'), ourConfig());
  KINDS.forEach((k, i) => {
    const neighbors: NeighborSpec[] = [
      { name: 'us4', address: ours4(i), localAddress: theirs4(i), remoteAs: 65000, passive: true, gracefulRestart: GR },
      { name: 'us6', address: ours6(i), localAddress: theirs6(i), remoteAs: 65000, gracefulRestart: GR },
      { name: 'usx', address: `10.93.${i}.3`, localAddress: `10.93.${i}.4`, remoteAs: 65000 },
    ];
    if (HOLD_CHECK.includes(k)) neighbors.push({ name: 'ush', address: `10.93.${i}.5`, localAddress: `10.93.${i}.6`, remoteAs: 65000 });
    const attrs = { communities: [`${asOf(i)}:7`], largeCommunities: [`${asOf(i)}:1:1`], med: 20 };
    daemons.push(createDaemon(k, { name: k, routerId: `10.93.${i}.2`, localAs: asOf(i), neighbors,
      originate: [{ prefix: their4Prefix(i), ...attrs }, { prefix: their6Prefix(i), ...attrs }] },
    { ns: `${P}-${k}`, dir: makeTempDir(registry, `acx-${k}`), registry }));
  });
  await Promise.all(daemons.map((d) => d.start()));
  await startUs();
});

after(async () => {
  if (!root) return;
  if (us?.running) await us.stop(5000);
  assert.deepEqual(registry.cleanup().errors, []);
});

test('sessions: every daemon up as passive (IPv4, we connect) and as active side (IPv6, it connects)', { skip }, async () => {
  await pollUntil('all 10 sessions Established', 60_000, async () => {
    const n = await neighbors();
    const down = KINDS.flatMap((k) => [`${k}4`, `${k}6`]).filter((x) => n.get(x)?.state !== 'Established');
    return down.length === 0 ? { done: true, value: true } : { done: false, seen: `not yet: ${down.join(', ')}` };
  });
  for (const [i, d] of daemons.entries()) await d.waitForSessions([ours4(i), ours6(i)], 30_000);
});

test('NOTIFICATION: a wrong AS is refused with OPEN error 2/2 (Bad Peer AS); a hold time below our minimum with 2/6', { skip }, async () => {
  await pollUntil('a NOTIFICATION on every wrong-AS and hold-time session', 30_000, async () => {
    const details = await Promise.all([...KINDS.map((k) => `${k}-wrong-as`), ...HOLD_CHECK.map((k) => `${k}-hold`)]
      .map(async (n) => [n, await api(`/v1/neighbors/${n}`)] as const));
    const missing = details.filter(([n, d]) => {
      const ln = d.lastNotification as { direction: string; code: number; subcode: number } | null;
      const want = n.endsWith('-hold') ? 6 : 2;
      return ln === null || ln.direction !== 'sent' || ln.code !== 2 || ln.subcode !== want || d.state === 'Established';
    }).map(([n]) => n);
    return missing.length === 0 ? { done: true, value: true } : { done: false, seen: `waiting for ${missing.join(', ')}` };
  });
  const bird = await daemons[0]!.neighbors();
  assert.match(bird.find((n) => n.address === '10.93.0.3')?.lastError ?? '', /peer AS/i, 'BIRD reports our Bad Peer AS');
});

test('routes with all common attributes both ways, IPv4 and IPv6: checked on their side and on ours', { skip }, async () => {
  for (const [i, d] of daemons.entries()) {
    const k = KINDS[i]!;
    for (const [prefix, fam, nh] of [[OUR4, 'ipv4', ours4(i)], [OUR6, 'ipv6', ours6(i)]] as const) {
      const r = await pollUntil(`${k} has ${prefix} from us`, 30_000, async () => {
        const e = ourRoute(await d.routes(fam), prefix);
        return e !== undefined ? { done: true, value: e } : { done: false, seen: 'not there' };
      });
      assert.equal(r.nextHop, nh, `${k} ${prefix} next hop`);
      assert.deepEqual(r.asPath, [65000, 65000], `${k} ${prefix} AS path (prepend 1)`);
      assert.equal(r.med, 10, `${k} ${prefix} MED`);
      assert.ok(r.communities.includes('65000:1') && r.communities.includes('65000:2'), `${k} ${prefix} communities ${r.communities}`);
      assert.deepEqual(r.largeCommunities, ['65000:1:2'], `${k} ${prefix} large communities`);
      assert.equal(r.origin, 'igp');
    }
    for (const [prefix, nh, from] of [[their4Prefix(i), theirs4(i), `${k}4`], [their6Prefix(i), theirs6(i), `${k}6`]] as const) {
      const v = await pollUntil(`we have ${prefix} from ${k}`, 30_000, async () => {
        const x = await api(`/v1/rib?prefix=${encodeURIComponent(prefix)}`) as { routes: { paths: { best: boolean; from: string; attrs: Record<string, unknown> }[] }[] };
        const p = x.routes[0]?.paths.find((y) => y.best);
        return p !== undefined ? { done: true, value: p } : { done: false, seen: 'not there' };
      });
      assert.equal(v.from, from);
      assert.equal(v.attrs.nextHop, nh);
      assert.equal(v.attrs.asPath, String(asOf(i)));
      assert.equal(v.attrs.med, 20);
      assert.deepEqual(v.attrs.communities, [`${asOf(i)}:7`]);
      assert.deepEqual(v.attrs.largeCommunities, [`${asOf(i)}:1:1`]);
      assert.equal(v.attrs.origin, 'igp');
    }
  }
});

async function kernelMatches(what: string): Promise<void> {
  await pollUntil(`kernel routes equal the Loc-RIB (${what})`, 20_000, async () => {
    const [k, l] = [await kernelRoutes(), await locRib()];
    const same = JSON.stringify([...k].sort()) === JSON.stringify([...l].sort());
    return same ? { done: true, value: true } : { done: false, seen: `kernel ${JSON.stringify([...k])} vs Loc-RIB ${JSON.stringify([...l])}` };
  });
}

test('kernel routes: after convergence `ip route` (proto 172) equals the Loc-RIB exactly', { skip }, async () => {
  await kernelMatches('converged');
  const k = await kernelRoutes();
  assert.equal(k.size, KINDS.length * 2, 'one IPv4 and one IPv6 route per daemon');
  assert.deepEqual(k.get(their4Prefix(0)), [theirs4(0)]);
  assert.deepEqual(k.get(their6Prefix(2)), [theirs6(2)]);
});

test('route refresh both ways: we ask and they resend; they ask and we resend', { skip }, async () => {
  for (const [i, d] of daemons.entries()) {
    const k = KINDS[i]!;
    if (k !== 'openbgpd') {
      const before = (await api(`/v1/neighbors/${k}4`)).messages.in.update as number;
      const r = await api(`/v1/neighbors/${k}4/refresh`, 'POST', { direction: 'in' });
      assert.equal(r.in, 'ROUTE-REFRESH sent', k);
      await pollUntil(`${k} resends after our ROUTE-REFRESH`, 15_000, async () => {
        const n = (await api(`/v1/neighbors/${k}4`)).messages.in.update as number;
        return n > before ? { done: true, value: n } : { done: false, seen: `${n} UPDATEs` };
      });
    }
    // ExaBGP's API has no ROUTE-REFRESH request; GoBGP 3.10's `neighbor ADDR softresetin` re-applies its policy to
    // its own Adj-RIB-In and sends no ROUTE-REFRESH (seen in a capture of the session: keepalives only).
    if (k === 'exabgp' || k === 'gobgp') continue;
    const before = (await api(`/v1/neighbors/${k}4`)).routes.out.refreshIn as number;
    await d.refresh(ours4(i));
    await pollUntil(`we answer ${k}'s ROUTE-REFRESH`, 15_000, async () => {
      const n = (await api(`/v1/neighbors/${k}4`)).routes.out.refreshIn as number;
      return n > before ? { done: true, value: n } : { done: false, seen: `${n} refreshes` };
    });
  }
});

test('withdrawals both ways: each daemon withdraws its IPv4 prefix; we withdraw our IPv6 prefix; and back', { skip }, async () => {
  await Promise.all(daemons.map((d, i) => d.withdraw(their4Prefix(i))));
  await pollUntil('their IPv4 prefixes gone from our Loc-RIB and kernel', 20_000, async () => {
    const [l, k] = [await locRib(), await kernelRoutes()];
    const left = KINDS.map((_, i) => their4Prefix(i)).filter((p) => l.has(p) || k.has(p));
    return left.length === 0 ? { done: true, value: true } : { done: false, seen: `still ${left.join(', ')}` };
  });
  await api(`/v1/routes?prefix=${encodeURIComponent(OUR6)}`, 'DELETE');
  for (const [i, d] of daemons.entries()) {
    await pollUntil(`${KINDS[i]} lost ${OUR6}`, 20_000, async () => {
      const e = ourRoute(await d.routes('ipv6'), OUR6);
      return e === undefined ? { done: true, value: true } : { done: false, seen: 'still there' };
    });
  }
  const attrs = { communities: ['65000:1', '65000:2'], 'large-communities': ['65000:1:2'], med: 10, prepend: 1 };
  await api('/v1/routes', 'POST', { prefix: OUR6, ...attrs });
  await Promise.all(daemons.map((d, i) => d.announce({ prefix: their4Prefix(i), communities: [`${asOf(i)}:7`], largeCommunities: [`${asOf(i)}:1:1`], med: 20 })));
  for (const [i, d] of daemons.entries()) {
    await pollUntil(`${KINDS[i]} has ${OUR6} again`, 20_000, async () => {
      const e = ourRoute(await d.routes('ipv6'), OUR6);
      return e !== undefined ? { done: true, value: true } : { done: false, seen: 'not yet' };
    });
  }
  await kernelMatches('after re-announcing');
});

test('graceful restart of BIRD, FRR and GoBGP (SIGKILL, then start): their routes stay in our kernel while they are away', { skip }, async () => {
  const idx = GR_KINDS.map((k) => KINDS.indexOf(k));
  await Promise.all(idx.map((i) => daemons[i]!.kill()));
  try {
    await pollUntil('their sessions down', 20_000, async () => {
      const n = await neighbors();
      const up = GR_KINDS.filter((k) => n.get(`${k}4`)?.state === 'Established');
      return up.length === 0 ? { done: true, value: true } : { done: false, seen: `still up: ${up.join(', ')}` };
    });
    const k = await kernelRoutes();
    for (const i of idx) {
      assert.deepEqual(k.get(their4Prefix(i)), [theirs4(i)], `${KINDS[i]}'s IPv4 route still forwarding`);
      assert.deepEqual(k.get(their6Prefix(i)), [theirs6(i)], `${KINDS[i]}'s IPv6 route still forwarding`);
      const x = await api(`/v1/rib?prefix=${encodeURIComponent(their4Prefix(i))}`);
      assert.equal(x.routes[0].paths[0].stale, true, `${KINDS[i]}'s route is stale in the Loc-RIB`);
    }
  } finally {
    await Promise.all(idx.map((i) => (KINDS[i] === 'gobgp' ? (daemons[i] as unknown as { start(o: { restarting: boolean }): Promise<void> }).start({ restarting: true }) : daemons[i]!.start())));
  }
  await pollUntil('back, and fresh after their End-of-RIB', 60_000, async () => {
    const n = await neighbors();
    const notUp = GR_KINDS.filter((x) => n.get(`${x}4`)?.state !== 'Established' || n.get(`${x}6`)?.state !== 'Established');
    if (notUp.length > 0) return { done: false, seen: `not up: ${notUp.join(', ')}` };
    for (const i of idx) {
      const x = await api(`/v1/rib?prefix=${encodeURIComponent(their4Prefix(i))}`);
      if (x.routes[0]?.paths[0]?.stale !== false) return { done: false, seen: `${KINDS[i]} still stale` };
    }
    return { done: true, value: true };
  });
  await kernelMatches('after their restart');
});

test('graceful restart of our speaker: kernel routes kept, neighbors keep ours, R bit, then stale routes swept', { skip }, async () => {
  // A kernel route that the restarted speaker will not select again (it must be swept).
  await nsExec(US, ['ip', 'route', 'replace', '192.0.2.0/25', 'via', theirs4(0), 'proto', '172', 'metric', '20']);
  const before = await kernelRoutes();
  assert.ok(before.has('192.0.2.0/25'));
  await api('/v1/shutdown', 'POST', { graceful: true });
  await us!.exited;
  const during = await kernelRoutes();
  assert.deepEqual([...during].sort(), [...before].sort(), 'every kernel route stays while we are down');
  for (const i of GR_KINDS.map((k) => KINDS.indexOf(k))) {
    assert.ok(ourRoute(await daemons[i]!.routes('ipv4'), OUR4) !== undefined, `${KINDS[i]} keeps our route while we restart`);
  }
  await startUs();
  const st = await api('/v1/status');
  assert.equal(st.restarting, true, 'we restarted with our routes still in the kernel');
  await pollUntil('stale kernel route swept after the deferral', 60_000, async () => {
    const k = await kernelRoutes();
    return !k.has('192.0.2.0/25') ? { done: true, value: true } : { done: false, seen: 'still there' };
  });
  await kernelMatches('after our restart');
  for (const [i, d] of daemons.entries()) {
    await pollUntil(`${KINDS[i]} has our route after our restart`, 30_000, async () => {
      const e = ourRoute(await d.routes('ipv4'), OUR4);
      return e !== undefined ? { done: true, value: true } : { done: false, seen: 'not there' };
    });
  }
});

test('hold timer expiry: every daemon frozen (SIGSTOP) loses its session within the hold time; thawed, it comes back', { skip }, async () => {
  await pollUntil('all sessions up first', 60_000, async () => {
    const n = await neighbors();
    const down = KINDS.filter((k) => n.get(`${k}4`)?.state !== 'Established');
    return down.length === 0 ? { done: true, value: true } : { done: false, seen: `down: ${down.join(', ')}` };
  });
  // Every process in each daemon's namespace: OpenBGPD's session engine, which sends the KEEPALIVEs, is a child
  // that Daemon.freeze() (the main process only) leaves running.
  const pids = (await Promise.all(KINDS.map((k) => runCommand(['ip', 'netns', 'pids', `${P}-${k}`]))))
    .flatMap((r) => r.stdout.split(/\s+/).filter((x) => x !== '').map(Number));
  const signal = (sig: NodeJS.Signals) => { for (const pid of pids) { try { process.kill(pid, sig); } catch { /* gone */ } } };
  signal('SIGSTOP');
  try {
    await pollUntil('hold timer expired on every session', 25_000, async () => {
      const n = await neighbors();
      const left = KINDS.filter((k) => !/hold timer expired/.test(n.get(`${k}4`)?.lastError ?? '') || n.get(`${k}4`)?.state === 'Established');
      return left.length === 0 ? { done: true, value: true } : { done: false, seen: `waiting for ${left.join(', ')}` };
    });
    const d = await api('/v1/neighbors/bird4');
    assert.equal(d.lastNotification.direction, 'sent');
    assert.deepEqual([d.lastNotification.code, d.lastNotification.subcode], [4, 0]);
  } finally {
    signal('SIGCONT');
  }
  await pollUntil('sessions back after thaw', 60_000, async () => {
    const n = await neighbors();
    const down = KINDS.filter((k) => n.get(`${k}4`)?.state !== 'Established');
    return down.length === 0 ? { done: true, value: true } : { done: false, seen: `down: ${down.join(', ')}` };
  });
});

test('a clean stop: Cease to every neighbor, and no route of ours is left in the kernel', { skip }, async () => {
  await kernelMatches('before stopping');
  assert.ok((await kernelRoutes()).size > 0);
  await us!.stop(10_000);
  const left = await kernelRoutes();
  assert.equal(left.size, 0, `left behind: ${JSON.stringify([...left])}`);
  const n = await daemons[0]!.neighbors();
  assert.ok(n.filter((x) => x.address === ours4(0)).every((x) => x.state !== 'established'));
});
