// Cross-reference checks of a parsed topology (pure), run before anything is created: unique node names, links
// between nodes that exist (no link to nowhere, no self-link, no parallel link), relationships between known
// ASes with at most one relationship per pair and no provider→customer cycle (an AS loop: every AS in it would
// be its own indirect provider, which Gao-Rexford's valley-free routing cannot give a meaning), every link
// between two ASes covered by a relationship, the routers of one AS connected among themselves (the lab's IGP),
// implementations able to run iBGP where an AS has several routers, and no address given twice.

import { ConfigError } from '../../util/errors.js';
import { canonical, hostOf, overlaps, parseCidr, prefixContains } from '../ip.js';
import type { Reader } from './reader.js';
import { RECURSIVE_NEXTHOP_IMPLS, type Topology } from './types.js';

type Fail = (key: string, reason: string) => never;

export function validateTopology(t: Topology, r?: Reader): void {
  const fail: Fail = r ? (k, why) => r.fail(k, why) : (k, why) => { throw new ConfigError(t.file, k, why); };
  const kind = new Map<string, 'router' | 'site' | 'client'>();
  const routerAs = new Map<string, number>();
  for (const a of t.ases) {
    for (const n of a.routers) {
      if (kind.has(n)) fail(`ases.${a.asn}.routers.${n}`, `router "${n}" is defined twice`);
      kind.set(n, 'router');
      routerAs.set(n, a.asn);
    }
  }
  for (const s of t.sites) {
    if (kind.has(s.name)) fail(`sites.${s.name}`, `the name "${s.name}" is already used by a ${kind.get(s.name)}`);
    kind.set(s.name, 'site');
  }
  for (const c of t.clients) {
    if (kind.has(c.name)) fail(`clients.${c.name}`, `the name "${c.name}" is already used by a ${kind.get(c.name)}`);
    kind.set(c.name, 'client');
  }
  const asOf = (n: string) => routerAs.get(n) ?? t.sites.find((s) => s.name === n)?.asn;

  // Links.
  const seen = new Map<string, string>();
  for (const l of t.links) {
    const ka = l.kind === 'core' ? `${l.key}.a` : l.key;
    const kb = l.kind === 'core' ? `${l.key}.b` : l.key;
    if (l.kind === 'core') {
      for (const [end, key] of [[l.a, ka], [l.b, kb]] as const) {
        const k = kind.get(end);
        if (!k) fail(key, `link to nowhere: "${end}" is not a router of any AS`);
        if (k !== 'router') fail(key, `"${end}" is a ${k}: ${k}s are attached with ${k === 'site' ? `sites.${end}.upstreams` : `clients.${end}.router`}, not in links`);
      }
    } else if (kind.get(l.b) !== 'router') {
      fail(kb, kind.has(l.b) ? `"${l.b}" is a ${kind.get(l.b)}, not a router` : `link to nowhere: "${l.b}" is not a router of any AS`);
    }
    if (l.a === l.b) fail(ka, `a link from "${l.a}" to itself`);
    const id = [l.a, l.b].sort().join(' ');
    if (seen.has(id)) fail(l.key, `"${l.a}" and "${l.b}" are already linked (${seen.get(id)}); parallel links are not supported`);
    seen.set(id, l.key);
  }

  // Relationships.
  const siteAses = new Set(t.sites.map((s) => s.asn));
  const knownAs = (n: number) => t.ases.some((a) => a.asn === n) || siteAses.has(n);
  const rel = new Map<string, string>();
  const customers = new Map<number, number[]>();
  t.relationships.forEach((x, i) => {
    const key = `relationships[${i}]`;
    const [a, b] = x.kind === 'peer' ? [x.a, x.b] : [x.provider, x.customer];
    const [ka, kb] = x.kind === 'peer' ? [`${key}.peers[0]`, `${key}.peers[1]`] : [`${key}.provider`, `${key}.customer`];
    if (!knownAs(a)) fail(ka, `AS${a} has no routers and no sites`);
    if (!knownAs(b)) fail(kb, `AS${b} has no routers and no sites`);
    if (a === b) fail(key, `AS${a} cannot have a relationship with itself`);
    const id = [a, b].sort((p, q) => p - q).join(' ');
    if (rel.has(id)) fail(key, `AS${a} and AS${b} already have a relationship (${rel.get(id)})`);
    rel.set(id, key);
    if (x.kind === 'transit') customers.set(a, [...(customers.get(a) ?? []), b]);
  });
  const loop = findCycle(customers);
  if (loop) {
    const i = t.relationships.findIndex((x) => x.kind === 'transit' && x.provider === loop[0] && x.customer === loop[1]);
    fail(`relationships[${i}]`, `AS loop in the relationships: ${[...loop, loop[0]].map((n) => `AS${n}`).join(' → ')} (each the provider of the next)`);
  }

  // Sites live in ASes of their own (no routers): a site is an eBGP speaker towards its upstreams.
  for (const s of t.sites) {
    if (t.ases.some((a) => a.asn === s.asn)) fail(`sites.${s.name}.as`, `AS${s.asn} has routers; a site's AS holds only sites (give the site an AS of its own, e.g. the anycast operator's)`);
  }
  for (const l of t.links) {
    const a = asOf(l.a);
    const b = asOf(l.b);
    if (a === undefined || b === undefined || a === b) continue;
    if (!rel.has([a, b].sort((p, q) => p - q).join(' '))) {
      fail(l.key, `"${l.a}" (AS${a}) and "${l.b}" (AS${b}) are linked but AS${a} and AS${b} have no relationship (add { provider, customer } or { peers } to relationships)`);
    }
  }

  // Several routers in one AS: iBGP over loopbacks, reached by the lab's static IGP over the AS's own links.
  for (const a of t.ases) {
    if (a.routers.length < 2) continue;
    for (const n of a.routers) {
      const impl = t.routers.find((x) => x.name === n)!.implementation;
      if (!RECURSIVE_NEXTHOP_IMPLS.includes(impl)) {
        fail(`ases.${a.asn}.routers.${n}.implementation`, `${impl} cannot resolve iBGP next hops over the lab's IGP; in an AS with several routers use ${RECURSIVE_NEXTHOP_IMPLS.join(', ')}`);
      }
    }
    const inner = t.links.filter((l) => l.kind === 'core' && routerAs.get(l.a) === a.asn && routerAs.get(l.b) === a.asn);
    const reach = new Set([a.routers[0]!]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const l of inner) {
        if (reach.has(l.a) !== reach.has(l.b)) { reach.add(l.a); reach.add(l.b); grew = true; }
      }
    }
    const cut = a.routers.find((n) => !reach.has(n));
    if (cut) fail(`ases.${a.asn}.routers.${cut}`, `router "${cut}" has no path of links inside AS${a.asn} to "${a.routers[0]}" (the routers of an AS must be connected among themselves)`);
  }

  // An explicitly addressed client's subnet is announced as it is; a BIRD router that imports its connected
  // routes (it does in an AS with several routers, for the IGP) would prefer the connected route and never
  // export it. Generated addresses come from an aggregate per router and have no such problem.
  for (const c of t.clients) {
    const asn = routerAs.get(c.router);
    const size = t.ases.find((a) => a.asn === asn)?.routers.length ?? 1;
    for (const fam of ['ipv4', 'ipv6'] as const) {
      if (c[fam] && size > 1) fail(`clients.${c.name}.${fam}`, `explicit client addresses need the client's router to be the only router of its AS (AS${asn} has ${size}); leave the address out to have it generated`);
    }
  }
  checkAddresses(t, fail);
}

/** A provider→customer cycle, as the list of ASes in it, or undefined. */
export function findCycle(customers: Map<number, number[]>): number[] | undefined {
  const state = new Map<number, 1 | 2>();
  const stack: number[] = [];
  const visit = (n: number): number[] | undefined => {
    state.set(n, 1);
    stack.push(n);
    for (const c of customers.get(n) ?? []) {
      if (state.get(c) === 1) return stack.slice(stack.indexOf(c));
      if (!state.has(c)) {
        const found = visit(c);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(n, 2);
    return undefined;
  };
  for (const n of [...customers.keys()].sort((a, b) => a - b)) {
    if (!state.has(n)) {
      const found = visit(n);
      if (found) return found;
    }
  }
  return undefined;
}

function checkAddresses(t: Topology, fail: Fail): void {
  const hosts = new Map<string, string>();
  const subnets: Array<{ cidr: string; key: string }> = [];
  const host = (addr: string, key: string) => {
    const c = canonical(addr);
    if (hosts.has(c)) fail(key, `duplicate address ${addr} (also at ${hosts.get(c)})`);
    hosts.set(c, key);
    for (const p of [t.anycast.ipv4, t.anycast.ipv6, ...t.sites.flatMap((s) => [s.prefixes.ipv4, s.prefixes.ipv6])]) {
      if (prefixContains(p, addr)) fail(key, `${addr} is inside the anycast prefix ${p}`);
    }
  };
  const subnet = (cidr: string, key: string) => {
    const c = parseCidr(cidr)!;
    const net = `${c.network}/${c.length}`;
    for (const s of subnets) if (overlaps(s.cidr, net)) fail(key, `subnet ${net} overlaps ${s.cidr} (at ${s.key})`);
    subnets.push({ cidr: net, key });
  };
  for (const r of t.routers) {
    const k = `ases.${r.asn}.routers.${r.name}`;
    if (r.loopback4) host(r.loopback4, `${k}.loopback-ipv4`);
    if (r.loopback6) host(r.loopback6, `${k}.loopback-ipv6`);
  }
  for (const l of t.links) {
    for (const fam of ['ipv4', 'ipv6'] as const) {
      const p = l[fam];
      if (!p) continue;
      const key = `${l.key}.${fam}`;
      const [a, b] = [parseCidr(p[0])!, parseCidr(p[1])!];
      if (a.network !== b.network || a.length !== b.length) fail(key, `${p[0]} and ${p[1]} are not in the same subnet`);
      host(hostOf(p[0]), `${key}[0]`);
      host(hostOf(p[1]), `${key}[1]`);
      subnet(p[0], key);
    }
  }
  for (const c of t.clients) {
    for (const fam of ['ipv4', 'ipv6'] as const) {
      const p = c[fam];
      if (!p) continue;
      host(hostOf(p), `clients.${c.name}.${fam}`);
      subnet(p, `clients.${c.name}.${fam}`);
    }
  }
}
