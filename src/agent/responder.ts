// Hosting the DNS responder (src/dns) inside the agent: a service with `responder: {kind: dns, config: dns.yaml}`
// gets its own authoritative server in the agent's process. It starts after the service addresses are on the
// loopback (so it can bind them) and before the checks; it is stopped at shutdown only after the withdrawal has
// been confirmed and the linger time has passed, so it keeps answering while the routing system converges away
// from this site. A reload re-reads its dns.yaml and zones (validated first; the last good zones keep serving).
// The agent does not check the responder by itself: give the service a `dns` check against it.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, errorMessage } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import * as dns from '../dns/index.js';
import type { DnsConfig, DnsService } from '../dns/index.js';
import type { LoadedConfig, ServiceConfig } from './config/types.js';

let version: string | null = null;
function pkgVersion(): string {
  if (version === null) {
    const here = dirname(fileURLToPath(import.meta.url));
    version = (JSON.parse(readFileSync(join(here, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  }
  return version;
}

/** Read and validate one responder's dns.yaml and its zones; errors become the agent config's errors. */
export function loadResponderConfig(svc: ServiceConfig, agentFile: string): DnsConfig {
  const file = svc.responder!.config;
  const key = `services.${svc.name}.responder.config`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(agentFile, key, `cannot read ${file}: ${errorMessage(e)}`);
  }
  try {
    const cfg = dns.parseDnsConfig(text, file, pkgVersion());
    dns.loadZones(cfg.zones);
    return cfg;
  } catch (e) {
    throw new ConfigError(agentFile, key, errorMessage(e).replace(/\n/g, '; '));
  }
}

/** Validate every hosted responder of a loaded configuration (for loading, --check and reload). */
export function validateResponders(loaded: LoadedConfig): void {
  for (const s of loaded.config.services) if (s.responder !== null) loadResponderConfig(s, loaded.file);
}

export interface ResponderStatus {
  config: string;
  listening: string[];
  queries: number;
}

export interface ResponderHost {
  /** Start, reload or stop responders so that exactly the configured ones run. Start failures throw. */
  sync(services: ServiceConfig[], agentFile: string): Promise<void>;
  stopAll(): Promise<void>;
  status(service: string): ResponderStatus | null;
  readonly count: number;
}

export function createResponderHost(logger: Logger): ResponderHost {
  const running = new Map<string, { file: string; svc: DnsService; listening: string[] }>();
  const stop = async (name: string) => {
    const r = running.get(name);
    if (!r) return;
    running.delete(name);
    await r.svc.server.stop();
    logger.info('responder stopped', { service: name });
  };
  return {
    get count() {
      return running.size;
    },
    async sync(services, agentFile) {
      const wanted = services.filter((s) => s.responder !== null);
      for (const name of [...running.keys()]) {
        const s = wanted.find((w) => w.name === name);
        if (!s || s.responder!.config !== running.get(name)!.file) await stop(name);
      }
      for (const s of wanted) {
        const cfg = loadResponderConfig(s, agentFile);
        const cur = running.get(s.name);
        if (cur) {
          const r = cur.svc.reload(cfg);
          if (r.ok) logger.info('responder reloaded', { service: s.name, needsRestart: r.needsRestart });
          else logger.error('responder reload refused; still serving the last good zones', { service: s.name, error: r.error });
          continue;
        }
        const svc = dns.createDnsService(cfg, logger.child({ responder: s.name }));
        for (const w of svc.warnings) logger.warn('responder zone warning', { service: s.name, warning: w });
        const bound = await svc.server.start();
        const listening = bound.map((b) => `${b.transport} ${b.family === 'IPv6' ? `[${b.address}]` : b.address}:${b.port}`)
          .sort((a, b) => (a.slice(4) === b.slice(4) ? (a < b ? 1 : -1) : a.slice(4) < b.slice(4) ? -1 : 1)); // udp, then tcp
        running.set(s.name, { file: cfg.file, svc, listening });
        logger.info('responder started', { service: s.name, config: cfg.file, listening });
      }
    },
    async stopAll() {
      for (const name of [...running.keys()]) await stop(name);
    },
    status(service) {
      const r = running.get(service);
      if (!r) return null;
      const q = r.svc.server.stats().queries;
      return { config: r.file, listening: r.listening, queries: q.udp + q.tcp };
    },
  };
}
