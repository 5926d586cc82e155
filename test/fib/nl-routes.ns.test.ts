// In-process route reads (src/fib/nl-routes.ts) against `ip` itself in a real namespace (root): for IPv4 and
// IPv6, with and without a protocol filter, the routes read over rtnetlink parse to exactly what `ip -N -j
// route show` parses to (connected, static via a gateway, default, ECMP, IPv4 via IPv6, a linkdown route);
// `route flush proto 172` removes those and nothing else; the monitor reports additions and deletions with
// their protocol and table, as `ip monitor` lines.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTopology, nsExec, ResourceRegistry, uniqueNsName } from '../../src/netns/index.js';
import { parseIpRouteJson, parseMonitorLine, ipRouteShowArgv } from '../../src/fib/ip-lines.js';
import { NetlinkIp } from '../../src/fib/nl-routes.js';
import { loadRtnl } from '../../src/fib/netlink.js';

const root = process.getuid?.() === 0;
const addon = root ? loadRtnl() as (ReturnType<typeof loadRtnl> & { dump?: unknown }) : null;
const skip = !root ? 'needs root for network namespaces' : typeof addon?.dump !== 'function' ? 'the native addon is not built' : false;
const NS = uniqueNsName('acx', 'nr');
const PEER = uniqueNsName('acx', 'np');
let registry: ResourceRegistry | null = null;

before(async () => {
  if (skip) return;
  registry = new ResourceRegistry({ label: 'acx-nlroutes' });
  await createTopology({
    namespaces: [{ name: NS }, { name: PEER }],
    links: [
      { a: { ns: NS, ifname: 'r0', addrs: ['10.68.0.1/24', 'fd00:68::1/64'] }, b: { ns: PEER, ifname: 'p0', addrs: ['10.68.0.2/24', 'fd00:68::2/64'] } },
      { a: { ns: NS, ifname: 'r1', addrs: ['10.69.0.1/24'] }, b: { ns: PEER, ifname: 'p1', addrs: ['10.69.0.2/24'] } },
    ],
  }, registry);
  const ip = (...a: string[]) => nsExec(NS, ['ip', ...a]);
  await ip('route', 'add', 'default', 'via', '10.68.0.2');
  await ip('route', 'add', '192.0.2.0/24', 'via', '10.68.0.2', 'metric', '30');
  await ip('route', 'add', '198.51.100.0/24', 'proto', '172', 'metric', '20', 'nexthop', 'via', '10.68.0.2', 'weight', '2', 'nexthop', 'via', '10.69.0.2');
  await ip('route', 'add', '203.0.113.0/24', 'proto', '172', 'via', 'inet6', 'fd00:68::2', 'dev', 'r0');
  await ip('route', 'add', '203.0.113.128/25', 'proto', '172', 'via', '10.69.0.2');
  await ip('-6', 'route', 'add', '2001:db8::/32', 'via', 'fd00:68::2', 'proto', '172');
  await ip('-6', 'route', 'add', '2001:db8:1::/48', 'via', 'fe80::1', 'dev', 'r0');
  // A route whose link lost its carrier: the peer's end goes down.
  await nsExec(PEER, ['ip', 'link', 'set', 'p1', 'down']);
});
after(() => registry?.cleanup());

test('route reads over rtnetlink parse exactly as ip -N -j route show does', { skip }, async () => {
  const nl = new NetlinkIp(NS);
  try {
    for (const fam of [4, 6] as const) {
      for (const proto of [undefined, 172]) {
        const argv = ipRouteShowArgv(fam, 254, proto);
        const ours = parseIpRouteJson(await nl.run(argv), fam, proto);
        const theirs = parseIpRouteJson((await nsExec(NS, ['ip', ...argv])).stdout, fam, proto);
        assert.deepEqual(ours, theirs, `ip ${argv.join(' ')}`);
        assert.ok(theirs.length >= (proto === undefined ? 3 : 1));
      }
    }
    const v4 = parseIpRouteJson(await nl.run(ipRouteShowArgv(4, 254)), 4);
    assert.ok(v4.some((r) => r.prefix === '0.0.0.0/0'), 'the default route is read');
    assert.ok(v4.some((r) => r.linkdown), 'a route over a link without carrier is read as linkdown');
    assert.deepEqual(v4.find((r) => r.prefix === '198.51.100.0/24')?.nextHops.map((n) => [n.gateway, n.weight]), [['10.68.0.2', 2], ['10.69.0.2', 1]]);
  } finally {
    nl.close();
  }
});

test('the monitor reports changes with protocol and table; flush removes proto 172 only', { skip }, async () => {
  const nl = new NetlinkIp(NS);
  const m = nl.monitor(20);
  const lines: string[] = [];
  m.stdout.on('data', (d) => lines.push(...String(d).split('\n').filter(Boolean)));
  try {
    await nsExec(NS, ['ip', 'route', 'add', '198.18.0.0/15', 'via', '10.68.0.2', 'proto', '172', 'table', '100']);
    await nsExec(NS, ['ip', 'route', 'del', '192.0.2.0/24']);
    await new Promise((r) => setTimeout(r, 200));
    const ev = lines.map(parseMonitorLine);
    assert.deepEqual(ev.find((_e, i) => lines[i]!.startsWith('198.18.0.0/15')), { deleted: false, protocol: 172, table: 100 });
    assert.deepEqual(ev.find((_e, i) => lines[i]!.startsWith('Deleted 192.0.2.0/24')), { deleted: true, protocol: 3, table: 254 });
    await nl.run(['-4', 'route', 'flush', 'proto', '172', 'table', '254']);
    await nl.run(['-6', 'route', 'flush', 'proto', '172', 'table', '254']);
    const left = (await nsExec(NS, ['ip', '-N', 'route', 'show', 'proto', '172'])).stdout + (await nsExec(NS, ['ip', '-N', '-6', 'route', 'show', 'proto', '172'])).stdout;
    assert.equal(left.trim(), '');
    assert.match((await nsExec(NS, ['ip', 'route', 'show', 'table', '100'])).stdout, /198\.18\.0\.0\/15/, 'another table is left alone');
    assert.match((await nsExec(NS, ['ip', 'route', 'show'])).stdout, /default via 10\.68\.0\.2/, 'other protocols are left alone');
  } finally {
    m.kill();
    nl.close();
  }
});
