// The responder as a service built from a validated DnsConfig: what `anycast dns` runs, and what the agent hosts.
// Loads the zones, creates the server with the config's identity, listeners, RRL, EDNS and TCP limits, and offers
// a reload that validates everything first and keeps the last good zones when anything is wrong.
import { errorMessage } from '../util/errors.js';
import { type Logger, silentLogger } from '../util/log.js';
import type { DnsConfig } from './config.js';
import { type DnsServer, createDnsServer } from './server.js';
import { nameToText } from './wire/name.js';
import { formatZoneError, loadZones } from './zone/load.js';

export interface DnsService {
  server: DnsServer;
  /** Zone warnings from the initial load, as "file:line: reason". */
  warnings: string[];
  /**
   * Applies a new config's zones and identity. Returns ok, or the reason it was refused (the old zones stay).
   * Listener, UDP backend, TCP, EDNS and RRL changes need a new service (a restart); they are reported in `needsRestart`.
   */
  reload(next: DnsConfig): { ok: true; needsRestart: string[] } | { ok: false; error: string };
}

/** Throws ZoneLoadError (every zone problem with file and line) before anything listens. */
export function createDnsService(cfg: DnsConfig, logger: Logger = silentLogger): DnsService {
  const loaded = loadZones(cfg.zones);
  const server = createDnsServer({
    zones: loaded.zones, identity: cfg.identity, listen: cfg.listen, rrl: cfg.rrl, udpPayload: cfg.udpPayload,
    tcp: cfg.tcp, udpBackend: cfg.udp.backend, udpBatch: cfg.udp.batch, logger,
  });
  let current = cfg;
  return {
    server,
    warnings: loaded.warnings.map(formatZoneError),
    reload(next) {
      let z: ReturnType<typeof loadZones>;
      try {
        z = loadZones(next.zones);
      } catch (e) {
        logger.error('reload failed; still serving the last good zones', { error: errorMessage(e) });
        return { ok: false, error: errorMessage(e) };
      }
      const needsRestart: string[] = [];
      const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
      if (!same(next.listen, current.listen)) needsRestart.push('listen');
      if (!same(next.tcp, current.tcp)) needsRestart.push('tcp');
      if (!same(next.udp, current.udp)) needsRestart.push('udp');
      if (next.udpPayload !== current.udpPayload) needsRestart.push('edns');
      if (!same(next.rrl, current.rrl)) needsRestart.push('rrl');
      if (needsRestart.length > 0) {
        logger.warn('these settings changed and take effect only after a restart', { settings: needsRestart });
      }
      server.reload(z.zones, next.identity);
      current = { ...current, zones: next.zones, identity: next.identity };
      for (const w of z.warnings) logger.warn('zone warning', { warning: formatZoneError(w) });
      logger.info('reloaded', { zones: z.zones.map((x) => ({ zone: nameToText(x.origin), serial: x.serial,
        records: x.recordCount })) });
      return { ok: true, needsRestart };
    },
  };
}
