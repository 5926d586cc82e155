// One pass over a path attribute section (RFC 4271 §4.3, RFC 4760 §3-4, RFC 6396 §4.3.4) that allocates nothing:
//  1. checks the structure exactly as scanAttrs() does (a header or value overrunning the section, or a second
//     MP_REACH_NLRI/MP_UNREACH_NLRI, makes the section uncacheable: SCAN_UNCLEAN);
//  2. finds the section's *normalised* form (SCANNED): the bytes as received, except that
//     MP_REACH_NLRI and MP_UNREACH_NLRI lose their NLRI and their length field is rewritten to match (in the width
//     the Extended Length flag gives). That is itself a valid attribute section, equal for two UPDATEs exactly
//     when their sets are equal (same meaning as the interning key of scanAttrs(), but self-delimiting). Without
//     MP attributes (most IPv4 UPDATEs) it is the input itself, not copied; with them it is built in NORM;
//  3. checks every attribute with the rules of attr-values.ts (flags, lengths, contents, duplicates, RFC 7606) and
//     records the fields the decision process reads first into the header words HOT. SCAN_LAZY means
//     decodeList() would find no error at all, so the attribute objects can be built later, from NORM's copy;
//     SCAN_EAGER means at least one error, so the caller decodes the list now to get them.
// The rules here and in attr-values.ts must agree: test/bgp/wire/packed.test.ts checks that SCAN_LAZY sections
// decode without errors and that the header words equal those computed from the decoded list, on every vector and
// on generated and mutated sections.
import { EXPECTED_FLAGS } from './attributes.js';
import { AFI_IPV4 } from './context.js';
import { isPrefixFamily, type MrtFamily } from './attr-values.js';
import { u16, u32 } from './octets.js';

export const SCAN_LAZY = 0, SCAN_EAGER = 1, SCAN_UNCLEAN = 2;

// Header words of a packed set (uint32 each), in front of its normalised bytes (see attr-set.ts).
export const H_LEN = 0;          // normalised section length in octets
export const H_BITS = 1;         // BIT_* flags below
export const H_ORIGIN = 2;       // ORIGIN value (0 IGP, 1 EGP, 2 INCOMPLETE)
export const H_PATH_LEN = 3;     // AS_PATH length for the decision (RFC 4271 §9.1.2.2 a: AS_SET 1, confed 0)
export const H_FIRST_AS = 4;     // first AS of AS_PATH when it starts with an AS_SEQUENCE (BIT_FIRST_AS)
export const H_LAST_AS = 5;      // last AS of AS_PATH when it ends with an AS_SEQUENCE (BIT_LAST_AS)
export const H_NEXT_HOP = 6;     // NEXT_HOP as a uint32
export const H_MED = 7;
export const H_LOCAL_PREF = 8;
export const H_COMMUNITIES = 9;  // number of RFC 1997 communities
export const HEADER_WORDS = 10;

// Presence of a valid (accepted, first) attribute of each known type: bit = type code for codes 1..18,
// LARGE_COMMUNITY bit 19, ONLY_TO_CUSTOMER bit 20, any UNKNOWN attribute bit 21.
export const BIT_LARGE_COMMUNITY = 1 << 19, BIT_OTC = 1 << 20, BIT_UNKNOWN = 1 << 21;
/** H_FIRST_AS / H_LAST_AS hold a value. */
export const BIT_FIRST_AS = 1 << 22, BIT_LAST_AS = 1 << 23;
/** MP_REACH_NLRI is in the RFC 6396 §4.3.4 abbreviated form (no AFI/SAFI, no NLRI). */
export const BIT_MP_MRT = 1 << 24;
/** The list was decoded eagerly (the set has errors, or was built from a list). */
export const BIT_EAGER = 1 << 25;
/** AS_PATH holds AS 0 (RFC 7607) / a confederation segment (for the stage-2 checks of validate.ts). */
export const BIT_PATH_AS0 = 1 << 26, BIT_PATH_CONFED = 1 << 27;
/** AGGREGATOR or AS4_AGGREGATOR with AS 0, or AS4_PATH holding AS 0 (RFC 7607). */
export const BIT_AGG_AS0 = 1 << 28;

/** The presence bit of an attribute type code (BIT_UNKNOWN for codes the codec does not interpret). */
export function typeBit(type: number): number {
  if (EXP[type] === 0) return BIT_UNKNOWN;
  return type < 19 ? 1 << type : type === 32 ? BIT_LARGE_COMMUNITY : type === 35 ? BIT_OTC : BIT_UNKNOWN;
}

/** Expected Optional/Transitive bits per type code; 0 for codes the codec does not interpret. */
const EXP = new Uint8Array(256);
for (const [t, f] of Object.entries(EXPECTED_FLAGS)) EXP[Number(t)] = f;

// An attribute section is at most 65535 - 19 - 4 octets (RFC 8654); the normalised form is never longer.
const NORM_BYTES = 65536 + 8;
/** Scratch for the normalised section of a scan with MP attributes. */
export const NORM = new Uint8Array(NORM_BYTES);
/** The header words of the last scan (H_*). */
export const HOT = new Uint32Array(HEADER_WORDS);
/**
 * The last scan: its normalised section is src[from, from + len) (the input itself when the section has no MP
 * attribute, else NORM); value offsets in the input of MP_REACH_NLRI / MP_UNREACH_NLRI, -1 when absent.
 */
export const SCANNED = { src: NORM as Uint8Array, from: 0, len: 0, reachVs: -1, reachVe: -1, unreachVs: -1, unreachVe: -1 };

const SEEN = new Float64Array(256);
let generation = 0;

/** Whether mpNextHop() accepts a next hop of this length for this AFI (RFC 2545 §3, RFC 8950). */
function nextHopLengthOk(afi: number, len: number): boolean {
  return (afi === AFI_IPV4 && len === 4) || len === 16 || len === 32;
}

function copy(b: Uint8Array, from: number, to: number, n: number): number {
  // Short runs by hand; longer ones by the native copy, whose view of the source (an object per call) costs less
  // than a byte loop past about 40 octets (measured: ~2.8 ns per octet by hand, ~110 ns for view and copy).
  if (to - from < 48) { for (let i = from; i < to; i++) NORM[n++] = b[i]!; return n; }
  NORM.set(b.subarray(from, to), n);
  return n + to - from;
}

/**
 * Scan b[start, end). `as4`: AS numbers in AS_PATH/AGGREGATOR are 4 octets; `mrt`: the section belongs to an MRT
 * RIB entry of that family. Returns SCAN_LAZY, SCAN_EAGER or SCAN_UNCLEAN; after LAZY or EAGER, SCANNED locates
 * the normalised section and HOT holds the header words (valid for LAZY only).
 */
export function scanSection(b: Uint8Array, start: number, end: number, as4: boolean, mrt: MrtFamily | undefined): number {
  if (end - start > NORM_BYTES - 8) return SCAN_UNCLEAN;
  const gen = ++generation;
  let status = SCAN_LAZY;
  let n = 0, runFrom = start;
  let bits = 0, origin = 0, pathLen = 0, firstAs = 0, lastAs = 0, nextHop = 0, med = 0, localPref = 0, communities = 0;
  SCANNED.reachVs = -1; SCANNED.reachVe = -1; SCANNED.unreachVs = -1; SCANNED.unreachVe = -1;
  let p = start;
  while (p < end) {
    if (p + 3 > end) return SCAN_UNCLEAN;
    const flags = b[p]!, type = b[p + 1]!;
    const ext = (flags & 0x10) !== 0;
    if (ext && p + 4 > end) return SCAN_UNCLEAN;
    const len = ext ? u16(b, p + 2) : b[p + 2]!;
    const vs = p + (ext ? 4 : 3), ve = vs + len;
    if (ve > end) return SCAN_UNCLEAN;
    const dup = SEEN[type] === gen;
    SEEN[type] = gen;
    if (type === 14 || type === 15) {
      if (dup) return SCAN_UNCLEAN;
      // Where the attribute's header part ends (as scanAttrs() computes it); the NLRI after it are cut.
      let hdrEnd: number;
      if (type === 14) {
        SCANNED.reachVs = vs; SCANNED.reachVe = ve;
        const abbreviated = mrt !== undefined && len >= 1 && b[vs]! + 1 === len;
        hdrEnd = abbreviated ? ve : vs + 4 < ve ? Math.min(ve, vs + 5 + b[vs + 3]!) : ve;
        // In an MRT entry a full-form header whose first octet looks like an abbreviated length would read back
        // as the abbreviated form: such a (pathological) section is not cached.
        if (!abbreviated && mrt !== undefined && b[vs]! + 1 === hdrEnd - vs) return SCAN_UNCLEAN;
      } else {
        SCANNED.unreachVs = vs; SCANNED.unreachVe = ve;
        hdrEnd = Math.min(ve, vs + 3);
      }
      n = copy(b, runFrom, p + 2, n);
      const vlen = hdrEnd - vs;
      if (ext) { NORM[n++] = vlen >> 8; NORM[n++] = vlen & 255; } else NORM[n++] = vlen;
      n = copy(b, vs, hdrEnd, n);
      runFrom = ve;
    }
    if (status === SCAN_LAZY) {
      let ok = true;
      const exp = EXP[type]!;
      if (dup) {
        ok = false; // the copy is discarded (RFC 7606 §3 g)
      } else if (exp === 0) {
        if ((flags & 0x80) === 0) ok = false; // unrecognized well-known: session reset
      } else if ((flags & 0xc0) !== exp) {
        ok = false;
      } else {
        switch (type) {
          case 1:
            if (len !== 1 || b[vs]! > 2) ok = false; else origin = b[vs]!;
            break;
          case 2: case 17: {
            const width = type === 17 || as4 ? 4 : 2;
            if (type === 17 && len === 0) { ok = false; break; }
            let q = vs, first = true, plen = 0, last = -1, zero = false, confed = false;
            while (q < ve) {
              if (q + 2 > ve) { ok = false; break; }
              const st = b[q]!, cnt = b[q + 1]!;
              if (st < 1 || st > 4 || cnt === 0) { ok = false; break; }
              q += 2;
              const segEnd = q + cnt * width;
              if (segEnd > ve) { ok = false; break; }
              if (width === 4) { for (let r = q; r < segEnd; r += 4) if ((b[r]! | b[r + 1]! | b[r + 2]! | b[r + 3]!) === 0) zero = true; }
              else for (let r = q; r < segEnd; r += 2) if ((b[r]! | b[r + 1]!) === 0) zero = true;
              if (type === 2) {
                if (first && st === 2) { firstAs = width === 4 ? u32(b, q) : u16(b, q); bits |= BIT_FIRST_AS; }
                if (st === 2) plen += cnt; else if (st === 1) plen += 1; else confed = true;
                last = st === 2 ? (width === 4 ? u32(b, segEnd - 4) : u16(b, segEnd - 2)) : -1;
              }
              first = false;
              q = segEnd;
            }
            if (!ok) break;
            if (type === 2) {
              pathLen = plen;
              if (last >= 0) { lastAs = last; bits |= BIT_LAST_AS; }
              if (zero) bits |= BIT_PATH_AS0;
              if (confed) bits |= BIT_PATH_CONFED;
            } else if (zero) {
              bits |= BIT_AGG_AS0;
            }
            break;
          }
          case 3: if (len !== 4) ok = false; else nextHop = u32(b, vs); break;
          case 4: if (len !== 4) ok = false; else med = u32(b, vs); break;
          case 5: if (len !== 4) ok = false; else localPref = u32(b, vs); break;
          case 6: if (len !== 0) ok = false; break;
          case 7:
            if (len !== (as4 ? 8 : 6)) ok = false;
            else if ((as4 ? u32(b, vs) : u16(b, vs)) === 0) bits |= BIT_AGG_AS0;
            break;
          case 18:
            if (len !== 8) ok = false; else if (u32(b, vs) === 0) bits |= BIT_AGG_AS0;
            break;
          case 8: if (len === 0 || (len & 3) !== 0) ok = false; else communities = len >> 2; break;
          case 9: case 35: if (len !== 4) ok = false; break;
          case 10: if (len === 0 || (len & 3) !== 0) ok = false; break;
          case 16: if (len === 0 || (len & 7) !== 0) ok = false; break;
          case 32: if (len === 0 || len % 12 !== 0) ok = false; break;
          case 14:
            if (mrt !== undefined && len >= 1 && b[vs]! + 1 === len) {
              if (isPrefixFamily(mrt.afi, mrt.safi) && !nextHopLengthOk(mrt.afi, len - 1)) ok = false;
              else bits |= BIT_MP_MRT;
            } else if (len < 5) {
              ok = false;
            } else {
              const nhLen = b[vs + 3]!;
              if (vs + 5 + nhLen > ve) ok = false;
              else if (isPrefixFamily(u16(b, vs), b[vs + 2]!) && !nextHopLengthOk(u16(b, vs), nhLen)) ok = false;
            }
            break;
          case 15: if (len < 3) ok = false; break;
          default: break;
        }
      }
      if (ok) bits |= typeBit(type);
      else status = SCAN_EAGER;
    }
    p = ve;
  }
  if (runFrom === start) {
    // No MP attribute: the section is its own normalised form; nothing to copy.
    SCANNED.src = b; SCANNED.from = start; SCANNED.len = end - start;
  } else {
    n = copy(b, runFrom, end, n);
    SCANNED.src = NORM; SCANNED.from = 0; SCANNED.len = n;
  }
  n = SCANNED.len;
  HOT[H_LEN] = n; HOT[H_BITS] = bits; HOT[H_ORIGIN] = origin; HOT[H_PATH_LEN] = pathLen; HOT[H_FIRST_AS] = firstAs;
  HOT[H_LAST_AS] = lastAs; HOT[H_NEXT_HOP] = nextHop; HOT[H_MED] = med; HOT[H_LOCAL_PREF] = localPref;
  HOT[H_COMMUNITIES] = communities;
  return status;
}

/**
 * Rebuild in NORM the normalised section of a scanAttrs() key (which leaves out the MP attribute lengths), reading
 * MP_REACH_NLRI in the full form or, with `abbreviated`, the RFC 6396 §4.3.4 one. False when the key is not a
 * well-formed section.
 */
export function normFromKey(key: string, abbreviated: boolean): boolean {
  const L = key.length;
  if (L > NORM_BYTES - 8) return false;
  const at = (i: number) => key.charCodeAt(i);
  let n = 0;
  for (let p = 0; p < L;) {
    if (p + 2 > L) return false;
    const flags = at(p), type = at(p + 1);
    if (flags > 255 || type > 255) return false;
    let hdr: number, vlen: number;
    if (type === 14 || type === 15) {
      hdr = 2;
      if (type === 15) vlen = 3;
      else if (abbreviated) vlen = p + 3 <= L ? 1 + at(p + 2) : -1;
      else vlen = p + 6 <= L ? 5 + at(p + 5) : -1;
    } else {
      hdr = (flags & 0x10) !== 0 ? 4 : 3;
      vlen = p + hdr > L ? -1 : hdr === 4 ? at(p + 2) * 256 + at(p + 3) : at(p + 2);
    }
    if (vlen < 0 || p + hdr + vlen > L) return false;
    NORM[n++] = flags; NORM[n++] = type;
    if (hdr === 2) {
      if ((flags & 0x10) !== 0) { NORM[n++] = vlen >> 8; NORM[n++] = vlen & 255; } else if (vlen < 256) NORM[n++] = vlen; else return false;
    }
    for (let i = p + 2; i < p + hdr + vlen; i++) {
      const c = at(i);
      if (c > 255) return false;
      NORM[n++] = c;
    }
    p += hdr + vlen;
  }
  SCANNED.src = NORM; SCANNED.from = 0; SCANNED.len = n;
  return true;
}

// MurmurHash3's steps, shared by hashBytes() and hashCopyBytes() (small enough for V8 to inline).
const scramble = (k: number): number => Math.imul(rotl(Math.imul(k, 0xcc9e2d51), 15), 0x1b873593);
const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));
const mixWord = (h: number, k: number): number => (Math.imul(rotl(h ^ scramble(k), 13), 5) + 0xe6546b64) | 0;
const wordAt = (b: Uint8Array, i: number): number => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
function tailAt(b: Uint8Array, i: number, end: number): number {
  let k = b[i]!;
  if (i + 1 < end) k |= b[i + 1]! << 8;
  if (i + 2 < end) k |= b[i + 2]! << 16;
  return k;
}
function finalMix(h: number): number {
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/**
 * 32-bit hash of the octets b[from, from + len) (MurmurHash3's mixing over little-endian words, the last one
 * zero-padded; not cryptographic).
 */
export function hashBytes(b: Uint8Array, from: number, len: number): number {
  let h = len ^ 0x9e3779b9;
  const end = from + len, whole = from + (len & ~3);
  let i = from;
  for (; i < whole; i += 4) h = mixWord(h, wordAt(b, i));
  if (i < end) h ^= scramble(tailAt(b, i, end));
  return finalMix(h);
}

/** Whether this host stores a Uint32Array word least significant octet first (hashCopyBytes() needs it). */
export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * hashBytes() of b[from, from + len), and in the same pass a copy of those octets into `dst` from word `at` on
 * (the last word zero-padded). Only on a little-endian host, where a word assembled least significant octet first
 * is stored as the octets it came from. The hash is the same as hashBytes() gives.
 */
export function hashCopyBytes(b: Uint8Array, from: number, len: number, dst: Uint32Array, at: number): number {
  let h = len ^ 0x9e3779b9;
  const end = from + len, whole = from + (len & ~3);
  let i = from, w = at;
  for (; i < whole; i += 4) {
    const k = wordAt(b, i);
    dst[w++] = k;
    h = mixWord(h, k);
  }
  if (i < end) {
    const k = tailAt(b, i, end);
    dst[w] = k;
    h ^= scramble(k);
  }
  return finalMix(h);
}
