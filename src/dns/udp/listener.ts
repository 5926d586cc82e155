// The UDP side of the DNS server, whichever backend carries it: the native batch listener (recvmmsg/sendmmsg,
// native/udpbatch) or node:dgram (one system call and one JS callback per datagram; the portable fallback).
// Both hand every datagram to the same responder and report the same counters.
import type { ClientInfo } from '../answer/responder.js';

export type UdpBackend = 'native' | 'dgram';
/** 'auto': native when the addon is built and loads, else dgram (said once in the log). */
export type UdpBackendChoice = 'auto' | UdpBackend;

export interface UdpListenerStats {
  /** Datagrams received. */
  datagrams: number;
  /** Wake-ups that received datagrams (dgram: one per datagram). */
  batches: number;
  /** Most datagrams taken in one batch. */
  maxBatch: number;
  /** Datagrams larger than a receive slot: dropped unanswered (native backend with a slot below 65535 only). */
  oversize: number;
  /** Replies the kernel refused (no route, send buffer full). */
  sendErrors: number;
  recvErrors: number;
}

export interface UdpListener {
  readonly backend: UdpBackend;
  readonly port: number;
  stats(): UdpListenerStats;
  /** Resolves when the socket is closed and its port free. */
  close(): Promise<void>;
}

/** The responder's batch entry point (Responder.respondInto). */
export type RespondInto = (msg: Buffer, off: number, len: number, client: ClientInfo, out: Buffer, outOff: number) => number;
/** The responder's per-message entry point (Responder.handle). */
export type Handle = (msg: Buffer, client: ClientInfo) => Buffer | null;

export const emptyUdpStats = (): UdpListenerStats =>
  ({ datagrams: 0, batches: 0, maxBatch: 0, oversize: 0, sendErrors: 0, recvErrors: 0 });

export function addUdpStats(a: UdpListenerStats, b: UdpListenerStats): UdpListenerStats {
  return { datagrams: a.datagrams + b.datagrams, batches: a.batches + b.batches, maxBatch: Math.max(a.maxBatch, b.maxBatch),
    oversize: a.oversize + b.oversize, sendErrors: a.sendErrors + b.sendErrors, recvErrors: a.recvErrors + b.recvErrors };
}
