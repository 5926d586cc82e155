// The transport abstraction under a BGP session (RFC 4271 §8: the FSM sees only "TCP connection" events, so the
// byte stream can come from a real socket or from memory). A Transport opens outgoing connections and accepts
// incoming ones; a Connection is an ordered, reliable byte stream with back-pressure. Two implementations:
// tcp.ts (node:net, IPv4/IPv6) and memory.ts (in-process pairs for tests and the lab's in-process runtime).
//
// Callbacks instead of EventEmitters: one handler object per connection, called directly, so the receive path
// costs one function call per chunk.

export interface Endpoint {
  /** Address as text: dotted IPv4, or RFC 5952 IPv6 (IPv4-mapped IPv6 is reported as plain IPv4). */
  readonly address: string;
  readonly port: number;
}

export interface ConnectionHandlers {
  /** Bytes arrived, in order. The chunk may split or join messages anywhere. Valid only during the call. */
  data(chunk: Uint8Array): void;
  /** The stream ended (peer closed, reset, or failed). Called at most once, never after our own destroy(). */
  close(error?: string): void;
  /** The write buffer fell back under the high-water mark after write() returned false. */
  drain(): void;
}

export interface Connection {
  readonly local: Endpoint;
  readonly remote: Endpoint;
  /** Install the handlers. Data that arrived before is delivered after this call (never lost). */
  attach(h: ConnectionHandlers): void;
  /**
   * Queue bytes for sending; the caller must not modify them afterwards. Returns false when the write buffer is
   * above its high-water mark (the bytes are still queued; wait for drain() before writing more in bulk).
   */
  write(bytes: Uint8Array): boolean;
  /** Octets queued by write() and not yet handed to the network. */
  readonly writeBuffered: number;
  /** Stop (resume) delivering received data; the peer's writes then back up (TCP flow control). */
  pauseReading(): void;
  resumeReading(): void;
  /** Send what is queued, then close our direction (TCP FIN). Handlers are not called afterwards. */
  end(): void;
  /** Close now; queued data may be lost (TCP RST when possible). Handlers are not called afterwards. */
  destroy(): void;
}

export interface ConnectOptions {
  readonly remote: Endpoint;
  /** Source address and/or port to bind before connecting (BGP "local address"; port 0 or absent: any). */
  readonly localAddress?: string;
  readonly localPort?: number;
  /** Give up after this many milliseconds (the FSM's ConnectRetryTimer also bounds an attempt). */
  readonly timeoutMs?: number;
}

export interface ConnectAttempt {
  /** Abandon the attempt; its callback is never called afterwards. */
  cancel(): void;
}

export type ConnectCallback = (error: string | null, conn: Connection | null) => void;

export interface ListenOptions {
  /** Address to bind ('0.0.0.0', '::' for all; '::' also accepts IPv4 unless ipv6Only). */
  readonly address: string;
  /** Port; 0 picks a free one (see Listener.local). */
  readonly port: number;
  readonly ipv6Only?: boolean;
}

export interface Listener {
  readonly local: Endpoint;
  close(): Promise<void>;
}

export interface Transport {
  /** Open a connection; the callback is called exactly once (unless cancelled), never synchronously. */
  connect(opts: ConnectOptions, cb: ConnectCallback): ConnectAttempt;
  listen(opts: ListenOptions, onConnection: (conn: Connection) => void): Promise<Listener>;
}
