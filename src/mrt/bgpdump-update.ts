// The prefixes of a BGP UPDATE (RFC 4271 §4.3; RFC 4760 MP_REACH/MP_UNREACH; RFC 7911 path ids) read straight from
// the message octets the way bgpdump reads them, for the bgpdump -m lines of BGP4MP records: no decoded model, so
// printing an update log costs a walk over its octets, and a message the wire codec would reject prints what
// bgpdump prints. Reading rules (bgpdump's, where the RFC is silent about damaged input):
//   - a bad marker or a type other than UPDATE: nothing; a Length past the record: the octets present are read;
//   - each field is cut at the end of its enclosing field; a prefix whose octets overrun its field ends the list;
//   - MP_REACH_NLRI with a non-zero first octet is the abbreviated form (no NLRI); SNPAs are skipped;
//   - NLRI of AFI 1/2 with SAFI 1, 2 or 3 are printed (bgpdump's families); the first copy of a repeated attribute
//     counts.
import { u16, u32 } from './bytes.js';

/** One prefix list: text of each prefix and its path id (0 without add-path). */
export interface PrefixTexts {
  readonly afi: number;
  readonly safi: number;
  readonly texts: string[];
  readonly ids: number[];
}

export interface UpdateWalk {
  /** Offsets of the path attribute section in the message. */
  readonly attrStart: number;
  readonly attrEnd: number;
  readonly withdrawn: PrefixTexts;
  readonly nlri: PrefixTexts;
  readonly mpUnreach: PrefixTexts | null;
  readonly mpReach: PrefixTexts | null;
}

type Fmt6 = (b: Uint8Array, o: number) => string;

const scratch = new Uint8Array(16);

/** read_prefix_list: prefixes of family `afi` in b[p, e), each preceded by a path id when addPath. */
function prefixes(b: Uint8Array, p: number, e: number, afi: number, safi: number, addPath: boolean, fmt6: Fmt6): PrefixTexts {
  const texts: string[] = [], ids: number[] = [];
  const alen = afi === 2 ? 16 : 4;
  while (p < e) {
    let id = 0;
    if (addPath) {
      if (p + 4 > e) break;
      id = u32(b, p);
      p += 4;
      if (p >= e) break;
    }
    const len = b[p++]!;
    const nb = (len + 7) >> 3;
    if (p + nb > e) break;
    scratch.fill(0);
    for (let i = 0; i < nb && i < alen; i++) scratch[i] = b[p + i]!;
    texts.push(`${afi === 2 ? fmt6(scratch, 0) : `${scratch[0]}.${scratch[1]}.${scratch[2]}.${scratch[3]}`}/${len}`);
    ids.push(id);
    p += nb;
  }
  return { afi, safi, texts, ids };
}

const printed = (afi: number, safi: number) => (afi === 1 || afi === 2) && safi >= 1 && safi <= 3;

/** Walk an UPDATE message (header included); null when bgpdump prints nothing for it. */
export function walkUpdate(m: Uint8Array, addPath: boolean, fmt6: Fmt6): UpdateWalk | null {
  if (m.length < 19) return null;
  for (let i = 0; i < 16; i++) if (m[i] !== 0xff) return null;
  if (m[18] !== 2) return null;
  const end = Math.min(m.length, Math.max(19, u16(m, 16)));
  let p = 19;
  const wlen = p + 2 <= end ? u16(m, p) : 0;
  p = Math.min(end, p + 2);
  const wEnd = Math.min(end, p + wlen);
  const withdrawn = prefixes(m, p, wEnd, 1, 1, addPath, fmt6);
  p = wEnd;
  const alen = p + 2 <= end ? u16(m, p) : 0;
  p = Math.min(end, p + 2);
  const attrStart = p, attrEnd = Math.min(end, p + alen);
  let mpReach: PrefixTexts | null = null, mpUnreach: PrefixTexts | null = null;
  let sawReach = false, sawUnreach = false;
  for (let q = attrStart; q + 3 <= attrEnd;) {
    const flags = m[q]!, type = m[q + 1]!;
    const ext = (flags & 0x10) !== 0;
    if (ext && q + 4 > attrEnd) break;
    const len = ext ? u16(m, q + 2) : m[q + 2]!;
    const vs = q + (ext ? 4 : 3), ve = vs + len;
    if (ve > attrEnd) break;
    if (type === 14 && !sawReach) {
      sawReach = true;
      if (ve > vs && m[vs] !== 0) { /* abbreviated: next hop only */ } else if (ve - vs >= 5) {
        const afi = u16(m, vs), safi = m[vs + 2]!;
        let r = vs + 4 + m[vs + 3]!;
        let snpa = r < ve ? m[r]! : 0;
        r++;
        for (; snpa > 0 && r < ve; snpa--) r += 1 + m[r]!;
        if (printed(afi, safi) && r <= ve) mpReach = prefixes(m, r, ve, afi, safi, addPath, fmt6);
      }
    } else if (type === 15 && !sawUnreach) {
      sawUnreach = true;
      if (ve - vs >= 3) {
        const afi = u16(m, vs), safi = m[vs + 2]!;
        if (printed(afi, safi)) mpUnreach = prefixes(m, vs + 3, ve, afi, safi, addPath, fmt6);
      }
    }
    q = ve;
  }
  const nlri = prefixes(m, attrEnd, end, 1, 1, addPath, fmt6);
  return { attrStart, attrEnd, withdrawn, nlri, mpUnreach, mpReach };
}
