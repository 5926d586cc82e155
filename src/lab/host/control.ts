// The router host's control channel: HTTP/1.1 with JSON bodies on a unix socket (like the speaker's own API),
// for the lab (src/lab/speaker/hosted.ts) and for people (curl --unix-socket).
//   GET    /v1/routers                       every router's status (readiness: established / neighbors)
//   GET    /v1/routers/NAME                  one router's status
//   POST   /v1/routers                       start one: {name, ns, config, log}, or many: {routers: [...]}
//   POST   /v1/routers/NAME/stop             {graceful?, kill?}
//   POST   /v1/routers/NAME/freeze | thaw
//   POST   /v1/shutdown                      stop every router (Cease, routes removed) and exit
// Errors answer {error: {code, message}} with a 4xx/5xx status.
import { chmodSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { answerError, controlRequest, type ControlAnswer } from '../../util/control-http.js';
import { AnycastError, errorMessage } from '../../util/errors.js';
import { HostUnreachableError } from './errors.js';
import type { HostedRouterSpec, HostedRouterStatus, RouterHost } from './host.js';

function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let t = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (t += d));
    req.on('end', () => {
      try { resolve(t ? JSON.parse(t) as Record<string, unknown> : {}); } catch { reject(new AnycastError('ERR_HOST_REQUEST', 'the request body is not JSON')); }
    });
    req.on('error', reject);
  });
}

function specOf(v: unknown): HostedRouterSpec {
  const o = v as Record<string, unknown>;
  for (const k of ['name', 'ns', 'config', 'log']) {
    if (typeof o?.[k] !== 'string' || o[k] === '') throw new AnycastError('ERR_HOST_REQUEST', `router: "${k}" must be a non-empty string`);
  }
  return { name: o.name as string, ns: o.ns as string, config: o.config as string, log: o.log as string };
}

const STATUS: Record<string, number> = { ERR_HOST_NO_ROUTER: 404, ERR_HOST_ROUTER_EXISTS: 409, ERR_HOST_ROUTER_STATE: 409, ERR_HOST_REQUEST: 400 };

export async function serveControl(host: RouterHost, socket: string, onShutdown: () => void): Promise<Server> {
  const srv = createServer((req, res) => {
    const send = (code: number, v: unknown) => {
      const t = JSON.stringify(v);
      res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(t) });
      res.end(t);
    };
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://host');
      const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      if (parts[0] !== 'v1') throw new AnycastError('ERR_HOST_REQUEST', `no such path ${url.pathname}`);
      if (req.method === 'GET' && parts[1] === 'routers') return send(200, { pid: process.pid, routers: host.status(parts[2]) });
      if (req.method === 'POST' && parts[1] === 'routers' && parts.length === 2) {
        const b = await body(req);
        if (Array.isArray(b.routers)) {
          const specs = b.routers.map(specOf);
          // All at once: each start is mostly waiting (files, the kernel); failures are reported per router.
          const out = await Promise.all(specs.map((s) => host.start(s).catch((e: unknown) => ({
            name: s.name, ns: s.ns, state: 'failed', established: null, neighbors: null, startMs: null, error: errorMessage(e),
          } satisfies HostedRouterStatus))));
          return send(200, { routers: out });
        }
        return send(200, { routers: [await host.start(specOf(b))] });
      }
      if (req.method === 'POST' && parts[1] === 'routers' && parts.length === 4) {
        const name = parts[2]!;
        const b = await body(req);
        switch (parts[3]) {
          case 'stop': return send(200, { routers: [await host.stop(name, { graceful: b.graceful === true, kill: b.kill === true })] });
          case 'freeze': return send(200, { routers: [host.freeze(name)] });
          case 'thaw': return send(200, { routers: [host.thaw(name)] });
        }
      }
      if (req.method === 'POST' && parts[1] === 'shutdown') {
        await host.stopAll();
        send(200, { stopped: true });
        return onShutdown();
      }
      throw new AnycastError('ERR_HOST_REQUEST', `no such request: ${req.method} ${url.pathname}`);
    })().catch((e: unknown) => {
      const code = e instanceof AnycastError ? e.code : 'ERR_HOST_INTERNAL';
      send(STATUS[code] ?? (e instanceof AnycastError ? 400 : 500), { error: { code, message: errorMessage(e) } });
    });
  });
  rmSync(socket, { force: true });
  await new Promise<void>((resolve, reject) => { srv.once('error', reject); srv.listen(socket, () => resolve()); });
  chmodSync(socket, 0o660);
  return srv;
}

/** One request to a router host; rejects with the host's own error (code and message) or HostUnreachableError. */
export async function hostApi(socket: string, method: 'GET' | 'POST', path: string, payload?: unknown, timeoutMs = 60_000): Promise<Record<string, unknown>> {
  let a: ControlAnswer;
  try {
    a = await controlRequest({ socket }, method, path, { body: payload, timeoutMs });
  } catch (e) {
    throw new HostUnreachableError(socket, (e as Error).message);
  }
  if (a.body === null || typeof a.body !== 'object') throw new HostUnreachableError(socket, `not JSON (HTTP ${a.status})`);
  const err = answerError(a);
  if (err) throw new AnycastError(err.code ?? 'ERR_HOST', err.message ?? `HTTP ${a.status}`);
  return a.body as Record<string, unknown>;
}
