// Capability negotiation against our own peers and a scripted peer: refusals (2/7 with the capabilities, 2/4)
// are retried without them (RFC 5492 §5), roles (RFC 9234, strict mode), graceful restart and hard reset bits,
// 4-octet AS with AS_TRANS, extended messages, and an OPEN with an unsupported optional parameter.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../../../src/util/clock.js';
import { encodeCapabilityValue, type Capability } from '../../../src/bgp/wire/capabilities.js';
import { IPV4_UNICAST, IPV6_UNICAST } from '../../../src/bgp/wire/context.js';
import { encodeMessage } from '../../../src/bgp/wire/codec.js';
import { BASE_CONTEXT } from '../../../src/bgp/wire/context.js';
import { openCapabilities } from '../../../src/bgp/wire/open.js';
import type { OpenMessage } from '../../../src/bgp/wire/messages.js';
import { pair, until } from './helpers.js';
import { accept, scripted } from './scripted.js';

const S = 1000;

function capBytes(c: Capability): Uint8Array {
  const v = encodeCapabilityValue(c);
  return Uint8Array.from([c.code, v.length, ...v]);
}

test('2/7 Unsupported Capability naming add-path and role: the next OPEN leaves exactly those out', async () => {
  const s = await scripted((c, open, n) => {
    if (n === 0) {
      const caps = openCapabilities(open);
      const ap = caps.find((x) => x.name === 'add-path')!, role = caps.find((x) => x.name === 'role')!;
      c.sendMsg({ type: 'NOTIFICATION', code: 2, subcode: 7, data: Uint8Array.from([...capBytes(ap), ...capBytes(role)]) });
      c.close();
    } else {
      accept(c);
    }
  });
  assert.ok(await until(s.clock, () => s.peer.established, 30 * S));
  const [first, second] = s.opens();
  const names = (o: OpenMessage) => openCapabilities(o).map((c) => c.name);
  assert.ok(names(first!).includes('add-path') && names(first!).includes('role'));
  assert.deepEqual(names(second!), names(first!).filter((n) => n !== 'add-path' && n !== 'role'));
  assert.deepEqual([...s.peer.status().refusedCapabilities.codes].sort((x, y) => x - y), [9, 69]);
  assert.ok(s.log.records.some((r) => r.msg === 'peer refused capabilities; the next OPEN leaves them out'
    && /add-path \(69\), role \(9\)/.test(String(r.refused))));
});

test('2/7 naming one multiprotocol family: only that family is left out', async () => {
  const s = await scripted((c, open, n) => {
    if (n === 0) {
      const v6 = openCapabilities(open).find((x) => x.name === 'multiprotocol' && x.afi === 2)!;
      c.sendMsg({ type: 'NOTIFICATION', code: 2, subcode: 7, data: capBytes(v6) });
      c.close();
    } else accept(c);
  });
  assert.ok(await until(s.clock, () => s.peer.established, 30 * S));
  const mp = openCapabilities(s.opens()[1]!).filter((c) => c.name === 'multiprotocol');
  assert.deepEqual(mp.map((c) => c.name === 'multiprotocol' && [c.afi, c.safi]), [[1, 1]]);
  assert.deepEqual(s.peer.session!.families, [IPV4_UNICAST]);
});

test('2/4 Unsupported Optional Parameter: retried with no optional parameter at all (plain RFC 4271)', async () => {
  const s = await scripted((c, _open, n) => {
    if (n === 0) { c.sendMsg({ type: 'NOTIFICATION', code: 2, subcode: 4, data: new Uint8Array(0) }); c.close(); }
    else accept(c, []);
  });
  assert.ok(await until(s.clock, () => s.peer.established, 30 * S));
  assert.deepEqual(s.opens()[1]!.params, []);
  assert.equal(s.peer.session!.as4, false);
  assert.deepEqual(s.peer.session!.families, [IPV4_UNICAST]);
  assert.equal(s.peer.status().refusedCapabilities.bare, true);
});

test('an OPEN with an unknown optional parameter type gets NOTIFICATION 2/4', async () => {
  const s = await scripted((c) => {
    const open: OpenMessage = { type: 'OPEN', version: 4, myAs: 65002, holdTime: 9, bgpId: '198.51.100.9',
      params: [{ kind: 'other', paramType: 7, value: Uint8Array.of(1, 2) }], extendedParams: false };
    c.send(encodeMessage(open, BASE_CONTEXT));
  });
  await until(s.clock, () => s.raw.conns[0]!.of('NOTIFICATION').length > 0, 5 * S);
  const n = s.raw.conns[0]!.of('NOTIFICATION')[0]!;
  assert.deepEqual([n.code, n.subcode], [2, 4]);
});

test('BGP role (RFC 9234): provider/customer up; strict mode without a peer role and a mismatch give 2/11', async () => {
  {
    const { clock, a, b } = await pair({ a: { role: 'provider' }, b: { role: 'customer', passive: true } });
    b.peer.start(); a.peer.start();
    assert.ok(await until(clock as FakeClock, () => a.peer.established && b.peer.established));
    assert.equal(a.peer.session!.peerRole, 'customer');
    assert.equal(b.peer.session!.peerRole, 'provider');
  }
  {
    const { clock, a, b } = await pair({ a: { role: 'provider', strictRole: true }, b: { passive: true } });
    b.peer.start(); a.peer.start();
    await until(clock as FakeClock, () => a.peer.status().lastDown !== null, 5 * S);
    const n = a.rec.all('notification').find((x) => x.direction === 'sent')!;
    assert.deepEqual([n.code, n.subcode], [2, 11]);
    assert.match(b.peer.status().lastDown!.text, /Role Mismatch/);
  }
  {
    const { clock, a, b } = await pair({ a: { role: 'provider' }, b: { role: 'provider', passive: true } });
    b.peer.start(); a.peer.start();
    await until(clock as FakeClock, () => a.peer.status().lastDown !== null, 5 * S);
    assert.equal(a.rec.count('established'), 0);
    assert.ok([...a.rec.all('notification'), ...b.rec.all('notification')].some((n) => n.direction === 'sent' && n.code === 2 && n.subcode === 11));
  }
});

test('graceful restart capability: restart time, F bits and the N bit are read from the peer', async () => {
  const { clock, a, b } = await pair({ b: { passive: true, families: ['ipv4-unicast', 'ipv6-unicast'],
    gracefulRestart: { restartTime: 60, forwarding: ['ipv4-unicast'] } }, a: { families: ['ipv4-unicast', 'ipv6-unicast'] } });
  b.peer.start(); a.peer.start();
  assert.ok(await until(clock as FakeClock, () => a.peer.established && b.peer.established));
  const gr = a.peer.session!.peerGracefulRestart!;
  assert.equal(gr.restartTime, 60);
  assert.equal(gr.notification, true);
  assert.equal(gr.restarting, false);
  assert.deepEqual([...gr.families], [[IPV4_UNICAST, true]]);
  assert.equal(a.peer.session!.hardResetNegotiated, true);
  // A advertised graceful restart without families (helper only): nothing to preserve for B.
  assert.deepEqual([...b.peer.session!.peerGracefulRestart!.families], []);
});

test('4-octet AS: a local AS above 65535 sends AS_TRANS and the 4-octet capability; without it on one side as4 is off', async () => {
  {
    const { clock, a, b } = await pair({ a: { localAs: 4200000001 }, b: { peerAs: 4200000001, passive: true } });
    b.peer.start(); a.peer.start();
    assert.ok(await until(clock as FakeClock, () => a.peer.established && b.peer.established));
    assert.equal(b.peer.session!.peerOpen.myAs, 23456);
    assert.equal(b.peer.session!.peerAs, 4200000001);
    assert.equal(b.peer.session!.as4, true);
  }
  {
    const { clock, a, b } = await pair({ b: { as4: false, passive: true } });
    b.peer.start(); a.peer.start();
    assert.ok(await until(clock as FakeClock, () => a.peer.established && b.peer.established));
    assert.equal(a.peer.session!.as4, false);
    assert.equal(a.peer.encodeContext.as4, false);
  }
});

test('extended messages (RFC 8654): 65535 only when both sides offer it', async () => {
  {
    const { clock, a, b } = await pair({ b: { passive: true } });
    b.peer.start(); a.peer.start();
    assert.ok(await until(clock as FakeClock, () => a.peer.established && b.peer.established));
    assert.equal(a.peer.maxUpdateLength, 65535);
  }
  {
    const { clock, a, b } = await pair({ b: { passive: true, extendedMessages: false } });
    b.peer.start(); a.peer.start();
    assert.ok(await until(clock as FakeClock, () => a.peer.established && b.peer.established));
    assert.equal(a.peer.maxUpdateLength, 4096);
    assert.equal(a.peer.session!.extendedMessages, false);
  }
});

test('no common address family: the session comes up with none, and says so', async () => {
  const { clock, a, b } = await pair({ a: { families: ['ipv6-unicast'] }, b: { passive: true, families: ['ipv4-unicast'] } });
  b.peer.start(); a.peer.start();
  assert.ok(await until(clock as FakeClock, () => a.peer.established && b.peer.established));
  assert.deepEqual(a.peer.session!.families, []);
  assert.ok(a.log.records.some((r) => r.msg === 'session up without a common address family'));
  void IPV6_UNICAST;
});
