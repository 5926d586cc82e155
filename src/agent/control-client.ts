// The CLI's side of the control API: one HTTP request over the agent's unix socket (or TCP), JSON back.
import { request } from 'node:http';
import { AnycastError } from '../util/errors.js';

export class ControlUnreachableError extends AnycastError {
  constructor(where: string, why: string) {
    super('ERR_AGENT_UNREACHABLE', `cannot reach the agent at ${where}: ${why} (is \`anycast agent\` running? ` +
      'give --socket or --config)');
  }
}

export type ControlTarget = { socket: string } | { host: string; port: number };

export function callAgent(target: ControlTarget, method: 'GET' | 'POST', path: string, timeoutMs = 10_000):
  Promise<{ status: number; body: unknown; text: string }> {
  const where = 'socket' in target ? target.socket : `${target.host}:${target.port}`;
  return new Promise((resolve, reject) => {
    const req = request({
      ...('socket' in target ? { socketPath: target.socket } : { host: target.host, port: target.port }),
      method, path, timeout: timeoutMs, headers: { accept: 'application/json' },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { text += d; });
      res.on('end', () => {
        let body: unknown = null;
        try {
          body = JSON.parse(text);
        } catch {
          body = null;
        }
        resolve({ status: res.statusCode ?? 0, body, text });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e: NodeJS.ErrnoException) => reject(new ControlUnreachableError(where, e.code ?? e.message)));
    req.end();
  });
}

/** Throw the agent's own error (code and message) for a non-2xx answer. */
export function expectOk(r: { status: number; body: unknown; text: string }): unknown {
  if (r.status >= 200 && r.status < 300) return r.body;
  const err = (r.body as { error?: { code?: string; message?: string } } | null)?.error;
  if (err?.code) throw new AnycastError(err.code, err.message ?? `HTTP ${r.status}`);
  throw new AnycastError('ERR_AGENT', `the agent answered HTTP ${r.status}: ${r.text.trim()}`);
}
