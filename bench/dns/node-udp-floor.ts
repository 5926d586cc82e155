// The floor of Node's UDP path on this machine: a server that does nothing but patch the ID into a fixed reply
// and send it. No parsing, no lookup. What our responder reaches relative to this is what our own code costs;
// what this reaches relative to NSD is what the runtime's per-datagram path costs (no recvmmsg/sendmmsg in
// node:dgram). Usage: node dist/bench/dns/node-udp-floor.js PORT
import dgram from 'node:dgram';

const port = Number(process.argv[2] ?? 0);
// www.bench.example. A 192.0.2.1, as a reply template (ID patched per query).
const reply = Buffer.from('000085000001000100000000037777770562656e6368076578616d706c650000010001c00c000100010000012c0004c0000201', 'hex');
// Same socket set-up as the responder (identity lookup for the reply address), so the floor is comparable.
const s = dgram.createSocket({ type: 'udp4',
  lookup: (a: string, _f: unknown, cb: (e: Error | null, a: string, f: number) => void) => cb(null, a, 4) } as dgram.SocketOptions);
s.on('message', (m, r) => {
  const b = Buffer.allocUnsafe(reply.length);
  reply.copy(b);
  b[0] = m[0]!;
  b[1] = m[1]!;
  s.send(b, r.port, r.address);
});
s.bind(port, '127.0.0.1', () => {
  try { s.setRecvBufferSize(4 << 20); } catch { /* capped by rmem_max */ }
  process.stdout.write(`ready ${s.address().port}\n`);
});
process.on('SIGTERM', () => s.close(() => process.exit(0)));
