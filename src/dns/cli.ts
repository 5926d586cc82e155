// The `anycast dns` command line: serve zones (from --config or flags), check a config (--check), and query a
// server (`anycast dns query`). Serving logs JSON lines, reloads on SIGHUP (validating first and keeping the last
// good zones on error), stops cleanly on SIGTERM/SIGINT, and reports stats on an interval and/or over HTTP.
import { readFileSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommandArgs } from '../cli/args.js';
import { ConfigError, UsageError, errorMessage } from '../util/errors.js';
import { type Logger, createLogger } from '../util/log.js';
import { queryDns } from './client.js';
import { queryOptionsFromArgs } from './query-args.js';
import { type DnsConfig, DEFAULTS, defaultVersion, parseDnsConfig, parseHostPort, parseUdpBackend } from './config.js';
import { startMetricsServer } from './metrics.js';
import { createDnsService } from './service.js';
import { loadUdpBatch } from './udp/native.js';
import { formatZoneError, loadZones } from './zone/load.js';
import { nameToText } from './wire/name.js';

const USAGE = `usage:
  anycast dns --config dns.yaml [--check] [--json]
  anycast dns --zone FILE [--zone FILE…] --listen ADDR:PORT [--listen …] [--hostname NAME] [--id ID]
              [--nsid TEXT] [--version-string TEXT] [--rrl N] [--udp-payload N] [--stats-interval S]
              [--metrics ADDR:PORT] [--udp-backend auto|native|dgram] [--udp-batch N]
              [--log-format json|text] [--log-level LEVEL] [--check] [--json]
  anycast dns query SERVER NAME [TYPE] [--type TYPE] [--port N] [--class IN|CH] [--nsid] [--tcp] [--no-edns]
              [--bufsize N] [--timeout MS] [--json]
    SERVER is an IPv4 or IPv6 address (port 53 unless --port); TYPE is a mnemonic (A, AAAA, TXT, SOA, …) or
    TYPEnnn, default A; --class IN (default), CH, HS, ANY or CLASSnnn; --timeout 1..3600000 ms (default 2000);
    --bufsize 0..65535 octets of EDNS UDP payload (default 1232).
  A bad argument exits 2; a query that gets no usable reply exits 1.`;

function pkgVersion(): string {
  try {
    const here = dirname(fileURLToPath(import.meta.url));
    return (JSON.parse(readFileSync(join(here, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

export async function runDns(argv: string[]): Promise<number> {
  if (argv[0] === 'query') return runQuery(argv.slice(1));
  const { values } = parseCommandArgs({
    args: argv, allowPositionals: false, strict: true,
    options: {
      config: { type: 'string' }, zone: { type: 'string', multiple: true }, listen: { type: 'string', multiple: true },
      hostname: { type: 'string' }, id: { type: 'string' }, nsid: { type: 'string' },
      'version-string': { type: 'string' }, rrl: { type: 'string' }, 'udp-payload': { type: 'string' },
      'stats-interval': { type: 'string' }, metrics: { type: 'string' }, 'log-format': { type: 'string' },
      'udp-backend': { type: 'string' }, 'udp-batch': { type: 'string' },
      'log-level': { type: 'string' }, check: { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  }, 'dns');
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const readConfig = (): DnsConfig => {
    if (values.config !== undefined) {
      if (values.zone || values.listen) throw new UsageError('--config and --zone/--listen exclude each other');
      if (values['udp-backend'] || values['udp-batch']) throw new UsageError('with --config, set udp.backend / udp.batch in the file');
      let text: string;
      try {
        text = readFileSync(values.config, 'utf8');
      } catch (e) {
        throw new ConfigError(values.config, '', `cannot read: ${(e as NodeJS.ErrnoException).code ?? errorMessage(e)}`);
      }
      return parseDnsConfig(text, values.config, pkgVersion());
    }
    return configFromFlags(values);
  };

  const cfg = readConfig();
  if (values.check) {
    const loaded = loadZones(cfg.zones);
    const report = {
      ok: true, config: cfg.file,
      zones: loaded.zones.map((z) => ({ zone: nameToText(z.origin), serial: z.serial, records: z.recordCount,
        file: z.source })),
      warnings: loaded.warnings.map(formatZoneError),
      listen: cfg.listen.map((l) => `${l.address.includes(':') ? `[${l.address}]` : l.address}:${l.port}`),
      identity: { hostname: cfg.identity.hostname, id: cfg.identity.id ?? cfg.identity.hostname,
        version: cfg.identity.version ?? null, nsid: cfg.identity.nsid?.toString('utf8') ?? null },
      rrl: cfg.rrl ?? null,
      udp: udpReport(cfg),
    };
    if (values.json) process.stdout.write(JSON.stringify(report) + '\n');
    else {
      process.stdout.write(`${cfg.file}: OK\n`);
      for (const z of report.zones) process.stdout.write(`  zone ${z.zone} serial ${z.serial}, ${z.records} records (${z.file})\n`);
      for (const w of report.warnings) process.stdout.write(`  warning: ${w}\n`);
      const u = report.udp;
      process.stdout.write(`  udp: ${u.backend}${u.backend === 'native' ? `, batches of up to ${u.batch} datagrams` :
        ` (${u.fallbackReason})`}\n`);
    }
    return 0;
  }
  return serve(cfg, readConfig, values.json === true);
}

/** The UDP backend this config gets on this machine (what `stats().udp.backend` will say once serving). */
function udpReport(cfg: DnsConfig): { backend: 'native' | 'dgram'; configured: string; batch: number; fallbackReason?: string } {
  if (cfg.udp.backend === 'dgram') {
    return { backend: 'dgram', configured: 'dgram', batch: cfg.udp.batch, fallbackReason: 'udp.backend is dgram' };
  }
  const l = loadUdpBatch();
  if (l.addon) return { backend: 'native', configured: cfg.udp.backend, batch: cfg.udp.batch };
  if (cfg.udp.backend === 'native') throw new ConfigError(cfg.file, 'udp.backend', `native is not available: ${l.reason}`);
  return { backend: 'dgram', configured: 'auto', batch: cfg.udp.batch, fallbackReason: l.reason };
}

type Flags = Record<string, string | boolean | string[] | undefined>;

function usage(msg: string): never {
  throw new UsageError(msg);
}

function configFromFlags(f: Flags): DnsConfig {
  const zones = (f.zone as string[] | undefined) ?? [];
  const listens = (f.listen as string[] | undefined) ?? [];
  if (zones.length === 0) throw new UsageError('give --config FILE, or at least one --zone FILE (anycast dns --help)');
  if (listens.length === 0) throw new UsageError('give at least one --listen ADDR:PORT (e.g. 127.0.0.1:5353)');
  const num = (name: string, min: number, max: number, integer = true): number | undefined => {
    const s = f[name] as string | undefined;
    if (s === undefined) return undefined;
    if (!(integer ? /^\d+$/ : /^\d+(\.\d+)?$/).test(s) || Number(s) < min || Number(s) > max) {
      throw new UsageError(`--${name} '${s}' is not valid (accepted: ${integer ? 'a whole number' : 'a number'} from ${min} to ${max})`);
    }
    return Number(s);
  };
  const hostname = (f.hostname as string | undefined) ?? osHostname();
  const rrlRate = num('rrl', 0, 1e6, false);
  const metrics = f.metrics as string | undefined;
  let statsListen: { address: string; port: number } | undefined;
  if (metrics !== undefined) {
    const hp = parseHostPort(metrics, 9153);
    if (typeof hp === 'string') throw new UsageError(`--metrics: ${hp}`);
    statsListen = hp;
  }
  const format = (f['log-format'] as string | undefined) ?? 'json';
  if (format !== 'json' && format !== 'text') throw new UsageError('--log-format must be json or text');
  const level = (f['log-level'] as string | undefined) ?? 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(level)) throw new UsageError('--log-level must be debug, info, warn or error');
  return {
    file: '(command line)',
    identity: {
      hostname, id: f.id as string | undefined,
      version: (f['version-string'] as string | undefined) ?? defaultVersion(pkgVersion()),
      nsid: Buffer.from((f.nsid as string | undefined) ?? hostname, 'utf8'),
    },
    listen: listens.map((l) => {
      const hp = parseHostPort(l, DEFAULTS.port);
      if (typeof hp === 'string') throw new UsageError(`--listen ${l}: ${hp}`);
      return { ...hp, udp: true, tcp: true };
    }),
    zones: zones.map((z) => ({ file: resolve(z), from: `--zone ${z}` })),
    udpPayload: num('udp-payload', 512, 4096) ?? DEFAULTS.udpPayload,
    udp: {
      backend: f['udp-backend'] === undefined ? DEFAULTS.udp.backend : parseUdpBackend(f['udp-backend']) ??
        usage('--udp-backend must be auto, native or dgram'),
      batch: num('udp-batch', 1, 1024) ?? DEFAULTS.udp.batch,
    },
    tcp: { ...DEFAULTS.tcp },
    rrl: rrlRate !== undefined && rrlRate > 0 ? { responsesPerSecond: rrlRate } : undefined,
    stats: { intervalSeconds: num('stats-interval', 0, 86400) ?? 0, listen: statsListen },
    log: { level: level as DnsConfig['log']['level'], format },
  };
}

async function serve(cfg: DnsConfig, readConfig: () => DnsConfig, json: boolean): Promise<number> {
  const log: Logger = createLogger({ level: cfg.log.level, format: json ? 'json' : cfg.log.format }, { component: 'dns' });
  const svc = createDnsService(cfg, log);
  for (const w of svc.warnings) log.warn('zone warning', { warning: w });
  const server = svc.server;
  // Signal handlers go in before anything listens: a SIGTERM right after the "listening" line must stop cleanly,
  // not kill the process by the default action.
  let stopSignal: string | undefined;
  let onStop: ((signal: string) => void) | undefined;
  const stopOn = (signal: string) => {
    stopSignal ??= signal;
    onStop?.(signal);
  };
  process.once('SIGTERM', () => stopOn('SIGTERM'));
  process.once('SIGINT', () => stopOn('SIGINT'));
  await server.start();
  let identity = cfg.identity;
  for (const z of server.stats().zones) log.info('zone loaded', z);
  let metrics: Awaited<ReturnType<typeof startMetricsServer>> | undefined;
  if (cfg.stats.listen) {
    metrics = await startMetricsServer(cfg.stats.listen.address, cfg.stats.listen.port,
      () => ({ stats: server.stats(), hostname: identity.hostname }));
    log.info('metrics listening', { address: cfg.stats.listen.address, port: metrics.port, paths: ['/metrics', '/stats'] });
  }
  const timer = cfg.stats.intervalSeconds > 0 ?
    setInterval(() => log.info('stats', { stats: server.stats() }), cfg.stats.intervalSeconds * 1000) : undefined;

  const reload = () => {
    let next: DnsConfig;
    try {
      next = readConfig();
    } catch (e) {
      log.error('reload failed; still serving the last good zones', { error: errorMessage(e) });
      return;
    }
    if (svc.reload(next).ok) identity = next.identity;
  };
  process.on('SIGHUP', reload);
  return new Promise<number>((resolveExit) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info('stopping', { signal });
      if (timer) clearInterval(timer);
      process.off('SIGHUP', reload);
      await server.stop();
      if (metrics) await new Promise<void>((r) => metrics!.server.close(() => r()));
      log.info('stopped', { stats: server.stats() });
      resolveExit(0);
    };
    onStop = (signal) => void stop(signal);
    if (stopSignal !== undefined) void stop(stopSignal);
  });
}

async function runQuery(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args: argv, allowPositionals: true, strict: true,
    options: {
      port: { type: 'string' }, type: { type: 'string', short: 't' }, class: { type: 'string' }, nsid: { type: 'boolean' }, tcp: { type: 'boolean' },
      'no-edns': { type: 'boolean' }, bufsize: { type: 'string' }, timeout: { type: 'string' }, json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  }, 'dns query');
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const r = await queryDns(queryOptionsFromArgs(positionals, values));
  if (values.json) {
    process.stdout.write(JSON.stringify(r) + '\n');
    return 0;
  }
  const flags = Object.entries(r.flags).filter(([, v]) => v).map(([k]) => k).join(' ');
  const out = [`;; ${r.rcode}, flags: ${flags || '-'}; from ${r.server}#${r.port} over ${r.transport}` +
    `${r.retriedOverTcp ? ' (retried after TC)' : ''} in ${r.rttMs.toFixed(1)} ms, ${r.size} octets`];
  if (r.nsid) out.push(`;; NSID: ${r.nsid.hex}${r.nsid.text ? ` ("${r.nsid.text}")` : ''}`);
  const sec = (title: string, rs: typeof r.answers) => {
    if (rs.length === 0) return;
    out.push(`;; ${title}:`);
    for (const x of rs) out.push(`${x.name}\t${x.ttl}\t${x.class}\t${x.type}\t${x.data}`);
  };
  sec('ANSWER', r.answers);
  sec('AUTHORITY', r.authorities);
  sec('ADDITIONAL', r.additionals);
  process.stdout.write(out.join('\n') + '\n');
  return 0;
}
