// The pure iproute2 side: delta validation and coalescing, ip's stderr attribution parser, and the parsers of
// `ip -N -j route` and `ip -N monitor route` on output captured from iproute2 6.1 / Linux 6.18.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FibDelta } from '../../src/fib/delta.js';
import { parseIpRouteJson, parseMonitorLine, StderrParser } from '../../src/fib/ip-lines.js';

test('a delta coalesces per prefix in arrival order, canonicalises, and refuses what can never be installed', () => {
  const d = new FibDelta()
    .replace('192.0.2.0/24', [{ gateway: '10.0.0.1' }])
    .replace('2001:DB8::/32', [{ gateway: '2001:DB8::0:1' }])
    .delete('192.0.2.0/24')
    .replace('192.0.2.0/24', [{ gateway: '10.0.0.2', weight: 7 }])
    .replace('192.0.2.1/24', [{ gateway: '10.0.0.1' }])
    .replace('198.51.100.0/24', [])
    .replace('198.51.100.0/24', [{ gateway: 'fe80::1' }])
    .replace('198.51.100.0/24', [{ gateway: '10.0.0.1' }, { gateway: '10.0.0.1' }])
    .replace('198.51.100.0/24', [{ gateway: '10.0.0.1', dev: 'bad dev' }])
    .replace('198.51.100.0/24', [{ gateway: '10.0.0.1' }, { gateway: '10.0.0.2', weight: 0 }])
    .replace('198.51.100.0/24', [{ gateway: '0.0.0.0' }]);
  assert.equal(d.size, 2);
  assert.equal(d.coalesced, 2);
  assert.deepEqual(d.changes(), [
    { kind: 'replace', family: 4, prefix: '192.0.2.0/24', nextHops: [{ gateway: '10.0.0.2', gwFamily: 4, weight: 1 }] },
    { kind: 'replace', family: 6, prefix: '2001:db8::/32', nextHops: [{ gateway: '2001:db8::1', gwFamily: 6, weight: 1 }] },
  ]);
  assert.deepEqual(d.failures.map((f) => f.message), [
    '"192.0.2.1/24": host bits set past /24 (did you mean 192.0.2.0/24?)',
    'no next hop (use a delete to remove a route)',
    'link-local next hop fe80::1 needs a device',
    'next hop 10.0.0.1 is listed twice',
    'next hop 10.0.0.1: "bad dev" is not a device name',
    'next hop 10.0.0.2: weight 0 is not 1..256',
    'next hop 0.0.0.0 is the unspecified address',
  ]);
  assert.ok(d.failures.every((f) => f.code === 'ERR_FIB_INVALID'));
});

test('stderr: messages are attributed to the line number that follows them, whatever the chunking', () => {
  const text = 'Error: Nexthop has invalid gateway.\nCommand failed -:2\nDevice "acf/sentinel" does not exist.\nCommand failed -:3\nRTNETLINK answers: No such process\nCommand failed -:5\nError: cannot parse nexthop\n';
  for (let cut = 0; cut <= text.length; cut += 7) {
    const p = new StderrParser();
    const got = [...p.push(text.slice(0, cut)), ...p.push(text.slice(cut))];
    assert.deepEqual(got, [
      { line: 2, message: 'Error: Nexthop has invalid gateway.' },
      { line: 3, message: 'Device "acf/sentinel" does not exist.' },
      { line: 5, message: 'RTNETLINK answers: No such process' },
    ]);
    assert.equal(p.pending(), 'Error: cannot parse nexthop');
  }
});

test('ip -N -j route: defaults for absent fields, ECMP, via another family, types, linkdown', () => {
  // Captured: ip -N -j route show table main (iproute2 6.1).
  const v4 = '[{"dst":"default","gateway":"10.0.0.9","dev":"v0","flags":[]},{"dst":"10.0.0.0/24","dev":"v0","protocol":"2","scope":"253","prefsrc":"10.0.0.1","flags":[]},{"dst":"192.0.2.0/24","gateway":"10.0.0.2","dev":"v0","protocol":"213","metric":20,"flags":[]},{"type":"6","dst":"192.0.2.128/25","flags":[]},{"dst":"203.0.113.0/25","via":{"family":"inet6","host":"fd00::2"},"dev":"v0","protocol":"172","flags":[]},{"dst":"203.0.113.0/24","protocol":"172","flags":[],"nexthops":[{"gateway":"10.0.0.2","dev":"v0","weight":1,"flags":[]},{"gateway":"10.0.0.3","dev":"v0","weight":2,"flags":["linkdown"]}]},{"dst":"10.7.0.1","gateway":"10.0.0.9","dev":"v1","flags":["onlink","linkdown"]}]';
  const r = parseIpRouteJson(v4, 4);
  assert.deepEqual(r.map((x) => [x.prefix, x.protocol, x.type, x.metric, x.scope, x.linkdown]), [
    ['0.0.0.0/0', 3, 1, 0, 0, false],
    ['10.0.0.0/24', 2, 1, 0, 253, false],
    ['192.0.2.0/24', 213, 1, 20, 0, false],
    ['192.0.2.128/25', 3, 6, 0, 0, false],
    ['203.0.113.0/25', 172, 1, 0, 0, false],
    ['203.0.113.0/24', 172, 1, 0, 0, false],
    ['10.7.0.1/32', 3, 1, 0, 0, true],
  ]);
  assert.deepEqual(r[4]!.nextHops, [{ gateway: 'fd00::2', gwFamily: 6, dev: 'v0', weight: 1 }]);
  assert.deepEqual(r[5]!.nextHops, [{ gateway: '10.0.0.2', gwFamily: 4, dev: 'v0', weight: 1 }, { gateway: '10.0.0.3', gwFamily: 4, dev: 'v0', weight: 2 }]);
  assert.equal(r[5]!.dev, 'v0');
  assert.deepEqual(r[1]!.nextHops, []);
  const v6 = parseIpRouteJson('[{"dst":"2001:db8:5::/48","via":{"family":"inet","host":"10.0.0.2"},"dev":"v0","metric":20,"flags":[],"pref":"medium"}]', 6, 172);
  assert.deepEqual(v6[0]!.nextHops, [{ gateway: '10.0.0.2', gwFamily: 4, dev: 'v0', weight: 1 }]);
  assert.equal(v6[0]!.protocol, 172, 'a dump filtered by protocol omits the field');
  assert.throws(() => parseIpRouteJson('Error: oops', 4), { code: 'ERR_FIB_READ' });
});

test('ip -N monitor route lines: protocol (absent = boot), table (absent = main), deletions, continuation lines', () => {
  // Captured from `ip -N monitor route` while routes and an address were added and removed.
  assert.deepEqual(parseMonitorLine('198.51.100.0/24 via 10.0.0.2 dev v0 proto 4 '), { deleted: false, protocol: 4, table: 254 });
  assert.deepEqual(parseMonitorLine('198.51.101.0/24 via 10.0.0.2 dev v0 '), { deleted: false, protocol: 3, table: 254 });
  assert.deepEqual(parseMonitorLine('Deleted 198.51.100.0/24 via 10.0.0.2 dev v0 proto 4 '), { deleted: true, protocol: 4, table: 254 });
  assert.deepEqual(parseMonitorLine('2 fd00:5::1 dev v0 table 255 proto 2 metric 0 pref medium'), { deleted: false, protocol: 2, table: 255 });
  assert.equal(parseMonitorLine('\tnexthop via 10.0.0.2 dev v0 weight 1 '), null);
  assert.equal(parseMonitorLine(''), null);
});
