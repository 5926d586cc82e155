// The RIB attributes of the most common received attribute set, read straight from its bytes: an error-free
// packed set (attr-set.ts) of a 4-octet-AS session, for IPv4 routes, holding only ORIGIN, AS_PATH, NEXT_HOP,
// MULTI_EXIT_DISC, LOCAL_PREF, COMMUNITIES and LARGE_COMMUNITY — what nearly every UPDATE of a full table carries.
// The general path (inbound.ts AttrConverter.build) decodes the attribute list into objects, turns it into an
// AttrsInput and interns that; here the values go from the bytes into the store's interned components with no
// object per attribute, AS path segment or community. The result is the same interned set (the tests compare the
// two paths on generated sets); anything else in the set sends it to the general path.
//
// The packed set's scan has already checked every length, flag and segment (attr-scan.ts): a set with an error
// is not lazily packed, so the reads below need no checks of their own.
import type { AttrStore, Attrs, AttrsInput } from '../rib/attrs.js';
import { PackedAttrSet } from '../wire/attr-set.js';
import type { CodecContext } from '../wire/context.js';
import { u32 } from '../wire/octets.js';

/** Type codes this path reads; any other attribute in the set sends it to the general path. */
const COMMON = new Uint8Array(256);
for (const t of [1, 2, 3, 4, 5, 8, 32]) COMMON[t] = 1;

/**
 * The interned IPv4 attributes of `set`, or undefined when the set is not of the common kind (the caller then
 * converts it the general way). `preset` is applied as on the general path (only LOCAL_PREF can be present here).
 */
export function commonIpv4Attrs(set: unknown, ctx: CodecContext, store: AttrStore,
  preset: ((input: AttrsInput) => void) | null): Attrs | undefined {
  if (!ctx.as4 || !(set instanceof PackedAttrSet) || set.errors.length !== 0) return undefined;
  const b = set.u8, start = set.start, end = start + set.octets;
  let origin = 0, med: number | null = null, localPref: number | null = null, nextHop = -1;
  let pathAt = -1, pathEnd = 0, commAt = -1, commEnd = 0, largeAt = -1, largeEnd = 0;
  for (let p = start; p < end;) {
    const flags = b[p]!, type = b[p + 1]!;
    const ext = (flags & 0x10) !== 0;
    const vs = p + (ext ? 4 : 3), ve = vs + (ext ? (b[p + 2]! << 8) | b[p + 3]! : b[p + 2]!);
    if (COMMON[type] === 0) return undefined;
    switch (type) {
      case 1: origin = b[vs]!; break;
      case 2: pathAt = vs; pathEnd = ve; break;
      case 3: nextHop = u32(b, vs); break;
      case 4: med = u32(b, vs); break;
      case 5: localPref = u32(b, vs); break;
      case 8: commAt = vs; commEnd = ve; break;
      default: largeAt = vs; largeEnd = ve; break; // 32
    }
    p = ve;
  }
  if (nextHop < 0) return undefined; // no NEXT_HOP: the general path reports it
  // The AS path and the community lists are looked up by their bytes: a value interned already costs no array.
  const asPath = pathAt < 0 ? store.emptyPath : store.asPathOfWire(b, pathAt, pathEnd);
  const communities = commAt < 0 ? null : store.communitiesOfWire(b, commAt, commEnd);
  const large = largeAt < 0 ? null : store.largeCommunitiesOfWire(b, largeAt, largeEnd);
  if (preset !== null) {
    const p = PRESET;
    p.localPref = localPref; p.originatorId = null; p.clusterList = null;
    preset(p);
    localPref = p.localPref ?? null;
  }
  return store.internCommon(origin, asPath, store.nextHopV4(nextHop), med, localPref, communities, large);
}

/** The input the preset is applied to, reused (a preset only sets fields of it; it keeps nothing). */
const PRESET: AttrsInput = { localPref: null, originatorId: null, clusterList: null };
