// The CLI's side of the speaker's control API: one HTTP request over the unix socket (or localhost TCP), JSON
// back; a non-2xx answer becomes the speaker's own error (same code and message).
import { request } from 'node:http';
import { AnycastError } from '../../util/errors.js';
import { defaultSocketPath } from '../config/defaults.js';

export class SpeakerUnreachableError extends AnycastError {
  constructor(where: string, why: string) {
    super('ERR_SPEAKER_UNREACHABLE', `cannot reach the speaker at ${where}: ${why} (is \`anycast speaker\` running? ` +
      'give --socket PATH)');
  }
}

export type SpeakerTarget = { socket: string } | { host: string; port: number };

/** --socket PATH, or "HOST:PORT" for the TCP listener, or the default socket. */
export function targetOf(socket: string | undefined): SpeakerTarget {
  if (socket === undefined) return { socket: defaultSocketPath() };
  const m = /^(\d+\.\d+\.\d+\.\d+|\[[0-9a-fA-F:]+\]|localhost):(\d+)$/.exec(socket);
  if (m) return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
  return { socket };
}

export function callSpeaker(target: SpeakerTarget, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown,
  timeoutMs = 120_000): Promise<unknown> {
  const where = 'socket' in target ? target.socket : `${target.host}:${target.port}`;
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request({
      ...('socket' in target ? { socketPath: target.socket } : { host: target.host, port: target.port }),
      method, path, timeout: timeoutMs,
      headers: { accept: 'application/json', ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { text += d; });
      res.on('end', () => {
        let parsed: unknown = null;
        try { parsed = JSON.parse(text); } catch { parsed = null; }
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) { resolve(parsed ?? text); return; }
        const err = (parsed as { error?: { code?: string; message?: string } } | null)?.error;
        reject(err?.code ? new AnycastError(err.code, err.message ?? `HTTP ${status}`)
          : new AnycastError('ERR_SPEAKER', `the speaker answered HTTP ${status}: ${text.trim()}`));
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e: NodeJS.ErrnoException) => reject(e instanceof AnycastError ? e : new SpeakerUnreachableError(where, e.code ?? e.message)));
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}
