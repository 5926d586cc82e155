// TABLE_DUMP_V2 record bodies (RFC 6396 §4.3; RFC 8050 §4 add-path): PEER_INDEX_TABLE, the AFI/SAFI-specific RIB
// subtypes and RIB_GENERIC for IPv4/IPv6 unicast/multicast. Attributes are decoded (lazily, see ReadRibEntry) with
// 4-octet AS numbers (RFC 6396 §4.3.4) and the abbreviated MP_REACH_NLRI accepted. Fault offsets are body-relative.
import { ipv4Text, symmetricContext, type CodecContext } from '../bgp/wire/index.js';
import { addrText, copyBytes, readPrefix, u16, u32 } from './bytes.js';
import { PEER_TYPE_AS4, PEER_TYPE_IPV6, ribSubtypeFamily, TD2 } from './constants.js';
import { type DecodedSection, decodeSection, Fault } from './decode-common.js';
import type { PeerEntry, PeerIndexTableRecord, RibEntry, RibGenericRecord, RibRecord, UnknownRecord } from './model.js';

/** RFC 6396 §4.3.4: AS numbers in TABLE_DUMP_V2 attributes are always 4 octets; NLRI never carry path ids here. */
export const TD2_CONTEXT: CodecContext = symmetricContext({ as4: true, extendedMessages: true });

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodePeerIndexTable(b: Uint8Array, s: number, e: number, timestamp: number):
  PeerIndexTableRecord | Fault {
  const at = (p: number) => p - s;
  if (e - s < 8) return new Fault(`PEER_INDEX_TABLE of ${e - s} octets is shorter than its fixed part (8)`, 0);
  const collectorBgpId = ipv4Text(b, s);
  const nameLen = u16(b, s + 4);
  let p = s + 6;
  if (p + nameLen + 2 > e) return new Fault(`view name of ${nameLen} octets overruns the record`, at(s + 4));
  const nameBytes = b.subarray(p, p + nameLen);
  let viewName: string;
  let viewNameBytes: Uint8Array | undefined;
  let ascii = true;
  for (let i = 0; i < nameBytes.length; i++) if (nameBytes[i]! >= 0x80) { ascii = false; break; }
  if (ascii) viewName = Buffer.from(nameBytes.buffer, nameBytes.byteOffset, nameBytes.length).toString('latin1');
  else {
    try {
      viewName = utf8.decode(nameBytes);
    } catch {
      viewName = Buffer.from(nameBytes).toString('latin1');
      viewNameBytes = copyBytes(nameBytes);
    }
  }
  p += nameLen;
  const count = u16(b, p);
  p += 2;
  const peers: PeerEntry[] = new Array(count);
  for (let i = 0; i < count; i++) {
    if (p + 1 > e) return new Fault(`peer ${i} of ${count}: record ends before its Peer Type`, at(p));
    const peerType = b[p]!;
    const alen = (peerType & PEER_TYPE_IPV6) !== 0 ? 16 : 4;
    const aslen = (peerType & PEER_TYPE_AS4) !== 0 ? 4 : 2;
    if (p + 5 + alen + aslen > e) return new Fault(`peer ${i} of ${count} overruns the record`, at(p));
    const bgpId = ipv4Text(b, p + 1);
    const address = addrText(b, p + 5, alen === 16 ? 2 : 1);
    const q = p + 5 + alen;
    const asn = aslen === 4 ? u32(b, q) : u16(b, q);
    peers[i] = { peerType, bgpId, address, asn };
    p = q + aslen;
  }
  if (p !== e) return new Fault(`${e - p} octets after the last peer entry`, at(p));
  return viewNameBytes === undefined
    ? { kind: 'PEER_INDEX_TABLE', timestamp, collectorBgpId, viewName, peers }
    : { kind: 'PEER_INDEX_TABLE', timestamp, collectorBgpId, viewName, viewNameBytes, peers };
}

/**
 * A RIB entry read from a record. Its attributes are decoded on first access (attrs, mpReach, mpUnreach, errors,
 * rawAttributes) from attributeBytes, a view of the record: walking a dump for a few fields, or printing it with
 * per-section caching (bgpdump.ts), does not pay for decoding every section.
 */
export class ReadRibEntry implements RibEntry {
  private d: DecodedSection | null = null;
  constructor(readonly peerIndex: number, readonly originatedTime: number, readonly pathId: number | null,
    readonly attributeBytes: Uint8Array, private readonly fam: { afi: number; safi: number }) {}
  private get decoded(): DecodedSection {
    return this.d ??= decodeSection(this.attributeBytes, 0, this.attributeBytes.length, TD2_CONTEXT, this.fam, undefined);
  }
  get attrs(): RibEntry['attrs'] { return this.decoded.attrs; }
  get mpReach(): RibEntry['mpReach'] { return this.decoded.mpReach; }
  get mpUnreach(): RibEntry['mpUnreach'] { return this.decoded.mpUnreach; }
  get errors(): RibEntry['errors'] { return this.decoded.errors; }
  get rawAttributes(): Uint8Array | undefined { return this.decoded.rawAttributes; }
}

/** RIB entries from b[p, e) (RFC 6396 §4.3.4, RFC 8050 §4.1 for the Path Identifier). */
function decodeEntries(b: Uint8Array, s: number, p: number, e: number, count: number, withPathId: boolean,
  fam: { afi: number; safi: number }): RibEntry[] | Fault {
  const fixed = withPathId ? 12 : 8;
  const entries: RibEntry[] = new Array(count);
  for (let i = 0; i < count; i++) {
    if (p + fixed > e) return new Fault(`RIB entry ${i} of ${count}: header overruns the record`, p - s);
    const alen = u16(b, p + fixed - 2);
    const as = p + fixed;
    if (as + alen > e) {
      return new Fault(`RIB entry ${i} of ${count}: attribute length ${alen} overruns the record by ${as + alen - e}`,
        p + fixed - 2 - s);
    }
    entries[i] = new ReadRibEntry(u16(b, p), u32(b, p + 2), withPathId ? u32(b, p + 6) : null, b.subarray(as, as + alen), fam);
    p = as + alen;
  }
  if (p !== e) return new Fault(`${e - p} octets after the last RIB entry`, p - s);
  return entries;
}

/** RIB_IPV4_UNICAST … RIB_IPV6_MULTICAST_ADDPATH. */
export function decodeRib(b: Uint8Array, s: number, e: number, timestamp: number, subtype: number): RibRecord | Fault {
  const fam = ribSubtypeFamily(subtype)!;
  if (e - s < 5) return new Fault(`RIB record of ${e - s} octets is shorter than its fixed part`, 0);
  const sequence = u32(b, s);
  const len = b[s + 4]!;
  const max = fam.afi === 2 ? 128 : 32;
  if (len > max) return new Fault(`prefix length ${len} exceeds ${max}`, 4);
  const nb = (len + 7) >> 3;
  let p = s + 5;
  if (p + nb + 2 > e) return new Fault('prefix overruns the record', 4);
  const prefix = readPrefix(b, p, fam.afi, len);
  p += nb;
  const count = u16(b, p);
  const entries = decodeEntries(b, s, p + 2, e, count, fam.addPath, fam);
  if (entries instanceof Fault) return entries;
  return { kind: 'RIB', timestamp, subtype, afi: fam.afi, safi: fam.safi, addPath: fam.addPath, sequence, prefix, entries };
}

/** RIB_GENERIC(_ADDPATH) for the prefix families; other families come back as an UNKNOWN record. */
export function decodeRibGeneric(b: Uint8Array, s: number, e: number, timestamp: number, subtype: number):
  RibGenericRecord | UnknownRecord | Fault {
  if (e - s < 7) return new Fault(`RIB_GENERIC record of ${e - s} octets is shorter than its fixed part`, 0);
  const sequence = u32(b, s);
  const afi = u16(b, s + 4), safi = b[s + 6]!;
  if (!((afi === 1 || afi === 2) && (safi === 1 || safi === 2))) {
    return { kind: 'UNKNOWN', timestamp, type: 13, subtype, microseconds: 0, body: copyBytes(b, s, e),
      reason: `RIB_GENERIC for AFI ${afi} SAFI ${safi}: NLRI of this family are not interpreted` };
  }
  const addPath = subtype === TD2.RIB_GENERIC_ADDPATH;
  let p = s + 7;
  let pathId: number | undefined;
  if (addPath) {
    if (p + 4 > e) return new Fault('Path Identifier overruns the record', p - s);
    pathId = u32(b, p);
    p += 4;
  }
  if (p + 1 > e) return new Fault('prefix length overruns the record', p - s);
  const len = b[p]!;
  const max = afi === 2 ? 128 : 32;
  if (len > max) return new Fault(`prefix length ${len} exceeds ${max}`, p - s);
  const nb = (len + 7) >> 3;
  if (p + 1 + nb + 2 > e) return new Fault('prefix overruns the record', p - s);
  const prefix = readPrefix(b, p + 1, afi, len, pathId);
  p += 1 + nb;
  const count = u16(b, p);
  const entries = decodeEntries(b, s, p + 2, e, count, false, { afi, safi });
  if (entries instanceof Fault) return entries;
  return { kind: 'RIB_GENERIC', timestamp, subtype, sequence, afi, safi, prefix, entries };
}

