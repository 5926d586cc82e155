// Packing routes into UPDATE messages as a router does (RFC 4271 §9.2; RFC 4760 §3-4; RFC 8654 sizes): one
// attribute set, as many prefixes per message as fit the negotiated maximum length. IPv4 unicast goes into the
// NLRI / Withdrawn Routes fields, other families into MP_REACH_NLRI / MP_UNREACH_NLRI.
import { AS_TRANS } from './as-path.js';
import { encodeAttributes } from './attr-encode.js';
import { findAttr, type PathAttribute } from './attributes.js';
import { encodeMessage } from './codec.js';
import { AFI_IPV4, BASE_CONTEXT, type CodecContext, family, maxLength, SAFI_UNICAST } from './context.js';
import { BgpEncodeError } from './errors.js';
import { HEADER_LENGTH, MSG_UPDATE, type OpenMessage, type UpdateMessage } from './messages.js';
import { PrefixList, slicePrefixes } from './prefix.js';

const EMPTY_SET = { list: [] as PathAttribute[], key: '', errors: [] };

/** Split `list` into runs whose encoded size fits `room` octets each. */
function runs(list: PrefixList, addPath: boolean, room: number): [number, number][] {
  const out: [number, number][] = [];
  let from = 0, size = 0;
  for (let i = 0; i < list.length; i++) {
    const n = (addPath ? 5 : 1) + ((list.lens[i]! + 7) >> 3);
    if (size + n > room) {
      if (i === from) throw new BgpEncodeError('no room for a single prefix');
      out.push([from, i]); from = i; size = 0;
    }
    size += n;
  }
  if (from < list.length) out.push([from, list.length]);
  return out;
}

/** UPDATE messages announcing `prefixes` with `attrs` (for non-IPv4-unicast, attrs must hold MP_REACH_NLRI). */
export function packAnnouncements(attrs: readonly PathAttribute[], prefixes: PrefixList, ctx: CodecContext,
  safi = SAFI_UNICAST): Uint8Array[] {
  const max = maxLength(ctx, MSG_UPDATE);
  const base = encodeAttributes(attrs, ctx).length;
  const mp = prefixes.afi !== AFI_IPV4 || safi !== SAFI_UNICAST;
  if (mp && findAttr(attrs, 'MP_REACH_NLRI') === undefined) {
    throw new BgpEncodeError('announcing a non-IPv4-unicast family needs an MP_REACH_NLRI attribute');
  }
  const addPath = ctx.addPath.send.has(family(prefixes.afi, safi));
  // Room for NLRI: header, the two 2-octet lengths, the attributes; an MP_REACH_NLRI may need 1 more length octet.
  const room = max - HEADER_LENGTH - 4 - base - (mp ? 1 : 0);
  const set = { list: attrs, key: '', errors: [] };
  return runs(prefixes, addPath, room).map(([a, b]) => {
    const part = slicePrefixes(prefixes, a, b);
    const m: UpdateMessage = mp
      ? { type: 'UPDATE', withdrawn: PrefixList.empty(), attrs: set, nlri: PrefixList.empty(), mpReach: part, mpUnreach: null }
      : { type: 'UPDATE', withdrawn: PrefixList.empty(), attrs: set, nlri: part, mpReach: null, mpUnreach: null };
    return encodeMessage(m, ctx);
  });
}

/** UPDATE messages withdrawing `prefixes`. */
export function packWithdrawals(prefixes: PrefixList, ctx: CodecContext, safi = SAFI_UNICAST): Uint8Array[] {
  const max = maxLength(ctx, MSG_UPDATE);
  const mp = prefixes.afi !== AFI_IPV4 || safi !== SAFI_UNICAST;
  const addPath = ctx.addPath.send.has(family(prefixes.afi, safi));
  const room = max - HEADER_LENGTH - 4 - (mp ? 7 : 0);
  return runs(prefixes, addPath, room).map(([a, b]) => {
    const part = slicePrefixes(prefixes, a, b);
    const m: UpdateMessage = mp
      ? { type: 'UPDATE', withdrawn: PrefixList.empty(), nlri: PrefixList.empty(), mpReach: null, mpUnreach: part,
        attrs: { list: [{ name: 'MP_UNREACH_NLRI', typeCode: 15, flags: 0x90, afi: prefixes.afi, safi }], key: '', errors: [] } }
      : { type: 'UPDATE', withdrawn: part, attrs: EMPTY_SET, nlri: PrefixList.empty(), mpReach: null, mpUnreach: null };
    return encodeMessage(m, ctx);
  });
}

/** The End-of-RIB marker of a family (RFC 4724 §2): an empty UPDATE, or an empty MP_UNREACH_NLRI. */
export function endOfRib(afi: number, safi: number, ctx: CodecContext): Uint8Array {
  if (afi === AFI_IPV4 && safi === SAFI_UNICAST) {
    return encodeMessage({ type: 'UPDATE', withdrawn: PrefixList.empty(), attrs: EMPTY_SET, nlri: PrefixList.empty(),
      mpReach: null, mpUnreach: null }, ctx);
  }
  return encodeMessage({ type: 'UPDATE', withdrawn: PrefixList.empty(), nlri: PrefixList.empty(), mpReach: null,
    mpUnreach: null, attrs: { list: [{ name: 'MP_UNREACH_NLRI', typeCode: 15, flags: 0x80, afi, safi }], key: '',
      errors: [] } }, ctx);
}

/**
 * Messages joined into chunks of about `size` octets, in order, none split (one larger than `size` is a chunk of
 * its own): a prepared stream as a sender's socket writes look (the warm-up's and the benchmarks' feeders).
 */
export function chunkMessages(messages: readonly Uint8Array[], size = 65536): Uint8Array[] {
  const out: Uint8Array[] = [];
  let cur: Uint8Array[] = [], n = 0;
  const flush = () => {
    const b = new Uint8Array(n);
    let o = 0;
    for (const m of cur) { b.set(m, o); o += m.length; }
    out.push(b); cur = []; n = 0;
  };
  for (const m of messages) {
    if (n + m.length > size && n > 0) flush();
    cur.push(m); n += m.length;
  }
  if (n > 0) flush();
  return out;
}

/**
 * The OPEN of a minimal peer that feeds a prepared stream (the warm-up's peers, the benchmarks' feeders): the
 * multiprotocol capability of each family and the 4-octet AS capability (RFC 6793: AS_TRANS in My AS above 65535).
 */
export function feederOpen(asn: number, bgpId: string, families: readonly (readonly [number, number])[],
  holdTime = 180): Uint8Array {
  const m: OpenMessage = { type: 'OPEN', version: 4, myAs: asn > 0xffff ? AS_TRANS : asn, holdTime, bgpId, extendedParams: false,
    params: [{ kind: 'capabilities', capabilities: [
      ...families.map(([afi, safi]) => ({ name: 'multiprotocol' as const, code: 1 as const, afi, safi, reserved: 0 })),
      { name: 'as4', code: 65, asn },
    ] }] };
  return encodeMessage(m, BASE_CONTEXT);
}
