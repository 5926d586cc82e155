// Run inside a test namespace by reply-source.ns.test.ts (not a test itself): serves the example zone on the
// wildcard addresses 0.0.0.0 and :: with the given UDP backend, sends one query to each address given — all at
// once, from a client bound to 127.0.0.1 / ::1, so that they can share a batch — and prints, as one JSON line,
// the address each reply came from.
//   node dist/test/dns/ns-reply-source-child.js native|dgram ADDR...
import dgram from 'node:dgram';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDnsServer } from '../../src/dns/server.js';
import { exampleZone, identity, query } from './helpers.js';

const backend = process.argv[2] === 'dgram' ? 'dgram' : 'native';
const targets = process.argv.slice(3);
const server = createDnsServer({ zones: [exampleZone()], identity, udpBackend: backend,
  listen: [{ address: '0.0.0.0', port: 0, tcp: false }, { address: '::', port: 0, tcp: false }] });
const bound = await server.start();
const portOf = (v6: boolean) => bound.find((b) => b.family === (v6 ? 'IPv6' : 'IPv4'))!.port;

const sockets = await Promise.all([false, true].map(async (v6) => {
  const s = dgram.createSocket(v6 ? 'udp6' : 'udp4');
  await new Promise<void>((r) => s.bind(0, v6 ? '::1' : '127.0.0.1', r));
  return s;
}));
const from = new Map<number, string>();
for (const s of sockets) s.on('message', (m, rinfo) => from.set(m.readUInt16BE(0), rinfo.address));
targets.forEach((addr, i) => {
  const v6 = addr.includes(':');
  sockets[v6 ? 1 : 0]!.send(query('www.example.com', 'A', { id: 100 + i }), portOf(v6), addr);
});
for (let t = 0; t < 100 && from.size < targets.length; t++) await sleep(20);
const stats = server.stats();
process.stdout.write(JSON.stringify({
  backend: stats.udp.backend, maxBatch: stats.udp.maxBatch,
  replies: targets.map((asked, i) => ({ asked, from: from.get(100 + i) ?? null })),
}) + '\n');
for (const s of sockets) s.close();
await server.stop();
