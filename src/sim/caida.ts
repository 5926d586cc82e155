// Parser for CAIDA AS-relationship files, from bytes (pure; the I/O is in load.ts). Both formats:
//   serial-1  `<AS1>|<AS2>|<rel>`            rel -1: AS1 is a provider of AS2; 0: peers
//   serial-2  `<AS1>|<AS2>|<rel>|<source>`   the same, plus how the link was inferred (ignored)
// Lines starting with '#' are comments. Some older files use 1 (AS1 is a customer of AS2) and 2 (siblings): 1 is
// turned round into -1; siblings are kept as peers and counted, since Gao-Rexford has no sibling class.
import { AnycastError } from '../util/errors.js';
import type { EdgeList } from './graph.js';

export class GraphFormatError extends AnycastError {
  constructor(readonly file: string, readonly line: number, readonly reason: string) {
    super('ERR_GRAPH_FORMAT', `${file}:${line}: ${reason}`);
  }
}

export interface ParseStats {
  lines: number;
  links: number;
  siblings: number;
  format: 'serial-1' | 'serial-2' | 'empty';
}

const PIPE = 0x7c;
const NL = 0x0a;
const CR = 0x0d;
const HASH = 0x23;
const MINUS = 0x2d;

/** Parses the whole file. Throws GraphFormatError naming the line for anything that is not a link or a comment. */
export function parseAsRel(buf: Uint8Array, file: string): { edges: EdgeList; stats: ParseStats } {
  let cap = 1 << 16;
  let a = new Uint32Array(cap);
  let b = new Uint32Array(cap);
  let rel = new Int8Array(cap);
  let count = 0;
  let lineNo = 0;
  let siblings = 0;
  let fields3 = 0;
  let fields4 = 0;
  const len = buf.length;
  let p = 0;
  while (p < len) {
    lineNo++;
    let end = p;
    while (end < len && buf[end] !== NL) end++;
    let stop = end;
    if (stop > p && buf[stop - 1] === CR) stop--;
    if (stop === p || buf[p] === HASH) { p = end + 1; continue; }
    // Fields: two unsigned integers, a signed small integer, then optionally anything.
    const vals = [0, 0, 0];
    let f = 0;
    let q = p;
    let bad = '';
    while (f < 3) {
      let neg = false;
      if (f === 2 && buf[q] === MINUS) { neg = true; q++; }
      const start = q;
      let v = 0;
      while (q < stop && buf[q]! >= 0x30 && buf[q]! <= 0x39) { v = v * 10 + (buf[q]! - 0x30); q++; }
      if (q === start) { bad = `field ${f + 1} is not a number`; break; }
      vals[f] = neg ? -v : v;
      f++;
      if (f < 3) {
        if (buf[q] !== PIPE) { bad = `expected '|' after field ${f}`; break; }
        q++;
      }
    }
    if (bad === '') {
      if (q === stop) fields3++;
      else if (buf[q] === PIPE) fields4++;
      else bad = 'trailing characters after the relationship';
    }
    if (bad === '' && (vals[0]! > 0xffffffff || vals[1]! > 0xffffffff)) bad = 'ASN out of range';
    let r = vals[2]!;
    if (bad === '' && r !== -1 && r !== 0 && r !== 1 && r !== 2) bad = `unknown relationship ${r}`;
    if (bad !== '') {
      const text = Buffer.from(buf.subarray(p, Math.min(stop, p + 80))).toString('utf8');
      throw new GraphFormatError(file, lineNo, `${bad}: '${text}'`);
    }
    let x = vals[0]!;
    let y = vals[1]!;
    if (r === 1) { const t = x; x = y; y = t; r = -1; }
    if (r === 2) { siblings++; r = 0; }
    if (count === cap) {
      cap *= 2;
      const na = new Uint32Array(cap); na.set(a); a = na;
      const nb = new Uint32Array(cap); nb.set(b); b = nb;
      const nr = new Int8Array(cap); nr.set(rel); rel = nr;
    }
    a[count] = x;
    b[count] = y;
    rel[count] = r;
    count++;
    p = end + 1;
  }
  const format = count === 0 ? 'empty' : fields4 > fields3 ? 'serial-2' : 'serial-1';
  return { edges: { a, b, rel, count }, stats: { lines: lineNo, links: count, siblings, format } };
}
