// Freezing one hosted speaker (src/lab/host/freeze.ts), without root: timers due while frozen wait and fire on
// thaw (a cleared one never does); time itself goes on; a connection's data sent while frozen is not delivered
// until thaw, then in order and complete; a close while frozen is reported after thaw; a connection that
// arrives while frozen is accepted only at thaw.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/util/clock.js';
import { MemoryNetwork, type Connection } from '../../../src/bgp/transport/index.js';
import { FreezableClock, FreezableTransport, Freezer } from '../../../src/lab/host/freeze.js';

const tick = () => new Promise((r) => setImmediate(r));

test('timers: due while frozen, they fire at thaw; cleared ones never; now() goes on', () => {
  const inner = new FakeClock(0);
  const f = new Freezer();
  const c = new FreezableClock(f, inner);
  const fired: string[] = [];
  c.setTimeout(() => fired.push('a'), 100);
  const b = c.setTimeout(() => fired.push('b'), 200);
  c.setTimeout(() => fired.push('c'), 300);
  inner.advance(150);
  assert.deepEqual(fired, ['a']);
  f.freeze();
  inner.advance(1000);
  assert.deepEqual(fired, ['a'], 'nothing fires while frozen');
  assert.equal(c.now(), 1150);
  c.clearTimeout(b);
  f.thaw();
  assert.deepEqual(fired, ['a', 'c']);
});

test('connections: data and close wait while frozen, then arrive complete and in order; accepts wait too', async () => {
  const net = new MemoryNetwork();
  const f = new Freezer();
  const frozenSide = new FreezableTransport(net, f);
  const got: string[] = [];
  let closed: string | undefined;
  let accepted: Connection | null = null;
  await frozenSide.listen({ address: '192.0.2.1', port: 179 }, (conn) => {
    accepted = conn;
    conn.attach({ data: (d) => got.push(Buffer.from(d).toString()), close: (e) => { closed = e ?? 'closed'; }, drain: () => {} });
  });
  const peer = await new Promise<Connection>((resolve, reject) => net.connect({ remote: { address: '192.0.2.1', port: 179 } }, (e, c) => (e ? reject(new Error(e)) : resolve(c!))));
  peer.attach({ data: () => {}, close: () => {}, drain: () => {} });
  await tick();
  assert.ok(accepted, 'accepted while thawed');
  peer.write(Buffer.from('one'));
  await tick();
  assert.deepEqual(got, ['one']);
  f.freeze();
  peer.write(Buffer.from('two'));
  peer.write(Buffer.from('three'));
  await tick();
  await tick();
  assert.deepEqual(got, ['one'], 'nothing is read while frozen');
  peer.end();
  await tick();
  assert.equal(closed, undefined, 'the close waits too');
  f.thaw();
  await tick();
  await tick();
  assert.equal(got.join(''), 'onetwothree');
  assert.notEqual(closed, undefined);

  // A connection arriving while frozen is handed over only at thaw.
  accepted = null;
  f.freeze();
  net.connect({ remote: { address: '192.0.2.1', port: 179 } }, () => {});
  await tick();
  await tick();
  assert.equal(accepted, null);
  f.thaw();
  assert.notEqual(accepted, null);
});
