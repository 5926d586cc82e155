// `anycast demo` (what `npm start` runs): the classic anycast story with real packets. Brings the world up
// (examples/world.yaml) in network namespaces, shows the catchment (who reaches which site, and why that is
// routing, not geography), fails Tokyo and shows its clients move with their outage window, restores it, runs
// the DDoS split (absorb, then withdraw), tears everything down, and explains each step in plain words.
// Every number printed is measured in this run; modeled latency is labelled as such.

import { formatCatchment, runCatchment, type CatchmentResult } from './experiments/catchment.js';
import { formatDdos, runDdos, type DdosResult } from './experiments/ddos.js';
import { formatFailover, runFailover, type FailoverResult } from './experiments/failover.js';
import { ms, pct, table } from './format.js';
import { labDown, NetnsLab, type DownReport, type UpReport } from './runtime/netns/lab.js';
import { InprocLab } from './runtime/inproc/lab.js';
import type { LabRuntime } from './runtime/types.js';
import { labDir, LabExistsError, listLabs, ownerAlive, readLab } from './state.js';
import type { Topology } from './topology/types.js';

export interface DemoOptions {
  /** Network namespaces (root), or everything in this process. */
  runtime: 'netns' | 'inproc';
  /** Site to fail (default tokyo, else the site with the most clients). */
  failSite?: string;
  write: (text: string) => void;
  progress: (msg: string) => void;
  /** Skip the DDoS step (it takes the longest). */
  skipDdos?: boolean;
}

export interface DemoReport {
  runtime: 'netns' | 'inproc';
  topology: string;
  up: UpReport;
  catchment: CatchmentResult;
  failover: FailoverResult;
  ddos: DdosResult | null;
  down: DownReport;
  totalMs: number;
}

/** "anycast speaker on the 24 routers, the agent's embedded speaker at the 7 sites" (counts per implementation). */
function speakersInWords(t: Topology): string {
  const count = (xs: string[]) => [...new Set(xs)].map((x) => ({ x, n: xs.filter((y) => y === x).length }));
  const router = (i: string) => (i === 'anycast' ? 'anycast speaker' : i);
  const site = (i: string) => (i === 'anycast' ? 'the agent\'s embedded speaker' : i === 'bird' ? 'BIRD driven by the agent' : i);
  const r = count(t.routers.map((x) => x.implementation)).map(({ x, n }) => `${router(x)} on ${n === t.routers.length ? `the ${n}` : n} routers`);
  const s = count(t.sites.map((x) => x.implementation)).map(({ x, n }) => `${site(x)} at ${n === t.sites.length ? `the ${n}` : n} sites`);
  return [...r, ...s].join(', ');
}

const list = (xs: string[]) => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);

export async function runDemo(t: Topology, o: DemoOptions): Promise<DemoReport> {
  const T0 = performance.now();
  const w = o.write;
  const sites = t.sites.filter((s) => s.announce);
  w(`anycast demo — one address, many places, real packets\n`);
  w(`The service address ${t.anycast.service4} (and ${t.anycast.service6}) is announced over BGP by AS${sites[0]?.asn} from ` +
    `${sites.length} sites: ${list(sites.map((s) => s.city ?? s.name))}. ${t.clients.length} clients around the world ask it ` +
    `"who are you?" (a DNS hostname.bind query) and the routing system alone decides which site answers.\n`);
  const inproc = o.runtime === 'inproc';
  if (inproc) w('IN-PROCESS: the same world runs in this one process — our BGP speakers over in-memory connections, packets forwarded by FIB lookups hop by hop, round-trip times modeled from the link delays.\n');
  w(`[1/5] Building the world from ${t.file}: ${t.ases.length} autonomous systems, ${t.routers.length} routers, ` +
    `${t.sites.length} sites and ${t.clients.length} clients, ${inproc ? 'all in this process' : 'each in its own network namespace, joined by veth links'}.`);
  let lab: LabRuntime & { down(): Promise<DownReport> };
  let up: UpReport;
  if (inproc) {
    ({ lab, report: up } = await InprocLab.up(t, { progress: o.progress }));
  } else {
    // A demo killed earlier (kill -9, a crash) leaves its lab recorded: clean it up rather than refuse to start.
    if (listLabs().includes('demo')) {
      const st = readLab('demo');
      if (ownerAlive(st)) throw new LabExistsError('demo', labDir('demo'));
      o.progress(`removing the lab of an earlier demo that did not finish (pid ${st.owner.pid})`);
      labDown('demo');
    }
    ({ lab, report: up } = await NetnsLab.up(t, { keep: false, name: 'demo', prefix: 'demo', progress: o.progress }));
  }
  let down: DownReport | null = null;
  try {
    const impls = inproc ? 'this project\'s speaker, in process' : speakersInWords(t);
    w(`      Up in ${(up.timings.totalMs / 1000).toFixed(1)} s: ${up.speakers} BGP speakers (${impls}) with ${up.sessions} sessions; ` +
      `routing converged ${(up.timings.convergeMs / 1000).toFixed(1)} s after the last daemon started, to exactly what the ` +
      `AS relationships predict (customers preferred over peers over providers, then shorter AS paths).`);
    for (const n of up.notes) w(`      Note: ${n}.`);
    w('');

    w('[2/5] Catchment: which site answers each client');
    const catchment = await runCatchment(lab);
    const v4 = catchment.rows.filter((r) => r.family === 'ipv4');
    w(table(['client', 'answered by', 'IPv6 answered by', 'AS path', 'router hops', 'modeled RTT', 'geographically nearest'],
      v4.map((r) => {
        const r6 = catchment.rows.find((x) => x.family === 'ipv6' && x.client === r.client);
        return [`${r.client}${r.city && r.city.toLowerCase().replace(/\s/g, '') !== r.client ? ` (${r.city})` : ''}`, r.site ?? 'NO ANSWER',
          r6?.site === r.site ? 'same' : r6?.site ?? 'NO ANSWER', r.asPath.join(' '), r.routerHops, ms(r.modeledRttMs), r.nearest === r.site ? 'yes' : `no: ${r.nearest}`];
      }), ['l', 'l', 'l', 'l', 'r', 'r', 'l']));
    const far = v4.filter((r) => r.site && r.nearest && r.site !== r.nearest);
    const ties = catchment.rows.filter((r) => r.expected.length > 1);
    w(`      ${catchment.summary.answered} of ${catchment.summary.probes} queries (IPv4 and IPv6) were answered, every one by the site the ` +
      `topology predicts: ${catchment.summary.matchPrediction}/${catchment.summary.probes}. ` +
      (far.length ? `Routing is not geography: ${list(far.map((r) => `${r.client} is sent to ${r.site} although ${r.nearest} is nearer`))}. ` : '') +
      (ties.length ? `Where two paths are equally good (${list([...new Set(ties.map((r) => r.client))])}), BGP's tie-break decides, and IPv4 and IPv6 may differ. ` : '') +
      `Modeled RTT is the sum of the link delays over the path the packets took, there and back${lab.delaysApplied ? ' (netem applies them)' : ' (this kernel has no netem: delays are not applied, so measured RTTs are sub-millisecond to tens of ms of process time)'}.`);
    w('');

    const failSite = o.failSite ?? (sites.some((s) => s.name === 'tokyo') ? 'tokyo'
      : Object.entries(catchment.bySite).sort((a, b) => b[1].ipv4 - a[1].ipv4)[0]?.[0]);
    if (!failSite) throw new Error('no site announces');
    w(`[3/5] ${failSite} fails: every client queries every 10 ms while ${failSite}'s DNS service is killed`);
    const failover = await runFailover(lab, failSite);
    w(formatFailover(failover).split('\n').map((l) => `      ${l}`).join('\n'));
    const moved = failover.rows.filter((r) => r.before === failSite);
    const dest = [...new Set(moved.map((r) => r.after).filter((x): x is string => !!x))];
    w(`      In words: ${failSite}'s ${moved.length} clients lost answers for ${ms(failover.summary.medianOutageMs, 0)} (median) — ` +
      `the time to notice, withdraw the route and let BGP carry the withdrawal — and are now answered by ${list(dest)}. ` +
      `${failover.summary.lostByOthers === 0 && failover.summary.movedElsewhere === 0 ? 'No other client lost a single query or changed site.' : `Other clients: ${failover.summary.movedElsewhere} moved, ${failover.summary.lostByOthers} queries lost.`} ` +
      `When ${failSite} came back, ${failover.summary.returned} of ${moved.length} returned to it.` +
      (lab.announcer === 'lab' ? ' (The withdrawal is made by the lab right after the kill: no health-checking agent runs at the sites in this build.)' : ''));
    w('');

    let ddos: DdosResult | null = null;
    if (!o.skipDdos) {
      w('[4/5] DDoS: attackers flood the anycast address (bounded, inside the lab only)');
      ddos = await runDdos(lab, {});
      w(formatDdos(ddos).split('\n').map((l) => `      ${l}`).join('\n'));
      const p0 = ddos.phases[0]!;
      const hit = p0.sites.filter((s) => s.attackShare > 0).map((s) => s.site);
      const p1 = ddos.phases[1];
      const hurt = (p: typeof p0) => p.legit.filter((c) => c.sent > 0 && c.answered / c.sent < 0.99).map((c) => c.client);
      const hurt1 = p1 ? hurt(p1).filter((c) => !hurt(p0).includes(c)) : [];
      w(`      In words: anycast kept the attack where its sources are — ${list(hit)} received all of it and every other site served its ` +
        `users untouched. ${p1 ? `Withdrawing ${p1.withdrawn} did not make the attack go away: it moved, with ${p1.withdrawn}'s users, to ` +
        `${list(p1.sites.filter((s) => s.attackShare > 0).map((s) => s.site))}${hurt1.length ? `, where ${list(hurt1)} now ${hurt1.length > 1 ? 'lose' : 'loses'} queries too` : ''}. ` +
        'Absorbing an attack at the sites it reaches usually beats withdrawing them (RFC 4786 §4.4).' : ''}`);
      w('');
    }

    w('[5/5] Tearing down');
    down = await lab.down();
    w(inproc ? `      ${up.speakers} speakers stopped in ${(down.ms / 1000).toFixed(1)} s.`
      : `      ${down.killed} processes ended and ${down.namespacesDeleted} namespaces deleted in ${(down.ms / 1000).toFixed(1)} s; nothing is left.`);
    w('');
    const share = catchment.summary.nearest / Math.max(1, catchment.summary.answered);
    w(`Summary: ${sites.length} sites answered ${t.clients.length} clients; ${pct(share)} reached their geographically nearest site; ` +
      `when ${failSite} failed, its clients were answered elsewhere within ${ms(failover.summary.maxOutageMs, 0)} and nobody else noticed` +
      `${ddos ? `; an attack stayed within the catchment it came from` : ''}. Total ${((performance.now() - T0) / 1000).toFixed(0)} s.`);
    w('Next: `anycast lab up examples/world.yaml` keeps the world running for your own experiments (docs/lab.md).');
    return { runtime: o.runtime, topology: t.file, up, catchment, failover, ddos, down, totalMs: Math.round(performance.now() - T0) };
  } finally {
    if (!down) await lab.down();
  }
}

export { formatCatchment };
