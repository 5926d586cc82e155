// Pure pieces of the netns runtime: traceroute output, prober lines, the convergence comparison.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RouteEntry } from '../../src/daemons/types.js';
import { parseProbeLines } from '../../src/lab/probe/jobs.js';
import { mismatch } from '../../src/lab/runtime/netns/converge.js';
import { parseTraceroute } from '../../src/lab/runtime/netns/traceroute.js';

test('traceroute: hop addresses in order, a silent hop as null', () => {
  const out = `traceroute to 2001:db8:53::53 (2001:db8:53::53), 24 hops max, 80 byte packets
 1  fd00:ac:2::2  0.040 ms
 2  *
 3  fd00:ac:1:1::1  0.028 ms
 4  2001:db8:53::53  0.020 ms
`;
  assert.deepEqual(parseTraceroute(out), ['fd00:ac:2::2', null, 'fd00:ac:1:1::1', '2001:db8:53::53']);
});

test('prober lines: JSON lines kept, a line cut by a kill ignored', () => {
  const l = parseProbeLines('{"k":"s","i":0,"t":1,"s":"tokyo","r":0.5}\n{"k":"s","i":0,"t":2,"s":nu\nnot json\n');
  assert.deepEqual(l, [{ k: 's', i: 0, t: 1, s: 'tokyo', r: 0.5 }]);
});

const route = (prefix: string, asPath: number[], from = '10.0.0.1'): RouteEntry => ({
  prefix, family: prefix.includes(':') ? 'ipv6' : 'ipv4', best: true, nextHop: '10.0.0.1', asPath, origin: 'igp', med: null,
  localPref: 100, communities: [], largeCommunities: [], from,
});

test('convergence: missing, longer than predicted, unexpected — each named', () => {
  const e = { want: new Map<string, number | 'local'>([['192.0.2.0/24', 2], ['10.64.0.0/24', 'local'], ['10.64.1.0/24', 1]]), universe: new Set(['192.0.2.0/24', '10.64.0.0/24', '10.64.1.0/24', '10.64.2.0/24']) };
  assert.equal(mismatch(e, [route('192.0.2.0/24', [64500, 65000]), route('10.64.0.0/24', [], 'local'), route('10.64.1.0/24', [64501])]), '');
  assert.equal(mismatch(e, [route('192.0.2.0/24', [64500, 64501, 65000]), route('10.64.0.0/24', [], 'local')]),
    '192.0.2.0/24 AS path [64500 64501 65000], expected length 2; 10.64.1.0/24 missing');
  assert.match(mismatch(e, [route('192.0.2.0/24', [64500, 65000]), route('10.64.0.0/24', [], 'local'), route('10.64.1.0/24', [64501]), route('10.64.2.0/24', [64502])]),
    /10\.64\.2\.0\/24 present, not expected/);
  // Prefixes outside the lab's universe (connected, IGP) are not compared.
  assert.equal(mismatch(e, [route('192.0.2.0/24', [64500, 65000]), route('10.64.0.0/24', [], 'local'), route('10.64.1.0/24', [64501]), route('10.0.0.0/30', [])]), '');
});
