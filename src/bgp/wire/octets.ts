// Big-endian integer readers (RFC 4271 §4: every field in network byte order), shared by the wire modules, the
// MRT code and the speaker's direct reads of packed attribute sets. No bounds checks: callers have checked the
// lengths.

/** The 16-bit unsigned integer at b[o]. */
export const u16 = (b: Uint8Array, o: number): number => (b[o]! << 8) | b[o + 1]!;

/** The 32-bit unsigned integer at b[o]. */
export const u32 = (b: Uint8Array, o: number): number =>
  ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
