// RFC 4271 §8.2.2 as a table: every state × event, each row asserting the classified event, the next state, the
// exact outputs (timer actions included, in order), the ConnectRetryCounter and the IdleHoldTime. A coverage test
// proves that every (state, RFC event 1..28) pair has a row, or is unreachable by construction (and says why).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RFC_EVENTS, STATES, eventNumber, step, type StateName } from '../../../src/bgp/fsm/index.js';
import { I, runRows, setup, type Row, type Setup } from './helpers.js';
import { activeRows } from './rows/active.js';
import { connectRows } from './rows/connect.js';
import { establishedRows } from './rows/established.js';
import { idleRows } from './rows/idle.js';
import { openConfirmRows } from './rows/openconfirm.js';
import { openSentRows } from './rows/opensent.js';

runRows('Idle', idleRows);
runRows('Connect', connectRows);
runRows('Active', activeRows);
runRows('OpenSent', openSentRows);
runRows('OpenConfirm', openConfirmRows);
runRows('Established', establishedRows);

const ALL: readonly Row[] = [...idleRows, ...connectRows, ...activeRows, ...openSentRows, ...openConfirmRows, ...establishedRows];

const stateOf = (s: Setup): StateName => s.split('/')[0] as StateName;

/**
 * Event 20 ("BGPOpen with DelayOpenTimer running") exists only where a DelayOpenTimer can run: Connect and Active.
 * Elsewhere an OPEN is classified as event 19 (or 22 when it fails its checks in OpenSent), which the next test shows.
 */
const UNREACHABLE = new Set(['Idle:20', 'OpenSent:20', 'OpenConfirm:20', 'Established:20']);

test('every state × RFC event (1..28) has at least one row', () => {
  const covered = new Set(ALL.map((r) => `${stateOf(r.from)}:${eventNumber(r.event ?? r.input.type)}`));
  const missing: string[] = [];
  for (const st of STATES) {
    for (const n of Object.values(RFC_EVENTS)) {
      const key = `${st}:${n}`;
      if (!covered.has(key) && !UNREACHABLE.has(key)) missing.push(key);
    }
  }
  assert.deepEqual(missing, []);
  assert.ok(ALL.length >= 6 * 28 - UNREACHABLE.size);
});

test('event 20 is unreachable outside Connect/Active: an OPEN there is classified as 19 or 22', () => {
  const cases: [Setup, string][] = [
    ['Idle', 'BGPOpen'], ['OpenSent', 'BGPOpen'], ['OpenConfirm', 'BGPOpen'], ['Established', 'BGPOpen'],
  ];
  for (const [from, ev] of cases) assert.equal(step(setup(from), I.open()).event, ev, from);
  assert.equal(step(setup('OpenSent'), I.open({ holdTime: 1 })).event, 'BGPOpenMsgErr');
  // ...and in Connect/Active, 20 needs the DelayOpenTimer: without it the OPEN is event 19.
  assert.equal(step(setup('Connect'), I.open()).event, 'BGPOpen');
  assert.equal(step(setup('Connect/delayOpen'), I.open()).event, 'BGPOpen with DelayOpenTimer running');
});
