// OPEN message (RFC 4271 §4.2) with optional parameters (RFC 5492 capabilities, RFC 9072 extended parameter
// lengths), and the negotiation that turns two OPENs into a CodecContext (RFC 4760 §8, RFC 6793 §4.1, RFC 7911 §4,
// RFC 8654 §3).
//
//    0                   1                   2                   3
//   +-+-+-+-+-+-+-+-+
//   |    Version    |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |     My Autonomous System      |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |           Hold Time           |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                         BGP Identifier                        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Opt Parm Len  |  Optional Parameters (type 1, length 1 | 2, value) ...
//   +-+-+-+-+-+-+-+-+
// Stage 1 (parseOpen) checks structure only; version, parameter types, hold time, identifier and peer AS are
// stage 2 (validateOpen in validate.ts), which needs to know what the local side expects.
import { ipv4Text, parseIpv4 } from './addr.js';
import { ADDPATH_RECEIVE, ADDPATH_SEND, type Capability, decodeCapability, encodeCapabilityValue } from './capabilities.js';
import { type CodecContext, type Family, family, IPV4_UNICAST } from './context.js';
import { BgpEncodeError, type WireError } from './errors.js';
import type { OpenMessage, OptionalParameter } from './messages.js';

const malformed = (reason: string): WireError => ({ kind: 'open-malformed', action: 'reset', reason });

/** Parse an OPEN body b[start, end). */
export function parseOpen(b: Uint8Array, start: number, end: number): OpenMessage | WireError {
  if (end - start < 10) return malformed(`OPEN body of ${end - start} octets, at least 10 needed`);
  const version = b[start]!;
  const myAs = (b[start + 1]! << 8) | b[start + 2]!;
  const holdTime = (b[start + 3]! << 8) | b[start + 4]!;
  const bgpId = ipv4Text(b, start + 5);
  let optLen = b[start + 9]!;
  let p = start + 10;
  let extended = false;
  // RFC 9072 §2: Non-Ext OP Len 255 and Non-Ext OP Type 255 mean a 2-octet length follows.
  if (optLen === 255 && p < end && b[p] === 255) {
    if (p + 3 > end) return malformed('extended optional parameters length truncated');
    extended = true;
    optLen = (b[p + 1]! << 8) | b[p + 2]!;
    p += 3;
  }
  if (p + optLen !== end) {
    return malformed(`optional parameters length ${optLen} does not match the ${end - p} octets present`);
  }
  const params: OptionalParameter[] = [];
  const hdr = extended ? 3 : 2;
  while (p < end) {
    if (p + hdr > end) return malformed('optional parameter header truncated');
    const type = b[p]!;
    const len = extended ? (b[p + 1]! << 8) | b[p + 2]! : b[p + 1]!;
    const vs = p + hdr, ve = vs + len;
    if (ve > end) return malformed(`optional parameter ${type} overruns the OPEN message`);
    if (type === 2) {
      const caps: Capability[] = [];
      let q = vs;
      while (q < ve) {
        if (q + 2 > ve) return malformed('capability header truncated');
        const code = b[q]!, clen = b[q + 1]!;
        if (q + 2 + clen > ve) return malformed(`capability ${code} overruns its parameter`);
        const c = decodeCapability(code, b.subarray(q + 2, q + 2 + clen));
        if (typeof c === 'string') return malformed(c);
        caps.push(c);
        q += 2 + clen;
      }
      params.push({ kind: 'capabilities', capabilities: caps });
    } else {
      params.push({ kind: 'other', paramType: type, value: b.subarray(vs, ve) });
    }
    p = ve;
  }
  return { type: 'OPEN', version, myAs, holdTime, bgpId, params, extendedParams: extended };
}

function paramBytes(p: OptionalParameter, extended: boolean): Uint8Array {
  let type: number, value: Uint8Array;
  if (p.kind === 'capabilities') {
    const parts = p.capabilities.map((c) => {
      const v = encodeCapabilityValue(c);
      if (v.length > 255) throw new BgpEncodeError(`capability ${c.code} value of ${v.length} octets exceeds 255`);
      const out = new Uint8Array(2 + v.length);
      out[0] = c.code; out[1] = v.length; out.set(v, 2);
      return out;
    });
    type = 2;
    value = new Uint8Array(parts.reduce((a, x) => a + x.length, 0));
    let o = 0;
    for (const x of parts) { value.set(x, o); o += x.length; }
  } else {
    type = p.paramType;
    value = p.value;
  }
  const hdr = extended ? 3 : 2;
  if (!extended && value.length > 255) throw new BgpEncodeError('optional parameter over 255 octets needs RFC 9072');
  const out = new Uint8Array(hdr + value.length);
  out[0] = type;
  if (extended) { out[1] = value.length >> 8; out[2] = value.length & 255; } else out[1] = value.length;
  out.set(value, hdr);
  return out;
}

/** Encode an OPEN body. The RFC 9072 format is used when `extendedParams` is set or the parameters need it. */
export function encodeOpenBody(m: OpenMessage): Uint8Array {
  const id = parseIpv4(m.bgpId);
  if (id === null) throw new BgpEncodeError(`BGP identifier is not an IPv4 address: ${m.bgpId}`);
  let extended = m.extendedParams;
  let params = m.params.map((p) => paramBytes(p, extended));
  let total = params.reduce((a, x) => a + x.length, 0);
  if (!extended && total > 255) {
    extended = true;
    params = m.params.map((p) => paramBytes(p, true));
    total = params.reduce((a, x) => a + x.length, 0);
  }
  const head = extended ? 13 : 10;
  const out = new Uint8Array(head + total);
  out[0] = m.version; out[1] = m.myAs >> 8; out[2] = m.myAs & 255; out[3] = m.holdTime >> 8; out[4] = m.holdTime & 255;
  out.set(id, 5);
  if (extended) { out[9] = 255; out[10] = 255; out[11] = total >> 8; out[12] = total & 255; } else out[9] = total;
  let o = head;
  for (const x of params) { out.set(x, o); o += x.length; }
  return out;
}

/** All capabilities of an OPEN, flattened over its parameters, in order. */
export function openCapabilities(m: OpenMessage): Capability[] {
  const out: Capability[] = [];
  for (const p of m.params) if (p.kind === 'capabilities') out.push(...p.capabilities);
  return out;
}

/** The peer's AS: the 4-octet AS capability's value when present (RFC 6793 §4.1), else My Autonomous System. */
export function openPeerAs(m: OpenMessage): number {
  const c = openCapabilities(m).find((x) => x.name === 'as4');
  return c !== undefined && c.name === 'as4' ? c.asn : m.myAs;
}

/** The families an OPEN offers: its multiprotocol capabilities, or IPv4 unicast when it has none (RFC 4760 §8). */
export function openFamilies(m: OpenMessage): Set<Family> {
  const out = new Set<Family>();
  for (const c of openCapabilities(m)) if (c.name === 'multiprotocol') out.add(family(c.afi, c.safi));
  if (out.size === 0) out.add(IPV4_UNICAST);
  return out;
}

/** What a session runs with once both OPENs are exchanged. */
export interface Negotiated {
  readonly ctx: CodecContext;
  /** Families both sides advertised. */
  readonly families: ReadonlySet<Family>;
  readonly peerAs: number;
  /** min(local, remote) hold time (RFC 4271 §4.2). */
  readonly holdTime: number;
  readonly routeRefresh: boolean;
  readonly enhancedRouteRefresh: boolean;
}

function has(m: OpenMessage, name: Capability['name']): boolean {
  return openCapabilities(m).some((c) => c.name === name);
}

function addPathModes(m: OpenMessage): Map<Family, number> {
  const out = new Map<Family, number>();
  for (const c of openCapabilities(m)) {
    if (c.name === 'add-path') for (const f of c.families) out.set(family(f.afi, f.safi), f.mode);
  }
  return out;
}

/** Combine the OPEN we sent and the OPEN we received into the session's codec context. */
export function negotiate(local: OpenMessage, remote: OpenMessage): Negotiated {
  const lf = openFamilies(local), rf = openFamilies(remote);
  const families = new Set([...lf].filter((f) => rf.has(f)));
  const la = addPathModes(local), ra = addPathModes(remote);
  const receive = new Set<Family>(), send = new Set<Family>();
  for (const f of families) {
    const l = la.get(f) ?? 0, r = ra.get(f) ?? 0;
    // RFC 7911 §4: we receive path ids when we said "receive" and the peer said "send", and vice versa.
    if ((l & ADDPATH_RECEIVE) !== 0 && (r & ADDPATH_SEND) !== 0) receive.add(f);
    if ((l & ADDPATH_SEND) !== 0 && (r & ADDPATH_RECEIVE) !== 0) send.add(f);
  }
  return {
    ctx: {
      as4: has(local, 'as4') && has(remote, 'as4'),
      extendedMessages: has(local, 'extended-message') && has(remote, 'extended-message'),
      addPath: { receive, send },
    },
    families,
    peerAs: openPeerAs(remote),
    holdTime: Math.min(local.holdTime, remote.holdTime),
    routeRefresh: has(local, 'route-refresh') && has(remote, 'route-refresh'),
    enhancedRouteRefresh: has(local, 'enhanced-route-refresh') && has(remote, 'enhanced-route-refresh'),
  };
}
