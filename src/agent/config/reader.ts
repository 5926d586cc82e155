// A strict reader over parsed YAML: every value is read through a typed accessor that knows its dotted key path,
// every mapping must be fully consumed (unknown keys are rejected with the list of known ones), and every error is
// a ConfigError naming file, key and reason — with the line it came from when the YAML document knows it.
import { LineCounter, parseDocument, type Document } from 'yaml';
import { ConfigError } from '../../util/errors.js';
import { parseDuration } from './units.js';

export type PathSeg = string | number;

export class Source {
  private readonly lines = new LineCounter();
  readonly doc: Document;
  constructor(readonly file: string, text: string) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: true, uniqueKeys: true });
    const err = this.doc.errors[0];
    if (err) {
      const pos = err.linePos?.[0];
      throw new ConfigError(file, '', `YAML syntax error${pos ? ` at line ${pos.line}, column ${pos.col}` : ''}: ` +
        err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''));
    }
  }

  line(path: PathSeg[]): number | null {
    for (let p = path; p.length > 0; p = p.slice(0, -1)) {
      const node = this.doc.getIn(p, true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === 'object' && node.range) return this.lines.linePos(node.range[0]).line;
    }
    return null;
  }

  fail(path: PathSeg[], reason: string): never {
    const line = this.line(path);
    throw new ConfigError(this.file, keyOf(path), line === null ? reason : `${reason} (line ${line})`);
  }
}

export function keyOf(path: PathSeg[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out;
}

export function describeType(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'a mapping' : `${typeof v} ${JSON.stringify(v)}`;
}

/** A mapping being read: `take` keys one by one, then `done()` rejects whatever is left. */
export class Obj {
  private readonly seen = new Set<string>();
  constructor(readonly src: Source, readonly path: PathSeg[], readonly value: Record<string, unknown>,
    private readonly known: string[] = []) {}

  static of(src: Source, path: PathSeg[], v: unknown): Obj {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      src.fail(path, `expected a mapping, got ${describeType(v)}`);
    }
    return new Obj(src, path, v as Record<string, unknown>);
  }

  has(key: string): boolean {
    return this.value[key] !== undefined && this.value[key] !== null;
  }

  at(key: string | number): PathSeg[] {
    return [...this.path, key];
  }

  fail(key: string, reason: string): never {
    return this.src.fail(this.at(key), reason);
  }

  raw(key: string): unknown {
    this.seen.add(key);
    this.known.push(key);
    return this.value[key];
  }

  /** Mark keys as known without reading them (they are read elsewhere). */
  allow(...keys: string[]): void {
    for (const k of keys) { this.seen.add(k); this.known.push(k); }
  }

  obj(key: string): Obj | undefined {
    const v = this.raw(key);
    return v === undefined || v === null ? undefined : Obj.of(this.src, this.at(key), v);
  }

  str(key: string, dflt: string): string;
  str(key: string): string | undefined;
  str(key: string, dflt?: string): string | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'string' || v === '') this.fail(key, `expected a non-empty string, got ${describeType(v)}`);
    return v as string;
  }

  enumOf<T extends string>(key: string, allowed: readonly T[], dflt: T): T;
  enumOf<T extends string>(key: string, allowed: readonly T[]): T | undefined;
  enumOf<T extends string>(key: string, allowed: readonly T[], dflt?: T): T | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'string' || !allowed.includes(v as T)) {
      this.fail(key, `expected one of ${allowed.join(', ')}, got ${describeType(v)}`);
    }
    return v as T;
  }

  bool(key: string, dflt: boolean): boolean {
    const v = this.raw(key);
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'boolean') this.fail(key, `expected true or false, got ${describeType(v)}`);
    return v as boolean;
  }

  int(key: string, min: number, max: number, dflt: number): number;
  int(key: string, min: number, max: number): number | undefined;
  int(key: string, min: number, max: number, dflt?: number): number | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.fail(key, `expected an integer ${min}..${max}, got ${describeType(v)}`);
    }
    return v as number;
  }

  duration(key: string, dflt: number, min?: number): number;
  duration(key: string, dflt: undefined, min?: number): number | undefined;
  duration(key: string, dflt: number | undefined, min = 0): number | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return dflt;
    const ms = parseDuration(v);
    if (typeof ms === 'string') this.fail(key, ms);
    if ((ms as number) < min) this.fail(key, `must be at least ${min} ms`);
    return ms as number;
  }

  list(key: string): unknown[] | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) this.fail(key, `expected a list, got ${describeType(v)}`);
    return v as unknown[];
  }

  strList(key: string): string[] | undefined {
    const l = this.list(key);
    if (l === undefined) return undefined;
    return l.map((x, i) => {
      if (typeof x !== 'string' && typeof x !== 'number') this.src.fail([...this.at(key), i], `expected a string, got ${describeType(x)}`);
      return String(x);
    });
  }

  /** Reject keys that were never taken. Call after reading everything. */
  done(): void {
    for (const k of Object.keys(this.value)) {
      if (!this.seen.has(k)) {
        const known = [...new Set(this.known)].sort();
        this.fail(k, `unknown key${known.length ? ` (known here: ${known.join(', ')})` : ''}`);
      }
    }
  }
}
