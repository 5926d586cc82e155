// Connection collision resolution (RFC 4271 §6.8, RFC 6286 §2.3), both ways round, and a full collision played
// out with two FSMs: the losing connection's FSM sends Cease 7 and the winner reaches Established.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  compareU32, createFsm, resolveCollision, step,
  type CollisionInput, type FsmInput, type FsmState, type Initiator,
} from '../../../src/bgp/fsm/index.js';
import { BASE, I, OPEN_OK, ip } from './helpers.js';

const CEASE7 = { code: 6, subcode: 7, data: new Uint8Array(0) };

function collide(over: Partial<CollisionInput>): ReturnType<typeof resolveCollision> {
  return resolveCollision({
    localBgpId: ip('192.0.2.1'), localAs: 65001, remoteBgpId: ip('192.0.2.2'), remoteAs: 65002,
    existing: { state: 'OpenConfirm', initiator: 'local' }, newInitiator: 'remote', ...over,
  });
}

test('compareU32 compares as unsigned 32-bit values', () => {
  assert.equal(compareU32(ip('10.0.0.1'), ip('192.0.2.1')), -1);
  assert.equal(compareU32(ip('255.255.255.255'), ip('1.0.0.0')), 1);
  // As signed 32-bit integers 128.0.0.0 would be negative and compare below 1.0.0.0.
  assert.equal(compareU32(ip('128.0.0.0') | 0, ip('1.0.0.0')), 1);
  assert.equal(compareU32(-1, 0xffffffff), 0);
});

test('local id lower: the connection the remote initiated survives, whichever is "new"', () => {
  // Existing = ours (outgoing), new = theirs: close the existing one.
  assert.deepEqual(collide({}), {
    collision: true, close: 'existing', rule: 'higher-bgp-id', dominant: 'remote', notification: CEASE7,
  });
  // Existing = theirs (incoming), new = ours: close the new one.
  assert.deepEqual(collide({ existing: { state: 'OpenConfirm', initiator: 'remote' }, newInitiator: 'local' }), {
    collision: true, close: 'new', rule: 'higher-bgp-id', dominant: 'remote', notification: CEASE7,
  });
});

test('local id higher: the connection we initiated survives, whichever is "new"', () => {
  const hi = { localBgpId: ip('203.0.113.9') };
  assert.deepEqual(collide({ ...hi }), {
    collision: true, close: 'new', rule: 'higher-bgp-id', dominant: 'local', notification: CEASE7,
  });
  assert.deepEqual(collide({ ...hi, existing: { state: 'OpenConfirm', initiator: 'remote' }, newInitiator: 'local' }), {
    collision: true, close: 'existing', rule: 'higher-bgp-id', dominant: 'local', notification: CEASE7,
  });
});

test('identifiers above 2^31 are compared unsigned', () => {
  // 200.0.0.1 > 100.0.0.1 unsigned; as signed ints it would be negative and lose.
  const v = collide({ localBgpId: ip('200.0.0.1'), remoteBgpId: ip('100.0.0.1') });
  assert.equal(v.collision && v.dominant, 'local');
  const w = collide({ localBgpId: ip('100.0.0.1'), remoteBgpId: ip('200.0.0.1') });
  assert.equal(w.collision && w.dominant, 'remote');
});

test('RFC 6286 §2.3: equal identifiers, the larger AS is dominant (as unsigned 32-bit)', () => {
  const same = { localBgpId: ip('192.0.2.7'), remoteBgpId: ip('192.0.2.7') };
  assert.deepEqual(collide({ ...same, localAs: 65001, remoteAs: 65002 }), {
    collision: true, close: 'existing', rule: 'equal-bgp-id-larger-as', dominant: 'remote', notification: CEASE7,
  });
  assert.deepEqual(collide({ ...same, localAs: 4200000001, remoteAs: 65002 }), {
    collision: true, close: 'new', rule: 'equal-bgp-id-larger-as', dominant: 'local', notification: CEASE7,
  });
  assert.deepEqual(collide({ ...same, localAs: 65001, remoteAs: 65001 }), {
    collision: true, close: 'new', rule: 'indeterminate', notification: CEASE7,
  });
});

test('an Established connection wins unless CollisionDetectEstablishedState', () => {
  const est = { existing: { state: 'Established' as const, initiator: 'local' as Initiator } };
  assert.deepEqual(collide(est), { collision: true, close: 'new', rule: 'established-wins', notification: CEASE7 });
  assert.deepEqual(collide({ ...est, collisionDetectEstablishedState: true }), {
    collision: true, close: 'existing', rule: 'higher-bgp-id', dominant: 'remote', notification: CEASE7,
  });
});

test('no collision with a connection in Idle, Connect or Active, nor in OpenSent unless its peer id is known', () => {
  for (const state of ['Idle', 'Connect', 'Active', 'OpenSent'] as const) {
    assert.deepEqual(collide({ existing: { state, initiator: 'local' } }), { collision: false, why: 'existing-not-in-open-state' });
  }
  const v = collide({ existing: { state: 'OpenSent', initiator: 'local' }, existingPeerIdKnown: true });
  assert.equal(v.collision && v.close, 'existing');
});

test('two connections with the same initiator: the existing one stays', () => {
  assert.deepEqual(collide({ existing: { state: 'OpenConfirm', initiator: 'remote' }, newInitiator: 'remote' }), {
    collision: true, close: 'new', rule: 'same-initiator', notification: CEASE7,
  });
});

/** Plays a collision between our outgoing and incoming connections to one peer, with a given remote id. */
function playCollision(remoteId: number): { outgoing: FsmState; incoming: FsmState } {
  // Automatic restart on (the default): the loser must still not restart, the winner carries the session.
  const cfg = { ...BASE };
  const run = (s: FsmState, ...inputs: FsmInput[]) => inputs.reduce((acc, i) => step(acc, i).state, s);
  // Outgoing: we connected; our OPEN is out, theirs arrives → OpenConfirm.
  let outgoing = run(createFsm(cfg), { type: 'ManualStart' }, { type: 'Tcp_CR_Acked' }, I.open({ bgpId: remoteId }));
  // Incoming: the peer connected too; a second FSM for it, passive, accepted.
  let incoming = run(createFsm(cfg), { type: 'ManualStart_with_PassiveTcpEstablishment' }, { type: 'TcpConnectionConfirmed' });
  const r = step(incoming, I.open({ bgpId: remoteId }));
  incoming = r.state;
  assert.equal(incoming.state, 'OpenConfirm');
  const verdict = resolveCollision({
    localBgpId: BASE.localBgpId, localAs: BASE.localAs, remoteBgpId: remoteId, remoteAs: OPEN_OK.as,
    existing: { state: outgoing.state, initiator: 'local' }, newInitiator: 'remote',
  });
  assert.ok(verdict.collision);
  const dump: FsmInput = { type: 'OpenCollisionDump' };
  if (verdict.close === 'existing') {
    const d = step(outgoing, dump);
    assert.deepEqual(d.outputs[0], { type: 'SendNotification', ...CEASE7 });
    outgoing = d.state;
    incoming = step(incoming, { type: 'KeepAliveMsg' }).state;
  } else {
    const d = step(incoming, dump);
    assert.deepEqual(d.outputs[0], { type: 'SendNotification', ...CEASE7 });
    incoming = d.state;
    outgoing = step(outgoing, { type: 'KeepAliveMsg' }).state;
  }
  return { outgoing, incoming };
}

test('collision played out with two FSMs: the higher-id side keeps the connection it initiated', () => {
  // Peer id higher than ours (192.0.2.1): the peer's (incoming) connection survives.
  const a = playCollision(ip('198.51.100.1'));
  assert.equal(a.incoming.state, 'Established');
  assert.equal(a.outgoing.state, 'Idle');
  assert.deepEqual(a.outgoing.lastDown, { kind: 'collision' });
  assert.equal(a.outgoing.timers.IdleHoldTimer, false, 'the loser does not restart by itself');
  // Peer id lower: our (outgoing) connection survives.
  const b = playCollision(ip('10.0.0.1'));
  assert.equal(b.outgoing.state, 'Established');
  assert.equal(b.incoming.state, 'Idle');
  assert.deepEqual(b.incoming.lastDown, { kind: 'collision' });
  assert.equal(b.incoming.timers.IdleHoldTimer, false);
});
