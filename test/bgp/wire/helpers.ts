// Byte builders for hand-written test vectors: the content of every vector is written as hex in the test; these
// helpers only add what is arithmetic (marker, message length, attribute length).
import { fromHex, toHex } from '../../../src/bgp/wire/addr.js';

export function hex(s: string): Uint8Array {
  const b = fromHex(s);
  if (b === null) throw new Error(`bad hex in test: ${s}`);
  return b;
}

const MARKER = 'ff'.repeat(16);

/** A whole message: marker, length, type, body. */
export function msg(type: number, bodyHex: string): Uint8Array {
  const body = hex(bodyHex);
  const len = 19 + body.length;
  return hex(MARKER + len.toString(16).padStart(4, '0') + type.toString(16).padStart(2, '0') + toHex(body));
}

/** One path attribute: flags, type, length (1 octet, or 2 when flags has 0x10), value. */
export function attr(flags: number, type: number, valueHex: string): string {
  const v = hex(valueHex);
  const len = (flags & 0x10) !== 0 ? v.length.toString(16).padStart(4, '0') : v.length.toString(16).padStart(2, '0');
  return flags.toString(16).padStart(2, '0') + type.toString(16).padStart(2, '0') + len + toHex(v);
}

/** An UPDATE body from its three parts (hex), with both lengths computed. */
export function updateBody(withdrawnHex: string, attrsHex: string, nlriHex: string): string {
  const w = hex(withdrawnHex), a = hex(attrsHex);
  return w.length.toString(16).padStart(4, '0') + toHex(w) + a.length.toString(16).padStart(4, '0') + toHex(a) +
    nlriHex.replace(/\s/g, '');
}

export function update(withdrawnHex: string, attrsHex: string, nlriHex: string): Uint8Array {
  return msg(2, updateBody(withdrawnHex, attrsHex, nlriHex));
}

/** ORIGIN IGP, AS_PATH (2-octet) 64512, NEXT_HOP 192.0.2.1: the mandatory attributes, well-formed. */
export const BASE_ATTRS = attr(0x40, 1, '00') + attr(0x40, 2, '0201fc00') + attr(0x40, 3, 'c0000201');
export { toHex };

/** An OPEN body: fixed fields (hex) and parameters, each a list of capability TLVs (hex) in one type-2 parameter. */
export function openBody(fixedHex: string, params: string[][]): string {
  const ps = params.map((caps) => {
    const v = hex(caps.join(''));
    return '02' + v.length.toString(16).padStart(2, '0') + toHex(v);
  }).join('');
  return fixedHex.replace(/\s/g, '') + (ps.length / 2).toString(16).padStart(2, '0') + ps;
}
