// Opens a data file (MRT dump, CAIDA relationships, zone file…) as a byte stream, decompressing .gz and .bz2 on
// the fly. The format is told by the magic bytes, not the file name. Nothing is held whole in memory: a 1 GB dump
// streams through in chunks.
//   gzip:  1f 8b            (node:zlib)
//   bzip2: 42 5a 68 ('BZh') (the `bzip2` program, from Debian's bzip2 package; there is no bzip2 in node:zlib)
import { spawn } from 'node:child_process';
import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import { PassThrough, pipeline, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { AnycastError, MissingCapabilityError } from './errors.js';

export type Compression = 'none' | 'gzip' | 'bzip2';

export function detectCompression(path: string): Compression {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(3);
    const n = readSync(fd, head, 0, 3, 0);
    if (n >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
    if (n >= 3 && head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) return 'bzip2';
    return 'none';
  } finally {
    closeSync(fd);
  }
}

/** A readable stream of the file's decompressed bytes. Errors (missing file, corrupt data) arrive as 'error'. */
export function openInput(path: string): Readable {
  let kind: Compression;
  try {
    kind = detectCompression(path);
  } catch (e) {
    const out = new PassThrough();
    queueMicrotask(() => out.destroy(new AnycastError('ERR_INPUT', `${path}: ${(e as Error).message}`)));
    return out;
  }
  if (kind === 'gzip') {
    // pipeline(), not pipe(): a read error (the file vanished, EIO) reaches the consumer instead of being an
    // unhandled 'error' event on the file stream.
    return pipeline(createReadStream(path), createGunzip(), () => {});
  }
  if (kind === 'none') return createReadStream(path);
  const out = new PassThrough();
  const child = spawn('bzip2', ['-dc', path], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.on('error', () =>
    out.destroy(new MissingCapabilityError('bzip2', `install Debian's bzip2 package to read ${path}`)));
  child.stdout.pipe(out, { end: false });
  child.on('close', (code) => {
    if (code === 0) out.end();
    else out.destroy(new AnycastError('ERR_INPUT', `${path}: bzip2 failed (${code}): ${stderr.trim()}`));
  });
  out.on('close', () => { if (child.exitCode === null) child.kill(); });
  return out;
}

/** The whole decompressed file, for inputs known to be small (a few tens of MB at most). */
export async function readInput(path: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of openInput(path)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** The decompressed file line by line (without the newline). */
export async function* readLines(path: string): AsyncGenerator<string> {
  let rest = '';
  // A multi-byte UTF-8 character may straddle two chunks: the decoder keeps its first bytes for the next one.
  const utf8 = new StringDecoder('utf8');
  for await (const c of openInput(path)) {
    const text = rest + utf8.write(c as Buffer);
    const lines = text.split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) yield l.endsWith('\r') ? l.slice(0, -1) : l;
  }
  rest += utf8.end();
  if (rest !== '') yield rest;
}
