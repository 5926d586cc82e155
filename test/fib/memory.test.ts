// The in-memory FIB (the lab forwards with it) checked against a brute-force model under random change
// sequences, its graceful-restart pieces, and the no-op FIB's one log line.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MemoryFib } from '../../src/fib/memory.js';
import { NoopFib } from '../../src/fib/noop.js';
import { createFib } from '../../src/fib/index.js';
import { parseAddress, parsePrefix, samePrefix } from '../../src/fib/addr.js';
import type { FibChange } from '../../src/fib/types.js';
import { memoryLogger } from '../../src/util/log.js';

const prefixArb = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 8, max: 32 }))
  .map(([a, b, len]) => (parsePrefix(`192.${a}.${b}.${(a * 37 + b) & 255}/${len}`, { strict: false }) as { text: string }).text);
const changeArb: fc.Arbitrary<FibChange> = fc.oneof(
  fc.tuple(prefixArb, fc.integer({ min: 1, max: 9 })).map(([prefix, g]) => ({ kind: 'replace' as const, prefix, nextHops: [{ gateway: `10.0.0.${g}` }] })),
  prefixArb.map((prefix) => ({ kind: 'delete' as const, prefix })),
);

test('MemoryFib lookups equal a brute-force LPM over the applied changes (batches coalesce: last wins)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.array(changeArb, { maxLength: 20 }), { maxLength: 8 }), fc.array(fc.integer({ min: 0, max: 0x3ffff }), { maxLength: 20 }), async (batches, probes) => {
      const fib = new MemoryFib();
      const model = new Map<string, string>();
      for (const b of batches) {
        const res = await fib.apply(b);
        assert.equal(res.failures.length, 0);
        for (const c of b) {
          if (c.kind === 'replace') model.set(c.prefix, c.nextHops[0]!.gateway);
          else model.delete(c.prefix);
        }
      }
      assert.equal(fib.size, model.size);
      for (const x of probes) {
        const dst = `192.${(x >> 16) & 3}.${(x >> 8) & 255}.${x & 255}`;
        const a = parseAddress(dst)!.words;
        let best: [string, number] | undefined;
        for (const p of model.keys()) {
          const pp = parsePrefix(p) as { words: Uint32Array; len: number };
          if (samePrefix(pp.words, a, pp.len) && (!best || pp.len > best[1])) best = [p, pp.len];
        }
        const got = fib.lookup(dst);
        assert.equal(got?.prefix, best?.[0]);
        assert.equal(got?.nextHops[0]?.gateway, best ? model.get(best[0]) : undefined);
      }
    }),
    { numRuns: 200 },
  );
});

test('MemoryFib: ECMP next hops, sync, stale marks and sweep', async () => {
  const fib = new MemoryFib();
  await fib.apply([
    { kind: 'replace', prefix: '192.0.2.0/24', nextHops: [{ gateway: '10.0.0.1', dev: 'a' }, { gateway: '10.0.0.2', dev: 'b', weight: 3 }] },
    { kind: 'replace', prefix: '2001:db8::/32', nextHops: [{ gateway: 'fe80::1', dev: 'a' }] },
  ]);
  assert.deepEqual(fib.lookup('192.0.2.9'), { prefix: '192.0.2.0/24', nextHops: [{ gateway: '10.0.0.1', dev: 'a', weight: 1 }, { gateway: '10.0.0.2', dev: 'b', weight: 3 }] });
  assert.deepEqual(fib.lookup('2001:db8::1')?.nextHops, [{ gateway: 'fe80::1', dev: 'a' }]);
  assert.equal(await fib.markStale(), 2);
  await fib.apply([{ kind: 'replace', prefix: '2001:db8::/32', nextHops: [{ gateway: 'fe80::2', dev: 'a' }] }]);
  assert.equal((await fib.sweepStale()).deleted, 1);
  assert.deepEqual((await fib.list()).map((r) => r.prefix), ['2001:db8::/32']);
  const s = await fib.sync([{ prefix: '2001:db8::/32', nextHops: [{ gateway: 'fe80::2', dev: 'a' }] }, { prefix: '198.51.100.0/24', nextHops: [{ gateway: '10.0.0.1' }] }]);
  assert.deepEqual([s.unchanged, s.replaced, s.deleted], [1, 1, 0]);
  await fib.close();
  await assert.rejects(fib.list(), { code: 'ERR_FIB_CLOSED' });
});

test('NoopFib records nothing and says so once; createFib picks it for "noop"', async () => {
  const log = memoryLogger();
  const fib = new NoopFib(log, 'not running as root');
  const r = await fib.apply([{ kind: 'replace', prefix: '192.0.2.0/24', nextHops: [{ gateway: '10.0.0.1' }] }, { kind: 'replace', prefix: 'x', nextHops: [] }]);
  await fib.apply([{ kind: 'delete', prefix: '192.0.2.0/24' }]);
  assert.equal(r.replaced, 1);
  assert.equal(r.failures.length, 1);
  assert.deepEqual(await fib.list(), []);
  assert.equal(log.records.length, 1);
  assert.equal(log.records[0]!.reason, 'not running as root');
  assert.equal(createFib('noop').kind, 'noop');
  assert.equal(createFib('memory').kind, 'memory');
});

test('registerProtocolName writes the iproute2 name file once, and says false where it cannot write', async () => {
  const { mkdtempSync, readFileSync, rmSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const { registerProtocolName } = await import('../../src/fib/index.js');
  const dir = mkdtempSync(join(tmpdir(), 'acf-protos-'));
  try {
    assert.equal(registerProtocolName(dir), true);
    assert.match(readFileSync(join(dir, 'anycast.conf'), 'utf8'), /^172\tanycast$/m);
    assert.equal(registerProtocolName(dir), true, 'already there');
    writeFileSync(join(dir, 'file'), '');
    assert.equal(registerProtocolName(join(dir, 'file', 'sub')), false, 'a path under a file cannot be written');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
