// A minimal libpcap writer (https://wiki.wireshark.org/Development/LibpcapFileFormat): Ethernet / IPv4 / TCP
// frames carrying a byte stream from 192.0.2.1:40000 to 192.0.2.2:179, with consistent sequence numbers so that
// Wireshark reassembles messages that span segments. Test-only (the codec itself never touches files).

function u16be(v: number): number[] { return [(v >> 8) & 255, v & 255]; }
function u32be(v: number): number[] { return [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255]; }
function u32le(v: number): number[] { return [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255]; }

function checksum(b: number[]): number {
  let s = 0;
  for (let i = 0; i < b.length; i += 2) s += (b[i]! << 8) | (b[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

/** Build a pcap file of TCP segments, one per payload chunk, in one direction of one connection. */
export function pcapOfSegments(chunks: readonly Uint8Array[]): Uint8Array {
  // Global header, little-endian: magic, version 2.4, thiszone, sigfigs, snaplen, link type 1 (Ethernet).
  const out: number[] = [...u32le(0xa1b2c3d4), 2, 0, 4, 0, ...u32le(0), ...u32le(0), ...u32le(262144), ...u32le(1)];
  let seq = 1000;
  let t = 1_700_000_000;
  for (const c of chunks) {
    const tcpLen = 20 + c.length;
    const ipTotal = 20 + tcpLen;
    const ip = [0x45, 0, ...u16be(ipTotal), 0, 1, 0x40, 0, 64, 6, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2];
    const ipc = checksum(ip);
    ip[10] = ipc >> 8; ip[11] = ipc & 255;
    const tcp = [...u16be(40000), ...u16be(179), ...u32be(seq), ...u32be(1), 0x50, 0x18, ...u16be(65535), 0, 0, 0, 0];
    // TCP checksum over the pseudo header, header and payload.
    const pseudo = [192, 0, 2, 1, 192, 0, 2, 2, 0, 6, ...u16be(tcpLen), ...tcp, ...c];
    const tc = checksum(pseudo);
    tcp[16] = tc >> 8; tcp[17] = tc & 255;
    const eth = [0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00];
    const frameLen = eth.length + ip.length + tcp.length + c.length;
    out.push(...u32le(t++), ...u32le(0), ...u32le(frameLen), ...u32le(frameLen), ...eth, ...ip, ...tcp);
    for (let i = 0; i < c.length; i++) out.push(c[i]!);
    seq = (seq + c.length) >>> 0;
  }
  return Uint8Array.from(out);
}
