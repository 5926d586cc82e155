// One JSON request over HTTP/1.1 to a local control API — a unix socket, or a TCP port on localhost — as the
// CLI, the lab and the router host talk to the speaker, the agent and the router host. The answer comes back
// as status, parsed body (null when it is not JSON) and text; what a non-2xx answer or an unreachable socket
// means is each caller's to say, with its own error.
import { request } from 'node:http';

export type ControlTarget = { socket: string } | { host: string; port: number };

export interface ControlAnswer {
  status: number;
  /** The parsed JSON body, or null when there is none or it is not JSON. */
  body: unknown;
  text: string;
}

/** Where a target is, for messages. */
export function targetName(t: ControlTarget): string {
  return 'socket' in t ? t.socket : `${t.host}:${t.port}`;
}

/** The `{ error: { code, message } }` of an answer, if it has one. */
export function answerError(a: ControlAnswer): { code?: string; message?: string } | undefined {
  return (a.body as { error?: { code?: string; message?: string } } | null)?.error;
}

/**
 * Sends the request (a JSON body when `body` is given) and resolves with the answer, whatever its status.
 * Rejects only when there is no answer: the error's `code` (ECONNREFUSED, ENOENT…) or message says why.
 */
export function controlRequest(target: ControlTarget, method: string, path: string, opts: { body?: unknown; timeoutMs: number }):
  Promise<ControlAnswer> {
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = request({
      ...('socket' in target ? { socketPath: target.socket } : { host: target.host, port: target.port }),
      method, path, timeout: opts.timeoutMs,
      // A connection per request: a pooled keep-alive connection can be closed by the daemon's idle timer just as a
      // request is written on it (the timer fires first when the daemon was busy), which the caller sees as ECONNRESET.
      agent: false,
      headers: {
        accept: 'application/json',
        ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
      },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { text += d; });
      res.on('end', () => {
        let body: unknown = null;
        try {
          body = text ? JSON.parse(text) : null;
        } catch {
          body = null;
        }
        resolve({ status: res.statusCode ?? 0, body, text });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${opts.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}
