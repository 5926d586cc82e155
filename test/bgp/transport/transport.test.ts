// Both transports behave alike where the session layer can tell: ordered bytes, asynchronous delivery, end()
// delivers what was written before the close, destroy() resets, a refused connection is an error, a reader that
// pauses backs the writer up. Real TCP on 127.0.0.1 / 127.0.0.2 / ::1 with random ports; in-memory pairs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryNetwork, TcpTransport, type Connection, type Transport } from '../../../src/bgp/transport/index.js';

interface Probe { conn: Connection; got: Uint8Array[]; closed: string | null; drains: number }
function probe(conn: Connection): Probe {
  const p: Probe = { conn, got: [], closed: null, drains: 0 };
  conn.attach({ data: (c) => p.got.push(Uint8Array.from(c)), close: (e) => { p.closed = e ?? ''; }, drain: () => { p.drains++; } });
  return p;
}
const total = (p: Probe) => p.got.reduce((a, c) => a + c.length, 0);
const joined = (p: Probe) => { const out = new Uint8Array(total(p)); let o = 0; for (const c of p.got) { out.set(c, o); o += c.length; } return out; };
async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) { if (Date.now() > end) throw new Error('timeout'); await new Promise((r) => setTimeout(r, 2)); }
}

async function connected(t: Transport, address: string, localAddress?: string): Promise<{ client: Probe; server: Probe; close: () => Promise<void> }> {
  let server: Probe | null = null;
  const l = await t.listen({ address, port: 0 }, (c) => { server = probe(c); });
  const client = await new Promise<Probe>((res, rej) => t.connect({ remote: l.local, ...(localAddress !== undefined ? { localAddress } : {}) },
    (e, c) => (e !== null ? rej(new Error(e)) : res(probe(c!)))));
  await waitFor(() => server !== null);
  return { client, server: server!, close: () => l.close() };
}

const cases: [string, () => Transport, string, string | undefined][] = [
  ['TCP IPv4', () => new TcpTransport(), '127.0.0.1', '127.0.0.2'],
  ['TCP IPv6', () => new TcpTransport(), '::1', undefined],
  ['memory', () => new MemoryNetwork(), '192.0.2.1', '192.0.2.2'],
];

for (const [name, make, addr, local] of cases) {
  test(`${name}: bytes in order both ways, endpoints, end() after data, asynchronous delivery`, async () => {
    const t = make();
    const { client, server, close } = await connected(t, addr, local);
    assert.equal(client.conn.remote.address, addr);
    assert.equal(server.conn.remote.address, local ?? addr);
    assert.equal(server.conn.local.port, client.conn.remote.port);
    const big = Uint8Array.from({ length: 200_000 }, (_, i) => i & 255);
    client.conn.write(big.subarray(0, 1));
    assert.equal(total(server), 0, 'never delivered inside write()');
    client.conn.write(big.subarray(1));
    server.conn.write(Uint8Array.of(9, 8, 7));
    await waitFor(() => total(server) === big.length && total(client) === 3);
    assert.deepEqual(joined(server), big);
    client.conn.write(Uint8Array.of(1, 2, 3));
    client.conn.end();
    await waitFor(() => server.closed !== null);
    assert.deepEqual([...joined(server).subarray(big.length)], [1, 2, 3], 'data written before end() arrives before the close');
    assert.equal(client.closed, null, 'no handler call after our own end()');
    await close();
  });

  test(`${name}: destroy() is seen as a failure; connecting to nobody is refused`, async () => {
    const t = make();
    const { client, server, close } = await connected(t, addr, local);
    server.conn.destroy();
    await waitFor(() => client.closed !== null);
    assert.notEqual(client.closed, 'connection closed by peer');
    await close();
    const port = (await (async () => { const l = await t.listen({ address: addr, port: 0 }, () => {}); const p = l.local.port; await l.close(); return p; })());
    const err = await new Promise<string | null>((res) => t.connect({ remote: { address: addr, port } }, (e) => res(e)));
    assert.equal(err, 'ECONNREFUSED');
  });

  test(`${name}: a reader that pauses makes the writer's buffer grow; resume delivers everything`, async () => {
    const t = make();
    const { client, server, close } = await connected(t, addr, local);
    server.conn.pauseReading();
    const chunk = new Uint8Array(64 * 1024);
    let ok = true, sent = 0, buffered = 0;
    for (let i = 0; i < 200 && ok; i++) {
      ok = client.conn.write(chunk);
      sent += chunk.length;
      // Read at once: once the loop turns, the kernel may take some of it (receive buffers grow by autotuning).
      buffered = client.conn.writeBuffered;
      await new Promise((r) => setImmediate(r));
    }
    assert.equal(ok, false, 'back-pressure');
    assert.ok(buffered > 0, 'bytes held in the writer when write() said so');
    server.conn.resumeReading();
    await waitFor(() => total(server) === sent, 10_000);
    await waitFor(() => client.drains > 0);
    client.conn.destroy(); server.conn.destroy();
    await close();
  });
}
