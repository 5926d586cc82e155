// The DNS server: UDP and TCP listeners (IPv4 and IPv6) around the transport-free responder.
// RFC 1035 §4.2.1 (UDP), §4.2.2 and RFC 7766 (TCP: two-octet length prefix, several queries per connection,
// pipelined and answered in order, idle timeout, a bound on concurrent connections). Replies are never sent to a
// truncated or response-flagged packet (the responder decides); a failure inside the responder is counted and
// logged, never fatal. IPv6 sockets are IPv6-only: list 0.0.0.0 and :: separately for both families.
// UDP goes through the native batch listener (recvmmsg/sendmmsg, replies from the query's destination address)
// when the udpbatch addon is built, else through node:dgram; `udpBackend` forces one, stats().udp says which.
import net from 'node:net';
import type { Clock } from '../util/clock.js';
import { AnycastError, errorMessage } from '../util/errors.js';
import { type Logger, silentLogger } from '../util/log.js';
import { type Identity } from './answer/chaos.js';
import { type Responder, type ResponderStats, createResponder } from './answer/responder.js';
import type { RrlOptions } from './rrl.js';
import { frame, nextFrame } from './tcp-framing.js';
import { openNativeUdp } from './udp/batch-listener.js';
import { openDgramUdp } from './udp/dgram-listener.js';
import { type UdpBackend, type UdpBackendChoice, type UdpListener, type UdpListenerStats, addUdpStats, emptyUdpStats }
  from './udp/listener.js';
import { type UdpBatchAddon, loadUdpBatch } from './udp/native.js';
import type { Zone } from './zone/zone.js';

export interface ListenSpec {
  address: string;
  /** 0 picks a free port (the same one for UDP and TCP). */
  port: number;
  udp?: boolean;
  tcp?: boolean;
}

export interface TcpOptions {
  /** Close a connection idle for this long (RFC 7766 §6.2.3). Default 10000 ms. */
  idleTimeoutMs?: number;
  /** Concurrent connections at most; more are closed at once. Default 256. */
  maxConnections?: number;
  /** Queries answered on one connection before it is closed; 0 = no limit. Default 0. */
  maxQueriesPerConnection?: number;
}

export interface DnsServerOptions {
  zones: readonly Zone[];
  identity: Identity;
  listen: readonly ListenSpec[];
  rrl?: RrlOptions;
  udpPayload?: number;
  tcp?: TcpOptions;
  logger?: Logger;
  clock?: Clock;
  cacheEntries?: number;
  /** Kernel receive buffer for UDP sockets in bytes (absorbs bursts). Default 4 MiB (capped by rmem_max). */
  udpRecvBuffer?: number;
  /** 'auto' (default): native batching when the addon is built, else node:dgram. 'native' fails if it is not. */
  udpBackend?: UdpBackendChoice;
  /** Datagrams per batch on the native backend (1..1024). Default 64. */
  udpBatch?: number;
  /** Receive slot per datagram on the native backend (12..65536); larger datagrams are dropped. Default 65535. */
  udpSlotSize?: number;
}

export interface BoundAddress {
  transport: 'udp' | 'tcp';
  address: string;
  port: number;
  family: 'IPv4' | 'IPv6';
}

export interface DnsServerStats extends ResponderStats {
  /** The UDP backend in use ('native' = recvmmsg/sendmmsg batches), why not native if not, and its counters. */
  udp: UdpListenerStats & { backend: UdpBackend; fallbackReason?: string; batchSize?: number };
  tcp: { accepted: number; active: number; rejected: number; idleClosed: number };
  internalErrors: number;
  startedAt: string | undefined;
}

export interface DnsServer {
  /** Binds every listener; resolves with the bound addresses (ports resolved when 0 was asked). */
  start(): Promise<BoundAddress[]>;
  /** Closes every socket and connection; resolves when they are released. */
  stop(): Promise<void>;
  /** Swaps the zones (and identity) atomically for the next query; the reply cache is emptied. */
  reload(zones: readonly Zone[], identity?: Identity): void;
  stats(): DnsServerStats;
  addresses(): BoundAddress[];
  readonly responder: Responder;
}

/** A listener could not be bound (address in use, not local, no permission). */
export class DnsListenError extends AnycastError {
  constructor(what: string, cause: unknown) {
    super('ERR_DNS_LISTEN', `cannot listen on ${what}: ${errorMessage(cause)}`, { cause });
  }
}

/** udpBackend 'native' was asked for but the addon is not available. */
export class DnsUdpBackendError extends AnycastError {
  constructor(reason: string) {
    super('ERR_DNS_UDP_BACKEND', `the native UDP backend is not available: ${reason}`);
  }
}

const MAX_TCP_BACKLOG_BYTES = 1 << 20;

export function createDnsServer(opts: DnsServerOptions): DnsServer {
  const log = opts.logger ?? silentLogger;
  const responder = createResponder({
    zones: opts.zones, identity: opts.identity, udpPayload: opts.udpPayload, rrl: opts.rrl, clock: opts.clock,
    logger: log, cacheEntries: opts.cacheEntries,
  });
  const idleMs = opts.tcp?.idleTimeoutMs ?? 10_000;
  const maxConns = opts.tcp?.maxConnections ?? 256;
  const maxQueries = opts.tcp?.maxQueriesPerConnection ?? 0;
  const udpListeners: UdpListener[] = [];
  let udpClosed = emptyUdpStats(); // counters of listeners already closed
  const choice = opts.udpBackend ?? 'auto';
  const batchSize = Math.max(1, Math.min(1024, Math.floor(opts.udpBatch ?? 64)));
  const slotSize = Math.max(12, Math.min(65536, Math.floor(opts.udpSlotSize ?? 65535)));
  const recvBuffer = opts.udpRecvBuffer ?? 4 << 20;
  // Decided once, when the server is created: stats() tells the truth before start() too.
  const load = choice === 'dgram' ? undefined : loadUdpBatch();
  const native: UdpBatchAddon | undefined = load?.addon;
  const backend: UdpBackend = native ? 'native' : 'dgram';
  const fallbackReason = load === undefined ? 'udpBackend is dgram' : load.addon ? undefined : load.reason;
  let backendLogged = false;
  const checkBackend = () => {
    if (choice === 'native' && !native) throw new DnsUdpBackendError(fallbackReason ?? 'unknown');
    if (choice === 'auto' && !native && !backendLogged) {
      backendLogged = true;
      log.warn('native UDP batching not available; using node:dgram (one system call per datagram)',
        { reason: fallbackReason });
    }
  };
  const tcpServers: net.Server[] = [];
  const conns = new Set<net.Socket>();
  let bound: BoundAddress[] = [];
  const tcpStats = { accepted: 0, rejected: 0, idleClosed: 0 };
  let internalErrors = 0;
  let startedAt: string | undefined;
  let lastErrorLog = 0;

  const internal = (e: unknown, where: string) => {
    internalErrors++;
    const now = Date.now();
    if (now - lastErrorLog > 1000) {
      lastErrorLog = now;
      log.error('internal error answering a query', { where, error: errorMessage(e) });
    }
  };

  const onTcp = (sock: net.Socket) => {
    if (conns.size >= maxConns) {
      tcpStats.rejected++;
      sock.destroy();
      return;
    }
    tcpStats.accepted++;
    conns.add(sock);
    sock.setNoDelay(true);
    sock.setTimeout(idleMs);
    let pending: Buffer = Buffer.alloc(0);
    let answered = 0;
    const address = sock.remoteAddress ?? '';
    sock.on('timeout', () => {
      tcpStats.idleClosed++;
      sock.destroy();
    });
    sock.on('error', () => sock.destroy());
    sock.on('close', () => conns.delete(sock));
    sock.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      for (;;) {
        const f = nextFrame(pending);
        if (f.kind === 'incomplete') break;
        pending = f.rest;
        let out: Buffer | null = null;
        try {
          out = responder.handle(f.bytes, { address, transport: 'tcp' });
        } catch (e) {
          internal(e, 'tcp');
        }
        if (out) sock.write(frame(out));
        if (sock.writableLength > MAX_TCP_BACKLOG_BYTES) {
          // A client that pipelines queries but does not read the replies: stop serving it.
          sock.destroy();
          return;
        }
        if (maxQueries > 0 && ++answered >= maxQueries) {
          sock.end();
          return;
        }
      }
    });
  };

  const bindUdp = async (spec: ListenSpec, port: number): Promise<UdpListener> => {
    if (native) {
      return openNativeUdp(native, spec.address, port, { batch: batchSize, slotSize, recvBuffer, sendBuffer: recvBuffer },
        responder.respondInto, internal);
    }
    return openDgramUdp(spec.address, port, recvBuffer, responder.handle, internal);
  };

  const bindTcp = (spec: ListenSpec, port: number): Promise<net.Server> => new Promise((resolve, reject) => {
    const srv = net.createServer(onTcp);
    srv.once('error', reject);
    srv.listen({ port, host: spec.address, ipv6Only: spec.address.includes(':'), backlog: 511 }, () => {
      srv.off('error', reject);
      srv.on('error', (e) => internal(e, 'tcp listener'));
      resolve(srv);
    });
  });

  const closeAll = async () => {
    for (const c of conns) c.destroy();
    conns.clear();
    await Promise.all([
      ...udpListeners.splice(0).map((u) => {
        udpClosed = addUdpStats(udpClosed, u.stats());
        return u.close();
      }),
      ...tcpServers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))),
    ]);
    bound = [];
  };

  return {
    responder,
    async start() {
      if (startedAt !== undefined) throw new AnycastError('ERR_DNS_STATE', 'the DNS server is already started');
      checkBackend();
      try {
        for (const spec of opts.listen) {
          const wantUdp = spec.udp ?? true;
          const wantTcp = spec.tcp ?? true;
          const fam: BoundAddress['family'] = spec.address.includes(':') ? 'IPv6' : 'IPv4';
          // With port 0, UDP picks the port and TCP must get the same one; retry if TCP finds it taken.
          for (let attempt = 0; ; attempt++) {
            let u: UdpListener | undefined;
            try {
              let port = spec.port;
              if (wantUdp) {
                u = await bindUdp(spec, port);
                port = u.port;
              }
              if (wantTcp) {
                const t = await bindTcp(spec, port);
                tcpServers.push(t);
                port = (t.address() as net.AddressInfo).port;
                bound.push({ transport: 'tcp', address: spec.address, port, family: fam });
              }
              if (u) {
                udpListeners.push(u);
                bound.push({ transport: 'udp', address: spec.address, port, family: fam });
              }
              break;
            } catch (e) {
              if (u) await u.close();
              const inUse = (e as NodeJS.ErrnoException).code === 'EADDRINUSE';
              if (spec.port === 0 && inUse && attempt < 20) continue;
              throw new DnsListenError(`${spec.address} port ${spec.port}`, e);
            }
          }
        }
      } catch (e) {
        await closeAll();
        throw e;
      }
      startedAt = new Date().toISOString();
      log.info('dns server listening', { addresses: bound.map((b) => `${b.transport}/${b.address}:${b.port}`),
        udpBackend: backend, ...(backend === 'native' ? { udpBatch: batchSize } : { fallbackReason }) });
      return [...bound];
    },
    async stop() {
      await closeAll();
      if (startedAt !== undefined) log.info('dns server stopped');
      startedAt = undefined;
    },
    reload(zones, identity) {
      responder.reload(zones, identity);
    },
    addresses: () => [...bound],
    stats() {
      const u = udpListeners.reduce((acc, l) => addUdpStats(acc, l.stats()), udpClosed);
      const udp: DnsServerStats['udp'] = { backend, ...u };
      if (backend === 'native') udp.batchSize = batchSize;
      else if (fallbackReason !== undefined) udp.fallbackReason = fallbackReason;
      return { ...responder.stats(), udp, tcp: { ...tcpStats, active: conns.size }, internalErrors, startedAt };
    },
  };
}
