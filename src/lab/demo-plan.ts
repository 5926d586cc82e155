// `anycast demo --dry-run`: what the demo would do — the runtime it would choose and why, the topology, the
// namespaces, links and speakers it would create, the site it would fail, the steps — without creating anything.
// Pure: the machine's capabilities come in as data (gathered without side effects by the command line), so the
// choice is the same function of them that the real run makes.

import { buildModel } from './model.js';
import type { Topology } from './topology/types.js';

/** What the machine offers, found without creating anything (no scratch namespace, unlike detectCapabilities). */
export interface DryRunCapabilities {
  root: boolean;
  /** `ip` (iproute2) is installed. */
  ip: boolean;
  /** The kernel has network namespaces (/proc/self/ns/net exists). */
  kernelNetns: boolean;
  /** What the netns runtime would lack beyond root and ip (a daemon, an unbuilt speaker), one line each. */
  missing: string[];
}

export interface DemoPlanOptions {
  runtime: 'auto' | 'netns' | 'inproc';
  failSite?: string;
  skipDdos: boolean;
  caps: DryRunCapabilities;
  /** A lab named `demo` left by an earlier run: its owner's pid and whether that process still lives. */
  earlier?: { pid: number; alive: boolean };
}

export interface DemoStep {
  step: number;
  title: string;
  detail: string;
}

export interface DemoPlan {
  dryRun: true;
  /** False when the demo would stop before its first step; `blockers` says why. */
  ready: boolean;
  blockers: string[];
  topology: { file: string; name: string; ases: number; routers: number; sites: number; clients: number;
    service4: string; service6: string };
  runtime: 'netns' | 'inproc';
  requested: 'auto' | 'netns' | 'inproc';
  why: string;
  creates: { namespaces: number; links: number; speakers: number; prefix: string | null; earlierLab: string | null };
  failSite: string | null;
  failSiteWhy: string;
  steps: DemoStep[];
}

function runtimeChoice(o: DemoPlanOptions): { runtime: 'netns' | 'inproc'; why: string; blockers: string[] } {
  const c = o.caps;
  const lacks = [
    ...(c.root ? [] : ['not root: network namespaces need root (or CAP_SYS_ADMIN and CAP_NET_ADMIN)']),
    ...(c.ip ? [] : ['`ip` (iproute2) is not installed']),
    ...(c.kernelNetns ? [] : ['this kernel has no network namespaces (/proc/self/ns/net is missing)']),
  ];
  if (o.runtime === 'inproc') return { runtime: 'inproc', why: '--runtime inproc: everything in this one process', blockers: [] };
  if (o.runtime === 'netns') {
    const blockers = [...lacks, ...c.missing];
    return { runtime: 'netns', why: '--runtime netns', blockers };
  }
  if (lacks.length === 0) {
    return {
      runtime: 'netns', blockers: c.missing,
      why: 'root, `ip` and kernel network namespaces are here (the run confirms it by creating a scratch namespace)',
    };
  }
  return { runtime: 'inproc', why: `no network namespaces here (${lacks.join('; ')}): the in-process runtime`, blockers: [] };
}

export function planDemo(t: Topology, o: DemoPlanOptions): DemoPlan {
  const choice = runtimeChoice(o);
  const netns = choice.runtime === 'netns';
  const model = buildModel(t, 'demo');
  const speakers = model.nodes.filter((n) => n.implementation).length;
  const sites = t.sites.filter((s) => s.announce);
  const failSite = o.failSite ?? (sites.some((s) => s.name === 'tokyo') ? 'tokyo' : null);
  const failSiteWhy = o.failSite !== undefined ? '--fail'
    : failSite !== null ? 'the default' : 'no site is named tokyo: the site answering the most clients in step 2';
  const earlierLab = netns && o.earlier ? (o.earlier.alive
    ? `a demo lab owned by the running process ${o.earlier.pid} exists: the demo would refuse to start`
    : `the lab of an earlier demo that did not finish (pid ${o.earlier.pid}) would be removed first`) : null;
  const blockers = [...choice.blockers];
  if (netns && o.earlier?.alive) blockers.push(`another demo (pid ${o.earlier.pid}) is running`);
  const fail = failSite ?? 'the busiest site';
  const steps: DemoStep[] = [
    { step: 1, title: 'build the world', detail: `${t.ases.length} autonomous systems, ${t.routers.length} routers, ` +
      `${t.sites.length} sites and ${t.clients.length} clients from ${t.file}, ` + (netns
      ? `each in its own network namespace (${model.nodes.length} namespaces named demo-<node>, ${model.links.length} veth links), ${speakers} BGP speakers`
      : `all in this process (${speakers} BGP speakers over in-memory connections, packets forwarded by FIB lookups)`) +
      ', then wait for routing to converge' },
    { step: 2, title: 'catchment', detail: `every client asks ${t.anycast.service4} and ${t.anycast.service6} "who are you?" ` +
      '(hostname.bind); the table shows which site answers, the AS path, and whether that is the predicted and the nearest site' },
    { step: 3, title: `${fail} fails`, detail: `every client queries every 10 ms while ${fail}'s DNS service is killed and its ` +
      `prefixes withdrawn; its clients' outage and new site are measured; then ${fail} comes back` },
    o.skipDdos
      ? { step: 4, title: 'DDoS (skipped)', detail: '--no-ddos' }
      : { step: 4, title: 'DDoS', detail: 'attackers flood the anycast address (bounded, inside the lab only): absorbed where ' +
        'the attack lands, then that site withdrawn to show the attack moving with its users' },
    { step: 5, title: 'tear down', detail: netns ? 'every process ended and every demo-* namespace deleted' : 'the speakers stopped' },
  ];
  return {
    dryRun: true, ready: blockers.length === 0, blockers,
    topology: { file: t.file, name: t.name, ases: t.ases.length, routers: t.routers.length, sites: t.sites.length,
      clients: t.clients.length, service4: t.anycast.service4, service6: t.anycast.service6 },
    runtime: choice.runtime, requested: o.runtime, why: choice.why,
    creates: { namespaces: netns ? model.nodes.length : 0, links: netns ? model.links.length : 0, speakers,
      prefix: netns ? 'demo' : null, earlierLab },
    failSite, failSiteWhy, steps,
  };
}

export function formatDemoPlan(p: DemoPlan): string {
  const out = [
    'anycast demo --dry-run: nothing was created',
    `topology  ${p.topology.file}: ${p.topology.ases} ASes, ${p.topology.routers} routers, ${p.topology.sites} sites, ` +
      `${p.topology.clients} clients; service ${p.topology.service4}, ${p.topology.service6}`,
    `runtime   ${p.runtime}: ${p.why}`,
    `fails     ${p.failSite ?? '(chosen after the catchment)'} (${p.failSiteWhy})`,
  ];
  if (p.creates.earlierLab) out.push(`note      ${p.creates.earlierLab}`);
  out.push('steps');
  for (const s of p.steps) out.push(`  [${s.step}/5] ${s.title}: ${s.detail}`);
  if (p.ready) out.push('ready: `anycast demo` without --dry-run runs these steps');
  else for (const b of p.blockers) out.push(`would fail: ${b}`);
  return out.join('\n');
}
