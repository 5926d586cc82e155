// The node:dgram UDP listener: the portable fallback when the native batch listener is not built (non-Linux, no
// C compiler) or not wanted. RFC 1035 §4.2.1. One recvmsg, one JS callback and one sendmsg per datagram; replies
// leave from the address the kernel picks for the destination, which is the bound address for a socket bound to
// one address (bind each anycast address explicitly with this backend; 0.0.0.0 can answer from the wrong one).
// IPv6 sockets are IPv6-only.
import dgram from 'node:dgram';
import type { ClientInfo } from '../answer/responder.js';
import { type Handle, type UdpListener, emptyUdpStats } from './listener.js';

export function openDgramUdp(address: string, port: number, recvBuffer: number, handle: Handle,
  onError: (e: unknown, where: string) => void): Promise<UdpListener> {
  return new Promise((resolve, reject) => {
    const v6 = address.includes(':');
    // Replies go to the address a query came from, always an IP literal: an identity lookup spares every send
    // the default dns.lookup() round (a regex and a nextTick), about a tenth of the per-packet CPU (bench/dns).
    const s = dgram.createSocket({ type: v6 ? 'udp6' : 'udp4', ipv6Only: v6,
      lookup: (a: string, _family: unknown, cb: (e: Error | null, a: string, f: number) => void) =>
        cb(null, a, v6 ? 6 : 4) } as dgram.SocketOptions);
    const st = emptyUdpStats();
    const fail = (e: Error) => {
      s.close();
      reject(e);
    };
    s.once('error', fail);
    s.bind(port, address, () => {
      s.off('error', fail);
      try {
        s.setRecvBufferSize(recvBuffer);
      } catch {
        // The kernel may cap it (net.core.rmem_max); the default buffer still works.
      }
      // Without a send callback (which would cost a closure per reply), a failed send arrives here.
      s.on('error', (e) => {
        st.sendErrors++;
        onError(e, 'udp socket');
      });
      s.on('message', (msg, rinfo) => {
        st.datagrams++;
        let out: Buffer | null = null;
        try {
          const client: ClientInfo = { address: rinfo.address, transport: 'udp' };
          out = handle(msg, client);
        } catch (e) {
          onError(e, 'udp');
        }
        if (out) s.send(out, rinfo.port, rinfo.address);
      });
      let closed: Promise<void> | undefined;
      resolve({
        backend: 'dgram',
        port: s.address().port,
        stats: () => ({ ...st, batches: st.datagrams, maxBatch: st.datagrams > 0 ? 1 : 0 }),
        close: () => (closed ??= new Promise<void>((r) => s.close(() => r()))),
      });
    });
  });
}
