// A strict reader over a parsed YAML document: every accessor names the dotted key it reads, rejects unknown
// keys, and reports errors as ConfigError(file, key, reason) with the line of the offending node, so a user
// sees "world.yaml: links[3].b: router "tky9" is not defined (line 57)". Pure apart from the YAML parse.

import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { ConfigError } from '../../util/errors.js';

export type Obj = Record<string, unknown>;

export class Reader {
  private readonly lines = new LineCounter();
  private readonly doc: Document | undefined;
  readonly root: unknown;

  constructor(readonly file: string, text: string | null, data?: unknown) {
    if (text === null) {
      this.root = data;
      return;
    }
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
    const err = this.doc.errors[0];
    if (err) {
      const line = err.linePos?.[0]?.line;
      throw new ConfigError(file, '', `not valid YAML: ${err.message.split('\n')[0]}${line ? ` (line ${line})` : ''}`);
    }
    this.root = this.doc.toJS({ maxAliasCount: 100 });
  }

  /** Line of the node at `key` (dotted path with [i] indexes), when the input came from text. */
  lineOf(key: string): number | undefined {
    if (!this.doc || key === '') return undefined;
    const path: (string | number)[] = [];
    for (const part of key.split('.')) {
      const m = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
      if (!m) return undefined;
      if (m[1]) path.push(m[1]);
      for (const ix of m[2]!.matchAll(/\[(\d+)\]/g)) path.push(Number(ix[1]));
    }
    // Walk down as far as the path exists; the nearest existing ancestor still points the user close by.
    let node: unknown = this.doc.contents;
    let found: unknown = node;
    for (const p of path) {
      if (isMap(node)) {
        const pair = node.items.find((it) => isScalar(it.key) && String(it.key.value) === String(p));
        if (!pair) break;
        found = pair.key ?? pair.value;
        node = pair.value;
        if (node) found = node;
      } else if (isSeq(node) && typeof p === 'number') {
        node = node.items[p];
        if (!node) break;
        found = node;
      } else break;
    }
    const range = (found as YamlNode | undefined)?.range;
    return range ? this.lines.linePos(range[0]).line : undefined;
  }

  fail(key: string, reason: string): never {
    const line = this.lineOf(key);
    throw new ConfigError(this.file, key, line ? `${reason} (line ${line})` : reason);
  }

  obj(v: unknown, key: string, allowed: readonly string[], required: readonly string[] = []): Obj {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.fail(key, 'must be a mapping');
    for (const k of Object.keys(v as Obj)) {
      if (!allowed.includes(k)) this.fail(join(key, k), `unknown key (expected one of: ${allowed.join(', ')})`);
    }
    for (const k of required) if ((v as Obj)[k] === undefined) this.fail(join(key, k), 'is required');
    return v as Obj;
  }

  /** A mapping whose keys are names (any key allowed), checked by `keyRe`. */
  map(v: unknown, key: string, what: string, keyRe?: RegExp): Obj {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.fail(key, `must be a mapping of ${what}`);
    if (keyRe) for (const k of Object.keys(v as Obj)) if (!keyRe.test(k)) this.fail(join(key, k), `"${k}" is not a valid ${what.replace(/s$/, '')} name`);
    return v as Obj;
  }

  list(v: unknown, key: string): unknown[] {
    if (!Array.isArray(v)) this.fail(key, 'must be a list');
    return v;
  }

  str(v: unknown, key: string): string {
    if (typeof v !== 'string' || v === '') this.fail(key, `must be a non-empty string (got ${JSON.stringify(v)})`);
    return v;
  }

  bool(v: unknown, key: string): boolean {
    if (typeof v !== 'boolean') this.fail(key, `must be true or false (got ${JSON.stringify(v)})`);
    return v;
  }

  int(v: unknown, key: string, min: number, max: number, unit = ''): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.fail(key, `must be an integer from ${min} to ${max}${unit ? ' ' + unit : ''} (got ${JSON.stringify(v)})`);
    }
    return v;
  }

  num(v: unknown, key: string, min: number, max: number, unit = ''): number {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
      this.fail(key, `must be a number from ${min} to ${max}${unit ? ' ' + unit : ''} (got ${JSON.stringify(v)})`);
    }
    return v;
  }

  oneOf<T extends string>(v: unknown, key: string, values: readonly T[]): T {
    if (typeof v !== 'string' || !values.includes(v as T)) this.fail(key, `must be one of ${values.join(', ')} (got ${JSON.stringify(v)})`);
    return v as T;
  }
}

export function join(key: string, k: string | number): string {
  if (typeof k === 'number') return `${key}[${k}]`;
  return key ? `${key}.${k}` : k;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

/** "5ms", "1.5s", "250us" → milliseconds (or the reason it is not a duration). */
export function parseDuration(s: string): number | string {
  const m = /^(\d+(?:\.\d+)?)(us|ms|s|m)$/.exec(s.trim());
  if (!m) return `"${s}" is not a duration (e.g. 5ms, 1.5s)`;
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

/** "100mbit", "1gbit", "512kbit" → megabits per second. */
export function parseRate(s: string): number | string {
  const m = /^(\d+(?:\.\d+)?)(kbit|mbit|gbit)$/i.exec(s.trim());
  if (!m) return `"${s}" is not a rate (e.g. 100mbit, 1gbit)`;
  const f = { kbit: 0.001, mbit: 1, gbit: 1000 }[m[2]!.toLowerCase() as 'kbit' | 'mbit' | 'gbit'];
  return Number(m[1]) * f;
}

/** "0.5%" or a number (percent) → percent in [0, 100]. */
export function parsePercent(v: unknown): number | string {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+(\.\d+)?%$/.test(v.trim()) ? Number(v.trim().slice(0, -1)) : NaN;
  if (!Number.isFinite(n) || n < 0 || n > 100) return `${JSON.stringify(v)} is not a percentage from 0% to 100%`;
  return n;
}
