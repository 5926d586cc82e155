// Big-endian integer readers and writer (RFC 4271 §4: every field in network byte order), shared by the wire
// modules, the MRT code and the speaker's direct reads and writes of attribute sets. No bounds checks: callers
// have checked the lengths.

/** The 16-bit unsigned integer at b[o]. */
export const u16 = (b: Uint8Array, o: number): number => (b[o]! << 8) | b[o + 1]!;

/** The 32-bit unsigned integer at b[o]. */
export const u32 = (b: Uint8Array, o: number): number =>
  ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;

/** Write `v` as a 32-bit unsigned integer at out[o]; returns the offset after it. */
export function put32(out: Uint8Array, o: number, v: number): number {
  out[o] = v >>> 24; out[o + 1] = (v >>> 16) & 255; out[o + 2] = (v >>> 8) & 255; out[o + 3] = v & 255;
  return o + 4;
}
