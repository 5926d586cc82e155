// The rtnetlink writer over a fake addon that decodes what it is sent: failures attributed by sequence number,
// an unknown device refused before the kernel, chunks within their size, changes still queued coalesced across
// apply() calls, and a lost answer (ENOBUFS) reported as an unknown outcome rather than a success.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KernelFib } from '../../src/fib/kernel.js';
import type { RtnlAddon } from '../../src/fib/netlink.js';
import type { FibChange } from '../../src/fib/types.js';

interface Sent { type: number; seq: number; dst: string; gw: string }

function fakeAddon(opts: { reject?: Set<string>; overflowOn?: number } = {}) {
  const sent: Sent[] = [];
  const sizes: number[] = [];
  let calls = 0;
  const addon: RtnlAddon = {
    open: () => 7,
    close: () => undefined,
    ifindex: (_fd, name) => (name === 'eth0' ? 2 : 0),
    send: (_fd, buf) => {
      calls++;
      sizes.push(buf.length);
      const errors: Array<[number, number, string]> = [];
      for (let off = 0; off < buf.length; ) {
        const len = buf.readUInt32LE(off);
        const type = buf.readUInt16LE(off + 4);
        const seq = buf.readUInt32LE(off + 8);
        const dl = buf[off + 17]!;
        let dst = '';
        let gw = '';
        for (let a = off + 28; a < off + len; ) {
          const alen = buf.readUInt16LE(a);
          const atype = buf.readUInt16LE(a + 2);
          if (atype === 1) dst = `${[...buf.subarray(a + 4, a + 8)].join('.')}/${dl}`;
          if (atype === 5) gw = [...buf.subarray(a + 4, a + 8)].join('.');
          a += (alen + 3) & ~3;
        }
        sent.push({ type, seq, dst, gw });
        if (opts.reject?.has(dst)) errors.push([seq, 22, 'Nexthop has invalid gateway']);
        off += len;
      }
      if (opts.overflowOn === calls) errors.push([-1, 105, 'netlink receive buffer overflow']);
      return errors;
    },
  };
  return { addon, sent, sizes };
}

const pfx = (i: number) => `10.${(i >> 8) & 255}.${i & 255}.0/24`;
const many = (n: number, gw: string): FibChange[] => Array.from({ length: n }, (_, i) => ({ kind: 'replace', prefix: pfx(i), nextHops: [{ gateway: gw }] }));
const noRead = async () => '[]';

test('netlink writer: failures by sequence number, unknown devices refused, chunks of at most 64 KiB', async () => {
  const f = fakeAddon({ reject: new Set(['10.0.7.0/24', '10.11.183.0/24']) });
  const fib = new KernelFib({ rtnl: f.addon, backend: 'netlink', runIp: noRead });
  assert.equal(fib.backend, 'netlink');
  const changes = many(3000, '192.0.2.1');
  changes.push({ kind: 'replace', prefix: '198.51.100.0/24', nextHops: [{ gateway: '192.0.2.1', dev: 'eth9' }] });
  changes.push({ kind: 'delete', prefix: '203.0.113.0/24' });
  const res = await fib.apply(changes);
  assert.equal(res.replaced, 2998);
  assert.equal(res.deleted, 1);
  assert.deepEqual(res.failures.map((x) => [x.prefix, x.message]).sort(), [
    ['10.0.7.0/24', 'Nexthop has invalid gateway (EINVAL)'],
    ['10.11.183.0/24', 'Nexthop has invalid gateway (EINVAL)'],
    ['198.51.100.0/24', 'Cannot find device "eth9"'],
  ]);
  assert.equal(f.sent.length, 3001);
  assert.equal(new Set(f.sent.map((s) => s.seq)).size, 3001, 'every request has its own sequence number');
  assert.ok(f.sizes.length >= 3 && f.sizes.every((s) => s <= 65536 + 200), `chunks ${f.sizes.join(',')}`);
  await fib.close({ keepRoutes: true });
});

test('netlink writer: a second apply() before the first is written supersedes it; results say coalesced', async () => {
  const f = fakeAddon();
  const fib = new KernelFib({ rtnl: f.addon, backend: 'netlink', runIp: noRead });
  const a = fib.apply(many(1500, '192.0.2.1'));
  const b = fib.apply(many(1000, '192.0.2.2'));
  const [ra, rb] = await Promise.all([a, b]);
  assert.equal(rb.replaced, 1000);
  assert.equal(ra.coalesced, 1000);
  assert.equal(ra.replaced, 500);
  assert.equal(f.sent.length, 1500, 'each prefix written once');
  const last = new Map(f.sent.map((s) => [s.dst, s.gw]));
  assert.equal(last.get(pfx(0)), '192.0.2.2');
  assert.equal(last.get(pfx(1499)), '192.0.2.1');
  await fib.close({ keepRoutes: true });
});

test('netlink writer: lost answers (ENOBUFS) make the chunk\'s outcome unknown, not a success', async () => {
  const f = fakeAddon({ overflowOn: 1 });
  const fib = new KernelFib({ rtnl: f.addon, backend: 'netlink', runIp: noRead });
  const res = await fib.apply(many(10, '192.0.2.1'));
  assert.equal(res.replaced, 0);
  assert.equal(res.failures.length, 10);
  assert.match(res.failures[0]!.message, /unknown outcome.*ENOBUFS/);
  await fib.close({ keepRoutes: true });
});
