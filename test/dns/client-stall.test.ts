// The DNS client's timeout does not beat an answer that arrived in time while this process was not running: the
// responder (a worker thread, with its own event loop) answers while the main thread is blocked past the
// deadline; when the main thread runs again, the reply is in the socket and must be taken.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { queryDns } from '../../src/dns/client.js';

// flags[0]: the query reached the responder; flags[1]: the main thread is blocked; flags[2]: the reply is sent.
const RESPONDER = `
const dgram = require('node:dgram');
const { parentPort, workerData } = require('node:worker_threads');
const flags = new Int32Array(workerData);
const sock = dgram.createSocket('udp4');
sock.on('message', (q, rinfo) => {
  Atomics.store(flags, 0, 1);
  Atomics.wait(flags, 1, 0, 5000);
  const reply = Buffer.from(q);
  reply[2] |= 0x80;
  sock.send(reply, rinfo.port, rinfo.address, () => { Atomics.store(flags, 2, 1); });
});
sock.bind(0, '127.0.0.1', () => parentPort.postMessage(sock.address().port));
`;

/** Blocks this thread until the reply is sent to us and `minMs` have passed since `from` (at most 5 s). */
function blockUntilAnswered(flags: Int32Array, from: number, minMs: number): void {
  Atomics.store(flags, 1, 1);
  Atomics.notify(flags, 1);
  const until = performance.now() + 5000;
  while (performance.now() < until && (Atomics.load(flags, 2) !== 1 || performance.now() - from < minMs)) { /* blocked */ }
}

test('a UDP reply received while the process was blocked past the timeout is the answer, not a timeout', async () => {
  const flags = new Int32Array(new SharedArrayBuffer(12));
  const worker = new Worker(RESPONDER, { eval: true, workerData: flags.buffer });
  try {
    const port = await new Promise<number>((res) => worker.once('message', res));
    const timeoutMs = 100;
    const started = performance.now();
    const reply = queryDns({ server: '127.0.0.1', port, name: 'example.', type: 'A', edns: false, timeoutMs });
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (Atomics.load(flags, 0) !== 1) return;
        clearInterval(poll);
        // Blocked in the check phase: the loop's next turn runs its timers (its clock past the deadline) before
        // it reads the sockets, as when the process was descheduled.
        setImmediate(() => {
          blockUntilAnswered(flags, started, 2 * timeoutMs);
          resolve();
        });
      }, 1);
    });
    assert.ok(performance.now() - started >= 2 * timeoutMs, 'the deadline passed while blocked');
    const r = await reply;
    assert.equal(r.rcode, 'NOERROR');
    assert.ok(r.rttMs > timeoutMs, `rtt ${r.rttMs} includes the pause`);
  } finally {
    await worker.terminate();
  }
});
