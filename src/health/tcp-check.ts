// TCP check: healthy when a TCP connection to host:port completes its three-way handshake. The connection is
// closed immediately (no data); a refused or timed-out connect is a failure.
import { connect } from 'node:net';
import type { Probe, ProbeResult } from './types.js';

export interface TcpCheckSpec {
  host: string;
  port: number;
}

export function tcpProbe(spec: TcpCheckSpec): Probe {
  return ({ signal }) => new Promise<ProbeResult>((resolve) => {
    const sock = connect({ host: spec.host, port: spec.port });
    let settled = false;
    const done = (r: ProbeResult) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      sock.destroy();
      resolve(r);
    };
    const onAbort = () => done({ ok: false, detail: 'connect timed out' });
    sock.once('connect', () => done({ ok: true, detail: `connected to ${spec.host}:${spec.port}` }));
    sock.once('error', (e: NodeJS.ErrnoException) =>
      done({ ok: false, detail: `${e.code ?? 'error'} ${spec.host}:${spec.port}` }));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}
