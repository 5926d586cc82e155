// Strict reading of policy data (the YAML-shaped objects of types.ts): unknown keys and wrong types are errors
// that name the dotted key, as every configuration error of the project does.

import { PolicyError } from './types.js';

export type Raw = Record<string, unknown>;

export function at(key: string, sub: string | number): string {
  if (typeof sub === 'number') return `${key}[${sub}]`;
  return key === '' ? sub : `${key}.${sub}`;
}

export function fail(key: string, reason: string): never {
  throw new PolicyError(key === '' ? '(top level)' : key, reason);
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'a mapping' : `${typeof v} ${JSON.stringify(v)}`;
}

export function asObject(v: unknown, key: string, allowed: readonly string[]): Raw {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(key, `expected a mapping, got ${describe(v)}`);
  for (const k of Object.keys(v as Raw)) {
    if (!allowed.includes(k)) fail(at(key, k), `unknown key (allowed: ${allowed.join(', ')})`);
  }
  return v as Raw;
}

/** A scalar or a list of scalars, as a list. */
export function asList(v: unknown, key: string): { value: unknown; key: string }[] {
  if (Array.isArray(v)) {
    if (v.length === 0) fail(key, 'empty list');
    return v.map((value, i) => ({ value, key: at(key, i) }));
  }
  return [{ value: v, key }];
}

export function asString(v: unknown, key: string): string {
  if (typeof v !== 'string' || v.trim() === '') fail(key, `expected a non-empty string, got ${describe(v)}`);
  return v;
}

export function asInt(v: unknown, key: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(key, `expected an integer, got ${describe(v)}`);
  if (v < min || v > max) fail(key, `${v} is outside ${min}..${max}`);
  return v;
}

export function asEnum<T extends string>(v: unknown, key: string, values: readonly T[]): T {
  if (typeof v !== 'string' || !values.includes(v as T)) {
    fail(key, `expected one of ${values.join(', ')}, got ${describe(v)}`);
  }
  return v as T;
}

/** "24", "24-32", 24, or { min, max }: an inclusive range within [lo, hi]. */
export function asRange(v: unknown, key: string, lo: number, hi: number): [number, number] {
  if (typeof v === 'number') { asInt(v, key, lo, hi); return [v, v]; }
  if (typeof v === 'string') {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(v);
    if (m === null) fail(key, `expected N or N-M, got "${v}"`);
    const a = Number(m[1]), b = m[2] === undefined ? a : Number(m[2]);
    if (a < lo || b > hi || a > b) fail(key, `range ${a}-${b} is not within ${lo}..${hi}`);
    return [a, b];
  }
  const o = asObject(v, key, ['min', 'max']);
  const a = o.min === undefined ? lo : asInt(o.min, at(key, 'min'), lo, hi);
  const b = o.max === undefined ? hi : asInt(o.max, at(key, 'max'), lo, hi);
  if (a > b) fail(key, `min ${a} is greater than max ${b}`);
  return [a, b];
}

/** AS numbers and "A-B" ranges, as a list of inclusive bounds. */
export function asAsnRanges(v: unknown, key: string): [number, number][] {
  return asList(v, key).map(({ value, key: k }) => asRange(value, k, 0, 0xffffffff));
}
