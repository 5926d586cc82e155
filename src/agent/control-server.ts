// The control API: HTTP/1.1 on a unix socket (and optionally a localhost TCP port), JSON in and out.
//   GET  /v1/status                         the status document (status.ts)
//   POST /v1/services/NAME/drain            operator drain; /undrain lifts it
//   POST /v1/reload                         re-read the configuration file (as SIGHUP does)
//   GET  /v1/config                         the running, normalized configuration and its hash
//   GET  /metrics                           Prometheus metrics (also served on metrics.listen)
// Errors are {"error": {"code", "message"}} with a 4xx/5xx status. The socket file is created mode 0660: whoever
// can write it can drain the site.
import { chmod, mkdir, unlink } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname } from 'node:path';
import { AnycastError, errorMessage } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import type { Agent } from './agent.js';
import { renderMetrics } from './metrics-render.js';
import { buildStatus } from './status.js';

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, null, 2) + '\n';
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function errorStatus(code: string): number {
  if (code === 'ERR_UNKNOWN_SERVICE' || code === 'ERR_NOT_FOUND') return 404;
  if (code === 'ERR_SHUTTING_DOWN') return 503;
  if (code === 'ERR_METHOD') return 405;
  return 500;
}

export function controlHandler(agent: Agent, logger: Logger) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://agent');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    req.resume();
    try {
      if (path === '/metrics' && method === 'GET') {
        const text = renderMetrics(agent, await buildStatus(agent));
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        res.end(text);
        return;
      }
      if (path === '/v1/status' && method === 'GET') return send(res, 200, await buildStatus(agent));
      if (path === '/v1/config' && method === 'GET') {
        return send(res, 200, { file: agent.loaded.file, hash: agent.loaded.hash, config: agent.config });
      }
      if (path === '/v1/reload' && method === 'POST') {
        const r = agent.reloadFromFile();
        return send(res, r.ok ? 200 : 422, r);
      }
      const m = /^\/v1\/services\/([^/]+)\/(drain|undrain)$/.exec(path);
      if (m && method === 'POST') {
        const name = decodeURIComponent(m[1]!);
        const svc = m[2] === 'drain' ? agent.drain(name) : agent.undrain(name);
        logger.info(`control: ${m[2]}`, { service: name });
        return send(res, 200, { service: name, adminDrain: svc.adminDrain, state: svc.fsm.phase, reason: svc.fsm.reason });
      }
      if (m || ['/metrics', '/v1/status', '/v1/config', '/v1/reload'].includes(path)) {
        throw new AnycastError('ERR_METHOD', `${method} is not allowed on ${path}`);
      }
      throw new AnycastError('ERR_NOT_FOUND', `no such endpoint: ${path}`);
    } catch (e) {
      const code = e instanceof AnycastError ? e.code : 'ERR_INTERNAL';
      if (!(e instanceof AnycastError)) logger.error('control: internal error', { path, error: errorMessage(e) });
      send(res, errorStatus(code), { error: { code, message: errorMessage(e) } });
    }
  };
}

export interface ControlServers {
  close(): Promise<void>;
  tcpPort: number | null;
}

function listen(server: Server, target: { path: string } | { host: string; port: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(target, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Start the control socket (and TCP listener, if configured). */
export async function startControl(agent: Agent, logger: Logger): Promise<ControlServers> {
  const handler = controlHandler(agent, logger);
  const servers: Server[] = [];
  const sock = agent.config.control.socket;
  await mkdir(dirname(sock), { recursive: true });
  await unlink(sock).catch(() => {});
  const unix = createServer((q, r) => void handler(q, r));
  await listen(unix, { path: sock });
  await chmod(sock, 0o660);
  servers.push(unix);
  let tcpPort: number | null = null;
  const tcp = agent.config.control.listen;
  if (tcp) {
    const srv = createServer((q, r) => void handler(q, r));
    await listen(srv, tcp);
    tcpPort = (srv.address() as { port: number }).port;
    servers.push(srv);
  }
  logger.info('control API listening', { socket: sock, tcp: tcp ? `${tcp.host}:${tcpPort}` : null });
  return {
    tcpPort,
    close: async () => {
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      })));
      await unlink(sock).catch(() => {});
    },
  };
}

/** The metrics listener (metrics.listen): GET /metrics only. */
export async function startMetrics(agent: Agent, logger: Logger): Promise<{ close(): Promise<void>; port: number } | null> {
  const m = agent.config.metrics;
  if (!m) return null;
  const srv = createServer((req, res) => {
    req.resume();
    if ((req.url ?? '/').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found; metrics are at /metrics\n');
      return;
    }
    buildStatus(agent).then((s) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(renderMetrics(agent, s));
    }, (e: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`${errorMessage(e)}\n`);
    });
  });
  await listen(srv, m);
  const port = (srv.address() as { port: number }).port;
  logger.info('metrics listening', { listen: `${m.host}:${port}` });
  return {
    port,
    close: () => new Promise<void>((resolve) => {
      srv.close(() => resolve());
      srv.closeAllConnections();
    }),
  };
}
