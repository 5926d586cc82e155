// MrtWriter: MRT records onto a Node Writable (a file, a gzip stream, a socket), honouring backpressure: write()
// resolves when the stream can take more, so a producer that awaits it never buffers a whole table in memory.
// RibDumper writes a TABLE_DUMP_V2 dump (RFC 6396 §4.3): one PEER_INDEX_TABLE, then one RIB record per prefix with
// consecutive sequence numbers — what a speaker needs for "MRT dump of the RIB on request". For "a BGP4MP log of
// all messages", write messageRecord()/stateChangeRecord() (build.ts) as they happen.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { type PathAttribute, type Prefix } from '../bgp/wire/index.js';
import { ribRecord, peerIndexTable, type PeerSpec } from './build.js';
import { encodeRecord } from './encode.js';
import type { MrtRecord } from './model.js';

export class MrtWriter {
  private failed: Error | null = null;
  records = 0;
  octets = 0;

  constructor(private readonly out: Writable) {
    out.on('error', (e: Error) => { this.failed = e; });
  }

  /** Encode and write one record; resolves once the stream accepts more (after 'drain' if it had to wait). */
  async write(r: MrtRecord): Promise<void> {
    await this.writeBytes(encodeRecord(r));
    this.records++;
  }

  /** Write an already encoded record. */
  async writeBytes(b: Uint8Array): Promise<void> {
    if (this.failed !== null) throw this.failed;
    this.octets += b.length;
    if (!this.out.write(b)) await this.drained();
  }

  private drained(): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (e?: Error) => {
        this.out.off('drain', onDrain); this.out.off('error', onError); this.out.off('close', onClose);
        if (e === undefined) resolve(); else reject(e);
      };
      const onDrain = () => done();
      const onError = (e: Error) => done(e);
      const onClose = () => done(this.failed ?? new Error('the MRT output stream closed'));
      this.out.on('drain', onDrain); this.out.on('error', onError); this.out.on('close', onClose);
    });
  }

  /** End the stream and wait until everything is flushed. */
  async close(): Promise<void> {
    if (this.failed !== null) throw this.failed;
    this.out.end();
    await once(this.out, 'finish');
  }
}

/** One route of a RIB dump. */
export interface DumpRoute {
  readonly peerIndex: number;
  readonly originatedTime: number;
  /** Add-path Path Identifier; when any route of a prefix has one, the ADDPATH subtype is used. */
  readonly pathId?: number;
  /** The path attributes; for IPv6 use mrtNextHop() for the abbreviated MP_REACH_NLRI (RFC 6396 §4.3.4). */
  readonly attributes: readonly PathAttribute[];
}

/**
 * Writes a TABLE_DUMP_V2 dump: begin() writes the peer table, then prefix() once per prefix; close the MrtWriter at
 * the end. Sequence numbers count RIB records from 0 and wrap at 2^32 (RFC 6396 §4.3.2).
 */
export class RibDumper {
  private sequence = 0;
  constructor(private readonly w: MrtWriter, private readonly opts: {
    timestamp: number; collectorBgpId: string; viewName?: string; peers: readonly PeerSpec[];
  }) {}

  async begin(): Promise<void> {
    await this.w.write(peerIndexTable({ timestamp: this.opts.timestamp, collectorBgpId: this.opts.collectorBgpId,
      viewName: this.opts.viewName ?? '', peers: this.opts.peers }));
  }

  /** The routes of one prefix ("192.0.2.0/24" or a Prefix). Routes with and without path ids go to separate records. */
  async prefix(prefix: string | Prefix, routes: readonly DumpRoute[]): Promise<void> {
    const plain = routes.filter((r) => r.pathId === undefined);
    const withIds = routes.filter((r) => r.pathId !== undefined);
    for (const group of [plain, withIds]) {
      if (group.length === 0) continue;
      await this.w.write(ribRecord({ timestamp: this.opts.timestamp, sequence: this.sequence, prefix, routes: group }));
      this.sequence = (this.sequence + 1) >>> 0;
    }
  }
}
