// Kernel route throughput: our KernelFib — through the rtnetlink addon and through its fallback, one
// persistent `ip -force -batch -` — against BIRD 2's kernel protocol, same routes, same machine, same run, each in a fresh namespace with one veth (the gateway on its
// connected network). Ours: time from apply() to the last acknowledgement (every line acknowledged means the
// kernel has done it), checked with a count of `ip route show proto 172`. BIRD: a static protocol holds the
// routes and the kernel protocol starts disabled; after the static routes are loaded (`show route count`),
// `birdc enable` starts the export and the clock; done when the kernel protocol reports every route exported,
// checked with a count of `ip route show proto bird`. Deletion: our apply() of deletes against
// `birdc disable` of the static protocol (BIRD withdraws every route from the kernel). Needs root.
//   node dist/bench/fib/kernel.js [--v4 100000,1000000] [--v6 200000] [--no-bird]

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createTopology, makeTempDir, nsSpawn, ResourceRegistry, uniqueNsName } from '../../src/netns/index.js';
import { KernelFib } from '../../src/fib/kernel.js';
import { loadRtnl, rtnlLoadError } from '../../src/fib/netlink.js';
import type { FibChange } from '../../src/fib/types.js';

const { values } = parseArgs({ options: { v4: { type: 'string', default: '100000,1000000' }, v6: { type: 'string', default: '200000' }, 'no-bird': { type: 'boolean', default: false } } });
const sizes4 = values.v4 ? values.v4.split(',').filter(Boolean).map(Number) : [];
const sizes6 = values.v6 ? values.v6.split(',').filter(Boolean).map(Number) : [];
const registry = new ResourceRegistry({ label: 'acf-bench' });
let nsCounter = 0;

// 10.0.0.0/8 cut into /28s (2^20 of them) and 2001:db8::/32 into /64s: room for 1M and 200k distinct prefixes.
const v4Prefix = (i: number) => { const a = 0x0a000000 + i * 16; return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}/28`; };
const v6Prefix = (i: number) => `2001:db8:${(i >>> 16).toString(16)}:${(i & 0xffff).toString(16)}::/64`;
const GW4 = '172.16.0.2';
const GW6 = 'fd00:16::2';

function sh(ns: string, cmd: string): string {
  const r = spawnSync('ip', ['netns', 'exec', ns, 'sh', '-c', cmd], { encoding: 'utf8', maxBuffer: 1 << 30 });
  return r.stdout.trim();
}
const countRoutes = (ns: string, family: 4 | 6, proto: string) => Number(sh(ns, `ip -${family} route show proto ${proto} | wc -l`));

async function freshNs(): Promise<string> {
  const ns = uniqueNsName('acf', `b${nsCounter++}`);
  await createTopology({ namespaces: [{ name: ns }, { name: `${ns}p` }], links: [{ a: { ns, ifname: 'b0', addrs: ['172.16.0.1/24', 'fd00:16::1/64'] }, b: { ns: `${ns}p`, ifname: 'b1', addrs: ['172.16.0.2/24', 'fd00:16::2/64'] } }] }, registry);
  return ns;
}
function dropNs(ns: string): void {
  spawnSync('ip', ['netns', 'del', ns]);
  spawnSync('ip', ['netns', 'del', `${ns}p`]);
}

interface Row { impl: string; family: string; routes: number; addS: number; delS: number; addCpuS: number; delCpuS: number; note: string }
/** CPU seconds (user + system, which includes the kernel's route work done in the caller's context) of a PID. */
function cpuOf(pid: number): number {
  const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // clock ticks (USER_HZ = 100 on Linux)
}
const selfCpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
const rows: Row[] = [];

async function ours(family: 4 | 6, n: number, backend: 'netlink' | 'ip-batch'): Promise<void> {
  const ns = await freshNs();
  const prefix = family === 4 ? v4Prefix : v6Prefix;
  const gw = family === 4 ? GW4 : GW6;
  const fib = new KernelFib({ ns, backend });
  const adds: FibChange[] = Array.from({ length: n }, (_, i) => ({ kind: 'replace', prefix: prefix(i), nextHops: [{ gateway: gw }] }));
  let c = selfCpu();
  let t = performance.now();
  const a = await fib.apply(adds);
  const addS = (performance.now() - t) / 1000;
  const addCpuS = selfCpu() - c;
  const have = countRoutes(ns, family, '172');
  if (a.failures.length || have !== n) throw new Error(`ours: ${a.failures.length} failures, ${have} routes in the kernel, ${n} wanted`);
  const dels: FibChange[] = adds.map((x) => ({ kind: 'delete', prefix: x.prefix }));
  c = selfCpu();
  t = performance.now();
  const d = await fib.apply(dels);
  const delS = (performance.now() - t) / 1000;
  const delCpuS = selfCpu() - c;
  if (d.failures.length || countRoutes(ns, family, '172') !== 0) throw new Error('ours: delete left routes');
  await fib.close();
  dropNs(ns);
  rows.push({ impl: `anycast KernelFib (${backend})`, family: `IPv${family}`, routes: n, addS, delS, addCpuS, delCpuS, note: backend === 'ip-batch' ? 'CPU: node only (ip child not counted)' : 'CPU: node process' });
  console.log(JSON.stringify(rows.at(-1)));
}

function birdc(dir: string, ns: string, args: string): string {
  return sh(ns, `birdc -s ${join(dir, 'bird.ctl')} ${args}`);
}
function exported(dir: string, ns: string): number {
  const m = /Routes:\s+\d+ imported, (\d+) exported/.exec(birdc(dir, ns, 'show protocols all kern'));
  return m ? Number(m[1]) : -1;
}
async function waitFor(pred: () => boolean, limitS: number, what: string): Promise<void> {
  const end = performance.now() + limitS * 1000;
  while (!pred()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function bird(family: 4 | 6, n: number): Promise<void> {
  const ns = await freshNs();
  const dir = makeTempDir(registry, 'acf-bird');
  const prefix = family === 4 ? v4Prefix : v6Prefix;
  const gw = family === 4 ? GW4 : GW6;
  const ch = family === 4 ? 'ipv4' : 'ipv6';
  const statics = Array.from({ length: n }, (_, i) => `  route ${prefix(i)} via ${gw};`).join('\n');
  writeFileSync(join(dir, 'bird.conf'), [
    'router id 172.16.0.1;',
    'protocol device {}',
    `protocol static st { ${ch}; \n${statics}\n}`,
    `protocol kernel kern { disabled; learn off; scan time 3600; ${ch} { export all; }; }`,
    '',
  ].join('\n'));
  const proc = nsSpawn(ns, ['bird', '-f', '-c', join(dir, 'bird.conf'), '-s', join(dir, 'bird.ctl'), '-P', join(dir, 'bird.pid')], registry, { logFile: join(dir, 'bird.log') });
  try {
    const loaded = () => Number(/Total: (\d+) of/.exec(birdc(dir, ns, 'show route count'))?.[1] ?? -1);
    await waitFor(() => loaded() === n, 600, 'BIRD to load its static routes');
    let c = cpuOf(proc.pid);
    let t = performance.now();
    birdc(dir, ns, 'enable kern');
    await waitFor(() => exported(dir, ns) === n, 900, 'BIRD to export every route');
    const addS = (performance.now() - t) / 1000;
    const addCpuS = cpuOf(proc.pid) - c;
    const have = countRoutes(ns, family, 'bird');
    if (have !== n) throw new Error(`BIRD: ${have} routes in the kernel, ${n} wanted`);
    c = cpuOf(proc.pid);
    t = performance.now();
    birdc(dir, ns, 'disable st');
    await waitFor(() => exported(dir, ns) === 0, 900, 'BIRD to withdraw every route');
    const delS = (performance.now() - t) / 1000;
    const delCpuS = cpuOf(proc.pid) - c;
    await waitFor(() => countRoutes(ns, family, 'bird') === 0, 60, 'the kernel to lose BIRD routes');
    rows.push({ impl: 'BIRD 2 kernel protocol', family: `IPv${family}`, routes: n, addS, delS, addCpuS, delCpuS, note: 'CPU: bird process (incl. answering birdc polls)' });
    console.log(JSON.stringify(rows.at(-1)));
  } finally {
    await proc.stop();
    dropNs(ns);
  }
}

const haveAddon = loadRtnl() !== null;
if (!haveAddon) console.log(`# rtnetlink addon not built (${rtnlLoadError()}): ip -batch only`);
console.log(`# times are wall clock until the kernel has (or has lost) every route; CPU is the writer's own, user + system`);
console.log(`# ${cpus().length} × ${cpus()[0]?.model}, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}, ${spawnSync('ip', ['-V'], { encoding: 'utf8' }).stdout.trim()}, kernel ${spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim()}`);
try {
  for (const [family, sizes] of [[4, sizes4], [6, sizes6]] as const) {
    for (const n of sizes) {
      if (haveAddon) await ours(family, n, 'netlink');
      await ours(family, n, 'ip-batch');
      if (!values['no-bird']) await bird(family, n);
    }
  }
} finally {
  registry.cleanup();
}
console.log('\n| implementation | family | routes | add (s) | add routes/s | add CPU (s) | delete (s) | delete routes/s | delete CPU (s) | note |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  console.log(`| ${r.impl} | ${r.family} | ${r.routes} | ${r.addS.toFixed(2)} | ${Math.round(r.routes / r.addS)} | ${r.addCpuS.toFixed(2)} | ${r.delS.toFixed(2)} | ${Math.round(r.routes / r.delS)} | ${r.delCpuS.toFixed(2)} | ${r.note} |`);
}
for (const fam of ['IPv4', 'IPv6']) {
  for (const n of new Set(rows.filter((r) => r.family === fam).map((r) => r.routes))) {
    const b = rows.find((r) => r.family === fam && r.routes === n && r.impl.startsWith('BIRD'));
    for (const o of rows.filter((r) => r.family === fam && r.routes === n && r.impl.startsWith('anycast'))) {
      if (b) console.log(`ratio ${fam} ${n} ${o.impl}: add ${(o.addS / b.addS).toFixed(2)}× BIRD's time (CPU ${(o.addCpuS / b.addCpuS).toFixed(2)}×), delete ${(o.delS / b.delS).toFixed(2)}× (CPU ${(o.delCpuS / b.delCpuS).toFixed(2)}×)`);
    }
  }
}
