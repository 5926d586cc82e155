// Reads agent.yaml into the normalized AgentConfig: strict (unknown keys rejected), every error a ConfigError with
// file, key and reason, defaults from defaults.ts, and the cross-field checks an operator would otherwise find out
// about in production (a drain that does not make the path worse, a prepend with no AS to prepend, an address
// outside every announced prefix, services that share a prefix but disagree on its attributes).
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { ConfigError, errorMessage } from '../../util/errors.js';
import type { CheckTiming } from '../../health/types.js';
import { covers, parseIp, parsePrefix, type Prefix } from '../prefix.js';
import { readServiceChecks, readTiming } from './checks.js';
import { DEFAULT_CHECK_TIMING, DEFAULT_DAMPING, DEFAULT_DEGRADE, DEFAULT_HOLD_DOWN_MS, DEFAULTS } from './defaults.js';
import { configHash } from './hash.js';
import { makesPathWorse } from '../service-fsm.js';
import { Obj, Source } from './reader.js';
import { validateResponders } from '../responder.js';
import type {
  AddressFamily, AgentConfig, BirdBackendConfig, CoLocation, DampingConfig, DegradeConfig, LoadedConfig,
  ServiceConfig, SpeakerBackendConfig, SpeakerPeerConfig,
} from './types.js';
import { parseCommunity, parseLargeCommunity, parseListen } from './units.js';

/** Read, parse and validate agent.yaml, including the dns.yaml (and zones) of hosted responders. */
export function loadConfigFile(file: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, '', `cannot read: ${errorMessage(e)}`);
  }
  const loaded = parseConfigText(text, file);
  validateResponders(loaded);
  return loaded;
}

export function parseConfigText(text: string, file: string): LoadedConfig {
  const src = new Source(file, text);
  const config = readConfig(src, src.doc.toJS({ maxAliasCount: 100 }) as unknown);
  return { file, config, hash: configHash(config) };
}

interface ServiceDefaults {
  timing: CheckTiming;
  holdDownMs: number;
  damping: DampingConfig;
  degrade: DegradeConfig;
}

function readConfig(src: Source, root: unknown): AgentConfig {
  if (root === null || root === undefined) src.fail([], 'the file is empty');
  const top = Obj.of(src, [], root);

  const agent = top.obj('agent');
  const name = agent?.str('name') ?? hostname();
  agent?.done();

  const control = top.obj('control');
  const socket = control?.str('socket') ?? DEFAULTS.controlSocket;
  const controlListen = control?.has('listen') ? listen(control, 'listen') : null;
  if (controlListen && !isLoopback(controlListen.host)) {
    // The control API has no authentication: whoever reaches it can withdraw the site.
    control!.fail('listen', `${controlListen.host} is not a loopback address; the control API may only listen on ` +
      '127.0.0.0/8, ::1 or localhost (use the unix socket for anything else)');
  }
  control?.done();

  const metricsObj = top.obj('metrics');
  const metrics = metricsObj?.has('listen') ? listen(metricsObj, 'listen') : null;
  metricsObj?.done();

  const logObj = top.obj('log');
  const log = {
    level: logObj?.enumOf('level', ['debug', 'info', 'warn', 'error'] as const, DEFAULTS.logLevel) ?? DEFAULTS.logLevel,
    format: logObj?.enumOf('format', ['json', 'text'] as const, DEFAULTS.logFormat) ?? DEFAULTS.logFormat,
  };
  logObj?.done();

  const lo = top.obj('loopback');
  const loopback = {
    manage: lo?.bool('manage', false) ?? false,
    interface: lo?.str('interface', DEFAULTS.loopbackInterface) ?? DEFAULTS.loopbackInterface,
  };
  lo?.done();

  const maintenanceFile = top.str('maintenance-file') ?? null;
  const maintenancePollMs = top.duration('maintenance-poll', DEFAULTS.maintenancePollMs, 10);

  const sd = top.obj('shutdown');
  const shutdown = {
    drain: sd?.bool('drain', DEFAULTS.shutdown.drain) ?? DEFAULTS.shutdown.drain,
    drainTimeMs: sd?.duration('drain-time', undefined) ?? null,
    lingerMs: sd?.duration('linger', DEFAULTS.shutdown.lingerMs) ?? DEFAULTS.shutdown.lingerMs,
    timeoutMs: sd?.duration('timeout', DEFAULTS.shutdown.timeoutMs, 100) ?? DEFAULTS.shutdown.timeoutMs,
  };
  sd?.done();

  const dflt = readDefaults(top);
  const backend = readBackend(top);

  const svcObj = top.obj('services');
  if (!svcObj || Object.keys(svcObj.value).length === 0) top.fail('services', 'at least one service is needed');
  const services: ServiceConfig[] = [];
  for (const svcName of Object.keys(svcObj!.value)) {
    if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(svcName)) {
      svcObj!.fail(svcName, 'a service name is lower-case letters, digits, "_" and "-" (it appears in URLs and metrics)');
    }
    services.push(readService(svcObj!.obj(svcName)!, svcName, dflt));
  }
  svcObj!.done();

  const prefixes = readPrefixPolicies(top, services);
  top.done();

  const config: AgentConfig = {
    name, control: { socket, listen: controlListen }, metrics, log, backend, loopback, maintenanceFile,
    maintenancePollMs, shutdown, prefixes, services,
  };
  crossChecks(src, config);
  return config;
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  const ip = parseIp(host);
  if (ip === null) return false;
  return ip.family === 4 ? ip.bytes[0] === 127 : ip.bytes.every((b, i) => b === (i === 15 ? 1 : 0));
}

function listen(o: Obj, key: string): { host: string; port: number } {
  const r = parseListen(o.raw(key), '127.0.0.1');
  if ('error' in r) o.fail(key, r.error);
  return r as { host: string; port: number };
}

function readDefaults(top: Obj): ServiceDefaults {
  const d = top.obj('defaults');
  const checkObj = d?.obj('check');
  const timing = checkObj ? readTiming(checkObj, DEFAULT_CHECK_TIMING) : { ...DEFAULT_CHECK_TIMING };
  checkObj?.done();
  const out: ServiceDefaults = {
    timing,
    holdDownMs: d?.duration('hold-down', DEFAULT_HOLD_DOWN_MS) ?? DEFAULT_HOLD_DOWN_MS,
    damping: readDamping(d?.obj('damping'), DEFAULT_DAMPING),
    degrade: readDegrade(d?.obj('degrade'), DEFAULT_DEGRADE),
  };
  d?.done();
  return out;
}

function readDamping(o: Obj | undefined, base: DampingConfig): DampingConfig {
  if (!o) return { ...base };
  const d: DampingConfig = {
    enabled: o.bool('enabled', base.enabled),
    penalty: o.int('penalty', 1, 1_000_000, base.penalty),
    halfLifeMs: o.duration('half-life', base.halfLifeMs, 1000),
    suppress: o.int('suppress', 1, 10_000_000, base.suppress),
    reuse: o.int('reuse', 1, 10_000_000, base.reuse),
    maxSuppressMs: o.duration('max-suppress', base.maxSuppressMs, 1000),
  };
  if (d.reuse >= d.suppress) o.fail('reuse', `reuse (${d.reuse}) must be below suppress (${d.suppress})`);
  if (d.reuse * 2 ** (d.maxSuppressMs / d.halfLifeMs) < d.suppress) {
    o.fail('max-suppress', `with this half-life and reuse the penalty ceiling (reuse x 2^(max-suppress/half-life) = ` +
      `${Math.round(d.reuse * 2 ** (d.maxSuppressMs / d.halfLifeMs))}) stays below suppress (${d.suppress}): ` +
      'the service could never be suppressed');
  }
  o.done();
  return d;
}

function communityList(o: Obj, key: string, large: boolean): string[] | undefined {
  const l = o.strList(key);
  if (l === undefined) return undefined;
  return [...new Set(l.map((c, i) => {
    const r = large ? parseLargeCommunity(c) : parseCommunity(c);
    if (typeof r !== 'string') o.src.fail([...o.at(key), i], r.error);
    return r as string;
  }))];
}

function readDegrade(o: Obj | undefined, base: DegradeConfig): DegradeConfig {
  if (!o) return { ...base, communities: [...base.communities], largeCommunities: [...base.largeCommunities] };
  const medRaw = o.raw('med');
  let med = base.med;
  if (medRaw !== undefined && medRaw !== null) {
    if (typeof medRaw !== 'number' || !Number.isInteger(medRaw) || medRaw < 0 || medRaw > 4294967295) {
      o.fail('med', 'expected an integer 0..4294967295');
    }
    med = medRaw as number;
  }
  const d: DegradeConfig = {
    mode: o.enumOf('mode', ['withdraw', 'drain', 'worse-path'] as const, base.mode),
    maintenance: o.enumOf('maintenance', ['drain', 'withdraw'] as const, base.maintenance),
    drainTimeMs: o.duration('drain-time', base.drainTimeMs),
    prepend: o.int('prepend', 0, 32, base.prepend),
    med,
    gracefulShutdown: o.bool('graceful-shutdown', base.gracefulShutdown),
    communities: communityList(o, 'communities', false) ?? [...base.communities],
    largeCommunities: communityList(o, 'large-communities', true) ?? [...base.largeCommunities],
  };
  o.done();
  return d;
}

function readService(o: Obj, name: string, dflt: ServiceDefaults): ServiceConfig {
  const prefixList = o.strList('prefixes');
  if (!prefixList || prefixList.length === 0) o.fail('prefixes', 'a service needs at least one prefix to announce');
  const prefixes: string[] = [];
  const parsed: Prefix[] = [];
  prefixList!.forEach((p, i) => {
    const r = parsePrefix(p, true);
    if ('error' in r) o.src.fail([...o.at('prefixes'), i], r.error);
    const pr = r as Prefix;
    if (prefixes.includes(pr.text)) o.src.fail([...o.at('prefixes'), i], `${pr.text} is listed twice`);
    prefixes.push(pr.text);
    parsed.push(pr);
  });
  const addresses: string[] = [];
  (o.strList('addresses') ?? []).forEach((a, i) => {
    const path = [...o.at('addresses'), i];
    const withLen = a.includes('/') ? a : `${a}/${parseIp(a)?.family === 6 ? 128 : 32}`;
    const r = parsePrefix(withLen, false);
    if ('error' in r) o.src.fail(path, r.error);
    const pr = r as Prefix;
    if (!parsed.some((p) => covers(p, { ...pr, len: p.family === pr.family ? Math.max(pr.len, p.len) : pr.len }))) {
      o.src.fail(path, `${pr.text} is not inside any of the service's prefixes (${prefixes.join(', ')}): traffic to it ` +
        'would not reach this site');
    }
    if (!addresses.includes(pr.text)) addresses.push(pr.text);
  });
  const timingObj = o.obj('check-defaults');
  const timing = timingObj ? readTiming(timingObj, dflt.timing) : dflt.timing;
  timingObj?.done();
  const { checks, tree } = readServiceChecks(o, name, timing);
  const medRaw = o.raw('med');
  if (medRaw !== undefined && medRaw !== null &&
    (typeof medRaw !== 'number' || !Number.isInteger(medRaw) || medRaw < 0 || medRaw > 4294967295)) {
    o.fail('med', 'expected an integer 0..4294967295');
  }
  const degrade = readDegrade(o.obj('degrade'), dflt.degrade);
  if ((degrade.mode !== 'withdraw' || degrade.maintenance === 'drain') && !makesPathWorse(degrade)) {
    o.fail('degrade', 'draining needs a worse path: set prepend, med, graceful-shutdown or communities ' +
      '(or use mode: withdraw and maintenance: withdraw)');
  }
  const respObj = o.obj('responder');
  let responder: ServiceConfig['responder'] = null;
  if (respObj) {
    const kind = respObj.enumOf('kind', ['dns'] as const, 'dns');
    const config = respObj.str('config');
    if (config === undefined) respObj.fail('config', 'the responder needs its configuration file (config: dns.yaml)');
    respObj.done();
    // Relative to the agent's configuration file, like the zones of a dns.yaml are relative to it.
    responder = { kind, config: resolve(dirname(o.src.file), config!) };
  }
  const svc: ServiceConfig = {
    name, prefixes, addresses, checks, require: tree,
    med: (medRaw as number | undefined) ?? null,
    communities: communityList(o, 'communities', false) ?? [],
    largeCommunities: communityList(o, 'large-communities', true) ?? [],
    degrade,
    holdDownMs: o.duration('hold-down', dflt.holdDownMs),
    damping: readDamping(o.obj('damping'), dflt.damping),
    maintenanceFile: o.str('maintenance-file') ?? null,
    responder,
  };
  o.done();
  return svc;
}

function readPrefixPolicies(top: Obj, services: ServiceConfig[]): Record<string, { coLocation: CoLocation }> {
  const o = top.obj('prefixes');
  const out: Record<string, { coLocation: CoLocation }> = {};
  if (!o) return out;
  for (const key of Object.keys(o.value)) {
    const r = parsePrefix(key, true);
    if ('error' in r) o.fail(key, r.error);
    const pr = r as Prefix;
    const entry = o.obj(key);
    const coLocation = entry?.enumOf('co-location', ['optimistic', 'pessimistic'] as const, 'optimistic') ?? 'optimistic';
    entry?.done();
    const members = services.filter((s) => s.prefixes.some((p) => covers(pr, parsePrefix(p) as Prefix)));
    if (members.length === 0) o.fail(key, `no service announces ${pr.text} or a prefix inside it`);
    out[pr.text] = { coLocation };
  }
  o.done();
  return out;
}

function readBackend(top: Obj): AgentConfig['backend'] {
  const b = top.obj('backend');
  if (!b) return top.fail('backend', 'a backend is needed: type bird (drive an existing BIRD 2), speaker, or dry-run');
  const type = b.enumOf('type', ['bird', 'speaker', 'dry-run'] as const);
  if (type === undefined) b.fail('type', 'expected one of bird, speaker, dry-run');
  const birdObj = b.obj('bird');
  const bird = birdObj ? readBird(birdObj) : type === 'bird' ? defaultBird() : null;
  const speakerObj = b.obj('speaker');
  const speaker = speakerObj ? readSpeaker(speakerObj) : null;
  if (type === 'speaker' && speaker === null) b.fail('speaker', 'backend type speaker needs a speaker section (local-as, router-id, peers)');
  b.done();
  return { type: type!, bird, speaker };
}

function defaultBird(): BirdBackendConfig {
  return { ...DEFAULTS.bird, localAs: null };
}

function readBird(o: Obj): BirdBackendConfig {
  const protoName = (key: string, dflt: string) => {
    const n = o.str(key, dflt);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(n)) o.fail(key, `"${n}" is not a BIRD symbol name (letters, digits, _)`);
    return n;
  };
  const c: BirdBackendConfig = {
    socket: o.str('socket', DEFAULTS.bird.socket),
    includeFile: o.str('include-file', DEFAULTS.bird.includeFile),
    ipv4Protocol: protoName('ipv4-protocol', DEFAULTS.bird.ipv4Protocol),
    ipv6Protocol: protoName('ipv6-protocol', DEFAULTS.bird.ipv6Protocol),
    exportFilter: protoName('export-filter', DEFAULTS.bird.exportFilter),
    route: o.enumOf('route', ['blackhole', 'unreachable', 'prohibit'] as const, DEFAULTS.bird.route),
    localAs: o.int('local-as', 1, 4294967295) ?? null,
    timeoutMs: o.duration('timeout', DEFAULTS.bird.timeoutMs, 100),
    retryMs: o.duration('retry', DEFAULTS.bird.retryMs, 10),
    coalesceMs: o.duration('coalesce', DEFAULTS.bird.coalesceMs),
    guard: o.bool('guard', DEFAULTS.bird.guard),
  };
  if (c.ipv4Protocol === c.ipv6Protocol) o.fail('ipv6-protocol', 'must differ from ipv4-protocol');
  if (c.exportFilter === c.ipv4Protocol || c.exportFilter === c.ipv6Protocol) {
    o.fail('export-filter', 'must differ from the protocol names');
  }
  o.done();
  return c;
}

function readSpeaker(o: Obj): SpeakerBackendConfig {
  const localAs = o.int('local-as', 1, 4294967295);
  if (localAs === undefined) o.fail('local-as', 'the speaker needs its local AS');
  const routerId = o.str('router-id');
  if (routerId === undefined || parseIp(routerId)?.family !== 4) {
    o.fail('router-id', `the speaker needs a router id in IPv4 dotted form (RFC 4271 §4.2 BGP Identifier)${routerId === undefined ? '' : `, got "${routerId}"`}`);
  }
  const list = o.list('peers');
  if (!list || list.length === 0) o.fail('peers', 'the speaker needs at least one peer');
  const peers: SpeakerPeerConfig[] = [];
  list!.forEach((v, i) => {
    const p = Obj.of(o.src, [...o.at('peers'), i], v);
    const address = p.str('address');
    if (address === undefined || parseIp(address) === null) {
      p.fail('address', `a peer needs an IPv4 or IPv6 address${address === undefined ? '' : `, got "${address}"`}`);
    }
    const as = p.int('as', 1, 4294967295);
    if (as === undefined) p.fail('as', "a peer needs its AS number");
    const fams = p.strList('families') ?? [parseIp(address!)!.family === 4 ? 'ipv4-unicast' : 'ipv6-unicast'];
    if (fams.length === 0) p.fail('families', 'at least one family: ipv4-unicast, ipv6-unicast');
    fams.forEach((f, j) => {
      if (f !== 'ipv4-unicast' && f !== 'ipv6-unicast') {
        o.src.fail([...p.at('families'), j], `unknown family "${f}" (ipv4-unicast, ipv6-unicast)`);
      }
    });
    const localAddress = p.str('local-address') ?? null;
    if (localAddress !== null && parseIp(localAddress) === null) p.fail('local-address', 'not an IP address');
    const nextHop = p.str('next-hop') ?? null;
    if (nextHop !== null && parseIp(nextHop) === null) p.fail('next-hop', 'not an IP address');
    const holdTimeS = p.int('hold-time', 0, 65535, DEFAULTS.speaker.holdTimeS);
    if (holdTimeS === 1 || holdTimeS === 2) p.fail('hold-time', 'must be 0 or at least 3 seconds (RFC 4271 §4.2)');
    const name = p.str('name', `peer${i + 1}`);
    if (peers.some((x) => x.name === name)) p.fail('name', `peer name "${name}" is already used`);
    if (peers.some((x) => x.address === address)) p.fail('address', `peer ${address} is listed twice`);
    peers.push({
      name, address: address!, as: as!, families: [...new Set(fams)] as AddressFamily[],
      port: p.int('port', 1, 65535, DEFAULTS.speaker.port), localAddress, holdTimeS,
      passive: p.bool('passive', false), nextHop,
    });
    p.done();
  });
  const gracefulRestart = o.bool('graceful-restart', DEFAULTS.speaker.gracefulRestart);
  const restartTimeS = o.int('restart-time', 1, 4095, DEFAULTS.speaker.restartTimeS);
  o.done();
  return { localAs: localAs!, routerId: routerId!, peers, gracefulRestart: gracefulRestart!, restartTimeS: restartTimeS! };
}

function crossChecks(src: Source, c: AgentConfig): void {
  // Services sharing a prefix announce one route: they must agree on its normal attributes.
  const owner = new Map<string, ServiceConfig>();
  c.services.forEach((s) => {
    for (const p of s.prefixes) {
      const o = owner.get(p);
      if (o === undefined) { owner.set(p, s); continue; }
      const same = o.med === s.med && o.communities.join() === s.communities.join() &&
        o.largeCommunities.join() === s.largeCommunities.join();
      if (!same) {
        src.fail(['services', s.name, 'prefixes', s.prefixes.indexOf(p)], `${p} is also announced by service ` +
          `${o.name} with a different med/communities; services sharing a prefix must agree on its attributes`);
      }
    }
  });
  const prepends = c.services.some((s) => s.degrade.prepend > 0);
  if (c.backend.type === 'bird' && prepends && c.backend.bird!.localAs === null) {
    src.fail(['backend', 'bird', 'local-as'], 'a drain with prepend needs the AS to prepend: set backend.bird.local-as ' +
      "to BIRD's local AS");
  }
  if (c.backend.type === 'speaker' && c.backend.speaker) {
    const fams = new Set(c.backend.speaker.peers.flatMap((p) => p.families));
    for (const s of c.services) {
      s.prefixes.forEach((p, i) => {
        const fam = p.includes(':') ? 'ipv6-unicast' : 'ipv4-unicast';
        if (!fams.has(fam)) src.fail(['services', s.name, 'prefixes', i], `no speaker peer carries ${fam} for ${p}`);
      });
    }
  }
}
