// Loads the udpbatch addon (native/udpbatch/udpbatch.c, built by scripts/setup.mjs): batched UDP for the DNS
// server on Linux. When it is absent (not Linux, not built, no compiler) or built for another interface version,
// loadUdpBatch() says why and the server uses node:dgram. ANYCAST_UDPBATCH_PATH points at another build of the
// addon (or at nothing, to force the fallback).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { errorMessage } from '../../util/errors.js';

/** The interface version this code expects (UDPBATCH_API in udpbatch.c). */
export const UDPBATCH_API = 1;
/** Int32 words per receive slot in the rx metadata: length, flags, source port, family, 16 address octets. */
export const META_WORDS = 8;
export const META_TRUNCATED = 1;

declare const handleBrand: unique symbol;
export type NativeHandle = { readonly [handleBrand]: true };

export interface UdpBatchStats {
  batches: number;
  datagrams: number;
  truncated: number;
  maxBatch: number;
  sent: number;
  sendErrors: number;
  recvErrors: number;
  /** errno name of the last failure ('' if none). */
  lastError: string;
}

export interface UdpBatchAddon {
  version(): number;
  /** Binds a non-blocking socket (IPv6: v6-only). Throws an Error whose code is the errno name (EADDRINUSE…). */
  open(address: string, port: number, recvBuffer: number, sendBuffer: number): NativeHandle;
  localPort(h: NativeHandle): number;
  start(h: NativeHandle, batch: number, slot: number, rx: Uint8Array, rxMeta: Int32Array, tx: Uint8Array,
    txMeta: Int32Array, onBatch: (n: number) => number): void;
  /** Sends the first `replies` entries of txMeta now (during onBatch, when tx is full). */
  flush(h: NativeHandle, replies: number): number;
  /** Stops polling and closes the fd: the port is free when this returns. */
  close(h: NativeHandle): void;
  stats(h: NativeHandle): UdpBatchStats;
}

export type UdpBatchLoad = { addon: UdpBatchAddon; path: string } | { addon: undefined; reason: string };

let loaded: UdpBatchLoad | undefined;

export function udpBatchPath(): string {
  return process.env.ANYCAST_UDPBATCH_PATH ||
    fileURLToPath(new URL('../../../../native/udpbatch/build/udpbatch.node', import.meta.url));
}

/** The addon, or why it is not available. Tried once per process. */
export function loadUdpBatch(): UdpBatchLoad {
  if (loaded) return loaded;
  const path = udpBatchPath();
  if (process.platform !== 'linux') {
    loaded = { addon: undefined, reason: `recvmmsg/sendmmsg batching is Linux-only (this is ${process.platform})` };
  } else if (!existsSync(path)) {
    loaded = { addon: undefined, reason: `${path} is not built (run: node scripts/setup.mjs; needs a C compiler)` };
  } else {
    try {
      const addon = createRequire(import.meta.url)(path) as UdpBatchAddon;
      const v = addon.version();
      loaded = v === UDPBATCH_API ? { addon, path } :
        { addon: undefined, reason: `${path} has interface version ${v}, expected ${UDPBATCH_API} (run: node scripts/setup.mjs)` };
    } catch (e) {
      loaded = { addon: undefined, reason: `${path} does not load: ${errorMessage(e)}` };
    }
  }
  return loaded;
}
