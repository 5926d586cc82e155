// Connection collisions at the session layer (RFC 4271 §6.8, §8.2.1.2: one FSM per connection) in the orders
// a busy event loop produces: an incoming connection accepted in the same turn as a ConnectRetryTimer that is
// already due but whose callback has not run yet. Deterministic, on the in-memory transport under a FakeClock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../../../src/util/clock.js';
import type { ConnectCallback, ConnectOptions, Transport } from '../../../src/bgp/transport/types.js';
import { MemoryNetwork } from '../../../src/bgp/transport/memory.js';
import { B_ADDR, pair, settle, until } from './helpers.js';

const S = 1000;

/** A FakeClock whose now() runs `lag` ms ahead of its timers: a timer already due whose callback is late. */
class LateClock extends FakeClock {
  lag = 0;
  override now(): number {
    return super.now() + this.lag;
  }
}

/**
 * The in-memory network, with connections to B's address lost (never answered: A stays in Connect) or reset
 * right after they open (A falls back from OpenSent to Active) while `mode` says so.
 */
class GateTransport implements Transport {
  mode: 'open' | 'lost' | 'reset' = 'open';
  constructor(readonly inner: MemoryNetwork) {}
  connect(o: ConnectOptions, cb: ConnectCallback) {
    if (o.remote.address === B_ADDR && this.mode === 'lost') return { cancel: () => {} };
    if (o.remote.address === B_ADDR && this.mode === 'reset') return this.inner.connect({ ...o, remote: { address: B_ADDR, port: RESET_PORT } }, cb);
    return this.inner.connect(o, cb);
  }
  listen(o: Parameters<Transport['listen']>[0], on: Parameters<Transport['listen']>[1]) {
    return this.inner.listen(o, on);
  }
}

const RESET_PORT = 1179;

for (const [mode, waiting] of [['lost', 'Connect'], ['reset', 'Active']] as const) {
  test(`an incoming connection accepted in ${waiting} while the ConnectRetryTimer is due: no FSM error, one session`, async () => {
    const clock = new LateClock(0);
    const net = new MemoryNetwork();
    await net.listen({ address: B_ADDR, port: RESET_PORT }, (c) => queueMicrotask(() => c.destroy()));
    const gate = new GateTransport(net);
    const { a, b } = await pair({ clock, transport: gate, a: { connectRetryTime: 2 } });
    // A's first attempt gets nowhere: A waits in Connect/Active with its ConnectRetryTimer due at 2 s.
    gate.mode = mode;
    a.peer.start();
    await settle();
    assert.equal(a.peer.status().state, waiting);
    clock.advance(2 * S - 1);
    await settle();
    assert.equal(a.peer.status().state, waiting);
    gate.mode = 'open';
    // The ConnectRetryTimer is now due but its callback is late; B's connection arrives in this very turn.
    clock.lag = 1;
    b.peer.start();
    assert.ok(await until(clock, () => a.peer.established && b.peer.established, 30 * S));
    await until(clock, () => false, 60 * S, 500);
    const fsmErrors = [...a.rec.all('notification'), ...b.rec.all('notification')].filter((n) => n.code === 5);
    assert.deepEqual(fsmErrors.map((n) => n.text), [], 'no FSM Error NOTIFICATION on either side');
    assert.ok(a.peer.established && b.peer.established);
    assert.equal(a.rec.count('established'), 1, 'A established once, no flap');
    assert.equal(b.rec.count('established'), 1, 'B established once, no flap');
    assert.equal(a.peer.status().connections.length, 1);
    assert.equal(b.peer.status().connections.length, 1);
    // Both ends of the session are the same TCP connection.
    assert.equal(a.peer.session!.local.port, b.peer.session!.remote.port);
    assert.equal(a.peer.session!.remote.port, b.peer.session!.local.port);
  });
}

/** The in-memory network with the connecting side told of its connection only after the listening side. */
class LateConnectTransport implements Transport {
  constructor(readonly inner: MemoryNetwork) {}
  connect(o: ConnectOptions, cb: ConnectCallback) {
    return this.inner.connect(o, (e, c) => {
      void settle(5).then(() => cb(e, c));
    });
  }
  listen(o: Parameters<Transport['listen']>[0], on: Parameters<Transport['listen']>[1]) {
    return this.inner.listen(o, on);
  }
}

test('both connect at once and each accepts the other\'s connection before its own completes: one session at once, no retry', async () => {
  const clock = new FakeClock(0);
  const { a, b } = await pair({ clock, transport: new LateConnectTransport(new MemoryNetwork()) });
  a.peer.start();
  b.peer.start();
  await settle(60);
  // Both connections reached the other side, and neither side abandoned its own for the other's: §6.8 keeps
  // one, with no time passing (no ConnectRetryTimer or IdleHoldTimer wait).
  assert.ok(a.peer.established && b.peer.established, `A ${a.peer.status().state}, B ${b.peer.status().state}`);
  assert.equal(clock.now(), 0);
  assert.equal(a.peer.session!.local.port, b.peer.session!.remote.port);
  // B's identifier is higher: the connection B initiated survives (RFC 4271 §6.8), on both sides.
  assert.equal(a.peer.session!.initiator, 'remote');
  assert.equal(b.peer.session!.initiator, 'local');
  const sent = (s: typeof a) => s.rec.all('notification').filter((n) => n.direction === 'sent').map((n) => n.text);
  assert.deepEqual(sent(a), ['Cease / Connection Collision Resolution']);
  assert.deepEqual(sent(b), ['Cease / Connection Collision Resolution']);
  await until(clock, () => false, 60 * S, 500);
  assert.equal(a.rec.count('established'), 1);
  assert.equal(b.rec.count('established'), 1);
  assert.equal(a.rec.count('down'), 0);
  assert.equal(a.peer.status().connections.length, 1);
  assert.equal(b.peer.status().connections.length, 1);
});
