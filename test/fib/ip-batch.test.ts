// The `ip -batch` runner and the kernel FIB over a fake ip child: lines as written, failures attributed to
// their route by ip's line numbers while the rest of the batch lands, recovery from an ip that exits on a
// line it cannot parse (the culprit found, nothing else lost), coalescing of queued changes, the in-flight
// window, and the graceful-restart pieces (markStale / sweepStale) and sync() over a fake `ip -j route`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IpBatchRunner, type OpResult } from '../../src/fib/ip-batch.js';
import { KernelFib } from '../../src/fib/kernel.js';
import type { FibChange } from '../../src/fib/types.js';
import { memoryLogger } from '../../src/util/log.js';
import { fakeIpFactory } from './fake-ip.js';

const v4 = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const pfx = (i: number) => `${v4(i)}/32`;

function submitAll(r: IpBatchRunner, lines: Array<[string, string]>): Promise<OpResult[]> {
  return Promise.all(lines.map(([line, key]) => new Promise<OpResult>((res) => r.submit(line, key, res))).map((p, i) => (i === lines.length - 1 ? (r.flush(), p) : p)));
}

test('failures are attributed to their own line across chunk boundaries; the rest lands', async () => {
  const f = fakeIpFactory({ reject: ['10.0.0.7/32', '10.0.0.33/32'] });
  const r = new IpBatchRunner(f.spawn, { chunkLines: 10, maxInFlight: 2 });
  const lines: Array<[string, string]> = Array.from({ length: 50 }, (_, i) => [`route replace ${pfx(i)} proto 172 via 192.0.2.1`, pfx(i)]);
  const res = await submitAll(r, lines);
  const failed = res.flatMap((x, i) => (x.ok ? [] : [[i, x.message]]));
  assert.deepEqual(failed, [[7, 'Error: Nexthop has invalid gateway.'], [33, 'Error: Nexthop has invalid gateway.']]);
  assert.equal(f.applied.size, 48);
  assert.equal(f.children.length, 1);
  assert.ok(f.children[0]!.maxOutstanding <= 2, `in flight ${f.children[0]!.maxOutstanding}`);
  assert.equal(r.stats.chunks, 5);
  await r.close();
});

test('an ip that exits on a line it cannot parse: the culprit is found by replaying one line at a time', async () => {
  const f = fakeIpFactory({ fatal: ['10.0.0.23/32'] });
  const log = memoryLogger();
  const r = new IpBatchRunner(f.spawn, { chunkLines: 10, maxInFlight: 3, logger: log });
  const lines: Array<[string, string]> = Array.from({ length: 40 }, (_, i) => [`route replace ${pfx(i)} proto 172 via 192.0.2.1`, pfx(i)]);
  const res = await submitAll(r, lines);
  const failed = res.flatMap((x, i) => (x.ok ? [] : [[i, x.message]]));
  assert.deepEqual(failed, [[23, 'Error: cannot parse nexthop']]);
  assert.equal(f.applied.size, 39, 'every other route landed');
  assert.equal(f.children.length, 3, 'one restart to find the culprit, one after it');
  assert.ok(log.records.some((x) => String(x.msg).includes('replaying')));
  // Back to normal chunks after the lines in doubt.
  const more = await submitAll(r, Array.from({ length: 30 }, (_, i) => [`route replace ${pfx(100 + i)} via 192.0.2.1`, pfx(100 + i)] as [string, string]));
  assert.ok(more.every((x) => x.ok));
  assert.equal(f.children[2]!.writes <= 40, true);
  await r.close();
});

test('changes queued behind a full window coalesce per key: the last one is written, the others learn so', async () => {
  const f = fakeIpFactory({ delayMs: 5 });
  const r = new IpBatchRunner(f.spawn, { chunkLines: 1, maxInFlight: 1 });
  const results: OpResult[] = [];
  const p: Promise<void>[] = [];
  for (const [line, key] of [['route replace 10.0.0.1/32 via 192.0.2.1', 'a'], ['route replace 10.0.0.2/32 via 192.0.2.1', 'b'], ['route replace 10.0.0.2/32 via 192.0.2.2', 'b'], ['route del 10.0.0.2/32', 'b'], ['route replace 10.0.0.2/32 via 192.0.2.3', 'b']]) {
    p.push(new Promise((res) => r.submit(line!, key!, (x) => { results.push(x); res(); })));
  }
  r.flush();
  await Promise.all(p);
  const written = f.children[0]!.lines.filter((l) => l.startsWith('route'));
  assert.deepEqual(written, ['route replace 10.0.0.1/32 via 192.0.2.1', 'route replace 10.0.0.2/32 via 192.0.2.3']);
  assert.equal(results.filter((x) => x.ok && x.coalesced).length, 3);
  assert.equal(r.stats.coalesced, 3);
  await r.close();
});

test('a child that cannot be started fails every change with ERR_FIB_PROCESS text, not a hang', async () => {
  const r = new IpBatchRunner(() => { throw new Error('spawn ip ENOENT'); });
  const res = await new Promise<OpResult>((ok) => { r.submit('route replace 192.0.2.0/24 via 10.0.0.1', 'x', ok); r.flush(); });
  assert.equal(res.ok, false);
  assert.match((res as { message: string }).message, /cannot start ip: spawn ip ENOENT/);
  assert.equal(r.error?.constructor.name, 'FibProcessError');
});

test('KernelFib.apply: lines carry our protocol, metric and table; ECMP, IPv4 via IPv6 and link-local next hops', async () => {
  const f = fakeIpFactory({ reject: ['198.51.100.0/24'] });
  const fib = new KernelFib({ spawnBatch: f.spawn, runIp: async () => '[]', protocol: 172, metric: 30, table: 100 });
  const changes: FibChange[] = [
    { kind: 'replace', prefix: '192.0.2.0/24', nextHops: [{ gateway: '10.0.0.2' }] },
    { kind: 'replace', prefix: '203.0.113.0/24', nextHops: [{ gateway: '10.0.0.2', weight: 2 }, { gateway: '10.0.0.3', dev: 'eth1' }] },
    { kind: 'replace', prefix: '2001:db8::/32', nextHops: [{ gateway: 'FE80::1', dev: 'eth0' }] },
    { kind: 'replace', prefix: '192.0.2.128/25', nextHops: [{ gateway: 'fd00::2' }] },
    { kind: 'replace', prefix: '198.51.100.0/24', nextHops: [{ gateway: '10.9.9.9' }] },
    { kind: 'replace', prefix: '192.0.2.0/24', nextHops: [{ gateway: '10.0.0.4' }] }, // coalesces with the first
    { kind: 'replace', prefix: '2001:db8:2::/48', nextHops: [{ gateway: 'fe80::1' }] }, // no device: invalid
    { kind: 'delete', prefix: '198.51.100.128/25' }, // not there: a delete is done anyway
  ];
  const res = await fib.apply(changes);
  assert.equal(res.replaced, 4);
  assert.equal(res.deleted, 1);
  assert.equal(res.coalesced, 1);
  assert.deepEqual(res.failures.map((x) => [x.prefix, x.code]).sort(), [['198.51.100.0/24', 'ERR_FIB_REJECTED'], ['2001:db8:2::/48', 'ERR_FIB_INVALID']]);
  assert.deepEqual(f.children[0]!.lines.filter((l) => l.startsWith('route')), [
    'route replace 192.0.2.0/24 proto 172 metric 30 table 100 via 10.0.0.4',
    'route replace 203.0.113.0/24 proto 172 metric 30 table 100 nexthop via 10.0.0.2 weight 2 nexthop via 10.0.0.3 dev eth1 weight 1',
    'route replace 2001:db8::/32 proto 172 metric 30 table 100 via fe80::1 dev eth0',
    'route replace 192.0.2.128/25 proto 172 metric 30 table 100 via inet6 fd00::2',
    'route replace 198.51.100.0/24 proto 172 metric 30 table 100 via 10.9.9.9',
    'route del 198.51.100.128/25 proto 172 metric 30 table 100',
  ]);
  await fib.close({ keepRoutes: true });
});

const kernelJson = (routes: object[]) => JSON.stringify(routes);

test('KernelFib.sync: reads ours, leaves right routes alone, replaces wrong ones, deletes the rest (any metric)', async () => {
  const f = fakeIpFactory();
  const reads: string[][] = [];
  const fib = new KernelFib({
    spawnBatch: f.spawn,
    runIp: async (args) => {
      reads.push(args);
      if (args.includes('-4')) {
        return kernelJson([
          { dst: '192.0.2.0/24', gateway: '10.0.0.2', dev: 'v0', metric: 20, flags: [] }, // right
          { dst: '198.51.100.0/24', gateway: '10.0.0.2', dev: 'v0', metric: 20, flags: [] }, // wrong next hop
          { dst: '203.0.113.0/24', gateway: '10.0.0.2', dev: 'v0', metric: 20, flags: [] }, // not wanted
          { dst: '192.0.2.0/24', gateway: '10.0.0.2', dev: 'v0', metric: 99, flags: [] }, // ours, old metric
        ]);
      }
      return kernelJson([{ dst: '2001:db8::/32', metric: 20, flags: [], nexthops: [{ gateway: 'fd00::3', dev: 'v0', weight: 1, flags: [] }, { gateway: 'fd00::2', dev: 'v0', weight: 1, flags: [] }] }]);
    },
  });
  const res = await fib.sync([
    { prefix: '192.0.2.0/24', nextHops: [{ gateway: '10.0.0.2', dev: 'v0' }] },
    { prefix: '198.51.100.0/24', nextHops: [{ gateway: '10.0.0.3' }] },
    { prefix: '2001:db8::/32', nextHops: [{ gateway: 'fd00::2', dev: 'v0' }, { gateway: 'fd00::3', dev: 'v0' }] }, // same set, other order
  ]);
  assert.equal(res.unchanged, 2);
  assert.equal(res.replaced, 1);
  assert.equal(res.deleted, 2);
  assert.deepEqual(reads[0], ['-N', '-j', '-4', 'route', 'show', 'table', '254', 'proto', '172']);
  assert.deepEqual(f.children[0]!.lines.filter((l) => l.startsWith('route')).sort(), [
    'route del 192.0.2.0/24 proto 172 metric 99 table 254',
    'route del 203.0.113.0/24 proto 172 metric 20 table 254',
    'route replace 198.51.100.0/24 proto 172 metric 20 table 254 via 10.0.0.3',
  ]);
  await fib.close({ keepRoutes: true });
});

test('KernelFib graceful restart: markStale adopts, apply clears the mark per prefix, sweepStale deletes the rest', async () => {
  const f = fakeIpFactory();
  for (const p of ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24']) f.applied.set(p, 'old');
  const fib = new KernelFib({
    spawnBatch: f.spawn,
    runIp: async (args) => (args.includes('-4') ? kernelJson([...f.applied.keys()].map((dst) => ({ dst, gateway: '10.0.0.2', metric: 20, flags: [] }))) : '[]'),
  });
  assert.equal(await fib.markStale(), 3);
  await fib.apply([{ kind: 'replace', prefix: '192.0.2.0/24', nextHops: [{ gateway: '10.0.0.9' }] }, { kind: 'delete', prefix: '198.51.100.0/24' }]);
  assert.equal(fib.staleCount(), 1);
  const swept = await fib.sweepStale();
  assert.equal(swept.deleted, 1);
  assert.deepEqual([...f.applied.keys()], ['192.0.2.0/24']);
  assert.equal(fib.staleCount(), 0);
  await fib.close({ keepRoutes: true });
  await assert.rejects(fib.apply([]), { code: 'ERR_FIB_CLOSED' });
});

test('KernelFib refuses reserved protocol ids, bad metrics and the local table', () => {
  assert.throws(() => new KernelFib({ protocol: 2 }), { code: 'ERR_FIB_OPTION' });
  assert.throws(() => new KernelFib({ metric: -1 }), { code: 'ERR_FIB_OPTION' });
  assert.throws(() => new KernelFib({ table: 255 }), { code: 'ERR_FIB_OPTION' });
});
