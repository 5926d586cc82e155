// Topology YAML → Topology (strict): unknown keys, bad values and wrong types are rejected with file, key,
// reason and line; defaults are filled from types.ts DEFAULTS. Cross-references (unknown nodes, duplicate
// addresses, relationships, AS loops) are checked afterwards by validate.ts, so loadTopology() returns only a
// topology that can be built. Nothing is created here.
//
// name, description, prefix
// defaults:      { implementation, delay, access-delay, check: { interval, timeout, rise, fall } }
// anycast:       { ipv4, ipv6, service-ipv4, service-ipv6 }
// ases:          { ASN: { name, routers: { NAME: { city, coords: [lat, lon], implementation,
//                                                  loopback-ipv4, loopback-ipv6 } } } }
// relationships: [ { provider: ASN, customer: ASN } | { peers: [ASN, ASN] } ]
// links:         [ { a, b, delay, loss, rate, ipv4: [A, B], ipv6: [A, B] } ]
// sites:         { NAME: { as, city, coords, upstreams: [ROUTER | { router, delay, loss, rate }], prefixes: { ipv4,
//                          ipv6 }, service: { ipv4, ipv6 }, services: [dns, http], capacity, announce, scope,
//                          implementation, check } }
// clients:       { NAME: { router, city, coords, delay, loss, rate, attacker, ipv4, ipv6 } }

import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { ConfigError } from '../../util/errors.js';
import { addressAt, parseCidr, prefixContains } from '../ip.js';
import { join, parseDuration, parsePercent, parseRate, Reader, type Obj } from './reader.js';
import {
  DEFAULTS, NODE_NAME_RE, ROUTER_IMPLS, type AsDef, type CheckDef, type ClientDef, type Coords, type LinkDef,
  type LinkProps, type RelationshipDef, type RouterDef, type ServiceKind, type SiteDef, type Topology,
} from './types.js';
import { validateTopology } from './validate.js';

const MAX_ASN = 4294967295;

interface Defaults {
  implementation: RouterDef['implementation'];
  delayMs: number;
  accessDelayMs: number;
  check: CheckDef;
}

function duration(r: Reader, v: unknown, key: string, maxMs: number): number {
  if (typeof v !== 'string') r.fail(key, `must be a duration with a unit, e.g. "5ms" (got ${JSON.stringify(v)})`);
  const ms = parseDuration(v);
  if (typeof ms === 'string') r.fail(key, ms);
  if (ms > maxMs) r.fail(key, `must be at most ${maxMs} ms`);
  return ms;
}

function linkProps(r: Reader, o: Obj, key: string, defaultDelay: number): LinkProps {
  const p: LinkProps = { delayMs: o.delay === undefined ? defaultDelay : duration(r, o.delay, join(key, 'delay'), 10_000), lossPct: 0 };
  if (o.loss !== undefined) {
    const l = parsePercent(o.loss);
    if (typeof l === 'string') r.fail(join(key, 'loss'), l);
    p.lossPct = l;
  }
  if (o.rate !== undefined) {
    const rate = typeof o.rate === 'string' ? parseRate(o.rate) : 'must be a rate like "100mbit"';
    if (typeof rate === 'string') r.fail(join(key, 'rate'), rate);
    p.rateMbit = rate;
  }
  return p;
}

function coords(r: Reader, v: unknown, key: string): Coords {
  const l = r.list(v, key);
  if (l.length !== 2) r.fail(key, 'must be [latitude, longitude]');
  return { lat: r.num(l[0], `${key}[0]`, -90, 90, 'degrees'), lon: r.num(l[1], `${key}[1]`, -180, 180, 'degrees') };
}

function asn(r: Reader, v: unknown, key: string): number {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  return r.int(n, key, 1, MAX_ASN);
}

function hostAddr(r: Reader, v: unknown, key: string, fam: 4 | 6): string {
  const s = r.str(v, key);
  if (isIP(s) !== fam) r.fail(key, `"${s}" is not an IPv${fam} address`);
  return s;
}

function cidr(r: Reader, v: unknown, key: string, fam: 4 | 6, host: boolean): string {
  const s = r.str(v, key);
  const c = parseCidr(s);
  if (!c || c.family !== fam) r.fail(key, `"${s}" is not an IPv${fam} address with a prefix length (e.g. ${fam === 4 ? '10.0.0.1/30' : 'fd00::1/64'})`);
  if (!host && c.hostBits) r.fail(key, `"${s}" has host bits set (the prefix is ${c.network}/${c.length})`);
  if (host && c.length === (fam === 4 ? 32 : 128)) r.fail(key, `"${s}" leaves no room for the other end of the link`);
  return s;
}

function pair(r: Reader, v: unknown, key: string, fam: 4 | 6): [string, string] {
  const l = r.list(v, key);
  if (l.length !== 2) r.fail(key, 'must be [address of a, address of b]');
  return [cidr(r, l[0], `${key}[0]`, fam, true), cidr(r, l[1], `${key}[1]`, fam, true)];
}

function check(r: Reader, v: unknown, key: string, d: CheckDef): CheckDef {
  const o = r.obj(v, key, ['interval', 'timeout', 'rise', 'fall']);
  const c: CheckDef = {
    intervalMs: o.interval === undefined ? d.intervalMs : duration(r, o.interval, join(key, 'interval'), 60_000),
    timeoutMs: o.timeout === undefined ? d.timeoutMs : duration(r, o.timeout, join(key, 'timeout'), 60_000),
    rise: o.rise === undefined ? d.rise : r.int(o.rise, join(key, 'rise'), 1, 100),
    fall: o.fall === undefined ? d.fall : r.int(o.fall, join(key, 'fall'), 1, 100),
  };
  if (c.timeoutMs > c.intervalMs) r.fail(join(key, 'timeout'), `must not exceed the interval (${c.intervalMs} ms)`);
  return c;
}

function nodeName(r: Reader, name: string, key: string): string {
  if (!NODE_NAME_RE.test(name)) r.fail(key, `"${name}" is not a valid node name (lowercase letters, digits and "-", at most 15 characters, starting with a letter)`);
  return name;
}

function parseDefaults(r: Reader, v: unknown): Defaults {
  const o = r.obj(v ?? {}, 'defaults', ['implementation', 'delay', 'access-delay', 'check']);
  return {
    implementation: o.implementation === undefined ? DEFAULTS.implementation : r.oneOf(o.implementation, 'defaults.implementation', ROUTER_IMPLS),
    delayMs: o.delay === undefined ? DEFAULTS.coreDelayMs : duration(r, o.delay, 'defaults.delay', 10_000),
    accessDelayMs: o['access-delay'] === undefined ? DEFAULTS.accessDelayMs : duration(r, o['access-delay'], 'defaults.access-delay', 10_000),
    check: o.check === undefined ? { ...DEFAULTS.check } : check(r, o.check, 'defaults.check', DEFAULTS.check),
  };
}

/** The default service address: the 53rd address of the prefix (192.0.2.53, 2001:db8:53::53). */
function defaultService(prefix: string): string {
  return addressAt(prefix, parseCidr(prefix)!.family === 4 ? 53 : 0x53);
}

function parseAnycast(r: Reader, v: unknown): Topology['anycast'] {
  const o = r.obj(v ?? {}, 'anycast', ['ipv4', 'ipv6', 'service-ipv4', 'service-ipv6']);
  const ipv4 = o.ipv4 === undefined ? DEFAULTS.anycast4 : cidr(r, o.ipv4, 'anycast.ipv4', 4, false);
  const ipv6 = o.ipv6 === undefined ? DEFAULTS.anycast6 : cidr(r, o.ipv6, 'anycast.ipv6', 6, false);
  const service4 = o['service-ipv4'] === undefined ? defaultService(ipv4) : hostAddr(r, o['service-ipv4'], 'anycast.service-ipv4', 4);
  const service6 = o['service-ipv6'] === undefined ? defaultService(ipv6) : hostAddr(r, o['service-ipv6'], 'anycast.service-ipv6', 6);
  if (!prefixContains(ipv4, service4)) r.fail('anycast.service-ipv4', `${service4} is not inside ${ipv4}`);
  if (!prefixContains(ipv6, service6)) r.fail('anycast.service-ipv6', `${service6} is not inside ${ipv6}`);
  return { ipv4, ipv6, service4, service6 };
}

function parseAses(r: Reader, v: unknown, d: Defaults): { ases: AsDef[]; routers: RouterDef[] } {
  const m = r.map(v, 'ases', 'ASes');
  const ases: AsDef[] = [];
  const routers: RouterDef[] = [];
  for (const [k, raw] of Object.entries(m)) {
    const key = join('ases', k);
    const n = asn(r, k, key);
    const o = r.obj(raw, key, ['name', 'routers'], ['routers']);
    const rm = r.map(o.routers, join(key, 'routers'), 'routers');
    if (Object.keys(rm).length === 0) r.fail(join(key, 'routers'), 'must name at least one router');
    const def: AsDef = { asn: n, routers: [] };
    if (o.name !== undefined) def.name = r.str(o.name, join(key, 'name'));
    for (const [name, rr] of Object.entries(rm)) {
      const rk = join(join(key, 'routers'), name);
      nodeName(r, name, rk);
      const ro = r.obj(rr ?? {}, rk, ['city', 'coords', 'implementation', 'loopback-ipv4', 'loopback-ipv6']);
      const router: RouterDef = { name, asn: n, implementation: ro.implementation === undefined ? d.implementation : r.oneOf(ro.implementation, join(rk, 'implementation'), ROUTER_IMPLS) };
      if (ro.city !== undefined) router.city = r.str(ro.city, join(rk, 'city'));
      if (ro.coords !== undefined) router.coords = coords(r, ro.coords, join(rk, 'coords'));
      if (ro['loopback-ipv4'] !== undefined) router.loopback4 = hostAddr(r, ro['loopback-ipv4'], join(rk, 'loopback-ipv4'), 4);
      if (ro['loopback-ipv6'] !== undefined) router.loopback6 = hostAddr(r, ro['loopback-ipv6'], join(rk, 'loopback-ipv6'), 6);
      def.routers.push(name);
      routers.push(router);
    }
    ases.push(def);
  }
  return { ases, routers };
}

function parseRelationships(r: Reader, v: unknown): RelationshipDef[] {
  return r.list(v ?? [], 'relationships').map((raw, i) => {
    const key = join('relationships', i);
    const o = r.obj(raw, key, ['provider', 'customer', 'peers']);
    if (o.peers !== undefined) {
      if (o.provider !== undefined || o.customer !== undefined) r.fail(key, 'give either provider and customer, or peers');
      const l = r.list(o.peers, join(key, 'peers'));
      if (l.length !== 2) r.fail(join(key, 'peers'), 'must be [ASN, ASN]');
      return { kind: 'peer', a: asn(r, l[0], `${key}.peers[0]`), b: asn(r, l[1], `${key}.peers[1]`) };
    }
    if (o.provider === undefined || o.customer === undefined) r.fail(key, 'give provider and customer, or peers: [ASN, ASN]');
    return { kind: 'transit', provider: asn(r, o.provider, join(key, 'provider')), customer: asn(r, o.customer, join(key, 'customer')) };
  });
}

function parseLinks(r: Reader, v: unknown, d: Defaults): LinkDef[] {
  return r.list(v ?? [], 'links').map((raw, i) => {
    const key = join('links', i);
    const o = r.obj(raw, key, ['a', 'b', 'delay', 'loss', 'rate', 'ipv4', 'ipv6'], ['a', 'b']);
    const l: LinkDef = { a: r.str(o.a, join(key, 'a')), b: r.str(o.b, join(key, 'b')), kind: 'core', key, ...linkProps(r, o, key, d.delayMs) };
    if (o.ipv4 !== undefined) l.ipv4 = pair(r, o.ipv4, join(key, 'ipv4'), 4);
    if (o.ipv6 !== undefined) l.ipv6 = pair(r, o.ipv6, join(key, 'ipv6'), 6);
    return l;
  });
}

function parseSites(r: Reader, v: unknown, d: Defaults, anycast: Topology['anycast'], links: LinkDef[]): SiteDef[] {
  const m = r.map(v ?? {}, 'sites', 'sites');
  return Object.entries(m).map(([name, raw]) => {
    const key = join('sites', name);
    nodeName(r, name, key);
    const o = r.obj(raw, key, ['as', 'city', 'coords', 'upstreams', 'prefixes', 'service', 'services', 'capacity', 'announce',
      'scope', 'implementation', 'check'], ['as', 'upstreams']);
    const ups = r.list(o.upstreams, join(key, 'upstreams'));
    if (ups.length === 0) r.fail(join(key, 'upstreams'), 'must name at least one router');
    const upstreams = ups.map((u, j) => {
      const uk = join(join(key, 'upstreams'), j);
      const uo = typeof u === 'string' ? { router: u } : r.obj(u, uk, ['router', 'delay', 'loss', 'rate'], ['router']);
      const router = r.str(uo.router, typeof u === 'string' ? uk : join(uk, 'router'));
      links.push({ a: name, b: router, kind: 'site', key: uk, ...linkProps(r, uo, uk, d.accessDelayMs) });
      return router;
    });
    const po = r.obj(o.prefixes ?? {}, join(key, 'prefixes'), ['ipv4', 'ipv6']);
    const prefixes = {
      ipv4: po.ipv4 === undefined ? anycast.ipv4 : cidr(r, po.ipv4, join(key, 'prefixes.ipv4'), 4, false),
      ipv6: po.ipv6 === undefined ? anycast.ipv6 : cidr(r, po.ipv6, join(key, 'prefixes.ipv6'), 6, false),
    };
    const so = r.obj(o.service ?? {}, join(key, 'service'), ['ipv4', 'ipv6']);
    const service = {
      ipv4: so.ipv4 === undefined ? (po.ipv4 === undefined ? anycast.service4 : defaultService(prefixes.ipv4)) : hostAddr(r, so.ipv4, join(key, 'service.ipv4'), 4),
      ipv6: so.ipv6 === undefined ? (po.ipv6 === undefined ? anycast.service6 : defaultService(prefixes.ipv6)) : hostAddr(r, so.ipv6, join(key, 'service.ipv6'), 6),
    };
    if (!prefixContains(prefixes.ipv4, service.ipv4)) r.fail(join(key, 'service.ipv4'), `${service.ipv4} is not inside ${prefixes.ipv4}`);
    if (!prefixContains(prefixes.ipv6, service.ipv6)) r.fail(join(key, 'service.ipv6'), `${service.ipv6} is not inside ${prefixes.ipv6}`);
    const services = o.services === undefined ? [...DEFAULTS.services]
      : r.list(o.services, join(key, 'services')).map((s, j) => r.oneOf<ServiceKind>(s, `${key}.services[${j}]`, ['dns', 'http']));
    if (!services.includes('dns')) r.fail(join(key, 'services'), 'must include dns (it is how clients and checks tell the sites apart)');
    const site: SiteDef = {
      name, asn: asn(r, o.as, join(key, 'as')), upstreams, prefixes, service, services: [...new Set(services)],
      announce: o.announce === undefined ? true : r.bool(o.announce, join(key, 'announce')),
      scope: o.scope === undefined ? 'global' : r.oneOf(o.scope, join(key, 'scope'), ['global', 'local'] as const),
      implementation: o.implementation === undefined ? DEFAULTS.siteImplementation : r.oneOf(o.implementation, join(key, 'implementation'), ROUTER_IMPLS),
      check: o.check === undefined ? { ...d.check } : check(r, o.check, join(key, 'check'), d.check),
    };
    if (o.city !== undefined) site.city = r.str(o.city, join(key, 'city'));
    if (o.coords !== undefined) site.coords = coords(r, o.coords, join(key, 'coords'));
    if (o.capacity !== undefined) site.capacityQps = r.int(o.capacity, join(key, 'capacity'), 1, 1_000_000, 'queries/s');
    return site;
  });
}

function parseClients(r: Reader, v: unknown, d: Defaults, links: LinkDef[]): ClientDef[] {
  const m = r.map(v ?? {}, 'clients', 'clients');
  return Object.entries(m).map(([name, raw]) => {
    const key = join('clients', name);
    nodeName(r, name, key);
    const o = r.obj(raw, key, ['router', 'city', 'coords', 'delay', 'loss', 'rate', 'attacker', 'ipv4', 'ipv6'], ['router']);
    const c: ClientDef = { name, router: r.str(o.router, join(key, 'router')), attacker: o.attacker === undefined ? false : r.bool(o.attacker, join(key, 'attacker')) };
    if (o.city !== undefined) c.city = r.str(o.city, join(key, 'city'));
    if (o.coords !== undefined) c.coords = coords(r, o.coords, join(key, 'coords'));
    if (o.ipv4 !== undefined) c.ipv4 = cidr(r, o.ipv4, join(key, 'ipv4'), 4, true);
    if (o.ipv6 !== undefined) c.ipv6 = cidr(r, o.ipv6, join(key, 'ipv6'), 6, true);
    links.push({ a: name, b: c.router, kind: 'client', key: join(key, 'router'), ...linkProps(r, o, key, d.accessDelayMs) });
    return c;
  });
}

/** Parses and validates a topology given as YAML text (file names the source in errors). */
export function parseTopology(text: string, file: string): Topology {
  return fromReader(new Reader(file, text));
}

/** The same from an already parsed object (generated topologies, tests). */
export function topologyFromObject(data: unknown, file = 'topology'): Topology {
  return fromReader(new Reader(file, null, data));
}

export function loadTopology(file: string): Topology {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, '', `cannot read: ${(e as Error).message}`);
  }
  return parseTopology(text, file);
}

function fromReader(r: Reader): Topology {
  const top = r.obj(r.root ?? {}, '', ['name', 'description', 'prefix', 'defaults', 'anycast', 'ases', 'relationships', 'links', 'sites', 'clients'], ['name', 'ases']);
  const name = r.str(top.name, 'name');
  if (!/^[a-z][a-z0-9-]{0,31}$/.test(name)) r.fail('name', `"${name}" must be lowercase letters, digits and "-" (at most 32)`);
  const d = parseDefaults(r, top.defaults);
  const anycast = parseAnycast(r, top.anycast);
  const { ases, routers } = parseAses(r, top.ases, d);
  const links = parseLinks(r, top.links, d);
  const t: Topology = {
    name, file: r.file, anycast, ases, routers,
    relationships: parseRelationships(r, top.relationships),
    links,
    sites: parseSites(r, top.sites, d, anycast, links),
    clients: parseClients(r, top.clients, d, links),
  };
  if (top.description !== undefined) t.description = r.str(top.description, 'description');
  if (top.prefix !== undefined) {
    t.prefix = r.str(top.prefix, 'prefix');
    if (!/^[a-z][a-z0-9-]{0,23}$/.test(t.prefix)) r.fail('prefix', `"${t.prefix}" must be lowercase letters, digits and "-" (at most 24)`);
  }
  validateTopology(t, r);
  return t;
}
