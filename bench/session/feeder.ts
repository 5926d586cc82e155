// The sending side of the session benchmark: a minimal BGP speaker that opens a session to the peer under test
// and writes a prepared UPDATE stream as fast as the transport takes it, then an End-of-RIB. Used in-process
// (in-memory transport) and as a child process over loopback TCP (`node feeder.js HOST PORT LOCAL_ADDR`, stream
// parameters on stdin as JSON), so that over TCP the sender has its own core.
import { KEEPALIVE_BYTES } from '../../src/bgp/wire/codec.js';
import { symmetricContext } from '../../src/bgp/wire/context.js';
import { FrameReader } from '../../src/bgp/wire/framing.js';
import { endOfRib, feederOpen } from '../../src/bgp/wire/pack.js';
export { chunkMessages as chunk } from '../../src/bgp/wire/pack.js';
import type { Connection } from '../../src/bgp/transport/index.js';

export const FEEDER_AS = 64512;
export const STREAM_CTX = symmetricContext({ as4: true });

/**
 * Run the feeder on an open connection: OPEN, wait for the peer's OPEN + KEEPALIVE, then write `chunks` with
 * back-pressure and the End-of-RIB of each family. Resolves with the time (performance.now) the first UPDATE
 * octet was written.
 */
export function feed(conn: Connection, chunks: readonly Uint8Array[], families: [number, number][], onClose?: () => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const reader = new FrameReader(STREAM_CTX);
    let opened = false;
    let i = 0;
    let t0 = 0;
    const pump = () => {
      while (i < chunks.length) {
        const ok = conn.write(chunks[i++]!);
        if (!ok) return;
      }
      for (const [afi, safi] of families) conn.write(endOfRib(afi, safi, STREAM_CTX));
    };
    conn.attach({
      data: (c) => {
        reader.push(c);
        for (let f = reader.next(); f.kind === 'frame'; f = reader.next()) {
          if (f.type === 3) { reject(new Error(`NOTIFICATION ${f.bytes[19]}/${f.bytes[20]} from the peer under test`)); return; }
          if (f.type === 4 && !opened) {
            opened = true;
            conn.write(KEEPALIVE_BYTES);
            t0 = performance.now();
            resolve(t0);
            pump();
          }
        }
      },
      close: (e) => { if (!opened) reject(new Error(`closed: ${e}`)); onClose?.(); },
      drain: () => pump(),
    });
    conn.write(feederOpen(FEEDER_AS, '192.0.2.1', families, 90));
  });
}
