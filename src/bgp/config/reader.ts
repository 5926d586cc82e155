// Strict reading of the speaker's YAML configuration: every value is read through an accessor that knows its
// key path, every mapping must be consumed completely (an unknown key is an error listing the known ones), and
// every error is a ConfigError naming the file, the dotted key and the reason, with the line when the YAML
// document knows it. Nothing here knows the speaker's schema (load.ts and neighbor.ts do).
import { LineCounter, parseDocument, type Document } from 'yaml';
import { ConfigError } from '../../util/errors.js';

export type PathSeg = string | number;

/** Dotted key text of a path: `neighbors[2].max-prefix.limit`. */
export function keyOf(path: readonly PathSeg[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out;
}

/** The inverse of keyOf for keys produced by other modules (the policy compiler): `a.b[1].c` → ['a','b',1,'c']. */
export function pathOf(key: string): PathSeg[] {
  const out: PathSeg[] = [];
  for (const m of key.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}

export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'a mapping' : `${typeof v} ${JSON.stringify(v)}`;
}

/** A parsed YAML file that can say on which line a key path is. */
export class Source {
  private readonly lines = new LineCounter();
  readonly doc: Document | null;
  readonly value: unknown;

  constructor(readonly file: string, text: string | unknown) {
    if (typeof text !== 'string') {
      // Already-parsed data (tests, the API): no line numbers.
      this.doc = null;
      this.value = text;
      return;
    }
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: true, uniqueKeys: true });
    const err = this.doc.errors[0];
    if (err) {
      const pos = err.linePos?.[0];
      throw new ConfigError(file, '', `YAML syntax error${pos ? ` at line ${pos.line}, column ${pos.col}` : ''}: ` +
        err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''));
    }
    this.value = this.doc.toJS({ maxAliasCount: 100 });
  }

  /** Line of the closest node on the path that the document knows, or null. */
  line(path: readonly PathSeg[]): number | null {
    if (this.doc === null) return null;
    for (let p = path.slice(); p.length > 0; p = p.slice(0, -1)) {
      const node = this.doc.getIn(p, true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === 'object' && node.range) return this.lines.linePos(node.range[0]).line;
    }
    return null;
  }

  fail(path: readonly PathSeg[], reason: string): never {
    const line = this.line(path);
    throw new ConfigError(this.file, keyOf(path), line === null ? reason : `${reason} (line ${line})`);
  }
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** A mapping being read: take keys one by one, then done() rejects whatever was not taken. */
export class Obj {
  private readonly taken = new Set<string>();

  constructor(readonly src: Source, readonly path: readonly PathSeg[], readonly value: Record<string, unknown>) {}

  static of(src: Source, path: readonly PathSeg[], v: unknown): Obj {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) src.fail(path, `expected a mapping, got ${describeValue(v)}`);
    return new Obj(src, path, v as Record<string, unknown>);
  }

  at(key: string | number): PathSeg[] {
    return [...this.path, key];
  }

  fail(key: string | null, reason: string): never {
    return this.src.fail(key === null ? this.path : this.at(key), reason);
  }

  has(key: string): boolean {
    return this.value[key] !== undefined && this.value[key] !== null;
  }

  raw(key: string): unknown {
    this.taken.add(key);
    return this.value[key];
  }

  /** Reject keys that were not read (with the list of those that were). */
  done(): void {
    for (const k of Object.keys(this.value)) {
      if (!this.taken.has(k)) this.fail(k, `unknown key (known here: ${[...this.taken].sort().join(', ')})`);
    }
  }

  /** Mark keys as known without reading them. */
  allow(...keys: string[]): void {
    for (const k of keys) this.taken.add(k);
  }

  obj(key: string): Obj | undefined {
    const v = this.raw(key);
    return v === undefined || v === null ? undefined : Obj.of(this.src, this.at(key), v);
  }

  str(key: string): string | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' || v === '') this.fail(key, `expected a non-empty string, got ${describeValue(v)}`);
    return v as string;
  }

  enumOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' || !allowed.includes(v as T)) {
      this.fail(key, `expected one of ${allowed.join(', ')}, got ${describeValue(v)}`);
    }
    return v as T;
  }

  bool(key: string): boolean | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') this.fail(key, `expected true or false, got ${describeValue(v)}`);
    return v as boolean;
  }

  /** An integer in [min, max]; `unit` is named in the message. */
  int(key: string, min: number, max: number, unit = ''): number | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    const u = unit === '' ? '' : ` ${unit}`;
    if (!isInt(v) || v < min || v > max) this.fail(key, `expected an integer ${min}..${max}${u}, got ${describeValue(v)}`);
    return v as number;
  }

  list(key: string): { value: unknown; path: PathSeg[] }[] | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) this.fail(key, `expected a list, got ${describeValue(v)}`);
    return (v as unknown[]).map((value, i) => ({ value, path: [...this.path, key, i] }));
  }

  /** A string or a list of strings, as a list. */
  strings(key: string): { value: string; path: PathSeg[] }[] | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    const items = Array.isArray(v) ? v.map((x, i) => ({ value: x as unknown, path: [...this.path, key, i] }))
      : [{ value: v, path: [...this.path, key] }];
    for (const it of items) {
      if (typeof it.value !== 'string' && typeof it.value !== 'number') this.src.fail(it.path, `expected a string, got ${describeValue(it.value)}`);
    }
    return items.map((it) => ({ value: String(it.value), path: it.path }));
  }
}
