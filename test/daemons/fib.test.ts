import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fibChanges, wantedFib } from '../../src/daemons/fib/plan.js';
import type { RouteEntry } from '../../src/daemons/index.js';

const r = (prefix: string, nextHop: string | null, best = true, from = '10.0.0.2'): RouteEntry => ({
  prefix, family: prefix.includes(':') ? 'ipv6' : 'ipv4', best, nextHop, asPath: [65002], origin: 'igp', med: null, localPref: null,
  communities: [], largeCommunities: [], from,
});

test('wanted table: best learned paths only, no originated or next-hop-less ones', () => {
  const t = wantedFib([r('192.0.2.0/24', '10.0.0.2'), r('192.0.2.0/24', '10.0.1.2', false), r('198.51.100.0/24', '0.0.0.0', true, 'local'),
    r('2001:db8::/32', 'fd00::2'), r('203.0.113.0/24', null)]);
  assert.deepEqual([...t], [['192.0.2.0/24', '10.0.0.2'], ['2001:db8::/32', 'fd00::2']]);
});

test('changes: replace new and moved routes, delete gone ones, nothing when equal', () => {
  const applied = new Map([['192.0.2.0/24', '10.0.0.2'], ['198.51.100.0/24', '10.0.0.2'], ['2001:db8::/32', 'fd00::2']]);
  const wanted = new Map([['192.0.2.0/24', '10.0.1.2'], ['2001:db8::/32', 'fd00::2'], ['203.0.113.0/24', '10.0.0.2']]);
  assert.deepEqual(fibChanges(applied, wanted), [
    'route replace 192.0.2.0/24 via 10.0.1.2 proto bgp',
    'route replace 203.0.113.0/24 via 10.0.0.2 proto bgp',
    'route del 198.51.100.0/24 proto bgp',
  ]);
  assert.deepEqual(fibChanges(wanted, wanted), []);
  assert.deepEqual(fibChanges(new Map(), new Map([['2001:db8::/32', 'fd00::2']])), ['route replace 2001:db8::/32 via fd00::2 proto bgp']);  // ip takes the family from the prefix; '-6' is not a batch command
});
