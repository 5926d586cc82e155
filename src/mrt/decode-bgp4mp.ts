// BGP4MP / BGP4MP_ET record bodies (RFC 6396 §4.4; RFC 8050 §5 add-path): STATE_CHANGE(_AS4) and the MESSAGE
// subtypes. The BGP message is decoded (lazily, see ReadMessageRecord) by the wire codec with the context the
// subtype implies: 4-octet AS numbers for the _AS4 subtypes, Path Identifiers on every IPv4/IPv6 unicast/multicast
// NLRI for the _ADDPATH subtypes, and lengths up to 65535 (a dump may hold RFC 8654 extended messages). A message
// the codec rejects stays in the record as bytes with its error: the record itself is well-formed.
import {
  type AttrCache, type BgpMessage, type CodecContext, decodeMessage, type DecodeResult, family, symmetricContext,
  type WireError,
} from '../bgp/wire/index.js';
import { addrLength, addrText, u16, u32 } from './bytes.js';
import { messageSubtypeFlags } from './constants.js';
import { type DecodeCaches, Fault } from './decode-common.js';
import type { Bgp4mpMessageRecord, Bgp4mpStateChangeRecord } from './model.js';

const ADDPATH_FAMILIES = [family(1, 1), family(1, 2), family(2, 1), family(2, 2)];

const CONTEXTS: readonly CodecContext[] = [
  symmetricContext({ as4: false, extendedMessages: true }),
  symmetricContext({ as4: true, extendedMessages: true }),
  symmetricContext({ as4: false, extendedMessages: true, addPath: ADDPATH_FAMILIES }),
  symmetricContext({ as4: true, extendedMessages: true, addPath: ADDPATH_FAMILIES }),
];

const CACHE_KEYS = ['bgp4mp:2', 'bgp4mp:4', 'bgp4mp:2:ap', 'bgp4mp:4:ap'];
const NO_OPTIONS = {};

/** The codec context of a BGP4MP message subtype. */
export function bgp4mpContext(as4: boolean, addPath: boolean): CodecContext {
  return CONTEXTS[(as4 ? 1 : 0) + (addPath ? 2 : 0)]!;
}

interface Peering {
  peerAs: number; localAs: number; ifIndex: number; afi: number; peerIp: string; localIp: string; next: number;
}

/** The common part: Peer AS, Local AS, Interface Index, Address Family, Peer IP, Local IP. */
function decodePeering(b: Uint8Array, s: number, e: number, as4: boolean): Peering | Fault {
  const w = as4 ? 4 : 2;
  if (s + 2 * w + 4 > e) return new Fault(`record of ${e - s} octets ends inside the peer/local AS fields`, 0);
  const peerAs = as4 ? u32(b, s) : u16(b, s);
  const localAs = as4 ? u32(b, s + w) : u16(b, s + w);
  const ifIndex = u16(b, s + 2 * w);
  const afi = u16(b, s + 2 * w + 2);
  if (afi !== 1 && afi !== 2) return new Fault(`address family ${afi} is neither IPv4 (1) nor IPv6 (2)`, 2 * w + 2);
  const p = s + 2 * w + 4;
  const al = addrLength(afi);
  if (p + 2 * al > e) return new Fault('record ends inside the peer/local IP addresses', p - s);
  return { peerAs, localAs, ifIndex, afi, peerIp: addrText(b, p, afi), localIp: addrText(b, p + al, afi), next: p + 2 * al };
}

export function decodeStateChange(b: Uint8Array, s: number, e: number, timestamp: number, microseconds: number,
  extended: boolean, subtype: number): Bgp4mpStateChangeRecord | Fault {
  const as4 = subtype === 5;
  const p = decodePeering(b, s, e, as4);
  if (p instanceof Fault) return p;
  if (p.next + 4 !== e) {
    return new Fault(`state change body of ${e - s} octets, expected ${p.next + 4 - s}`, p.next - s);
  }
  return { kind: 'BGP4MP_STATE_CHANGE', timestamp, subtype, extended, microseconds, as4, peerAs: p.peerAs,
    localAs: p.localAs, ifIndex: p.ifIndex, afi: p.afi, peerIp: p.peerIp, localIp: p.localIp,
    oldState: u16(b, p.next), newState: u16(b, p.next + 2) };
}

/**
 * A BGP4MP message record read from a file. The BGP message is decoded by the wire codec on first access (message,
 * error, errors, trailing); `bytes` holds the octets, which printing (bgpdump.ts) and writing use directly.
 */
export class ReadMessageRecord implements Bgp4mpMessageRecord {
  readonly kind = 'BGP4MP_MESSAGE' as const;
  private d: DecodeResult | null = null;
  constructor(readonly timestamp: number, readonly subtype: number, readonly extended: boolean,
    readonly microseconds: number, readonly as4: boolean, readonly local: boolean, readonly addPath: boolean,
    readonly peerAs: number, readonly localAs: number, readonly ifIndex: number, readonly afi: number,
    readonly peerIp: string, readonly localIp: string, readonly bytes: Uint8Array,
    private readonly cache: AttrCache | undefined) {}
  private get decoded(): DecodeResult {
    return this.d ??= decodeMessage(this.bytes, bgp4mpContext(this.as4, this.addPath), 0,
      this.cache === undefined ? NO_OPTIONS : { cache: this.cache });
  }
  get message(): BgpMessage | null { const r = this.decoded; return r.ok ? r.msg : null; }
  get error(): WireError | null { const r = this.decoded; return r.ok ? null : r.error; }
  get errors(): readonly WireError[] { const r = this.decoded; return r.ok ? r.errors : []; }
  get trailing(): Uint8Array | undefined {
    if (!this.decoded.ok) return undefined;
    const len = u16(this.bytes, 16);
    return len < this.bytes.length ? this.bytes.subarray(len) : undefined;
  }
}

export function decodeMessageRecord(b: Uint8Array, s: number, e: number, timestamp: number, microseconds: number,
  extended: boolean, subtype: number, caches: DecodeCaches | undefined): Bgp4mpMessageRecord | Fault {
  const f = messageSubtypeFlags(subtype)!;
  const p = decodePeering(b, s, e, f.as4);
  if (p instanceof Fault) return p;
  const cache = caches?.codec(CACHE_KEYS[(f.as4 ? 1 : 0) + (f.addPath ? 2 : 0)]!);
  return new ReadMessageRecord(timestamp, subtype, extended, microseconds, f.as4, f.local, f.addPath, p.peerAs,
    p.localAs, p.ifIndex, p.afi, p.peerIp, p.localIp, b.subarray(p.next, e), cache);
}
