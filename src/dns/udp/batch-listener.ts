// The native UDP listener: the udpbatch addon owns the socket and moves datagrams in batches (recvmmsg/sendmmsg,
// RFC 1035 §4.2.1 transport), this file runs the JS half of each batch. The addon fills a receive buffer with up
// to `batch` datagrams (one slot each) and their metadata, calls onBatch(n) once, and sends the replies onBatch
// wrote into the send buffer, each to its query's source and from its query's destination address (wildcard
// binds use IP_PKTINFO / IPV6_PKTINFO). The loop allocates nothing per datagram: the responder reads the query
// in place and writes a cached reply in place; the client address text is built only if something asks for it
// (the rate limiter).
import { formatIPv6Octets } from '../../util/ip.js';
import { type RespondInto, type UdpListener } from './listener.js';
import { META_TRUNCATED, META_WORDS, type UdpBatchAddon } from './native.js';

export interface NativeUdpOptions {
  /** Datagrams per recvmmsg (1..1024). */
  batch: number;
  /** Receive slot per datagram; a larger datagram is dropped (counted as oversize). 65535 takes any UDP datagram. */
  slotSize: number;
  recvBuffer: number;
  sendBuffer: number;
}

/** Largest UDP payload; the send buffer always keeps this much room for the next reply. */
const MAX_REPLY = 65535;
/** Typical room per reply in the send buffer (the default EDNS payload); larger replies only flush earlier. */
const TX_PER_REPLY = 1232;

export function openNativeUdp(addon: UdpBatchAddon, address: string, port: number, opts: NativeUdpOptions,
  respond: RespondInto, onError: (e: unknown, where: string) => void): UdpListener {
  const h = addon.open(address, port, opts.recvBuffer, opts.sendBuffer);
  const { batch, slotSize: slot } = opts;
  let oversize = 0;
  let closed = false;
  try {
    const rx = Buffer.alloc(batch * slot);
    const rxMeta = new Int32Array(batch * META_WORDS);
    const rxMetaBytes = new Uint8Array(rxMeta.buffer);
    const txCap = batch * TX_PER_REPLY + MAX_REPLY;
    const tx = Buffer.alloc(txCap);
    const txMeta = new Int32Array(batch * 3);
    let cur = 0;
    const client = {
      transport: 'udp' as const,
      get address(): string {
        const m = cur * META_WORDS;
        const o = (m + 4) * 4;
        const b = rxMetaBytes;
        return rxMeta[m + 3] === 6 ? formatIPv6Octets(b, o) : `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
      },
    };
    const onBatch = (n: number): number => {
      let replies = 0;
      let txOff = 0;
      for (let i = 0; i < n; i++) {
        const m = i * META_WORDS;
        if ((rxMeta[m + 1]! & META_TRUNCATED) !== 0) {
          // Only part of it is in the slot: answering that part could answer a different question.
          oversize++;
          continue;
        }
        if (txCap - txOff < MAX_REPLY) {
          addon.flush(h, replies);
          replies = 0;
          txOff = 0;
        }
        cur = i;
        let w = -1;
        try {
          w = respond(rx, i * slot, rxMeta[m]!, client, tx, txOff);
        } catch (e) {
          onError(e, 'udp');
        }
        if (w > 0) {
          const t = replies * 3;
          txMeta[t] = i;
          txMeta[t + 1] = txOff;
          txMeta[t + 2] = w;
          replies++;
          txOff += w;
        }
      }
      return replies;
    };
    addon.start(h, batch, slot, rx, rxMeta, tx, txMeta, onBatch);
  } catch (e) {
    addon.close(h);
    throw e;
  }
  const listenPort = addon.localPort(h);
  return {
    backend: 'native',
    port: listenPort,
    stats() {
      const s = addon.stats(h);
      return { datagrams: s.datagrams, batches: s.batches, maxBatch: s.maxBatch, oversize,
        sendErrors: s.sendErrors, recvErrors: s.recvErrors };
    },
    close() {
      if (!closed) {
        closed = true;
        addon.close(h);
      }
      return Promise.resolve();
    },
  };
}
