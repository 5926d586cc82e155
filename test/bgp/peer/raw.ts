// A scripted BGP speaker for tests: it accepts or opens connections on a transport and sends exactly the bytes a
// test gives it (valid OPENs, refusals, malformed UPDATEs), recording every message it receives decoded.
import { FrameReader } from '../../../src/bgp/wire/framing.js';
import { decodeMessage, encodeMessage } from '../../../src/bgp/wire/codec.js';
import { BASE_CONTEXT, type CodecContext } from '../../../src/bgp/wire/context.js';
import type { BgpMessage, OpenMessage } from '../../../src/bgp/wire/messages.js';
import type { Capability } from '../../../src/bgp/wire/capabilities.js';
import type { Connection, Transport } from '../../../src/bgp/transport/index.js';

export class RawConn {
  readonly received: BgpMessage[] = [];
  readonly raw: Uint8Array[] = [];
  closed = false;
  closeError: string | undefined;
  ctx: CodecContext = BASE_CONTEXT;
  /** Called for each message received, after it is recorded. */
  onMessage: ((m: BgpMessage, c: RawConn) => void) | undefined;
  private readonly reader = new FrameReader(() => this.ctx);
  constructor(readonly conn: Connection) {
    conn.attach({
      data: (c) => {
        this.reader.push(c);
        for (;;) {
          const f = this.reader.next();
          if (f.kind !== 'frame') break;
          this.raw.push(f.bytes.slice());
          const r = decodeMessage(f.bytes, this.ctx);
          if (r.ok) { this.received.push(r.msg); this.onMessage?.(r.msg, this); }
        }
      },
      close: (e) => { this.closed = true; this.closeError = e; },
      drain: () => {},
    });
  }
  send(b: Uint8Array): void {
    this.conn.write(b);
  }
  sendMsg(m: BgpMessage): void {
    this.conn.write(encodeMessage(m, this.ctx));
  }
  sendOpen(o: { as: number; holdTime?: number; bgpId?: string; caps?: Capability[]; myAs?: number }): void {
    const caps = o.caps ?? [{ name: 'multiprotocol', code: 1, afi: 1, safi: 1, reserved: 0 }, { name: 'as4', code: 65, asn: o.as }];
    const open: OpenMessage = { type: 'OPEN', version: 4, myAs: o.myAs ?? (o.as > 0xffff ? 23456 : o.as), holdTime: o.holdTime ?? 90,
      bgpId: o.bgpId ?? '198.51.100.9', params: caps.length > 0 ? [{ kind: 'capabilities', capabilities: caps }] : [], extendedParams: false };
    this.sendMsg(open);
  }
  keepalive(): void {
    this.sendMsg({ type: 'KEEPALIVE' });
  }
  of<T extends BgpMessage['type']>(t: T): Extract<BgpMessage, { type: T }>[] {
    return this.received.filter((m) => m.type === t) as Extract<BgpMessage, { type: T }>[];
  }
  close(): void {
    this.conn.end();
  }
}

/** Listens at `address:port` on `transport` and keeps every accepted connection. */
export class RawListener {
  readonly conns: RawConn[] = [];
  onConnection: ((c: RawConn) => void) | undefined;
  static async on(transport: Transport, address: string, port = 179): Promise<RawListener> {
    const r = new RawListener();
    await transport.listen({ address, port }, (c) => {
      const rc = new RawConn(c);
      r.conns.push(rc);
      r.onConnection?.(rc);
    });
    return r;
  }
  get last(): RawConn | undefined {
    return this.conns[this.conns.length - 1];
  }
}

/** Opens a connection from `localAddress` to `remote:port`. */
export function rawConnect(transport: Transport, localAddress: string, remote: string, port = 179): Promise<RawConn> {
  return new Promise((resolve, reject) => {
    transport.connect({ remote: { address: remote, port }, localAddress }, (err, c) => {
      if (err !== null || c === null) reject(new Error(err ?? 'connect failed'));
      else resolve(new RawConn(c));
    });
  });
}
