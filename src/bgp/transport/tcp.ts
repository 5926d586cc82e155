// Real TCP for BGP sessions (RFC 4271 §8: port 179, one connection per session) over node:net, IPv4 and IPv6,
// with a configurable source address and port.
//
// Deliberate limits of node:net, documented in docs/session.md:
//  - No IP_TTL / IPV6_UNICAST_HOPS setter for TCP sockets (only UDP sockets have setTTL), and no IP_MINTTL: the
//    outgoing TTL is the system default (net.ipv4.ip_default_ttl, 64 on Linux), so eBGP multihop up to 64 hops
//    works without configuration, but a TTL of 1 for directly connected eBGP and GTSM (RFC 5082) cannot be set
//    per socket. Where GTSM is required, set the namespace's default TTL to 255 and filter on TTL with nftables.
//  - No TCP MD5 signature (RFC 2385) or TCP-AO (RFC 5925): they need setsockopt(TCP_MD5SIG).
// Nagle is off (KEEPALIVEs and small UPDATEs must not wait); bulk senders write whole batches at once.
import net from 'node:net';
import { canonicalAddress } from './address.js';
import type {
  ConnectAttempt, ConnectCallback, ConnectOptions, Connection, ConnectionHandlers, Endpoint, Listener,
  ListenOptions, Transport,
} from './types.js';

function endpoint(address: string | undefined, port: number | undefined): Endpoint {
  return { address: canonicalAddress(address ?? '') ?? (address ?? ''), port: port ?? 0 };
}

class TcpConnection implements Connection {
  readonly local: Endpoint;
  readonly remote: Endpoint;
  private handlers: ConnectionHandlers | null = null;
  private done = false;
  private error: string | undefined;

  constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    this.local = endpoint(socket.localAddress, socket.localPort);
    this.remote = endpoint(socket.remoteAddress, socket.remotePort);
    socket.on('error', (e: NodeJS.ErrnoException) => {
      this.error = e.code ?? e.message;
    });
    socket.on('close', () => {
      if (this.done) return;
      this.done = true;
      this.handlers?.close(this.error ?? 'connection closed by peer');
    });
    // The peer's FIN: BGP has no half-close; report the end at once rather than waiting for our side.
    socket.on('end', () => {
      if (this.done) return;
      this.done = true;
      this.handlers?.close('connection closed by peer');
      socket.destroy();
    });
    socket.on('drain', () => {
      if (!this.done) this.handlers?.drain();
    });
  }

  attach(h: ConnectionHandlers): void {
    this.handlers = h;
    // Adding the 'data' listener starts the flow; nothing is read before, so nothing is lost.
    this.socket.on('data', (chunk: Buffer) => {
      if (!this.done) h.data(chunk);
    });
    if (this.socket.destroyed && !this.done) {
      this.done = true;
      h.close(this.error ?? 'connection closed');
    }
  }

  write(bytes: Uint8Array): boolean {
    if (this.done || this.socket.destroyed) return false;
    return this.socket.write(bytes);
  }

  get writeBuffered(): number {
    return this.socket.writableLength;
  }

  pauseReading(): void {
    this.socket.pause();
  }

  resumeReading(): void {
    this.socket.resume();
  }

  end(): void {
    if (this.done) return;
    this.done = true;
    this.socket.end();
    // A peer that never reads would keep the socket (and our NOTIFICATION) forever: give it a few seconds.
    const t = setTimeout(() => this.socket.destroy(), 5000);
    t.unref();
    this.socket.once('close', () => clearTimeout(t));
  }

  destroy(): void {
    this.done = true;
    // resetAndDestroy sends an RST (node >= 16.17) so the peer learns at once; fall back to destroy.
    const s = this.socket as net.Socket & { resetAndDestroy?: () => void };
    if (typeof s.resetAndDestroy === 'function' && !s.destroyed && s.readyState === 'open') s.resetAndDestroy();
    else s.destroy();
  }
}

class TcpListener implements Listener {
  constructor(private readonly server: net.Server, readonly local: Endpoint) {}
  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export interface TcpTransportOptions {
  /** Keep the process alive while sockets are open (default true). */
  readonly ref?: boolean;
}

export class TcpTransport implements Transport {
  constructor(protected readonly opts: TcpTransportOptions = {}) {}

  /** The unconnected socket an outgoing connection starts from (netns.ts makes it inside a namespace). */
  protected newSocket(_family: 4 | 6): net.Socket {
    return new net.Socket();
  }

  /** Starts `server` listening; netns.ts hands it a socket bound inside a namespace instead. */
  protected startListening(server: net.Server, o: ListenOptions, ready: () => void): void {
    server.listen({ host: o.address, port: o.port, ...(o.ipv6Only === true ? { ipv6Only: true } : {}) }, ready);
  }

  connect(o: ConnectOptions, cb: ConnectCallback): ConnectAttempt {
    let settled = false;
    const family = o.remote.address.includes(':') ? 6 : 4;
    let socket: net.Socket;
    try {
      socket = this.newSocket(family);
    } catch (e) {
      const err = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      setImmediate(() => cb(err, null));
      return { cancel: () => {} };
    }
    socket.connect({
      host: o.remote.address, port: o.remote.port, family, noDelay: true,
      ...(o.localAddress !== undefined ? { localAddress: o.localAddress } : {}),
      ...(o.localPort !== undefined && o.localPort !== 0 ? { localPort: o.localPort } : {}),
    });
    if (this.opts.ref === false) socket.unref();
    let timer: NodeJS.Timeout | undefined;
    const finish = (err: string | null) => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      socket.removeListener('error', onError);
      if (err !== null) {
        socket.destroy();
        cb(err, null);
      } else {
        cb(null, new TcpConnection(socket));
      }
    };
    const onError = (e: NodeJS.ErrnoException) => finish(e.code ?? e.message);
    socket.once('error', onError);
    socket.once('connect', () => finish(null));
    if (o.timeoutMs !== undefined) {
      timer = setTimeout(() => finish('ETIMEDOUT'), o.timeoutMs);
      timer.unref();
    }
    return {
      cancel: () => {
        if (settled) return;
        settled = true;
        if (timer !== undefined) clearTimeout(timer);
        socket.destroy();
      },
    };
  }

  listen(o: ListenOptions, onConnection: (conn: Connection) => void): Promise<Listener> {
    return new Promise((resolve, reject) => {
      const server = net.createServer({ noDelay: true }, (socket) => {
        if (this.opts.ref === false) socket.unref();
        onConnection(new TcpConnection(socket));
      });
      server.once('error', reject);
      const ready = () => {
        server.removeListener('error', reject);
        if (this.opts.ref === false) server.unref();
        const a = server.address() as net.AddressInfo;
        resolve(new TcpListener(server, endpoint(a.address, a.port)));
      };
      try {
        this.startListening(server, o, ready);
      } catch (e) {
        server.close();
        reject(e);
      }
    });
  }
}
