// rtnetlink requests against the bytes iproute2 6.1 sends for the same `ip route` command (captured with
// `strace -e trace=sendmsg -xx`; interface b0 had index 2). Only the sequence number and ip's NLM_F_ACK differ:
// we ask for no ack, so that the kernel answers failures only.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FibDelta } from '../../src/fib/delta.js';
import { encodeRouteRequest, maxRequestSize, NLM_F_ACK } from '../../src/fib/rtnl-encode.js';
import { netlinkErrorText } from '../../src/fib/netlink.js';
import type { FibChange } from '../../src/fib/types.js';

const hex = (s: string) => Buffer.from(s.replace(/\\x/g, ''), 'hex');
const o = { protocol: 172, metric: 20, table: 254 };

const vectors: Array<[string, FibChange, string, number]> = [
  ['replace 192.0.2.0/24 proto 172 metric 20 via 172.16.0.2',
    { kind: 'replace', prefix: '192.0.2.0/24', nextHops: [{ gateway: '172.16.0.2' }] },
    '\\x02\\x18\\x00\\x00\\xfe\\xac\\x00\\x01\\x00\\x00\\x00\\x00\\x08\\x00\\x01\\x00\\xc0\\x00\\x02\\x00\\x08\\x00\\x06\\x00\\x14\\x00\\x00\\x00\\x08\\x00\\x05\\x00\\xac\\x10\\x00\\x02', 0x500],
  ['replace 198.51.100.0/24 proto 172 metric 20 nexthop via 172.16.0.2 dev b0 weight 1 nexthop via 172.16.0.3 dev b0 weight 2',
    { kind: 'replace', prefix: '198.51.100.0/24', nextHops: [{ gateway: '172.16.0.2', dev: 'b0' }, { gateway: '172.16.0.3', dev: 'b0', weight: 2 }] },
    '\\x02\\x18\\x00\\x00\\xfe\\xac\\x00\\x01\\x00\\x00\\x00\\x00\\x08\\x00\\x01\\x00\\xc6\\x33\\x64\\x00\\x08\\x00\\x06\\x00\\x14\\x00\\x00\\x00\\x24\\x00\\x09\\x00\\x10\\x00\\x00\\x00\\x02\\x00\\x00\\x00\\x08\\x00\\x05\\x00\\xac\\x10\\x00\\x02\\x10\\x00\\x00\\x01\\x02\\x00\\x00\\x00\\x08\\x00\\x05\\x00\\xac\\x10\\x00\\x03', 0x500],
  ['del 192.0.2.0/24 proto 172 metric 20',
    { kind: 'delete', prefix: '192.0.2.0/24' },
    '\\x02\\x18\\x00\\x00\\xfe\\xac\\xff\\x00\\x00\\x00\\x00\\x00\\x08\\x00\\x01\\x00\\xc0\\x00\\x02\\x00\\x08\\x00\\x06\\x00\\x14\\x00\\x00\\x00', 0],
  ['replace 203.0.113.0/24 proto 172 metric 20 via inet6 fd00:16::2',
    { kind: 'replace', prefix: '203.0.113.0/24', nextHops: [{ gateway: 'fd00:16::2' }] },
    '\\x02\\x18\\x00\\x00\\xfe\\xac\\x00\\x01\\x00\\x00\\x00\\x00\\x08\\x00\\x01\\x00\\xcb\\x00\\x71\\x00\\x08\\x00\\x06\\x00\\x14\\x00\\x00\\x00\\x16\\x00\\x12\\x00\\x0a\\x00\\xfd\\x00\\x00\\x16\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\x00', 0x500],
  ['replace 2001:db8::/32 proto 172 metric 20 via fe80::2 dev b0',
    { kind: 'replace', prefix: '2001:db8::/32', nextHops: [{ gateway: 'fe80::2', dev: 'b0' }] },
    '\\x0a\\x20\\x00\\x00\\xfe\\xac\\x00\\x01\\x00\\x00\\x00\\x00\\x14\\x00\\x01\\x00\\x20\\x01\\x0d\\xb8\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x08\\x00\\x06\\x00\\x14\\x00\\x00\\x00\\x14\\x00\\x05\\x00\\xfe\\x80\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x08\\x00\\x04\\x00\\x02\\x00\\x00\\x00', 0x500],
];

for (const [cmd, change, payload, flags] of vectors) {
  test(`rtnetlink request equals iproute2's for: ip route ${cmd}`, () => {
    const c = new FibDelta([change]).changes()[0]!;
    const buf = Buffer.alloc(maxRequestSize(c) + 8, 0xee);
    const end = encodeRouteRequest(buf, 8, c, o, 77, (dev) => (dev === 'b0' ? 2 : 0));
    assert.equal(typeof end, 'number');
    const msg = buf.subarray(8, end as number);
    const want = hex(payload);
    assert.equal(msg.readUInt32LE(0), 16 + want.length, 'nlmsg_len');
    assert.equal(msg.readUInt16LE(4), change.kind === 'replace' ? 24 : 25, 'nlmsg_type');
    assert.equal(msg.readUInt16LE(6), 1 | flags, 'nlmsg_flags: ip\'s without NLM_F_ACK');
    assert.equal(msg.readUInt16LE(6) & NLM_F_ACK, 0);
    assert.equal(msg.readUInt32LE(8), 77, 'nlmsg_seq');
    assert.deepEqual(msg.subarray(16), want);
  });
}

test('a table above 255 goes in RTA_TABLE; an unknown device is refused with ip\'s words; errno texts', () => {
  const c = new FibDelta([{ kind: 'replace', prefix: '192.0.2.0/24', nextHops: [{ gateway: '10.0.0.1' }] }]).changes()[0]!;
  const buf = Buffer.alloc(200);
  const end = encodeRouteRequest(buf, 0, c, { ...o, table: 1000 }, 1, () => 0) as number;
  assert.equal(buf[16 + 4], 0, 'rtm_table = RT_TABLE_UNSPEC');
  assert.deepEqual([...buf.subarray(end - 8, end)], [8, 0, 15, 0, 0xe8, 0x03, 0, 0]);
  const d = new FibDelta([{ kind: 'replace', prefix: '192.0.2.0/24', nextHops: [{ gateway: '10.0.0.1', dev: 'nope0' }] }]).changes()[0]!;
  assert.equal(encodeRouteRequest(buf, 0, d, o, 1, () => 0), 'Cannot find device "nope0"');
  assert.equal(netlinkErrorText(22, 'Nexthop has invalid gateway'), 'Nexthop has invalid gateway (EINVAL)');
  assert.equal(netlinkErrorText(3, ''), 'No such process (ESRCH)');
});
