// Streaming MRT reader. MrtStreamDecoder is the synchronous core: push() it chunks split at any octet and it
// returns the records (or typed errors) completed so far, holding at most one partial record plus one chunk.
// readMrt()/readMrtBatches() drive it from a file (plain, .gz or .bz2, told by magic bytes; src/util/open-input.ts)
// or any byte stream, pulling the next chunk only when the caller asks for more: a 1 GB dump streams through in
// bounded memory, and the caller decides whether to continue after an error or stop (break out of the loop).
//
// Memory: each record is copied out of its chunk before decoding (copyRecords, on by default), so a record that
// is kept (or an attribute set the codec interns) holds its own octets, never a whole input chunk. The caches are
// bounded. A header that announces more than
// maxRecordLength octets is reported and its body skipped as it streams by, never buffered.
import type { Readable } from 'node:stream';
import { openInput } from '../util/open-input.js';
import { errorMessage } from '../util/errors.js';
import { copyBytes } from './bytes.js';
import { MRT_HEADER_LENGTH } from './constants.js';
import { DecodeCaches, decodeRecord } from './decode.js';
import { MrtError, MrtInputError, MrtMalformedError, MrtRecordTooLongError, MrtTruncatedError } from './errors.js';
import { nextRecordFrame, readHeader } from './header.js';
import type { MrtRecord } from './model.js';

export interface MrtReadOptions {
  /** Largest record body accepted, in octets (default 16 MiB; a full-table PEER_INDEX_TABLE is ~1.5 MB). */
  readonly maxRecordLength?: number;
  /** Attribute caches (shared AttrSet objects); a fresh set per reader by default. */
  readonly caches?: DecodeCaches;
  /** Copy each record out of its input chunk before decoding (default true; see the file comment). */
  readonly copyRecords?: boolean;
}

export type MrtReadItem =
  | { readonly ok: true; readonly record: MrtRecord; /** offset of the record in the input */ readonly offset: number;
    /** total octets of the record, header included */ readonly length: number }
  | { readonly ok: false; readonly error: MrtError };

export const DEFAULT_MAX_RECORD_LENGTH = 16 * 1024 * 1024;

export class MrtStreamDecoder {
  private parts: Uint8Array[] = [];
  private partsLength = 0;
  /** Octets still to discard (body of an over-long record). */
  private skip = 0;
  /** Offset of the first octet of `parts` in the input. */
  private base = 0;
  /** Octets needed before parsing is worth trying again. */
  private need = MRT_HEADER_LENGTH;
  private readonly max: number;
  private readonly caches: DecodeCaches;
  private readonly copy: boolean;

  constructor(opts: MrtReadOptions = {}) {
    this.max = opts.maxRecordLength ?? DEFAULT_MAX_RECORD_LENGTH;
    this.caches = opts.caches ?? new DecodeCaches();
    this.copy = opts.copyRecords ?? true;
  }

  /** Octets held for a partial record (bounded by one record plus one chunk). */
  get pending(): number {
    return this.partsLength;
  }

  /** Octets of input consumed into whole records (or skipped) so far. */
  get offset(): number {
    return this.base;
  }

  push(chunk: Uint8Array, out: MrtReadItem[] = []): MrtReadItem[] {
    let c = chunk;
    if (this.skip > 0) {
      const n = Math.min(this.skip, c.length);
      this.skip -= n;
      this.base += n;
      c = c.subarray(n);
    }
    if (c.length === 0) return out;
    this.parts.push(c);
    this.partsLength += c.length;
    if (this.partsLength < this.need) return out;
    const work = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.partsLength);
    this.parts = [];
    this.partsLength = 0;
    let pos = 0;
    const end = work.length;
    for (;;) {
      const f = nextRecordFrame(work, pos, end);
      if (f.kind === 'incomplete') {
        if (f.header !== null && f.header.length > this.max) {
          // Report now and discard the body as it arrives.
          out.push({ ok: false, error: new MrtRecordTooLongError({ offset: this.base, type: f.header.type,
            subtype: f.header.subtype, length: f.header.length, limit: this.max }) });
          const total = MRT_HEADER_LENGTH + f.header.length;
          const here = end - pos;
          this.skip = total - here;
          this.base += here;
          this.need = MRT_HEADER_LENGTH;
          return out;
        }
        this.need = f.need + (end - pos);
        if (pos < end) {
          // Keep only the partial record; copy it when it is a small tail of a large chunk.
          const rest = work.subarray(pos, end);
          this.parts.push(end - pos < 4096 && work.length > 65536 ? copyBytes(rest) : rest);
          this.partsLength = end - pos;
        }
        return out;
      }
      const { header, start } = f;
      const len = f.end - start;
      if (header.length > this.max) {
        out.push({ ok: false, error: new MrtRecordTooLongError({ offset: this.base, type: header.type,
          subtype: header.subtype, length: header.length, limit: this.max }) });
      } else {
        // Records keep views of their octets (messages, attribute sections): copy each out of its chunk.
        const b = this.copy ? copyBytes(work, start, f.end) : work;
        const s = this.copy ? 0 : start;
        const r = decodeRecord(b, s, s + len, this.caches);
        out.push(r.ok ? { ok: true, record: r.record, offset: this.base, length: len }
          : { ok: false, error: new MrtMalformedError({ offset: this.base, type: header.type, subtype: header.subtype,
            reason: r.reason, at: r.at }) });
      }
      this.base += len;
      pos = f.end;
      this.need = MRT_HEADER_LENGTH;
    }
  }

  /** The input ended: a partial record left over is a truncation error. */
  end(out: MrtReadItem[] = []): MrtReadItem[] {
    if (this.skip > 0) {
      out.push({ ok: false, error: new MrtTruncatedError({ offset: this.base, have: 0, need: this.skip, what: 'body' }) });
      this.skip = 0;
    } else if (this.partsLength > 0) {
      const b = Buffer.concat(this.parts, this.partsLength);
      const h = b.length >= MRT_HEADER_LENGTH ? readHeader(b, 0) : null;
      out.push({ ok: false, error: new MrtTruncatedError(h === null
        ? { offset: this.base, have: b.length, need: MRT_HEADER_LENGTH, what: 'header' }
        : { offset: this.base, type: h.type, subtype: h.subtype, have: b.length, need: MRT_HEADER_LENGTH + h.length,
          what: 'body' }) });
    }
    this.parts = [];
    this.partsLength = 0;
    return out;
  }
}

export type MrtSource = string | Readable | AsyncIterable<Uint8Array>;

function open(src: MrtSource): AsyncIterable<Uint8Array> {
  return typeof src === 'string' ? openInput(src) : src;
}

/**
 * Records in batches (one batch per input chunk; empty chunks yield nothing). The fastest way to walk a large file.
 * Never throws for bad data: a failing input stream ends with an MrtInputError item.
 */
export async function* readMrtBatches(src: MrtSource, opts: MrtReadOptions = {}): AsyncGenerator<MrtReadItem[]> {
  const dec = new MrtStreamDecoder(opts);
  let consumed = 0;
  try {
    for await (const chunk of open(src)) {
      consumed += chunk.length;
      const items = dec.push(chunk);
      if (items.length > 0) yield items;
    }
  } catch (e) {
    const pending = dec.end();
    const where = typeof src === 'string' ? `${src}: ` : '';
    yield [...pending, { ok: false, error: new MrtInputError(consumed, `${where}input failed after ${consumed} octets: ` +
      errorMessage(e), e) }];
    return;
  }
  const last = dec.end();
  if (last.length > 0) yield last;
}

/** Records one at a time, each with its offset, or a typed error the caller may skip or stop at. */
export async function* readMrt(src: MrtSource, opts: MrtReadOptions = {}): AsyncGenerator<MrtReadItem> {
  for await (const batch of readMrtBatches(src, opts)) yield* batch;
}

/** Records only; the first error is thrown (for callers that want all-or-nothing). */
export async function* readMrtStrict(src: MrtSource, opts: MrtReadOptions = {}): AsyncGenerator<MrtRecord> {
  for await (const item of readMrt(src, opts)) {
    if (!item.ok) throw item.error;
    yield item.record;
  }
}
