// Per-AS weights (users, traffic, attack volume): JSON `{"ASN": number}` or text lines `ASN weight` /
// `ASN,weight` (a header line and '#' comments allowed). Errors name the file and the line or key.
import { ConfigError } from '../util/errors.js';
import { indexOfAsn, type AsGraph } from './graph.js';

export interface Weights {
  /** Weight per graph index; ASes not listed weigh 0. */
  w: Float64Array;
  listed: number;
  /** ASNs listed that are not in the graph (their weight is not counted, and reported). */
  missing: number;
  missingWeight: number;
}

export function parseWeights(text: string, file: string, g: AsGraph): Weights {
  const w = new Float64Array(g.n);
  let listed = 0;
  let missing = 0;
  let missingWeight = 0;
  const put = (asn: number, x: number, key: string) => {
    if (!Number.isInteger(asn) || asn < 0 || asn > 4294967295) throw new ConfigError(file, key, `not an AS number`);
    if (!Number.isFinite(x) || x < 0) throw new ConfigError(file, key, `weight must be a number >= 0, got ${x}`);
    listed++;
    const i = indexOfAsn(g, asn);
    if (i < 0) { missing++; missingWeight += x; return; }
    w[i]! += x;
  };
  const t = text.trimStart();
  if (t.startsWith('{')) {
    let obj: unknown;
    try { obj = JSON.parse(t); } catch (e) { throw new ConfigError(file, '', `invalid JSON: ${(e as Error).message}`); }
    for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
      put(Number(k.replace(/^AS/i, '')), typeof v === 'number' ? v : NaN, k);
    }
  } else {
    text.split('\n').forEach((raw, i) => {
      const line = raw.replace(/#.*/, '').trim();
      if (line === '') return;
      const f = line.split(/[\s,;]+/);
      if (i === 0 && !/^(AS)?\d+$/i.test(f[0]!)) return; // header
      if (f.length < 2) throw new ConfigError(file, `line ${i + 1}`, 'expected "ASN weight"');
      put(Number(f[0]!.replace(/^AS/i, '')), Number(f[1]), `line ${i + 1}`);
    });
  }
  return { w, listed, missing, missingWeight };
}
