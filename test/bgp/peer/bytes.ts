// Hand-made UPDATE bytes for receive-path tests (RFC 4271 §4.3 layout; 4-octet AS_PATH as on an AS4 session).
export const u16 = (v: number) => [v >> 8, v & 255];
export const u32 = (v: number) => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];

export function update(o: { withdrawn?: number[]; attrs?: number[]; nlri?: number[] }): Uint8Array {
  const w = o.withdrawn ?? [], a = o.attrs ?? [], n = o.nlri ?? [];
  const len = 19 + 2 + w.length + 2 + a.length + n.length;
  return Uint8Array.from([...new Array<number>(16).fill(255), ...u16(len), 2, ...u16(w.length), ...w, ...u16(a.length), ...a, ...n]);
}
export const ORIGIN = (v = 0) => [0x40, 1, 1, v];
export const AS_PATH = (...asns: number[]) => [0x40, 2, 2 + 4 * asns.length, 2, asns.length, ...asns.flatMap(u32)];
export const NEXT_HOP = (...a: number[]) => [0x40, 3, 4, ...a];
export const LOCAL_PREF = (v: number) => [0x40, 5, 4, ...u32(v)];
export const COMMUNITIES = (...c: number[]) => [0xc0, 8, 4 * c.length, ...c.flatMap(u32)];
/** MP_REACH_NLRI for IPv6 unicast with a 16-octet next hop and raw NLRI bytes. */
export function MP_REACH6(nextHop: number[], nlri: number[]): number[] {
  const body = [0, 2, 1, 16, ...nextHop, 0, ...nlri];
  return [0x90, 14, ...u16(body.length), ...body];
}
export function MP_UNREACH6(nlri: number[]): number[] {
  const body = [0, 2, 1, ...nlri];
  return [0x90, 15, ...u16(body.length), ...body];
}
export const BASIC = (peerAs = 65002) => [...ORIGIN(0), ...AS_PATH(peerAs), ...NEXT_HOP(192, 0, 2, 2)];
/** 2001:db8::2 */
export const NH6 = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
