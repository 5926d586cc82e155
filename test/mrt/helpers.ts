// Test helpers: write records to a temporary MRT file, run the installed bgpdump on it, and render the same file
// with our reader and BgpdumpFormatter, so that a test can compare the two outputs line by line.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromHex } from '../../src/bgp/wire/index.js';
import { BgpdumpFormatter, type BgpdumpOptions } from '../../src/mrt/bgpdump.js';
import { encodeRecord } from '../../src/mrt/encode.js';
import type { MrtRecord, RibEntry } from '../../src/mrt/model.js';
import { readMrt } from '../../src/mrt/reader.js';

export function hex(s: string): Uint8Array {
  const b = fromHex(s);
  if (b === null) throw new Error(`bad hex in test: ${s}`);
  return b;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

/** A temporary directory removed by the returned cleanup. */
export function tempDir(prefix = 'acr-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeRecords(path: string, records: readonly MrtRecord[]): Uint8Array {
  const b = concat(records.map(encodeRecord));
  writeFileSync(path, b);
  return b;
}

export function hasBgpdump(): boolean {
  return spawnSync('bgpdump', ['-T'], { stdio: 'ignore' }).status === 0;
}

/** `bgpdump -m [flags] file` output lines (warnings go to stderr, discarded). */
export function bgpdumpLines(path: string, flags: readonly string[] = []): string[] {
  const out = execFileSync('bgpdump', ['-m', '-q', ...flags, path], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
  return out.toString('utf8').split('\n').filter((l) => l !== '');
}

/** Our lines for the same file; reader errors and formatter problems are collected, not printed. */
export async function ourLines(path: string, opts: BgpdumpOptions = {}): Promise<{ lines: string[]; problems: string[] }> {
  const problems: string[] = [];
  const f = new BgpdumpFormatter(opts, (m) => problems.push(m));
  let text = '';
  for await (const it of readMrt(path)) {
    if (!it.ok) { problems.push(it.error.message); continue; }
    text += f.format(it.record);
  }
  return { lines: text.split('\n').filter((l) => l !== ''), problems };
}

/** The first difference of two line lists, for an assertion message. */
export function firstDifference(a: readonly string[], b: readonly string[]): string {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}:\n  ours:    ${a[i] ?? '(none)'}\n  bgpdump: ${b[i] ?? '(none)'}`;
  }
  return 'no difference';
}

/**
 * The record as a plain model without the octets it was read from (RIB attributeBytes, BGP4MP message bytes):
 * encoding it must then work from the decoded model alone, which is what a round-trip test has to exercise.
 */
export function modelOnly(r: MrtRecord): MrtRecord {
  const entry = (e: RibEntry): RibEntry => ({ peerIndex: e.peerIndex, originatedTime: e.originatedTime, pathId: e.pathId,
    attrs: e.attrs, mpReach: e.mpReach, mpUnreach: e.mpUnreach, errors: e.errors,
    ...(e.rawAttributes !== undefined ? { rawAttributes: e.rawAttributes } : {}) });
  switch (r.kind) {
    case 'RIB': case 'RIB_GENERIC': return { ...r, entries: r.entries.map(entry) };
    case 'TABLE_DUMP': { const { attributeBytes: _x, ...rest } = r; void _x; return rest; }
    case 'BGP4MP_MESSAGE': {
      // Without its octets when the message decoded: then encoding has to go through the message model.
      const base = { kind: r.kind, timestamp: r.timestamp, subtype: r.subtype, extended: r.extended,
        microseconds: r.microseconds, as4: r.as4, local: r.local, addPath: r.addPath, peerAs: r.peerAs,
        localAs: r.localAs, ifIndex: r.ifIndex, afi: r.afi, peerIp: r.peerIp, localIp: r.localIp, message: r.message,
        error: r.error, errors: r.errors };
      return r.message === null ? { ...base, bytes: r.bytes }
        : { ...base, bytes: new Uint8Array(0), ...(r.trailing !== undefined ? { trailing: r.trailing } : {}) };
    }
    default: return r;
  }
}
