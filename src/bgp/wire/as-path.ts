// AS_PATH / AS4_PATH model and helpers (RFC 4271 §4.3 and §5.1.2, RFC 5065 §3 confederation segments, RFC 6793
// §4.2.2-4.2.3 2-/4-octet interworking).
//
//   segment:  +------------+-------------+------------------------------+
//             | type (1)   | count (1)   | count x AS (2 or 4 octets)   |
//             +------------+-------------+------------------------------+
//   type 1 AS_SET, 2 AS_SEQUENCE, 3 AS_CONFED_SEQUENCE, 4 AS_CONFED_SET.
//
// Text form, as bgpdump and most routers print it: "64512 64513 {64514,64515} (64516 64517) [64518,64519]"
// (sequence, {set}, (confed sequence), [confed set]).

export const AS_SET = 1, AS_SEQUENCE = 2, AS_CONFED_SEQUENCE = 3, AS_CONFED_SET = 4;
/** RFC 6793 §9: the 2-octet stand-in for a 4-octet AS number. */
export const AS_TRANS = 23456;

export interface AsSegment {
  /** 1 AS_SET, 2 AS_SEQUENCE, 3 AS_CONFED_SEQUENCE, 4 AS_CONFED_SET. */
  readonly type: number;
  readonly asns: readonly number[];
}

/** The "64512 64513 {64514,64515}" text of a path. */
export function asPathText(segments: readonly AsSegment[]): string {
  const parts: string[] = [];
  for (const s of segments) {
    switch (s.type) {
      case AS_SEQUENCE: if (s.asns.length > 0) parts.push(s.asns.join(' ')); break;
      case AS_SET: parts.push(`{${s.asns.join(',')}}`); break;
      case AS_CONFED_SEQUENCE: parts.push(`(${s.asns.join(' ')})`); break;
      case AS_CONFED_SET: parts.push(`[${s.asns.join(',')}]`); break;
      default: parts.push(`<type ${s.type}: ${s.asns.join(' ')}>`);
    }
  }
  return parts.join(' ');
}

/** Parse the text form back into segments (runs of plain ASes become one AS_SEQUENCE); null if malformed. */
export function parseAsPathText(text: string): AsSegment[] | null {
  const out: AsSegment[] = [];
  let seq: number[] = [];
  const re = /\s*(?:\{([^}]*)\}|\(([^)]*)\)|\[([^\]]*)\]|(\d+))/gy;
  const flush = () => { if (seq.length > 0) { out.push({ type: AS_SEQUENCE, asns: seq }); seq = []; } };
  const nums = (s: string, sep: RegExp): number[] | null => {
    const xs = s.split(sep).map((x) => x.trim()).filter((x) => x !== '');
    if (!xs.every((x) => /^\d+$/.test(x) && Number(x) <= 0xffffffff)) return null;
    return xs.map(Number);
  };
  let m: RegExpExecArray | null;
  let pos = 0;
  while ((m = re.exec(text)) !== null) {
    pos = re.lastIndex;
    if (m[4] !== undefined) {
      const n = Number(m[4]);
      if (n > 0xffffffff) return null;
      seq.push(n);
      continue;
    }
    flush();
    const [type, body, sep] = m[1] !== undefined ? [AS_SET, m[1], /[,\s]+/] : m[2] !== undefined
      ? [AS_CONFED_SEQUENCE, m[2], /\s+/] : [AS_CONFED_SET, m[3]!, /[,\s]+/];
    const asns = nums(body, sep);
    if (asns === null) return null;
    out.push({ type, asns });
  }
  if (text.slice(pos).trim() !== '') return null;
  flush();
  return out;
}

/** Path length for best-path selection (RFC 4271 §9.1.2.2 a; RFC 5065 §5.3: confed segments count 0). */
export function asPathLength(segments: readonly AsSegment[]): number {
  let n = 0;
  for (const s of segments) {
    if (s.type === AS_SEQUENCE) n += s.asns.length;
    else if (s.type === AS_SET) n += 1;
  }
  return n;
}

/** The neighbour AS: first AS of the first AS_SEQUENCE when the path starts with one, else undefined. */
export function firstAs(segments: readonly AsSegment[]): number | undefined {
  const s = segments[0];
  return s !== undefined && s.type === AS_SEQUENCE ? s.asns[0] : undefined;
}

/** The origin AS: last AS of the last segment when it is an AS_SEQUENCE. */
export function originAs(segments: readonly AsSegment[]): number | undefined {
  const s = segments[segments.length - 1];
  return s !== undefined && s.type === AS_SEQUENCE ? s.asns[s.asns.length - 1] : undefined;
}

/**
 * RFC 6793 §4.2.3: rebuild the 4-octet path from AS_PATH and AS4_PATH received from an OLD (2-octet) speaker.
 * AS4_PATH is ignored when it is longer than AS_PATH; confederation segments in AS4_PATH are dropped (§6).
 * Otherwise the result is the first (len(AS_PATH) - len(AS4_PATH)) ASes of AS_PATH followed by AS4_PATH, where
 * lengths count an AS_SET as 1 and confederation segments as 0 (the leading confed segments of AS_PATH are kept).
 */
export function mergeAs4Path(asPath: readonly AsSegment[], as4Path: readonly AsSegment[]): AsSegment[] {
  const as4 = as4Path.filter((s) => s.type === AS_SEQUENCE || s.type === AS_SET);
  const n2 = asPathLength(asPath), n4 = asPathLength(as4);
  if (n4 > n2) return asPath.map((s) => ({ type: s.type, asns: [...s.asns] }));
  let keep = n2 - n4;
  const out: AsSegment[] = [];
  // "A valid AS_CONFED_SEQUENCE or AS_CONFED_SET path segment SHALL be prepended if it is either the leading path
  // segment or is adjacent to a path segment that is prepended": the walk stops at the first sequence or set that
  // is not taken (or taken only in part), so every confed segment it reaches qualifies.
  for (const s of asPath) {
    if (s.type === AS_CONFED_SEQUENCE || s.type === AS_CONFED_SET) { out.push({ type: s.type, asns: [...s.asns] }); continue; }
    if (keep === 0) break;
    if (s.type === AS_SET) { out.push({ type: AS_SET, asns: [...s.asns] }); keep--; continue; }
    const take = Math.min(keep, s.asns.length);
    out.push({ type: AS_SEQUENCE, asns: s.asns.slice(0, take) });
    keep -= take;
    if (take < s.asns.length) break;
  }
  for (const s of as4) {
    const last = out[out.length - 1];
    // Join adjacent sequences so "64512" + "4200000001" reads as one sequence, as the sender had it.
    if (s.type === AS_SEQUENCE && last !== undefined && last.type === AS_SEQUENCE) {
      out[out.length - 1] = { type: AS_SEQUENCE, asns: [...last.asns, ...s.asns] };
    } else {
      out.push({ type: s.type, asns: [...s.asns] });
    }
  }
  return out;
}

/**
 * RFC 6793 §4.2.2: what a NEW speaker sends to an OLD one. Returns the AS_PATH with every AS > 65535 replaced by
 * AS_TRANS, and the AS4_PATH to send alongside (null when every AS fits in 2 octets). Confed segments are not put
 * into AS4_PATH (§6).
 */
export function toTwoOctetPath(segments: readonly AsSegment[]): { asPath: AsSegment[]; as4Path: AsSegment[] | null } {
  const needs = segments.some((s) => s.asns.some((a) => a > 0xffff));
  const asPath = segments.map((s) => ({ type: s.type, asns: s.asns.map((a) => (a > 0xffff ? AS_TRANS : a)) }));
  if (!needs) return { asPath, as4Path: null };
  return { asPath, as4Path: segments.filter((s) => s.type <= 2).map((s) => ({ type: s.type, asns: [...s.asns] })) };
}
