// `lab run add-site [SITE]`: a site that does not announce yet (a standby site of the topology, `announce:
// false`) starts announcing; which clients move to it, which ones the topology predicts would, and how long
// routing took. Unless --keep, the site is withdrawn again afterwards so the lab is as it was.

import { table } from '../format.js';
import { expectedCatchment } from '../predict.js';
import type { LabRuntime } from '../runtime/types.js';
import { runCatchment, type CatchmentRow } from './catchment.js';
import { header, type FamilyName, type ResultHeader } from './common.js';

export interface AddSiteOptions {
  families?: FamilyName[];
  keep?: boolean;
}

export interface AddSiteRow {
  client: string;
  family: FamilyName;
  before: string | null;
  after: string | null;
  moved: boolean;
  /** The topology predicts this client among the new site's catchment. */
  predicted: boolean;
}

export interface AddSiteResult extends ResultHeader {
  site: string;
  convergeMs: number;
  rows: AddSiteRow[];
  summary: { moved: number; movedToSite: number; predicted: number; movedElsewhere: number };
  kept: boolean;
}

export async function runAddSite(rt: LabRuntime, site: string | undefined, o: AddSiteOptions = {}): Promise<AddSiteResult> {
  const m = rt.model;
  const announcing = rt.announcing();
  const name = site ?? m.topology.sites.find((s) => !announcing.includes(s.name))?.name;
  if (!name) throw new Error('every site already announces: name a site, or add one with `announce: false` to the topology');
  const def = m.topology.sites.find((s) => s.name === name);
  if (!def) throw new Error(`unknown site ${name}`);
  if (announcing.includes(name)) throw new Error(`site ${name} already announces (withdraw it first: anycast lab site ${name} withdraw)`);
  const fams = o.families ?? ['ipv4', 'ipv6'];
  const before = await runCatchment(rt, { families: fams, http: false });
  const t0 = performance.now();
  await rt.siteAnnounce(name);
  await rt.waitConverged({ timeoutMs: 60_000 });
  const convergeMs = Math.round(performance.now() - t0);
  const after = await runCatchment(rt, { families: fams, http: false });
  if (!o.keep) {
    await rt.siteWithdraw(name);
    await rt.waitConverged({ timeoutMs: 60_000 });
  }
  const key = (r: CatchmentRow) => `${r.client}/${r.family}`;
  const was = new Map(before.rows.map((r) => [key(r), r.site]));
  const predicted = new Map<string, string[]>();
  for (const fam of fams) {
    const prefix = fam === 'ipv4' ? def.prefixes.ipv4 : def.prefixes.ipv6;
    for (const e of expectedCatchment(rt.routingModel(), prefix, [...announcing, name])) predicted.set(`${e.client}/${fam}`, e.sites);
  }
  const rows: AddSiteRow[] = after.rows.map((r) => {
    const b = was.get(key(r)) ?? null;
    return { client: r.client, family: r.family, before: b, after: r.site, moved: b !== r.site, predicted: predicted.get(key(r))?.includes(name) ?? false };
  });
  return {
    ...header(rt, 'add-site'), site: name, convergeMs, rows, kept: !!o.keep,
    summary: {
      moved: rows.filter((r) => r.moved).length,
      movedToSite: rows.filter((r) => r.moved && r.after === name).length,
      predicted: rows.filter((r) => r.predicted).length,
      movedElsewhere: rows.filter((r) => r.moved && r.after !== name).length,
    },
  };
}

export function formatAddSite(r: AddSiteResult): string {
  const moved = r.rows.filter((x) => x.moved || x.predicted);
  const s = r.summary;
  return [
    `Site ${r.site} announced; routing converged in ${r.convergeMs} ms.`, '',
    moved.length ? table(['client', 'family', 'before', 'after', 'predicted to move'], moved.map((x) => [x.client, x.family, x.before, x.after, x.predicted ? 'yes' : 'no'])) : 'No client moved.',
    '',
    `${s.movedToSite} client probes moved to ${r.site} (${s.predicted} predicted); ${s.movedElsewhere} moved elsewhere.` +
    (r.kept ? '' : ` ${r.site} withdrawn again afterwards.`),
  ].join('\n');
}
