// Protocol rules the RIB applies around policies: RFC 8212 (no policy on eBGP, nothing exchanged, a typed
// notice), well-known communities on export (RFC 1997, RFC 3765), GRACEFUL_SHUTDOWN on receipt (RFC 8326), and
// the RFC 9234 role / ONLY_TO_CUSTOMER ingress and egress procedures as a full matrix.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACCEPT_ALL, compilePolicy } from '../../../src/bgp/policy/compile.js';
import { parsePrefix } from '../../../src/bgp/rib/prefix.js';
import { PeerConfig, Role } from '../../../src/bgp/rib/peer.js';
import { Rib, RibOptions } from '../../../src/bgp/rib/rib.js';

const P = parsePrefix('198.51.100.0/24')!.key as number;
const LA = { ipv4: '192.0.2.254' };

function rib(o: Partial<RibOptions> = {}) {
  return new Rib({ localAs: 65000, routerId: '10.255.255.254', ...o });
}
function up(r: Rib, cfg: PeerConfig, routerId = '10.0.0.1') {
  const p = r.addPeer({ localAddress: LA, ...cfg });
  r.peerUp(p, { routerId });
  return p;
}

test('RFC 8212: an eBGP neighbor without import policy contributes nothing, and it is reported once', () => {
  const r = rib();
  const e = up(r, { name: 'e', address: '192.0.2.1', asn: 64601, exportPolicy: ACCEPT_ALL });
  r.announce(e, 'ipv4', r.store.intern({ asPath: '64601', nextHop: '192.0.2.1' }), [P]);
  const ch = r.flush();
  assert.equal(ch.loc.length, 0);
  assert.deepEqual(ch.notices.map((n) => n.kind === 'rfc8212' ? [n.code, n.peer, n.direction] : null),
    [['RFC8212_NO_IMPORT_POLICY', 'e', 'import']]);
  assert.match((ch.notices[0] as { message: string }).message, /no routes are accepted from it \(RFC 8212\)/);
  assert.equal(e.stats.rejected, 1);
  assert.equal(r.flush().notices.length, 0); // said once per session
  r.peerDown(e);
  r.peerUp(e, { routerId: '10.0.0.1' });
  assert.equal(r.flush().notices.length, 1); // and again for the next session
});

test('RFC 8212: an eBGP neighbor without export policy is sent nothing', () => {
  const r = rib();
  const e = up(r, { name: 'e', address: '192.0.2.1', asn: 64601, importPolicy: ACCEPT_ALL });
  const i = up(r, { name: 'i', address: '192.0.2.2', asn: 65000 }, '10.0.0.2');
  r.announce(i, 'ipv4', r.store.intern({ asPath: '', nextHop: '192.0.2.2' }), [P]);
  const ch = r.flush();
  assert.equal(ch.loc.length, 1); // iBGP without policy: everything (RFC 8212 is about eBGP)
  assert.equal(ch.out.length, 0);
  assert.deepEqual(ch.notices.map((n) => (n as { code: string }).code), ['RFC8212_NO_EXPORT_POLICY']);
  assert.equal(r.explainExport(e, 'ipv4', P).blocked, 'rfc8212');
});

test('RFC 8212 can be turned off (then no policy means everything)', () => {
  const r = rib({ rfc8212: false });
  const e = up(r, { name: 'e', address: '192.0.2.1', asn: 64601 });
  up(r, { name: 'f', address: '192.0.2.2', asn: 64602 }, '10.0.0.2');
  r.announce(e, 'ipv4', r.store.intern({ asPath: '64601', nextHop: '192.0.2.1' }), [P]);
  const ch = r.flush();
  assert.deepEqual([ch.loc.length, ch.out.length, ch.notices.length], [1, 1, 0]);
});

test('well-known communities on export: NO_ADVERTISE, NO_EXPORT, NO_EXPORT_SUBCONFED, NO_PEER', () => {
  const r = rib({ localAs: 65001, confederation: { id: 64900, members: [65001, 65002] } });
  const src = up(r, { name: 'src', address: '192.0.2.1', asn: 65001 }, '10.0.0.1');
  const ibgp = up(r, { name: 'ibgp', address: '192.0.2.2', asn: 65001, rrClient: true }, '10.0.0.2');
  const confed = up(r, { name: 'confed', address: '192.0.2.3', asn: 65002, importPolicy: ACCEPT_ALL, exportPolicy: ACCEPT_ALL }, '10.0.0.3');
  const ebgp = up(r, { name: 'ebgp', address: '192.0.2.4', asn: 64601, importPolicy: ACCEPT_ALL, exportPolicy: ACCEPT_ALL }, '10.0.0.4');
  const peer = up(r, { name: 'peer', address: '192.0.2.5', asn: 64602, importPolicy: ACCEPT_ALL, exportPolicy: ACCEPT_ALL, localRole: 'peer' }, '10.0.0.5');
  const raw = up(r, { name: 'raw', address: '192.0.2.6', asn: 64603, importPolicy: ACCEPT_ALL, exportPolicy: ACCEPT_ALL, interpretCommunities: false }, '10.0.0.6');
  r.flush();
  const expect: [string, string[]][] = [
    ['no-advertise', ['raw']],
    ['no-export', ['confed', 'ibgp', 'raw']],
    ['no-export-subconfed', ['ibgp', 'raw']],
    ['no-peer', ['confed', 'ebgp', 'ibgp', 'raw']],
    ['65000:1', ['confed', 'ebgp', 'ibgp', 'peer', 'raw']],
  ];
  for (const [c, to] of expect) {
    r.announce(src, 'ipv4', r.store.intern({ asPath: '', nextHop: '192.0.2.1', communities: [c] }), [P]);
    const ch = r.flush();
    const sent = ch.out.filter((o) => o.attrs !== null).map((o) => o.peer.name).sort();
    assert.deepEqual(sent, to, c);
    r.withdraw(src, 'ipv4', [P]);
    r.flush();
  }
  void ibgp; void confed; void ebgp; void peer; void raw;
  r.announce(src, 'ipv4', r.store.intern({ asPath: '', nextHop: '192.0.2.1', communities: ['no-export'] }), [P]);
  r.flush();
  assert.equal(r.explainExport('ebgp', 'ipv4', P).blocked, 'no-export');
});

test('GRACEFUL_SHUTDOWN: LOCAL_PREF 0 on receipt, so the other path wins; an import policy can override; can be off', () => {
  const build = (o: { policy?: ReturnType<typeof compilePolicy>; honour?: boolean } = {}) => {
    const r = rib();
    const a = up(r, { name: 'a', address: '192.0.2.1', asn: 64601, importPolicy: o.policy ?? ACCEPT_ALL, honourGracefulShutdown: o.honour });
    const b = up(r, { name: 'b', address: '192.0.2.2', asn: 64602, importPolicy: ACCEPT_ALL }, '10.0.0.2');
    r.announce(a, 'ipv4', r.store.intern({ asPath: '64601', nextHop: '192.0.2.1', communities: ['graceful-shutdown'] }), [P]);
    r.announce(b, 'ipv4', r.store.intern({ asPath: '64602 64500 64501', nextHop: '192.0.2.2' }), [P]);
    r.flush();
    return r.lookup('ipv4', P)!;
  };
  const l = build();
  assert.equal(l.best?.peer.name, 'b');
  assert.equal(l.candidates.find((c) => c.peer.name === 'a')!.attrs.localPref, 0);
  const override = compilePolicy('o', { terms: [{ match: { community: 'graceful-shutdown' }, set: { 'local-pref': 100 }, action: 'accept' }] }, new Map());
  assert.equal(build({ policy: override }).best?.peer.name, 'a');
  assert.equal(build({ honour: false }).best?.peer.name, 'a');
});

// RFC 9234 §5 ingress: [our role on the session, OTC on the route (null: none), eligible, OTC stored].
const INGRESS: [Role, number | null, boolean, number | null][] = [
  ['provider', null, true, null], ['provider', 64601, false, null], ['provider', 7, false, null],
  ['rs', null, true, null], ['rs', 64601, false, null],
  ['peer', null, true, 64601], ['peer', 64601, true, 64601], ['peer', 7, false, null],
  ['customer', null, true, 64601], ['customer', 7, true, 7],
  ['rs-client', null, true, 64601], ['rs-client', 7, true, 7],
];

test('RFC 9234 ingress: route leaks are ineligible; OTC added from providers, peers and route servers', () => {
  for (const [role, otc, eligible, stored] of INGRESS) {
    const r = rib();
    const n = up(r, { name: 'n', address: '192.0.2.1', asn: 64601, importPolicy: ACCEPT_ALL, localRole: role });
    r.announce(n, 'ipv4', r.store.intern({ asPath: '64601 64500', nextHop: '192.0.2.1', otc }), [P]);
    r.flush();
    const c = r.lookup('ipv4', P)!.candidates[0]!;
    assert.equal(c.eligible, eligible, `${role} otc=${otc}`);
    if (eligible) assert.equal(c.attrs.otc, stored, `${role} otc=${otc}`);
    else assert.match(c.ineligible!, /route leak/);
  }
});

// RFC 9234 §5 egress: [our role towards the receiver, OTC on the route, sent, OTC sent].
const EGRESS: [Role | undefined, number | null, boolean, number | null][] = [
  ['provider', null, true, 65000], ['provider', 7, true, 7],
  ['peer', null, true, 65000], ['peer', 7, false, null],
  ['rs', null, true, 65000], ['rs', 7, true, 7],
  ['customer', null, true, null], ['customer', 7, false, null],
  ['rs-client', null, true, null], ['rs-client', 7, false, null],
  [undefined, null, true, null], [undefined, 7, true, 7],
];

test('RFC 9234 egress: OTC added towards customers, peers and RS-clients; OTC routes kept from providers, peers, RSes', () => {
  for (const [role, otc, sent, value] of EGRESS) {
    const r = rib();
    const src = up(r, { name: 'src', address: '192.0.2.1', asn: 65000 });
    const dst = up(r, { name: 'dst', address: '192.0.2.2', asn: 64602, importPolicy: ACCEPT_ALL, exportPolicy: ACCEPT_ALL, localRole: role }, '10.0.0.2');
    r.announce(src, 'ipv4', r.store.intern({ asPath: '64500', nextHop: '192.0.2.1', otc }), [P]);
    const out = r.flush().out.filter((o) => o.peer === dst);
    assert.equal(out.length, sent ? 1 : 0, `${role} otc=${otc}`);
    if (sent) assert.equal(out[0]!.attrs!.otc, value, `${role} otc=${otc}`);
    else assert.equal(r.explainExport(dst, 'ipv4', P).blocked, 'otc');
  }
});
