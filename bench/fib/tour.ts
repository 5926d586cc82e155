// The tour of docs/fib.md, runnable (root): a namespace with one link, routes written through the kernel FIB,
// read back by ip, a refused route, a restart with sync(), the resolver, and the in-memory FIB's lookups.
//   node dist/bench/fib/tour.js

import { spawnSync } from 'node:child_process';
import { createTopology, ResourceRegistry, uniqueNsName } from '../../src/netns/index.js';
import { KernelFib, KernelRouteWatcher, MemoryFib, NextHopResolver } from '../../src/fib/index.js';

const registry = new ResourceRegistry({ label: 'acf-tour' });
const ns = uniqueNsName('acf', 't');
const sh = (cmd: string) => console.log(`$ ${cmd}\n${spawnSync('sh', ['-c', cmd.replace(/^ip /, `ip -n ${ns} `)], { encoding: 'utf8' }).stdout.trimEnd()}`);
try {
  await createTopology({ namespaces: [{ name: ns }, { name: `${ns}p` }], links: [{ a: { ns, ifname: 'eth0', addrs: ['10.0.0.1/24', 'fd00::1/64'] }, b: { ns: `${ns}p`, ifname: 'eth1', addrs: ['10.0.0.2/24', 'fd00::2/64'] } }] }, registry);
  const fib = new KernelFib({ ns });
  console.log(`backend: ${fib.backend}`);
  const res = await fib.apply([
    { kind: 'replace', prefix: '192.0.2.0/24', nextHops: [{ gateway: '10.0.0.2' }] },
    { kind: 'replace', prefix: '198.51.100.0/24', nextHops: [{ gateway: '10.0.0.2' }, { gateway: '10.0.0.3', weight: 2 }] },
    { kind: 'replace', prefix: '203.0.113.0/24', nextHops: [{ gateway: 'fe80::2', dev: 'eth0' }] },
    { kind: 'replace', prefix: '2001:db8::/32', nextHops: [{ gateway: 'fd00::2' }] },
    { kind: 'replace', prefix: '2001:db8:1::/48', nextHops: [{ gateway: '10.99.0.1' }] },
    { kind: 'replace', prefix: '192.0.2.128/25', nextHops: [{ gateway: '10.99.0.1' }] },
  ]);
  console.log(JSON.stringify(res, null, 1));
  sh('ip route show proto 172');
  sh('ip -6 route show proto 172');
  await fib.close({ keepRoutes: true });
  const again = new KernelFib({ ns });
  console.log(JSON.stringify(await again.sync([{ prefix: '192.0.2.0/24', nextHops: [{ gateway: '10.0.0.2' }] }])));
  sh('ip route show proto 172');

  const resolver = new NextHopResolver({ excludeProtocols: [172] });
  const watcher = new KernelRouteWatcher(resolver, { ns });
  await watcher.start();
  spawnSync('ip', ['-n', ns, 'route', 'add', '10.20.0.0/16', 'via', '10.0.0.2', 'metric', '30', 'proto', 'static']);
  await new Promise((r) => setTimeout(r, 100));
  await watcher.settled();
  for (const a of ['10.0.0.2', '10.20.3.4', '192.0.2.1']) console.log(JSON.stringify(resolver.resolve(a)));
  watcher.stop();
  await again.close();
  sh('ip route show proto 172 | wc -l');

  const mem = new MemoryFib();
  await mem.apply([
    { kind: 'replace', prefix: '192.0.2.0/24', nextHops: [{ gateway: '10.0.0.2' }] },
    { kind: 'replace', prefix: '192.0.2.128/25', nextHops: [{ gateway: '10.0.0.3', dev: 'eth0' }] },
  ]);
  console.log(JSON.stringify([mem.lookup('192.0.2.200'), mem.lookup('192.0.2.7'), mem.lookup('198.51.100.1')]));
} finally {
  registry.cleanup();
}
