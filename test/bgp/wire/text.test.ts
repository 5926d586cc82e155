// Text helpers: prefixes, addresses, AS paths and communities, both directions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ipv6Text, parseIpv6, toHex } from '../../../src/bgp/wire/addr.js';
import { asPathLength, asPathText, firstAs, originAs, parseAsPathText } from '../../../src/bgp/wire/as-path.js';
import {
  communityText, extCommunityText, largeCommunityText, parseCommunity, parseExtCommunity, parseLargeCommunity,
  wellKnownCommunityName,
} from '../../../src/bgp/wire/communities.js';
import { parsePrefix, PrefixList, prefixMask4, prefixText } from '../../../src/bgp/wire/prefix.js';

test('prefix text both ways', () => {
  for (const t of ['192.0.2.0/24', '0.0.0.0/0', '203.0.113.255/32', '2001:db8::/32', '::/0', '2001:db8:0:1::/64',
    'fe80::1/128', '::ffff:192.0.2.1/128']) {
    const p = parsePrefix(t);
    assert.ok(p !== null, t);
    assert.equal(prefixText(p), t);
  }
  assert.equal(parsePrefix('192.0.2.0/33'), null);
  assert.equal(parsePrefix('192.0.2/24'), null);
  assert.equal(parsePrefix('2001:db8::/129'), null);
  assert.equal(parsePrefix('2001:db8:::1/64'), null);
  assert.deepEqual(PrefixList.parse(1, ['198.51.100.0/24', '10.0.0.0/8']).texts(), ['198.51.100.0/24', '10.0.0.0/8']);
  assert.equal(prefixMask4(24), 0xffffff00);
  assert.equal(prefixMask4(0), 0);
});

test('IPv6 text follows RFC 5952', () => {
  const cases: [string, string][] = [['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], ['0:0:0:0:0:0:0:0', '::']];
  for (const [i, o] of cases) assert.equal(ipv6Text(parseIpv6(i)!), o);
  assert.equal(toHex(parseIpv6('::ffff:192.0.2.1')!), '00000000000000000000ffffc0000201');
});

test('AS path text both ways', () => {
  const t = '64512 64513 {64514,64515} (64516 64517) [64518,64519] 4200000000';
  const segs = parseAsPathText(t)!;
  assert.deepEqual(segs.map((s) => s.type), [2, 1, 3, 4, 2]);
  assert.equal(asPathText(segs), t);
  assert.equal(asPathLength(segs), 4);
  assert.equal(firstAs(segs), 64512);
  assert.equal(originAs(segs), 4200000000);
  assert.equal(parseAsPathText('64512 x'), null);
  assert.equal(parseAsPathText('4294967296'), null);
  assert.deepEqual(parseAsPathText(''), []);
});

test('communities, large and extended communities by type', () => {
  assert.equal(communityText(parseCommunity('65000:1')!), '65000:1');
  assert.equal(parseCommunity('no-export'), 0xffffff01);
  assert.equal(wellKnownCommunityName(0xffff029a), 'blackhole');
  assert.equal(parseCommunity('65536:1'), null);
  assert.equal(largeCommunityText(parseLargeCommunity('65000:1:2')!), '65000:1:2');
  assert.equal(parseLargeCommunity('4294967296:1:2'), null);
  for (const t of ['rt:65000:100', 'soo:65000:7', 'rt:192.0.2.1:7', 'rt:4200000000:1', 'rt:65000:100:nt', '0x030c000000000008']) {
    assert.equal(extCommunityText(parseExtCommunity(t)!), t);
  }
  const rt = parseExtCommunity('rt:65000:100')!;
  assert.deepEqual([rt.hi.toString(16), rt.lo], ['2fde8', 100]);
});
