// The work of `anycast mrt dump`: stream the file through the reader and print bgpdump -m lines, JSON lines or a
// summary. Output goes out in one write per input chunk and waits for stdout to drain, so memory stays bounded
// however large the file; a closed pipe (`| head`) ends the command quietly.
import { statSync } from 'node:fs';
import { AnycastError } from '../util/errors.js';
import { BgpdumpFormatter } from './bgpdump.js';
import { recordJson } from './json.js';
import type { PeerIndexTableRecord } from './model.js';
import { readMrtBatches, type MrtSource } from './reader.js';
import { MrtSummary, summaryText } from './summary.js';

export interface DumpOptions {
  readonly file: string;
  readonly json: boolean;
  readonly summary: boolean;
  readonly largeCommunities: boolean;
  readonly time: 'dump' | 'change';
  readonly stopOnError: boolean;
  readonly maxRecordLength?: number;
}

class Out {
  closed = false;
  constructor(private readonly stream: NodeJS.WriteStream) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') this.closed = true;
      else throw e;
    });
  }
  async write(s: string): Promise<void> {
    if (s === '' || this.closed) return;
    if (!this.stream.write(s)) {
      await new Promise<void>((resolve) => {
        const done = () => { this.stream.off('drain', done); this.stream.off('close', done); resolve(); };
        this.stream.on('drain', done);
        this.stream.on('close', done);
      });
    }
  }
}

export async function dumpCommand(o: DumpOptions): Promise<number> {
  let src: MrtSource = o.file;
  if (o.file === '-') src = process.stdin;
  else {
    try {
      if (!statSync(o.file).isFile()) throw new AnycastError('ERR_INPUT', `${o.file}: not a regular file`);
    } catch (e) {
      if (e instanceof AnycastError) throw e;
      throw new AnycastError('ERR_INPUT', `${o.file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
  }
  const out = new Out(process.stdout);
  const warn = (m: string) => process.stderr.write(`anycast: ${o.file}: ${m}\n`);
  const fmt = new BgpdumpFormatter({ largeCommunities: o.largeCommunities, time: o.time }, warn);
  const sum = o.summary ? new MrtSummary() : null;
  let table: PeerIndexTableRecord | null = null;
  let failed = false;
  const opts = o.maxRecordLength !== undefined ? { maxRecordLength: o.maxRecordLength } : {};
  outer: for await (const batch of readMrtBatches(src, opts)) {
    let text = '';
    for (const it of batch) {
      if (sum !== null) sum.add(it);
      if (!it.ok) {
        failed = true;
        if (sum === null) {
          if (o.json) text += JSON.stringify({ error: { code: it.error.code, message: it.error.message, offset: it.error.offset,
            recoverable: it.error.recoverable } }) + '\n';
          else { await out.write(text); text = ''; warn(`${it.error.message} [${it.error.code}]`); }
        }
        if (o.stopOnError) { await out.write(text); break outer; }
        continue;
      }
      if (sum !== null) continue;
      const r = it.record;
      if (o.json) {
        text += JSON.stringify({ offset: it.offset, ...recordJson(r, table) }) + '\n';
        if (r.kind === 'PEER_INDEX_TABLE') table = r;
      } else {
        text += fmt.format(r);
      }
    }
    await out.write(text);
    if (out.closed) return 0;
  }
  if (sum !== null) {
    const s = sum.result();
    await out.write(o.json ? JSON.stringify({ file: o.file, ...s }) + '\n' : summaryText(s, o.file) + '\n');
  }
  return failed ? 1 : 0;
}
