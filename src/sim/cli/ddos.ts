// `anycast sim ddos`: the attack load each site absorbs, and what changes if the attacked site(s) withdraw.
import { UsageError } from '../../util/errors.js';
import { generateSources, outcome, split, type Split } from '../ddos.js';
import { csv, json, pct, table, type Cell } from '../format.js';
import { propagate } from '../propagate.js';
import { rng } from '../../util/rng.js';
import { commonHelp, compile, outputKind, parse, siteByName, tieMode, weights, world, write } from './common.js';

const HELP = `usage: anycast sim ddos [options]
  Splits an attack over the sites (absorb), then withdraws the attacked site(s) and splits again (withdraw).
  --attack FILE       attack volume per source AS (same formats as --weights)
  --sources N         or: N random sources of volume 1 (default 1000), among stub ASes
  --source-kind K     stub (default) or any
  --seed S            random seed for --sources (default 1)
  --volume V          total attack volume, spread over the sources in proportion to their weight
                      (default: the attack file's own numbers, or with --sources the total legitimate weight)
  --withdraw SITES    comma-separated sites that withdraw (default: the most attacked one); 'overloaded' =
                      every site that overloads when absorbing
  --capacity X        capacity of every site, in attack+legit units (default: each site's 'capacity' key, if any)
  legitimate traffic: --weights (default 1 per AS)
${commonHelp}`;

export async function run(argv: string[]): Promise<number> {
  const { values: v } = parse(argv, {
    attack: { type: 'string' }, sources: { type: 'string' }, 'source-kind': { type: 'string', default: 'stub' },
    seed: { type: 'string', default: '1' }, volume: { type: 'string' }, withdraw: { type: 'string' }, capacity: { type: 'string' },
  });
  if (v.help) { write(HELP); return 0; }
  const out = outputKind(v);
  const mode = tieMode(v);
  const w = await world(v);
  const c = compile(v, w);
  const legit = weights(v, w);
  if (v.attack !== undefined && v.sources !== undefined) throw new UsageError('give --attack or --sources, not both');
  const kind = v['source-kind'];
  if (kind !== 'stub' && kind !== 'any') throw new UsageError('--source-kind is stub or any');
  const nSources = Number(v.sources ?? 1000);
  if (!Number.isInteger(nSources) || nSources < 1) throw new UsageError('--sources must be a positive integer');
  const attack = v.attack !== undefined ? weights(v, w, 'attack')!.w : generateSources(w.graph, nSources, rng(Number(v.seed)), kind);
  const legitTotalIn = legit ? legit.w.reduce((a, b) => a + b, 0) : w.graph.n;
  const volume = v.volume !== undefined ? Number(v.volume) : v.attack === undefined ? legitTotalIn : undefined;
  if (volume !== undefined) {
    if (!(volume > 0)) throw new UsageError('--volume must be a positive number');
    const raw = attack.reduce((a, b) => a + b, 0);
    if (raw > 0) for (let i = 0; i < attack.length; i++) attack[i]! *= volume / raw;
  }
  const capAll = v.capacity === undefined ? undefined : Number(v.capacity);
  if (capAll !== undefined && !(capAll > 0)) throw new UsageError('--capacity must be a positive number');
  const capacity = c.sites.map((s) => capAll ?? s.capacity);
  const hasCap = capacity.some((x) => x !== undefined);

  const r0 = propagate(w.graph, c.ann, mode);
  const absorb = split(w.graph, c.sites.length, r0, attack, legit?.w);
  const abs = outcome(absorb, capacity);
  let withdrawn: number[];
  if (v.withdraw === undefined) {
    let m = 0;
    absorb.sites.forEach((x, i) => { if (x.attack > absorb.sites[m]!.attack) m = i; });
    withdrawn = [m];
  } else if (v.withdraw === 'overloaded') {
    if (!hasCap) throw new UsageError("--withdraw overloaded needs capacities (--capacity or the sites' capacity key)");
    withdrawn = abs.overloaded;
  } else withdrawn = String(v.withdraw).split(',').map((id) => siteByName(c, id.trim()));
  const enabled = new Uint8Array(c.sites.length).fill(1);
  for (const i of withdrawn) enabled[i] = 0;
  const r1 = propagate(w.graph, c.ann, mode, enabled);
  const wd = split(w.graph, c.sites.length, r1, attack, legit?.w);
  const wdo = outcome(wd, capacity, new Set(withdrawn));
  const totalAttack = attack.reduce((a, b) => a + b, 0);
  const totalLegit = absorb.sites.reduce((a, x) => a + x.legit, absorb.unrouted.legit);
  const name = (i: number) => c.sites[i]!.id;
  const summary = (s: Split, o: ReturnType<typeof outcome>) => ({
    sites: Object.fromEntries(s.sites.map((x, i) => [name(i), { ...x, capacity: capacity[i] ?? null,
      utilization: capacity[i] ? (x.attack + x.legit) / capacity[i]! : null }])),
    unrouted: s.unrouted, overloaded: o.overloaded.map(name), legitServed: o.legitServed,
  });
  if (out === 'json') {
    write(json({ deployment: c.name, mode, attack: { total: totalAttack, sources: attack.reduce((a, x) => a + (x > 0 ? 1 : 0), 0),
      kind: v.attack ? 'file' : kind, seed: v.attack ? null : Number(v.seed) }, legitTotal: totalLegit,
    absorb: summary(absorb, abs), withdraw: { withdrawn: withdrawn.map(name), ...summary(wd, wdo) } }));
    return 0;
  }
  if (out === 'csv') {
    write(csv(['site', 'absorb_attack', 'absorb_legit', 'absorb_utilization', 'withdrawn', 'withdraw_attack', 'withdraw_legit', 'withdraw_utilization'],
      c.sites.map((s, i) => [s.id, absorb.sites[i]!.attack, absorb.sites[i]!.legit,
        capacity[i] ? (absorb.sites[i]!.attack + absorb.sites[i]!.legit) / capacity[i]! : null, withdrawn.includes(i) ? 'yes' : 'no',
        wd.sites[i]!.attack, wd.sites[i]!.legit, capacity[i] && !withdrawn.includes(i) ? (wd.sites[i]!.attack + wd.sites[i]!.legit) / capacity[i]! : null])));
    return 0;
  }
  const nSrc = attack.reduce((a, x) => a + (x > 0 ? 1 : 0), 0);
  write(`${c.name}: attack of ${Math.round(totalAttack)} units from ${nSrc} source ASes (${v.attack ? String(v.attack) : `${kind} ASes, seed ${v.seed}`}); ` +
    `legitimate ${legit ? 'weight' : 'ASes'} ${Math.round(totalLegit)}; tie-break ${mode}`);
  write(`withdraw scenario: ${withdrawn.map(name).join(', ') || '(none)'} stop(s) announcing\n`);
  const idx = c.sites.map((_, i) => i).filter((i) => absorb.sites[i]!.attack > 0 || wd.sites[i]!.attack > 0 || withdrawn.includes(i))
    .sort((a, b) => absorb.sites[b]!.attack - absorb.sites[a]!.attack);
  const util = (s: Split, i: number) => capacity[i] ? pct((s.sites[i]!.attack + s.sites[i]!.legit) / capacity[i]!, 0) : '-';
  write(table([{ title: 'site' }, { title: 'attack', digits: 0 }, { title: 'share', align: 'right' }, { title: 'legit', digits: 0 },
    ...(hasCap ? [{ title: 'util', align: 'right' as const }] : []),
    { title: '│ after withdraw: attack', align: 'right' }, { title: 'share', align: 'right' }, { title: 'legit', digits: 0 },
    ...(hasCap ? [{ title: 'util', align: 'right' as const }] : [])],
  idx.map((i): Cell[] => {
    const a = absorb.sites[i]!;
    const b = wd.sites[i]!;
    const gone = withdrawn.includes(i);
    return [name(i), a.attack, pct(a.attack / totalAttack), a.legit, ...(hasCap ? [util(absorb, i)] : []),
      gone ? 'withdrawn' : `${Math.round(b.attack)}`, gone ? '' : pct(b.attack / totalAttack), gone ? null : b.legit,
      ...(hasCap ? [gone ? '' : util(wd, i)] : [])];
  })));
  if (absorb.unrouted.attack + wd.unrouted.attack > 0) {
    write(`no route (attack goes nowhere): absorb ${Math.round(absorb.unrouted.attack)}, withdraw ${Math.round(wd.unrouted.attack)}`);
  }
  if (hasCap) {
    write(`\nabsorb:   ${abs.overloaded.length} overloaded site(s)${abs.overloaded.length ? ` (${abs.overloaded.map(name).join(', ')})` : ''}; legitimate served ${pct(abs.legitServed)}`);
    write(`withdraw: ${wdo.overloaded.length} overloaded site(s)${wdo.overloaded.length ? ` (${wdo.overloaded.map(name).join(', ')})` : ''}; legitimate served ${pct(wdo.legitServed)}`);
  } else write('\n(give --capacity, or capacity keys in the deployment, to see which sites overload)');
  return 0;
}
