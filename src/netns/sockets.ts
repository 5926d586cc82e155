// Sockets of other network namespaces, from a process that lives in its own (network_namespaces(7)): a socket
// belongs to the namespace it was created in, for its whole life, whatever thread uses it later. The native
// addon (src/fib/native/nssock.c) creates TCP sockets there and hands their fds over; node:dgram cannot adopt
// an fd, so a UDP socket is bound by node itself while the addon holds this thread in the namespace (inNetns),
// its address lookup answering at once so that the bind, and with it socket(2), happens inside that call.
import dgram from 'node:dgram';
import { loadRtnl, rtnlLoadError, type RtnlAddon } from '../fib/netlink.js';
import { AnycastError } from '../util/errors.js';

/** The namespace-socket half of the native addon. */
export interface NetnsSocketAddon {
  tcpSocket(nsPath: string | null, family: 4 | 6): number;
  tcpListen(nsPath: string | null, address: string, port: number, v6only: boolean, backlog: number): number;
  localPort(fd: number): number;
  /** Runs fn with this thread in nsPath and returns its result; the thread is back before this returns. */
  inNetns<T>(nsPath: string | null, fn: () => T): T;
}

export class NetnsUnavailableError extends AnycastError {
  constructor(reason: string) {
    super('ERR_NETNS_ADDON', `sockets in other network namespaces need the native addon: ${reason}`);
  }
}

const REBUILD = 'the built addon predates namespace sockets (node src/fib/native/build.mjs --force)';

/** The addon, or an error saying why it cannot be had (not built, or built before namespace sockets). */
export function loadNetnsSockets(): NetnsSocketAddon {
  const a = loadRtnl() as (RtnlAddon & Partial<NetnsSocketAddon>) | null;
  if (a === null) throw new NetnsUnavailableError(rtnlLoadError());
  if (typeof a.tcpListen !== 'function' || typeof a.tcpSocket !== 'function' || typeof a.inNetns !== 'function') {
    throw new NetnsUnavailableError(REBUILD);
  }
  return a as NetnsSocketAddon;
}

/** `ns` as `ip netns` names it (its file under /run/netns), or an absolute path to a namespace file. */
export function netnsPath(ns: string): string {
  return ns.startsWith('/') ? ns : `/run/netns/${ns}`;
}

/**
 * A UDP socket of namespace `ns`, bound there to `address` (default the wildcard) and `port` (default an
 * ephemeral one). It is ready when this returns; a bind error (EADDRNOTAVAIL: no such address in the
 * namespace, EADDRINUSE) is thrown.
 */
export function udpSocketIn(ns: string, family: 4 | 6, bind: { address?: string; port?: number } = {}, addon: NetnsSocketAddon = loadNetnsSockets()): dgram.Socket {
  const sock = dgram.createSocket({
    type: family === 6 ? 'udp6' : 'udp4',
    // An address literal answered at once: node binds (and creates the socket) inside the bind call.
    lookup: (host, _opts, cb) => (cb as (e: Error | null, a: string, f: number) => void)(null, host, family),
  });
  let failed: Error | undefined;
  sock.once('error', (e) => { failed = e; });
  const address = bind.address ?? (family === 6 ? '::' : '0.0.0.0');
  addon.inNetns(netnsPath(ns), () => sock.bind({ port: bind.port ?? 0, address, exclusive: true }));
  let bound = false;
  try {
    bound = sock.address().port > 0;
  } catch {
    // not bound: the error says why
  }
  if (!bound) {
    sock.close();
    throw new AnycastError('ERR_NETNS_SOCKET', `udp socket in ${ns} on ${address}: ${failed?.message ?? 'not bound inside the namespace'}`);
  }
  return sock;
}
