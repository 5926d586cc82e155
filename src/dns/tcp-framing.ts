// DNS over TCP framing (RFC 1035 §4.2.2, RFC 7766 §8): each message is preceded by its length as two octets.
// Pure: it says "incomplete" rather than throwing, and hands back whole frames and the rest.

export type Frame = { kind: 'incomplete' } | { kind: 'frame'; bytes: Buffer; rest: Buffer };

export function nextFrame(buf: Buffer): Frame {
  if (buf.length < 2) return { kind: 'incomplete' };
  const len = buf.readUInt16BE(0);
  if (buf.length < 2 + len) return { kind: 'incomplete' };
  return { kind: 'frame', bytes: buf.subarray(2, 2 + len), rest: buf.subarray(2 + len) };
}

export function frame(msg: Buffer): Buffer {
  const out = Buffer.allocUnsafe(msg.length + 2);
  out.writeUInt16BE(msg.length, 0);
  msg.copy(out, 2);
  return out;
}
