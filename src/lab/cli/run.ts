// `anycast lab run EXPERIMENT`: catchment, failover, tcp, ddos, add-site — on the running lab (netns runtime),
// or on a topology file in one process (--runtime inproc). Readable tables by default, the full result with
// --json (for the dashboard and for comparison with the simulator).

import { UsageError } from '../../util/errors.js';
import { formatAddSite, runAddSite } from '../experiments/add-site.js';
import { formatCatchment, runCatchment } from '../experiments/catchment.js';
import type { FamilyName } from '../experiments/common.js';
import { formatDdos, runDdos } from '../experiments/ddos.js';
import { formatFailover, runFailover } from '../experiments/failover.js';
import { formatTcp, runTcp } from '../experiments/tcp.js';
import { NetnsLab } from '../runtime/netns/lab.js';
import { InprocLab, openInprocLab } from '../runtime/inproc/index.js';
import type { LabRuntime } from '../runtime/types.js';
import { loadTopology } from '../topology/parse.js';
import { durationArg, intArg, json, parse, write } from './common.js';

const HELP = `usage: anycast lab run EXPERIMENT [--lab NAME | --runtime inproc --topology FILE] [options] [--json]
experiments:
  catchment            every client asks hostname.bind (and HTTP) on the anycast addresses, IPv4 and IPv6:
                       site, AS path, hops, modeled vs measured RTT, predicted and nearest site
                       [--family ipv4|ipv6|both] [--no-http]
  failover SITE        clients probe every 10 ms; SITE's service is killed, then restored: outage per client
                       [--interval 10ms] [--family ipv4|ipv6|both] [--no-restore]
  tcp [SITE]           long-lived TCP connections across a reroute (SITE's prefixes withdrawn): survived or RST
  ddos                 attackers flood the anycast address (bounded): per-site share, legitimate answers, with
                       and without one site withdrawn [--sources a,b] [--rate 800] [--duration 5s] [--withdraw SITE|none]
  add-site [SITE]      a standby site announces: which clients move to it [--keep]`;

function families(v: string | undefined, dflt: FamilyName[]): FamilyName[] {
  if (v === undefined) return dflt;
  if (v === 'both') return ['ipv4', 'ipv6'];
  if (v === 'ipv4' || v === 'ipv6') return [v];
  throw new UsageError('--family must be ipv4, ipv6 or both');
}

export async function run(argv: string[]): Promise<number> {
  const a = parse(argv, {
    lab: { type: 'string', short: 'l' }, runtime: { type: 'string' }, topology: { type: 'string' }, family: { type: 'string' }, 'no-http': { type: 'boolean' },
    interval: { type: 'string' }, 'no-restore': { type: 'boolean' }, sources: { type: 'string' }, rate: { type: 'string' }, duration: { type: 'string' },
    withdraw: { type: 'string' }, keep: { type: 'boolean' },
  }, HELP);
  if (!a) return 0;
  const [exp, arg] = a.positionals;
  if (!exp) throw new UsageError('anycast lab run needs an EXPERIMENT: catchment, failover, tcp, ddos or add-site (anycast lab run --help)');
  const v = a.values;
  // Every argument is checked before the lab is attached (or, in process, built): a typo is a usage error at once.
  const EXPERIMENTS = ['catchment', 'failover', 'tcp', 'ddos', 'add-site'];
  if (!EXPERIMENTS.includes(exp)) throw new UsageError(`unknown experiment "${exp}" (anycast lab run --help lists them)`);
  if (exp === 'failover' && !arg) throw new UsageError('anycast lab run failover needs a SITE (anycast lab run --help)');
  families(v.family, []);
  const intervalMs = durationArg(v.interval, 'interval', 10);
  const ratePerSec = intArg(v.rate, 'rate', 800, 1, 2000);
  const durationMs = Math.min(durationArg(v.duration, 'duration', 5000), 20_000);
  let rt: LabRuntime;
  if ((v.runtime ?? 'netns') === 'inproc') {
    if (!v.topology) throw new UsageError('--runtime inproc needs --topology FILE (the lab is built in this process)');
    rt = await openInprocLab(loadTopology(v.topology), v.json ? undefined : (m) => process.stderr.write(`… ${m}\n`));
  } else if (v.runtime === undefined || v.runtime === 'netns') {
    rt = NetnsLab.attach(v.lab);
  } else throw new UsageError('--runtime must be netns or inproc');
  let result: unknown;
  let text: string;
  switch (exp) {
    case 'catchment': {
      const r = await runCatchment(rt, { families: families(v.family, ['ipv4', 'ipv6']), http: !v['no-http'] });
      [result, text] = [r, formatCatchment(r)];
      break;
    }
    case 'failover': {
      const r = await runFailover(rt, arg!, { families: families(v.family, ['ipv4']), intervalMs, restore: !v['no-restore'] });
      [result, text] = [r, formatFailover(r)];
      break;
    }
    case 'tcp': {
      const site = arg ?? rt.model.topology.sites.find((s) => rt.announcing().includes(s.name))?.name;
      if (!site) throw new UsageError('no site announces');
      const r = await runTcp(rt, site, { families: families(v.family, ['ipv4']) });
      [result, text] = [r, formatTcp(r)];
      break;
    }
    case 'ddos': {
      const r = await runDdos(rt, {
        ...(v.sources ? { sources: v.sources.split(',') } : {}), ratePerSec,
        durationMs, ...(v.withdraw ? { withdraw: v.withdraw } : {}),
      });
      [result, text] = [r, formatDdos(r)];
      break;
    }
    case 'add-site': {
      const r = await runAddSite(rt, arg, { keep: !!v.keep, families: families(v.family, ['ipv4', 'ipv6']) });
      [result, text] = [r, formatAddSite(r)];
      break;
    }
    default:
      throw new UsageError(`unknown experiment "${exp}" (anycast lab run --help lists them)`);
  }
  if (rt instanceof InprocLab) await rt.down();
  if (v.json) write(json(result));
  else {
    const notes = rt.notes.map((n) => `note: ${n}`);
    write([`${exp} on lab ${rt.model.name} (${rt.kind === 'netns' ? 'network namespaces, real packets' : 'IN-PROCESS: one process, in-memory transports, FIB lookups hop by hop'})`, '', text, '', ...notes].join('\n'));
  }
  return 0;
}
