// The `anycast dns` configuration (dns.yaml): strict validation with file, key and reason for every error;
// unknown keys are errors; defaults live here and nowhere else. Paths are relative to the config file.
//
//   identity: { hostname, id, version, nsid | nsid-hex }
//   listen:   [ "127.0.0.1:53", "[::1]:53", { address, port, udp, tcp } ]
//   zones:    [ "example.com.zone", { file, origin } ]
//   edns:     { udp-payload }
//   udp:      { backend: auto | native | dgram, batch }
//   tcp:      { idle-timeout-ms, max-connections, max-queries-per-connection }
//   rrl:      { responses-per-second, nxdomains-per-second, errors-per-second, slip, window,
//               ipv4-prefix-length, ipv6-prefix-length, max-entries, exempt }
//   stats:    { interval-seconds, listen }
//   log:      { level, format }
import { hostname as osHostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { pathOf, Source } from '../bgp/config/reader.js';
import { ConfigError } from '../util/errors.js';
import type { LogLevel } from '../util/log.js';
import type { Identity } from './answer/chaos.js';
import { parseCidr } from './rrl.js';
import type { RrlOptions } from './rrl.js';
import type { ListenSpec, TcpOptions } from './server.js';
import type { UdpBackendChoice } from './udp/listener.js';
import { DEFAULT_UDP_PAYLOAD } from './wire/constants.js';
import { parseName } from './wire/name.js';
import type { ZoneSpec } from './zone/load.js';

export interface DnsConfig {
  file: string;
  identity: Identity;
  listen: ListenSpec[];
  zones: ZoneSpec[];
  udpPayload: number;
  /** UDP transport: native batching (recvmmsg/sendmmsg) or node:dgram; datagrams per batch. */
  udp: { backend: UdpBackendChoice; batch: number };
  tcp: Required<TcpOptions>;
  rrl?: RrlOptions;
  stats: { intervalSeconds: number; listen?: { address: string; port: number } };
  log: { level: LogLevel; format: 'json' | 'text' };
}

export const DEFAULTS = {
  port: 53,
  udpPayload: DEFAULT_UDP_PAYLOAD,
  tcp: { idleTimeoutMs: 10_000, maxConnections: 256, maxQueriesPerConnection: 0 },
  udp: { backend: 'auto', batch: 64 },
  rrl: { slip: 2, window: 15, ipv4PrefixLength: 24, ipv6PrefixLength: 56, maxEntries: 100_000 },
  statsIntervalSeconds: 0,
} as const;

type Obj = Record<string, unknown>;

/** The line a dotted key (`listen[1].port`) sits on in the YAML text, when it is known. */
export type LineOf = (key: string) => number | null;

class V {
  constructor(readonly file: string, readonly lineOf: LineOf) {}
  /** "(line N)" after the reason, as the agent's and the speaker's configs say it. */
  at(key: string): string {
    const line = this.lineOf(key);
    return line === null ? '' : ` (line ${line})`;
  }
  fail(key: string, reason: string): never {
    throw new ConfigError(this.file, key, `${reason}${this.at(key)}`);
  }
  obj(v: unknown, key: string, allowed: readonly string[]): Obj {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.fail(key, 'must be a mapping');
    for (const k of Object.keys(v as Obj)) {
      if (!allowed.includes(k)) this.fail(key ? `${key}.${k}` : k, `unknown key (expected one of: ${allowed.join(', ')})`);
    }
    return v as Obj;
  }
  int(v: unknown, key: string, min: number, max: number, unit = ''): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.fail(key, `must be an integer from ${min} to ${max}${unit ? ' ' + unit : ''} (got ${JSON.stringify(v)})`);
    }
    return v;
  }
  num(v: unknown, key: string, min: number, max: number, unit = ''): number {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
      this.fail(key, `must be a number from ${min} to ${max}${unit ? ' ' + unit : ''} (got ${JSON.stringify(v)})`);
    }
    return v;
  }
  str(v: unknown, key: string): string {
    if (typeof v !== 'string' || v === '') this.fail(key, 'must be a non-empty string');
    return v;
  }
  bool(v: unknown, key: string): boolean {
    if (typeof v !== 'boolean') this.fail(key, 'must be true or false');
    return v;
  }
}

/** "ADDR:PORT", "[V6]:PORT", "ADDR" (default port) → address and port, or a reason. */
export function parseHostPort(s: string, defaultPort: number): { address: string; port: number } | string {
  let address = s;
  let port = defaultPort;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (bracket) {
    address = bracket[1]!;
    if (bracket[2] !== undefined) port = Number(bracket[2]);
  } else if ((s.match(/:/g) ?? []).length === 1) {
    const i = s.indexOf(':');
    address = s.slice(0, i);
    if (!/^\d+$/.test(s.slice(i + 1))) return `port '${s.slice(i + 1)}' is not a number`;
    port = Number(s.slice(i + 1));
  }
  if (parseCidr(address) === undefined || address.includes('/')) return `'${address}' is not an IP address`;
  if (!(port >= 0 && port <= 65535)) return `port ${port} is not 0..65535`;
  return { address, port };
}

export function parseUdpBackend(x: unknown): UdpBackendChoice | undefined {
  return x === 'auto' || x === 'native' || x === 'dgram' ? x : undefined;
}

export function defaultVersion(pkgVersion: string): string {
  return `anycast ${pkgVersion}`;
}

/**
 * Validates a parsed config object. `pkgVersion` feeds the default version.bind; `lineOf` (from the YAML text)
 * adds the line to errors and to the zones' `from`.
 */
export function validateDnsConfig(raw: unknown, file: string, pkgVersion: string, lineOf: LineOf = () => null): DnsConfig {
  const v: V = new V(file, lineOf);
  const base = dirname(resolve(file));
  const top = v.obj(raw ?? {}, '', ['identity', 'listen', 'zones', 'edns', 'udp', 'tcp', 'rrl', 'stats', 'log']);

  const idRaw = v.obj(top.identity ?? {}, 'identity', ['hostname', 'id', 'version', 'nsid', 'nsid-hex']);
  const hostname = idRaw.hostname === undefined ? osHostname() : v.str(idRaw.hostname, 'identity.hostname');
  const identity: Identity = { hostname };
  if (idRaw.id !== undefined) identity.id = v.str(idRaw.id, 'identity.id');
  if (idRaw.version === undefined) identity.version = defaultVersion(pkgVersion);
  else if (idRaw.version !== false) identity.version = v.str(idRaw.version, 'identity.version');
  if (idRaw.nsid !== undefined && idRaw['nsid-hex'] !== undefined) v.fail('identity.nsid-hex', 'give nsid or nsid-hex, not both');
  if (idRaw['nsid-hex'] !== undefined) {
    const h = v.str(idRaw['nsid-hex'], 'identity.nsid-hex');
    if (!/^([0-9a-fA-F]{2})+$/.test(h)) v.fail('identity.nsid-hex', 'must be an even number of hex digits');
    identity.nsid = Buffer.from(h, 'hex');
  } else if (idRaw.nsid === false) {
    // NSID disabled.
  } else {
    identity.nsid = Buffer.from(idRaw.nsid === undefined ? hostname : v.str(idRaw.nsid, 'identity.nsid'), 'utf8');
  }
  if (identity.nsid && identity.nsid.length > 512) v.fail('identity.nsid', 'must be at most 512 octets');

  if (!Array.isArray(top.listen) || top.listen.length === 0) v.fail('listen', 'must be a non-empty list of addresses');
  const listen: ListenSpec[] = top.listen.map((l: unknown, i: number) => {
    const key = `listen[${i}]`;
    if (typeof l === 'string') {
      const hp = parseHostPort(l, DEFAULTS.port);
      if (typeof hp === 'string') v.fail(key, hp);
      return { ...hp, udp: true, tcp: true };
    }
    const o = v.obj(l, key, ['address', 'port', 'udp', 'tcp']);
    const address = v.str(o.address, `${key}.address`);
    if (parseCidr(address) === undefined || address.includes('/')) v.fail(`${key}.address`, `'${address}' is not an IP address`);
    const spec: ListenSpec = {
      address, port: o.port === undefined ? DEFAULTS.port : v.int(o.port, `${key}.port`, 0, 65535),
      udp: o.udp === undefined ? true : v.bool(o.udp, `${key}.udp`),
      tcp: o.tcp === undefined ? true : v.bool(o.tcp, `${key}.tcp`),
    };
    if (!spec.udp && !spec.tcp) v.fail(key, 'udp and tcp are both false: nothing to listen on');
    return spec;
  });

  if (!Array.isArray(top.zones) || top.zones.length === 0) v.fail('zones', 'must be a non-empty list of zone files');
  const zones: ZoneSpec[] = top.zones.map((z: unknown, i: number) => {
    const key = `zones[${i}]`;
    const from = `${key} of ${file}${v.at(key).replace(' (', ', ').replace(')', '')}`;
    if (typeof z === 'string') return { file: resolve(base, z), from };
    const o = v.obj(z, key, ['file', 'origin']);
    const spec: ZoneSpec = { file: resolve(base, v.str(o.file, `${key}.file`)), from };
    if (o.origin !== undefined) {
      const origin = v.str(o.origin, `${key}.origin`);
      const r = parseName(origin.endsWith('.') ? origin : origin + '.');
      if (!r.ok) v.fail(`${key}.origin`, r.reason);
      spec.origin = origin;
    }
    return spec;
  });

  const edns = v.obj(top.edns ?? {}, 'edns', ['udp-payload']);
  const udpPayload = edns['udp-payload'] === undefined ? DEFAULTS.udpPayload :
    v.int(edns['udp-payload'], 'edns.udp-payload', 512, 4096, 'octets');

  const u = v.obj(top.udp ?? {}, 'udp', ['backend', 'batch']);
  const udp: DnsConfig['udp'] = {
    backend: u.backend === undefined ? DEFAULTS.udp.backend : parseUdpBackend(u.backend) ??
      v.fail('udp.backend', `must be auto, native or dgram (got ${JSON.stringify(u.backend)})`),
    batch: u.batch === undefined ? DEFAULTS.udp.batch : v.int(u.batch, 'udp.batch', 1, 1024, 'datagrams'),
  };

  const t = v.obj(top.tcp ?? {}, 'tcp', ['idle-timeout-ms', 'max-connections', 'max-queries-per-connection']);
  const tcp: Required<TcpOptions> = {
    idleTimeoutMs: t['idle-timeout-ms'] === undefined ? DEFAULTS.tcp.idleTimeoutMs :
      v.int(t['idle-timeout-ms'], 'tcp.idle-timeout-ms', 100, 3_600_000, 'ms'),
    maxConnections: t['max-connections'] === undefined ? DEFAULTS.tcp.maxConnections :
      v.int(t['max-connections'], 'tcp.max-connections', 1, 65535),
    maxQueriesPerConnection: t['max-queries-per-connection'] === undefined ? DEFAULTS.tcp.maxQueriesPerConnection :
      v.int(t['max-queries-per-connection'], 'tcp.max-queries-per-connection', 0, 1_000_000),
  };

  let rrl: RrlOptions | undefined;
  if (top.rrl !== undefined && top.rrl !== false) {
    const r = v.obj(top.rrl, 'rrl', ['responses-per-second', 'nxdomains-per-second', 'errors-per-second', 'slip',
      'window', 'ipv4-prefix-length', 'ipv6-prefix-length', 'max-entries', 'exempt']);
    if (r['responses-per-second'] === undefined) v.fail('rrl.responses-per-second', 'is required when rrl is set');
    rrl = {
      responsesPerSecond: v.num(r['responses-per-second'], 'rrl.responses-per-second', 0, 1e6, 'replies/s'),
      slip: r.slip === undefined ? DEFAULTS.rrl.slip : v.int(r.slip, 'rrl.slip', 0, 10),
      window: r.window === undefined ? DEFAULTS.rrl.window : v.int(r.window, 'rrl.window', 1, 3600, 'seconds'),
      ipv4PrefixLength: r['ipv4-prefix-length'] === undefined ? DEFAULTS.rrl.ipv4PrefixLength :
        v.int(r['ipv4-prefix-length'], 'rrl.ipv4-prefix-length', 0, 32),
      ipv6PrefixLength: r['ipv6-prefix-length'] === undefined ? DEFAULTS.rrl.ipv6PrefixLength :
        v.int(r['ipv6-prefix-length'], 'rrl.ipv6-prefix-length', 0, 128),
      maxEntries: r['max-entries'] === undefined ? DEFAULTS.rrl.maxEntries :
        v.int(r['max-entries'], 'rrl.max-entries', 1, 10_000_000),
    };
    if (r['nxdomains-per-second'] !== undefined) {
      rrl.nxdomainsPerSecond = v.num(r['nxdomains-per-second'], 'rrl.nxdomains-per-second', 0, 1e6, 'replies/s');
    }
    if (r['errors-per-second'] !== undefined) {
      rrl.errorsPerSecond = v.num(r['errors-per-second'], 'rrl.errors-per-second', 0, 1e6, 'replies/s');
    }
    if (r.exempt !== undefined) {
      if (!Array.isArray(r.exempt)) v.fail('rrl.exempt', 'must be a list of address prefixes');
      rrl.exempt = r.exempt.map((c: unknown, i: number) => {
        const s = v.str(c, `rrl.exempt[${i}]`);
        if (!parseCidr(s)) v.fail(`rrl.exempt[${i}]`, `'${s}' is not an address prefix like 192.0.2.0/24`);
        return s;
      });
    }
  }

  const s = v.obj(top.stats ?? {}, 'stats', ['interval-seconds', 'listen']);
  const stats: DnsConfig['stats'] = {
    intervalSeconds: s['interval-seconds'] === undefined ? DEFAULTS.statsIntervalSeconds :
      v.int(s['interval-seconds'], 'stats.interval-seconds', 0, 86400, 'seconds'),
  };
  if (s.listen !== undefined) {
    const hp = parseHostPort(v.str(s.listen, 'stats.listen'), 9153);
    if (typeof hp === 'string') v.fail('stats.listen', hp);
    stats.listen = hp;
  }

  const lg = v.obj(top.log ?? {}, 'log', ['level', 'format']);
  const level = (lg.level ?? 'info') as LogLevel;
  if (!['debug', 'info', 'warn', 'error'].includes(level)) v.fail('log.level', 'must be debug, info, warn or error');
  const format = (lg.format ?? 'json') as 'json' | 'text';
  if (format !== 'json' && format !== 'text') v.fail('log.format', 'must be json or text');

  return { file, identity, listen, zones, udpPayload, udp, tcp, rrl, stats, log: { level, format } };
}

/**
 * Parses YAML text and validates it. The YAML reading (syntax errors with line and column, duplicate keys, the line
 * of a key) is the speaker's config reader, so that the three configs report errors alike.
 */
export function parseDnsConfig(text: string, file: string, pkgVersion: string): DnsConfig {
  const src = new Source(file, text);
  return validateDnsConfig(src.value, file, pkgVersion, (key) => (key === '' ? null : src.line(pathOf(key))));
}
