// OPEN checks with session context (RFC 4271 §6.2, RFC 6286 §2.2), hold time negotiation (§4.2, §4.4), the
// pluggable capability validator, and what SessionUp reports.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkOpen, negotiateTimers, resolveFsmConfig, step,
  type OpenInfo, type OpenValidator,
} from '../../../src/bgp/fsm/index.js';
import { BASE, I, LOCAL_ID, OPEN_OK, bytes, setup } from './helpers.js';

const cfg = (over: object = {}) => resolveFsmConfig({ ...BASE, ...over });
const errOf = (open: Partial<OpenInfo>, over: object = {}) => {
  const r = checkOpen({ ...OPEN_OK, ...open }, cfg(over));
  return r.ok ? null : [r.error.code, r.error.subcode, [...r.error.data]];
};

test('negotiateTimers: min of both, keepalive a third, 0 means none', () => {
  assert.deepEqual(negotiateTimers(90, 180), { holdTime: 90, keepaliveTime: 30 });
  assert.deepEqual(negotiateTimers(180, 90), { holdTime: 90, keepaliveTime: 30 });
  assert.deepEqual(negotiateTimers(90, 3), { holdTime: 3, keepaliveTime: 1 });
  assert.deepEqual(negotiateTimers(90, 4), { holdTime: 4, keepaliveTime: 1 });
  assert.deepEqual(negotiateTimers(90, 10), { holdTime: 10, keepaliveTime: 3 });
  assert.deepEqual(negotiateTimers(90, 0), { holdTime: 0, keepaliveTime: 0 });
  assert.deepEqual(negotiateTimers(0, 90), { holdTime: 0, keepaliveTime: 0 });
  assert.deepEqual(negotiateTimers(90, 90, 20), { holdTime: 90, keepaliveTime: 20 });
  assert.deepEqual(negotiateTimers(90, 9, 20), { holdTime: 9, keepaliveTime: 3 });
  assert.deepEqual(negotiateTimers(65535, 65535), { holdTime: 65535, keepaliveTime: 21845 });
});

test('hold time 1 and 2 are rejected with OPEN error 6; 0 and 3 are accepted', () => {
  assert.deepEqual(errOf({ holdTime: 1 }), [2, 6, []]);
  assert.deepEqual(errOf({ holdTime: 2 }), [2, 6, []]);
  assert.equal(errOf({ holdTime: 0 }), null);
  assert.equal(errOf({ holdTime: 3 }), null);
  // A stricter configured minimum (like BIRD's "min hold time").
  assert.deepEqual(errOf({ holdTime: 9 }, { minHoldTime: 10 }), [2, 6, []]);
  assert.equal(errOf({ holdTime: 10 }, { minHoldTime: 10 }), null);
  assert.equal(errOf({ holdTime: 0 }, { minHoldTime: 10 }), null);
});

test('version: only 4; the error data is our version as 2 octets', () => {
  assert.deepEqual(errOf({ version: 3 }), [2, 1, [0, 4]]);
  assert.deepEqual(errOf({ version: 5 }), [2, 1, [0, 4]]);
});

test('peer AS: must be the configured one; any AS for a dynamic neighbor without peerAs', () => {
  assert.deepEqual(errOf({ as: 65003 }), [2, 2, []]);
  const dyn = checkOpen({ ...OPEN_OK, as: 4200000123 }, cfg({ peerAs: undefined }));
  assert.ok(dyn.ok && dyn.peer.as === 4200000123 && !dyn.peer.internal);
});

test('BGP identifier (RFC 6286): zero is bad; ours is bad only from an internal peer', () => {
  assert.deepEqual(errOf({ bgpId: 0 }), [2, 3, []]);
  assert.deepEqual(errOf({ bgpId: 2 ** 32 }), [2, 3, []]);
  assert.deepEqual(errOf({ bgpId: -5 }), [2, 3, []]);
  assert.equal(errOf({ bgpId: LOCAL_ID }), null, 'external peer may share our identifier');
  assert.deepEqual(errOf({ as: 65001, bgpId: LOCAL_ID }, { peerAs: 65001 }), [2, 3, []]);
  const hi = checkOpen({ ...OPEN_OK, bgpId: 0xfffffffe }, cfg());
  assert.ok(hi.ok && hi.peer.bgpId === 0xfffffffe);
});

test('checks run in RFC order: version before AS before hold time before identifier', () => {
  assert.deepEqual(errOf({ version: 3, as: 1, holdTime: 1, bgpId: 0 }), [2, 1, [0, 4]]);
  assert.deepEqual(errOf({ as: 1, holdTime: 1, bgpId: 0 }), [2, 2, []]);
  assert.deepEqual(errOf({ holdTime: 1, bgpId: 0 }), [2, 6, []]);
});

test('the pluggable validator sees the OPEN and the context, and can reject with a subcode and data', () => {
  const seen: unknown[] = [];
  const reject: OpenValidator = (open, ctx) => {
    seen.push([open.capabilities, ctx]);
    return { ok: false, subcode: 7, data: bytes(65, 4, 0, 0, 0xfd, 0xe9) };
  };
  assert.deepEqual(errOf({}, { validateOpen: reject }), [2, 7, [65, 4, 0, 0, 0xfd, 0xe9]]);
  assert.deepEqual(seen, [[['caps'], { localAs: 65001, localBgpId: LOCAL_ID, peerAs: 65002, internal: false }]]);
  // The FSM's own checks come first: a bad hold time never reaches the validator.
  seen.length = 0;
  assert.deepEqual(errOf({ holdTime: 2 }, { validateOpen: reject }), [2, 6, []]);
  assert.deepEqual(seen, []);
});

test('in OpenSent a rejected OPEN becomes BGPOpenMsgErr and sends the validator\'s NOTIFICATION', () => {
  const validateOpen: OpenValidator = () => ({ ok: false, subcode: 11, reason: 'role mismatch' });
  const r = step(setup('OpenSent', { config: { validateOpen } }), I.open());
  assert.equal(r.event, 'BGPOpenMsgErr');
  assert.equal(r.state.state, 'Idle');
  assert.deepEqual(r.outputs[0], { type: 'SendNotification', code: 2, subcode: 11, data: bytes() });
});

test('SessionUp carries the peer, the negotiated timers and what the validator negotiated', () => {
  const validateOpen: OpenValidator = (open) => ({ ok: true, negotiated: { fourOctetAs: true, caps: open.capabilities } });
  let s = setup('OpenSent', { fresh: true, config: { validateOpen, holdTime: 60 } });
  s = step(s, I.open({ holdTime: 240, capabilities: 'raw' })).state;
  const r = step(s, { type: 'KeepAliveMsg' });
  assert.deepEqual(r.outputs.find((o) => o.type === 'SessionUp'), {
    type: 'SessionUp',
    session: {
      peerAs: 65002, peerBgpId: OPEN_OK.bgpId, internal: false, holdTime: 60, keepaliveTime: 20, peerHoldTime: 240,
      capabilities: 'raw', negotiated: { fourOctetAs: true, caps: 'raw' },
    },
  });
});

test('an internal peer (same AS) is flagged internal', () => {
  let s = setup('OpenSent', { fresh: true, config: { peerAs: 65001 } });
  s = step(s, I.open({ as: 65001 })).state;
  const up = step(s, { type: 'KeepAliveMsg' }).outputs.find((o) => o.type === 'SessionUp');
  assert.ok(up?.type === 'SessionUp' && up.session.internal === true);
});

