// TCP for BGP sessions (RFC 4271 §8) inside a given network namespace, from a process that lives in another:
// the sockets are created inside the namespace by the native addon (src/fib/native/nssock.c: setns there,
// socket(2), bind/listen for a listener, setns back) and handed to node:net by file descriptor — a listener
// through net.Server.listen({fd}), an outgoing connection as new net.Socket({fd}) then connect(). A socket
// stays in the namespace it was created in, so everything else (events, back-pressure, IPv4 and IPv6, the
// source address) is plain node:net, shared with tcp.ts. This is what lets one process host many speakers.
import { closeSync } from 'node:fs';
import net from 'node:net';
import { loadNetnsSockets, netnsPath, type NetnsSocketAddon } from '../../netns/sockets.js';
import { TcpTransport, type TcpTransportOptions } from './tcp.js';
import type { ListenOptions } from './types.js';

export class NetnsTcpTransport extends TcpTransport {
  readonly nsPath: string;
  private readonly addon: NetnsSocketAddon;

  constructor(readonly ns: string, opts: TcpTransportOptions & { addon?: NetnsSocketAddon } = {}) {
    super(opts);
    this.nsPath = netnsPath(ns);
    this.addon = opts.addon ?? loadNetnsSockets();
  }

  protected override newSocket(family: 4 | 6): net.Socket {
    const fd = this.addon.tcpSocket(this.nsPath, family);
    try {
      return new net.Socket({ fd, readable: true, writable: true });
    } catch (e) {
      // node:net did not take the fd: it is ours to close.
      closeFd(fd);
      throw e;
    }
  }

  protected override startListening(server: net.Server, o: ListenOptions, ready: () => void): void {
    const fd = this.addon.tcpListen(this.nsPath, o.address, o.port, o.ipv6Only === true, 511);
    server.once('error', () => closeFd(fd));
    server.listen({ fd }, ready);
  }
}

function closeFd(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed by node:net
  }
}
