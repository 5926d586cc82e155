// The codec context: what two BGP peers negotiated in their OPEN messages and what therefore changes the bytes on
// the wire. Passed explicitly to every decode/encode call, never held in a global.
//   - 4-octet AS numbers in AS_PATH/AGGREGATOR (RFC 6793 §4.1: both sides advertised capability 65)
//   - add-path (RFC 7911 §3): per AFI/SAFI and per direction — NLRI we *receive* carry a Path Identifier when we
//     said "receive" and the peer said "send" for that family; NLRI we *send* carry one in the opposite case
//   - extended messages (RFC 8654 §3: both sides advertised capability 6): max length 65535 instead of 4096 for all
//     messages except OPEN and KEEPALIVE
// decode() reads `addPath.receive`, encode() reads `addPath.send`. A test that round-trips bytes uses a context whose
// two sets are equal (symmetricContext()).

/** An AFI/SAFI pair packed into one number: afi << 8 | safi (AFI is 16 bits, SAFI 8 bits; RFC 4760 §5). */
export type Family = number;

export const AFI_IPV4 = 1;
export const AFI_IPV6 = 2;
export const SAFI_UNICAST = 1;
export const SAFI_MULTICAST = 2;

export function family(afi: number, safi: number): Family {
  return afi * 256 + safi;
}
export function familyAfi(f: Family): number {
  return Math.floor(f / 256);
}
export function familySafi(f: Family): number {
  return f & 255;
}
export const IPV4_UNICAST: Family = family(AFI_IPV4, SAFI_UNICAST);
export const IPV6_UNICAST: Family = family(AFI_IPV6, SAFI_UNICAST);

const AFI_NAMES: Record<number, string> = { 1: 'ipv4', 2: 'ipv6', 25: 'l2vpn' };
const SAFI_NAMES: Record<number, string> = { 1: 'unicast', 2: 'multicast', 4: 'labeled', 70: 'evpn', 128: 'vpn',
  133: 'flowspec' };
/** "ipv4-unicast", "ipv6-unicast", or "afi-25-safi-70"-style text for families without a short name. */
export function familyText(f: Family): string {
  const a = AFI_NAMES[familyAfi(f)], s = SAFI_NAMES[familySafi(f)];
  return a !== undefined && s !== undefined ? `${a}-${s}` : `afi-${familyAfi(f)}-safi-${familySafi(f)}`;
}

/** Classic maximum message length (RFC 4271 §4.1). */
export const MAX_MESSAGE = 4096;
/** Maximum with the Extended Message capability (RFC 8654 §4). */
export const MAX_EXTENDED_MESSAGE = 65535;

export interface CodecContext {
  /** Both sides advertised the 4-octet AS capability: AS_PATH and AGGREGATOR carry 4-octet AS numbers. */
  readonly as4: boolean;
  /** Both sides advertised the Extended Message capability (RFC 8654). */
  readonly extendedMessages: boolean;
  /** Families whose NLRI carry a 4-octet Path Identifier, per direction (RFC 7911). */
  readonly addPath: {
    /** In messages we decode. */
    readonly receive: ReadonlySet<Family>;
    /** In messages we encode. */
    readonly send: ReadonlySet<Family>;
  };
}

const EMPTY: ReadonlySet<Family> = new Set();

/** The context before any capability is negotiated (and of a plain RFC 4271 session): 2-octet AS, no add-path. */
export const BASE_CONTEXT: CodecContext = Object.freeze({
  as4: false,
  extendedMessages: false,
  addPath: Object.freeze({ receive: EMPTY, send: EMPTY }),
});

/** A context with the same add-path families in both directions (tests, tools and MRT files use this). */
export function symmetricContext(opts: { as4?: boolean; extendedMessages?: boolean; addPath?: Iterable<Family> } = {}):
  CodecContext {
  const ap = new Set(opts.addPath ?? []);
  return { as4: opts.as4 ?? false, extendedMessages: opts.extendedMessages ?? false, addPath: { receive: ap, send: ap } };
}

/** Largest message length allowed for a message type under this context (RFC 8654 §3: not for OPEN/KEEPALIVE). */
export function maxLength(ctx: CodecContext, type: number): number {
  return ctx.extendedMessages && type !== 1 && type !== 4 ? MAX_EXTENDED_MESSAGE : MAX_MESSAGE;
}
