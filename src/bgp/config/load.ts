// Loading the speaker's configuration (`anycast speaker --config speaker.yaml`): YAML read strictly (unknown keys
// and bad values are ConfigErrors with file, key, reason and line), policies compiled, neighbors, templates,
// dynamic ranges and `network` statements checked, defaults filled from defaults.ts. The result is plain data
// (types.ts). The top-level keys and their meaning are in docs/speaker.md.
import { readFileSync } from 'node:fs';
import { ConfigError, errorMessage } from '../../util/errors.js';
import { compilePolicyConfig } from '../policy/index.js';
import { PolicyError } from '../policy/types.js';
import { parseRange, canonicalAddress } from '../transport/address.js';
import { parseAsPathText } from '../rib/aspath.js';
import { parseCommunity, parseExtCommunity, parseLargeCommunity } from '../rib/communities.js';
import { formatPrefix, parsePrefix } from '../rib/prefix.js';
import { parseIpv4U32 } from '../wire/addr.js';
import { BGP_PORT, defaultSocketPath, SPEAKER_DEFAULTS } from './defaults.js';
import { checkRouting, checkSession, readRouting, readSession, ROUTING_KEYS, type ReadOptions } from './neighbor.js';
import { Obj, pathOf, type PathSeg, Source } from './reader.js';
import type {
  DecisionConfig, DynamicConfig, GracefulRestartGlobal, HostPort, NeighborConfig, NetworkConfig, SpeakerConfig,
} from './types.js';

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
const TOP_KEYS = ['router-id', 'local-as', 'cluster-id', 'confederation', 'listen', 'fib', 'graceful-restart',
  'decision', 'rfc8212', 'mrai', 'warm-up', 'control', 'metrics', 'log', 'mrt', 'prefix-lists', 'policies', 'networks',
  'templates', 'neighbors', 'dynamic-neighbors'];
const SESSION_SECTION_KEYS = ['local-address', 'port', 'local-port', 'passive', 'multihop', 'hold-time',
  'keepalive-time', 'min-hold-time', 'connect-retry-time', 'connect-timeout', 'delay-open', 'delay-open-time',
  'idle-hold-time', 'idle-hold-time-max', 'idle-hold-reset-time', 'damp-peer-oscillations',
  'collision-detect-established', 'send-hold-time', 'as4', 'route-refresh', 'enhanced-route-refresh',
  'extended-messages', 'strict-role', 'hostname', 'domain', 'enforce-first-as', 'families', 'local-role', 'add-path',
  'graceful-restart', 'max-prefix', 'password', 'ttl-security'];

/** Check one route given as data (the control API's `route add`), in the `networks:` entry format. */
export function parseNetwork(data: unknown, file = '<request>'): NetworkConfig {
  const src = new Source(file, data as object);
  return readNetwork(src, ['route'], data);
}

/** Read and check a configuration file. Throws ConfigError. */
export function loadSpeakerConfig(file: string): SpeakerConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, '', `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? errorMessage(e)}`);
  }
  return parseSpeakerConfig(text, file);
}

/** Check a configuration given as YAML text (or already-parsed data). Throws ConfigError. */
export function parseSpeakerConfig(text: string | unknown, file = '<inline>'): SpeakerConfig {
  const src = new Source(file, text);
  if (src.value === null || src.value === undefined) src.fail([], 'the file is empty: router-id and local-as are required');
  const top = Obj.of(src, [], src.value);
  return readTop(top);
}

function hostPort(o: Obj, path: PathSeg[], v: unknown, defaultPort: number, what: string): HostPort {
  if (typeof v === 'number') return { host: '127.0.0.1', port: checkPort(o, path, v) };
  if (typeof v !== 'string') o.src.fail(path, `expected "ADDRESS:PORT" or "[IPv6]:PORT", got ${JSON.stringify(v)}`);
  const s = v as string;
  let host: string, port: number;
  const m6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (m6) { host = m6[1]!; port = m6[2] === undefined ? defaultPort : Number(m6[2]); }
  else if (s.includes(':') && s.split(':').length > 2) { host = s; port = defaultPort; }
  else {
    const [h, p] = s.split(':');
    host = h!;
    port = p === undefined ? defaultPort : Number(p);
  }
  const c = canonicalAddress(host);
  if (c === null) o.src.fail(path, `${what}: "${host}" is not an IP address`);
  return { host: c!, port: checkPort(o, path, port) };
}

function checkPort(o: Obj, path: PathSeg[], p: number): number {
  if (!Number.isInteger(p) || p < 0 || p > 65535) o.src.fail(path, `port must be 0..65535, got ${p}`);
  return p;
}

function localhostOnly(o: Obj, path: PathSeg[], hp: HostPort, what: string): HostPort {
  if (hp.host !== '127.0.0.1' && hp.host !== '::1' && !hp.host.startsWith('127.')) {
    o.src.fail(path, `${what} listens on localhost only (127.0.0.0/8 or ::1), got ${hp.host}`);
  }
  return hp;
}

function readDecision(o: Obj | undefined): DecisionConfig {
  const D = SPEAKER_DEFAULTS.decision;
  if (o === undefined) return D;
  const mp = o.obj('multipath');
  let multipath = D.multipath;
  if (mp !== undefined) {
    multipath = {
      enabled: mp.bool('enabled') ?? true, maxPaths: mp.int('max-paths', 1, 256) ?? D.multipath.maxPaths,
      relax: mp.enumOf('as-path', ['same-length', 'identical'] as const) ?? D.multipath.relax,
    };
    mp.done();
  }
  const out: DecisionConfig = {
    alwaysCompareMed: o.bool('always-compare-med') ?? D.alwaysCompareMed,
    deterministicMed: o.bool('deterministic-med') ?? D.deterministicMed,
    missingMedWorst: o.bool('missing-med-worst') ?? D.missingMedWorst,
    compareAsPathLength: o.bool('compare-as-path-length') ?? D.compareAsPathLength,
    igpMetric: o.bool('igp-metric') ?? D.igpMetric,
    defaultLocalPref: o.int('default-local-pref', 0, 0xffffffff) ?? D.defaultLocalPref,
    multipath,
  };
  o.done();
  return out;
}

function readGracefulGlobal(o: Obj | undefined, raw: unknown): GracefulRestartGlobal {
  const D = SPEAKER_DEFAULTS.gracefulRestart;
  if (typeof raw === 'boolean') return { ...D, enabled: raw };
  if (o === undefined) return D;
  const r = o.raw('restarting');
  let restarting: 'auto' | boolean = D.restarting;
  if (r === 'auto' || typeof r === 'boolean') restarting = r;
  else if (r !== undefined && r !== null) o.fail('restarting', `expected auto, true or false, got ${JSON.stringify(r)}`);
  const out: GracefulRestartGlobal = {
    enabled: o.bool('enabled') ?? D.enabled,
    restartTime: o.int('restart-time', 0, 4095, 'seconds (12 bits, RFC 4724 §3)') ?? D.restartTime,
    stalePathTime: o.int('stale-path-time', 1, 65535, 'seconds') ?? D.stalePathTime,
    restarting,
    selectionDeferral: o.int('selection-deferral', 1, 3600, 'seconds') ?? D.selectionDeferral,
  };
  o.done();
  return out;
}

function readNetwork(src: Source, path: PathSeg[], v: unknown): NetworkConfig {
  const o = typeof v === 'string' ? null : Obj.of(src, path, v);
  const prefixText = o === null ? (v as string) : o.str('prefix');
  if (prefixText === undefined) src.fail(path, 'prefix: required');
  const p = checkedPrefix(prefixText!);
  if (typeof p !== 'string' || p.startsWith('!')) src.fail(o === null ? path : [...path, 'prefix'], p.slice(1));
  if (o === null) {
    return { prefix: p, nextHop: undefined, origin: 'igp', asPath: [], prepend: 0, med: undefined, localPref: undefined,
      communities: [], largeCommunities: [], extCommunities: [] };
  }
  const nhText = o.str('next-hop');
  let nextHop: string | undefined;
  if (nhText !== undefined) {
    const c = canonicalAddress(nhText);
    if (c === null) o.fail('next-hop', `not an IP address: "${nhText}"`);
    nextHop = c!;
  }
  const comm = (key: string, parse: (s: string) => unknown, what: string) =>
    (o.strings(key) ?? []).map(({ value, path: pp }) => {
      if (parse(value) === null) src.fail(pp, `not a ${what}: "${value}"`);
      return value;
    });
  const apRaw = o.raw('as-path');
  let asPath: number[] = [];
  if (apRaw !== undefined && apRaw !== null) {
    const text = Array.isArray(apRaw) ? apRaw.join(' ') : String(apRaw);
    const segs = parseAsPathText(text);
    if (segs === null || segs.some((s) => s.type !== 'sequence')) o.fail('as-path', `expected a sequence of AS numbers, got "${text}"`);
    asPath = segs!.flatMap((s) => [...s.asns]);
  }
  const out: NetworkConfig = {
    prefix: p, nextHop,
    origin: o.enumOf('origin', ['igp', 'egp', 'incomplete'] as const) ?? 'igp',
    asPath,
    prepend: o.int('prepend', 0, 32) ?? 0,
    med: o.int('med', 0, 0xffffffff),
    localPref: o.int('local-pref', 0, 0xffffffff),
    communities: comm('communities', parseCommunity, 'community (A:B or a well-known name)'),
    largeCommunities: comm('large-communities', parseLargeCommunity, 'large community (A:B:C)'),
    extCommunities: comm('ext-communities', parseExtCommunity, 'extended community (rt:A:B, soo:A:B, ...)'),
  };
  o.done();
  return out;
}

function policyError(src: Source, e: unknown): never {
  if (e instanceof PolicyError) src.fail(e.key === '(top level)' ? [] : pathOf(e.key), e.reason);
  throw e;
}

/**
 * A prefix in canonical text ("192.0.2.0/24"), or '!' + the reason it is not one. Host bits set are an error
 * (a `network 192.0.2.1/24` is almost always a typo), as BIRD and FRR refuse them.
 */
export function checkedPrefix(text: string): string {
  const p = parsePrefix(text);
  if (p === null || !text.includes('/')) return `!not a prefix (ADDRESS/LENGTH): "${text}"`;
  const canonical = formatPrefix(p.key);
  const [addr, len] = text.split('/');
  const given = `${canonicalAddress(addr!) ?? addr}/${Number(len)}`;
  if (given !== canonical) return `!${text} has host bits set (the prefix is ${canonical})`;
  return canonical;
}

function readTop(top: Obj): SpeakerConfig {
  const src = top.src;
  const rid = top.str('router-id');
  if (rid === undefined) top.fail('router-id', 'required (a dotted quad, e.g. 192.0.2.254)');
  const ridN = parseIpv4U32(rid!);
  if (ridN === null || ridN === 0) top.fail('router-id', `must be a non-zero dotted quad, got "${rid}"`);
  const localAs = top.int('local-as', 1, 0xffffffff);
  if (localAs === undefined) top.fail('local-as', 'required (an AS number 1..4294967295)');
  const cid = top.str('cluster-id');
  if (cid !== undefined && parseIpv4U32(cid) === null) top.fail('cluster-id', `must be a dotted quad, got "${cid}"`);
  const confO = top.obj('confederation');
  let confederation: SpeakerConfig['confederation'];
  if (confO !== undefined) {
    const id = confO.int('id', 1, 0xffffffff);
    if (id === undefined) confO.fail('id', 'required');
    const members = (confO.list('members') ?? []).map(({ value, path }) => {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) src.fail(path, `not an AS number: ${JSON.stringify(value)}`);
      return value as number;
    });
    confO.done();
    confederation = { id: id!, members };
  }

  // listen: list of "ADDR:PORT" (or a single one); false or [] = none.
  const lr = top.raw('listen');
  let listen: readonly HostPort[] = SPEAKER_DEFAULTS.listen;
  if (lr === false) listen = [];
  else if (lr !== undefined && lr !== null) {
    const items = Array.isArray(lr) ? lr : [lr];
    listen = items.map((v, i) => hostPort(top, Array.isArray(lr) ? ['listen', i] : ['listen'], typeof v === 'number' ? `[::]:${v}` : v, BGP_PORT, 'listen'));
  }

  const fibRaw = top.raw('fib');
  let fib: SpeakerConfig['fib'] = SPEAKER_DEFAULTS.fib;
  if (typeof fibRaw === 'string') {
    if (!['auto', 'kernel', 'memory', 'noop', 'none'].includes(fibRaw)) top.fail('fib', `expected auto, kernel, noop (none) or memory, got "${fibRaw}"`);
    fib = { ...fib, kind: fibRaw === 'none' ? 'noop' : fibRaw as SpeakerConfig['fib']['kind'] };
  } else if (fibRaw === false) fib = { ...fib, kind: 'noop' };
  else if (fibRaw !== undefined && fibRaw !== null) {
    const f = Obj.of(src, ['fib'], fibRaw);
    const k = f.enumOf('kind', ['auto', 'kernel', 'memory', 'noop', 'none'] as const) ?? 'auto';
    fib = { kind: k === 'none' ? 'noop' : k, metric: f.int('metric', 0, 0xffffffff), table: f.int('table', 1, 0xfffffffe) };
    f.done();
  }

  const grRaw = top.raw('graceful-restart');
  const gracefulRestart = readGracefulGlobal(typeof grRaw === 'object' && grRaw !== null ? Obj.of(src, ['graceful-restart'], grRaw) : undefined, grRaw);
  const decision = readDecision(top.obj('decision'));
  const rfc8212 = top.bool('rfc8212') ?? SPEAKER_DEFAULTS.rfc8212;
  const mrai = top.int('mrai', 0, 3600, 'seconds') ?? SPEAKER_DEFAULTS.mrai;
  const warmUp = top.bool('warm-up') ?? SPEAKER_DEFAULTS.warmUp;

  const ctl = top.obj('control');
  let control: SpeakerConfig['control'] = { socket: null, tcp: null };
  let controlSocketSet = false;
  if (ctl !== undefined) {
    const sock = ctl.raw('socket');
    if (sock === false) { control = { ...control, socket: null }; controlSocketSet = true; }
    else if (sock !== undefined && sock !== null) {
      if (typeof sock !== 'string' || sock === '') ctl.fail('socket', 'expected a file path, or false for none');
      control = { ...control, socket: sock as string };
      controlSocketSet = true;
    }
    const tcp = ctl.raw('listen');
    if (tcp !== undefined && tcp !== null) control = { ...control, tcp: localhostOnly(ctl, ctl.at('listen'), hostPort(ctl, ctl.at('listen'), tcp, 8179, 'control.listen'), 'the control API') };
    ctl.done();
  }
  const met = top.obj('metrics');
  let metrics: SpeakerConfig['metrics'] = SPEAKER_DEFAULTS.metrics;
  if (met !== undefined) {
    const l = met.raw('listen');
    metrics = { listen: l === undefined || l === null ? null : localhostOnly(met, met.at('listen'), hostPort(met, met.at('listen'), l, 9179, 'metrics.listen'), 'the metrics endpoint') };
    met.done();
  }
  const logO = top.obj('log');
  const log = { level: logO?.enumOf('level', ['debug', 'info', 'warn', 'error'] as const) ?? SPEAKER_DEFAULTS.log.level,
    format: logO?.enumOf('format', ['json', 'text'] as const) ?? SPEAKER_DEFAULTS.log.format };
  logO?.done();
  const mrtO = top.obj('mrt');
  const mrt = { dumpDir: mrtO?.str('dump-dir') ?? null, bgp4mp: mrtO?.str('bgp4mp') ?? null };
  mrtO?.done();

  // Policies (the policy module reads and checks them; its errors name the key).
  const policyRaw = { 'prefix-lists': top.raw('prefix-lists'), policies: top.raw('policies') };
  let policy;
  try {
    policy = compilePolicyConfig(Object.fromEntries(Object.entries(policyRaw).filter(([, v]) => v !== undefined && v !== null)));
  } catch (e) {
    policyError(src, e);
  }
  const policyNames = new Set(policy!.policies.keys());
  for (const n of ['accept', 'reject']) if (policyNames.has(n)) top.src.fail(['policies', n], `"${n}" is a built-in policy name`);

  const ro: ReadOptions = { localAs: localAs!, routerId: rid!, policyNames, mrai,
    gracefulRestart: { enabled: gracefulRestart.enabled, restartTime: gracefulRestart.restartTime, stalePathTime: gracefulRestart.stalePathTime } };

  const networks: NetworkConfig[] = [];
  const seenNet = new Set<string>();
  for (const { value, path } of top.list('networks') ?? []) {
    const n = readNetwork(src, path, value);
    if (seenNet.has(n.prefix)) src.fail(path, `duplicate network ${n.prefix}`);
    seenNet.add(n.prefix);
    networks.push(n);
  }

  // Templates: option blocks a neighbor or range names with `template:`; checked on their own first so that
  // an error in one is reported where it is written.
  const templates = new Map<string, Record<string, unknown>>();
  const tO = top.obj('templates');
  if (tO !== undefined) {
    for (const name of Object.keys(tO.value)) {
      if (!NAME_RE.test(name)) tO.fail(name, 'template names use letters, digits and _ . : -');
      const t = Obj.of(src, tO.at(name), tO.raw(name));
      const ts = readSession(t, ro);
      // Checked with a stand-in address of the family the template implies.
      const v6 = String(t.value['local-address'] ?? '').includes(':') || (Array.isArray(ts.families) && ts.families.every((f) => String(f).startsWith('ipv6')));
      checkSession(t, ro, { ...ts, remoteAddress: v6 ? '2001:db8::1' : '192.0.2.1' });
      readRouting(t, ro);
      t.allow('remote-as', 'shutdown');
      const ra = t.raw('remote-as');
      if (ra !== undefined && (typeof ra !== 'number' || !Number.isInteger(ra) || ra < 1 || ra > 0xffffffff)) t.fail('remote-as', `expected an AS number, got ${JSON.stringify(ra)}`);
      t.done();
      templates.set(name, t.value);
    }
    tO.done();
  }
  const withTemplate = (o: Obj): Obj => {
    const tn = o.str('template');
    if (tn === undefined) return o;
    const t = templates.get(tn);
    if (t === undefined) o.fail('template', `no template named "${tn}" (defined: ${[...templates.keys()].join(', ') || 'none'})`);
    const merged = new Obj(src, o.path, { ...t, ...o.value });
    merged.allow('template');
    return merged;
  };

  const confedMembers = confederation?.members ?? [];
  const neighbors: NeighborConfig[] = [];
  const names = new Set<string>(), addrs = new Set<string>();
  for (const { value, path } of top.list('neighbors') ?? []) {
    const o = withTemplate(Obj.of(src, path, value));
    const addressText = o.str('address');
    if (addressText === undefined) o.fail('address', 'required');
    const address = canonicalAddress(addressText!);
    if (address === null) o.fail('address', `not an IP address: "${addressText}"`);
    const remoteAs = o.int('remote-as', 1, 0xffffffff);
    if (remoteAs === undefined) o.fail('remote-as', 'required (an AS number)');
    const name = o.str('name') ?? address!;
    if (!NAME_RE.test(name) || name === 'local') o.fail('name', `"${name}": names use letters, digits and _ . : - (and "local" is reserved)`);
    if (addrs.has(address!)) o.fail('address', `duplicate neighbor address ${address}`);
    if (names.has(name)) o.fail('name', `duplicate neighbor name "${name}"`);
    names.add(name); addrs.add(address!);
    const shutdown = o.bool('shutdown') ?? false;
    const description = o.str('description');
    const session = checkSession(o, ro, { ...readSession(o, ro), name, remoteAddress: address!, peerAs: remoteAs! });
    const routing = readRouting(o, ro);
    checkRouting(o, routing, remoteAs, localAs!, confedMembers);
    o.done();
    neighbors.push({ ...routing, name, description, address: address!, remoteAs: remoteAs!, shutdown, session });
  }

  const dynamic: DynamicConfig[] = [];
  for (const { value, path } of top.list('dynamic-neighbors') ?? []) {
    const o = withTemplate(Obj.of(src, path, value));
    const name = o.str('name');
    if (name === undefined) o.fail('name', 'required');
    if (!NAME_RE.test(name!) || names.has(name!)) o.fail('name', `"${name}" is not a valid unique name`);
    names.add(name!);
    const prefix = o.str('prefix');
    if (prefix === undefined) o.fail('prefix', 'required (the source addresses accepted, e.g. 198.51.100.0/24)');
    if (parseRange(prefix!) === null) o.fail('prefix', `not a prefix: "${prefix}"`);
    const remoteAs = o.int('remote-as', 1, 0xffffffff);
    const rr = o.raw('remote-as-range');
    let remoteAsRange: [number, number] | undefined;
    if (rr !== undefined && rr !== null) {
      const m = /^(\d+)\s*-\s*(\d+)$/.exec(String(rr));
      const lo = m ? Number(m[1]) : NaN, hi = m ? Number(m[2]) : NaN;
      if (!(lo >= 1 && hi <= 0xffffffff && lo <= hi)) o.fail('remote-as-range', `expected "LOW-HIGH" AS numbers, got ${JSON.stringify(rr)}`);
      remoteAsRange = [lo, hi];
    }
    if (remoteAs === undefined && remoteAsRange === undefined) o.fail('remote-as', 'a dynamic range needs remote-as or remote-as-range');
    if (remoteAs !== undefined && remoteAsRange !== undefined) o.fail('remote-as-range', 'give remote-as or remote-as-range, not both');
    const limit = o.int('limit', 1, 65535) ?? SPEAKER_DEFAULTS.dynamicLimit;
    const description = o.str('description');
    if (o.has('passive')) o.fail('passive', 'dynamic neighbors are always passive');
    if (o.has('address')) o.fail('address', 'dynamic neighbors take `prefix`, not `address`');
    o.allow('passive', 'address', 'shutdown');
    const s = readSession(o, ro);
    // Checked with a representative address of the range.
    const probe = prefix!.split('/')[0]!;
    checkSession(o, ro, { ...s, remoteAddress: probe, passive: true, dynamic: true, ...(remoteAs !== undefined ? { peerAs: remoteAs } : {}) });
    const routing = readRouting(o, ro);
    checkRouting(o, routing, remoteAs, localAs!, confedMembers);
    o.done();
    dynamic.push({ ...routing, name: name!, description, prefix: prefix!, remoteAs, remoteAsRange, limit, session: s });
  }

  top.done();
  return {
    file: src.file, routerId: rid!, localAs: localAs!, clusterId: cid, confederation, listen, fib, gracefulRestart,
    decision, rfc8212, mrai, warmUp, control: controlSocketSet ? control : { ...control, socket: defaultSocketPath() }, metrics, log, mrt,
    policyRaw, policy: policy!, networks, neighbors, dynamic,
  };
}

export { TOP_KEYS, SESSION_SECTION_KEYS, ROUTING_KEYS };
