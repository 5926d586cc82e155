// The speaker's control API: HTTP/1.1 with JSON bodies, on a unix socket (default) and optionally a localhost
// TCP port. Routes (all JSON; errors are {"error": {"code", "message"}} with a 4xx/5xx status):
//   GET  /v1/status                              identity, uptime, table sizes, FIB, neighbors by state
//   GET  /v1/neighbors                           summaries (show neighbors)
//   GET  /v1/neighbors/NAME                      detail (show neighbor N)
//   POST /v1/neighbors/NAME/reset|refresh|shutdown|enable   {message?, direction?: in|out|both}
//   GET  /v1/rib?prefix=P&limit=N&best           Loc-RIB (P: prefix, or address for the longest match; best: best paths only)
//   GET  /v1/rib/in/NAME?prefix&limit&pre-policy Adj-RIB-In;  GET /v1/rib/out/NAME?prefix&limit  Adj-RIB-Out
//   GET  /v1/route?prefix=P                      decision explanation + export verdict per neighbor
//   GET  /v1/routes                              originated routes;  POST /v1/routes {prefix, ...}  add
//   DELETE /v1/routes?prefix=P                   withdraw an originated route
//   POST /v1/reload                              re-read the configuration file (as SIGHUP)
//   POST /v1/mrt/dump {file?}                    TABLE_DUMP_V2 dump of the RIB
//   POST /v1/shutdown {graceful?, message?}      stop the speaker
//   GET  /metrics                                Prometheus text
// The socket is created mode 0660 in a directory made if missing: whoever can write it controls the speaker.
import { chmod, mkdir, unlink } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname } from 'node:path';
import { AnycastError, errorMessage } from '../../util/errors.js';
import type { Logger } from '../../util/log.js';
import { renderMetrics } from '../speaker/metrics.js';
import { neighborEnable, neighborRefresh, neighborReset, neighborShutdown, routeAdd, routeDel } from '../speaker/ops.js';
import type { ReloadReport } from '../speaker/reload.js';
import type { Speaker } from '../speaker/speaker.js';
import { adjRibView, explainView, exportView, locRibView, neighborDetail, neighborSummary, statusView } from '../speaker/views.js';

export interface ControlHost {
  readonly speaker: Speaker;
  reload(): Promise<ReloadReport>;
  mrtDump(file?: string): Promise<Record<string, unknown>>;
  shutdown(opts: { graceful: boolean; message?: string }): void;
}

const STATUS: Record<string, number> = {
  ERR_UNKNOWN_NEIGHBOR: 404, ERR_NOT_FOUND: 404, ERR_UNKNOWN_ROUTE: 404, ERR_METHOD: 405, ERR_USAGE: 400,
  ERR_CONFIG: 400, ERR_BAD_ROUTE: 400, ERR_BAD_REQUEST: 400, ERR_NOT_ESTABLISHED: 409, ERR_REFRESH_UNSUPPORTED: 409,
  ERR_RELOAD: 422, ERR_UNAVAILABLE: 501,
};

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body) + '\n';
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > 65536) throw new AnycastError('ERR_BAD_REQUEST', 'request body larger than 64 KiB');
  }
  if (text.trim() === '') return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch (e) {
    throw new AnycastError('ERR_BAD_REQUEST', `request body is not a JSON object: ${errorMessage(e)}`);
  }
}

const optStr = (v: unknown, what: string): string | undefined => {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new AnycastError('ERR_BAD_REQUEST', `${what} must be a string`);
  return v;
};

function limitOf(u: URL): number {
  const l = u.searchParams.get('limit');
  if (l === null) return Number.MAX_SAFE_INTEGER;
  const n = Number(l);
  if (!Number.isInteger(n) || n < 0) throw new AnycastError('ERR_BAD_REQUEST', `limit must be a non-negative integer, got "${l}"`);
  return n;
}

export function controlHandler(host: ControlHost, log: Logger) {
  const s = host.speaker;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://speaker');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    try {
      const body = method === 'POST' ? await readBody(req) : (req.resume(), {});
      if (path === '/metrics' && method === 'GET') {
        const text = renderMetrics(s);
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        res.end(text);
        return;
      }
      if (path === '/v1/status' && method === 'GET') return send(res, 200, statusView(s));
      if (path === '/v1/neighbors' && method === 'GET') {
        return send(res, 200, { neighbors: [...s.neighbors.values()].map((n) => neighborSummary(s, n)) });
      }
      let m = /^\/v1\/neighbors\/([^/]+)$/.exec(path);
      if (m && method === 'GET') return send(res, 200, neighborDetail(s, s.neighbor(decodeURIComponent(m[1]!))));
      m = /^\/v1\/neighbors\/([^/]+)\/(reset|refresh|shutdown|enable)$/.exec(path);
      if (m && method === 'POST') {
        const name = decodeURIComponent(m[1]!);
        const message = optStr(body.message, 'message');
        switch (m[2]) {
          case 'reset': return send(res, 200, neighborReset(s, name, message));
          case 'shutdown': return send(res, 200, neighborShutdown(s, name, message));
          case 'enable': return send(res, 200, neighborEnable(s, name));
          default: {
            const d = optStr(body.direction, 'direction') ?? 'both';
            if (d !== 'in' && d !== 'out' && d !== 'both') throw new AnycastError('ERR_BAD_REQUEST', `direction must be in, out or both, got "${d}"`);
            return send(res, 200, neighborRefresh(s, name, d));
          }
        }
      }
      if (path === '/v1/rib' && method === 'GET') {
        return send(res, 200, locRibView(s, url.searchParams.get('prefix') ?? undefined, limitOf(url), url.searchParams.has('best')));
      }
      m = /^\/v1\/rib\/(in|out)\/([^/]+)$/.exec(path);
      if (m && method === 'GET') {
        const n = s.neighbor(decodeURIComponent(m[2]!));
        const pre = url.searchParams.has('pre-policy');
        if (pre && !n.settings.keepPrePolicy) {
          throw new AnycastError('ERR_BAD_REQUEST', `neighbor ${n.name} does not keep its pre-policy routes (keep-pre-policy: true)`);
        }
        return send(res, 200, { neighbor: n.name, direction: m[1], prePolicy: pre,
          ...adjRibView(s, n, m[1] as 'in' | 'out', pre, url.searchParams.get('prefix') ?? undefined, limitOf(url)) });
      }
      if (path === '/v1/route' && method === 'GET') {
        const prefix = url.searchParams.get('prefix');
        if (prefix === null) throw new AnycastError('ERR_BAD_REQUEST', 'prefix is required');
        const e = explainView(s, prefix);
        if (e === null) throw new AnycastError('ERR_NOT_FOUND', `no route for ${prefix}`);
        return send(res, 200, { explanation: e, export: exportView(s, prefix) });
      }
      if (path === '/v1/routes') {
        if (method === 'GET') return send(res, 200, { routes: s.originated.list().map((r) => ({ ...r.spec, source: r.source })) });
        if (method === 'POST') return send(res, 200, routeAdd(s, body));
        if (method === 'DELETE') {
          const prefix = url.searchParams.get('prefix');
          if (prefix === null) throw new AnycastError('ERR_BAD_REQUEST', 'prefix is required');
          return send(res, 200, routeDel(s, prefix));
        }
      }
      if (path === '/v1/reload' && method === 'POST') {
        const r = await host.reload();
        return send(res, r.ok ? 200 : 422, r.ok ? r : { ...r, error: { code: 'ERR_RELOAD', message: r.error } });
      }
      if (path === '/v1/mrt/dump' && method === 'POST') return send(res, 200, await host.mrtDump(optStr(body.file, 'file')));
      if (path === '/v1/shutdown' && method === 'POST') {
        const graceful = body.graceful === true;
        send(res, 200, { stopping: true, graceful });
        setImmediate(() => host.shutdown({ graceful, ...(typeof body.message === 'string' ? { message: body.message } : {}) }));
        return;
      }
      throw new AnycastError('ERR_NOT_FOUND', `no such endpoint: ${method} ${path}`);
    } catch (e) {
      const code = e instanceof AnycastError ? e.code : 'ERR_INTERNAL';
      if (!(e instanceof AnycastError)) log.error('control API: internal error', { path, error: errorMessage(e), stack: (e as Error).stack });
      send(res, STATUS[code] ?? 500, { error: { code, message: errorMessage(e) } });
    }
  };
}

export interface ControlServers {
  readonly socket: string | null;
  readonly tcpPort: number | null;
  close(): Promise<void>;
}

function listen(server: Server, target: { path: string } | { host: string; port: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(target, () => { server.off('error', reject); resolve(); });
  });
}

/** Serve the control API on the unix socket and/or localhost TCP. Throws AnycastError ERR_CONTROL on bind errors. */
export async function startControl(host: ControlHost, where: { socket: string | null; tcp: { host: string; port: number } | null },
  log: Logger): Promise<ControlServers> {
  const handler = controlHandler(host, log);
  const servers: Server[] = [];
  let tcpPort: number | null = null;
  try {
    if (where.socket !== null) {
      await mkdir(dirname(where.socket), { recursive: true, mode: 0o750 });
      await unlink(where.socket).catch(() => {});
      const srv = createServer((req, res) => void handler(req, res));
      await listen(srv, { path: where.socket });
      await chmod(where.socket, 0o660);
      servers.push(srv);
    }
    if (where.tcp !== null) {
      const srv = createServer((req, res) => void handler(req, res));
      await listen(srv, where.tcp);
      const a = srv.address();
      tcpPort = typeof a === 'object' && a !== null ? a.port : null;
      servers.push(srv);
    }
  } catch (e) {
    for (const s of servers) s.close();
    throw new AnycastError('ERR_CONTROL', `cannot serve the control API: ${errorMessage(e)}`);
  }
  return {
    socket: where.socket, tcpPort,
    close: async () => {
      await Promise.all(servers.map((s) => new Promise<void>((r) => { s.close(() => r()); s.closeAllConnections?.(); })));
      if (where.socket !== null) await unlink(where.socket).catch(() => {});
    },
  };
}
