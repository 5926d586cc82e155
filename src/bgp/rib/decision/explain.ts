// explain(prefix): every candidate path of a prefix, why some are not eligible, and for each decision rule in
// order which candidates it eliminated; the winner, the deciding rule and the multipath set. This is the data
// behind `anycast show route PREFIX --explain` (JSON as is; formatExplanation() renders the text form).
// RFC 4271 §9.1.2 (eligibility and tie-breaking), RFC 4456 §9, RFC 7911.

import { Attrs, AttrsJSON, attrsToJSON } from '../attrs.js';
import type { PeerInfo, PeerKind } from '../peer.js';
import { Afi, PrefixKey, formatIPv4, formatPrefix } from '../prefix.js';
import type { DecisionOptions } from './options.js';
import { Candidate, DecisionContext, RULES } from './rules.js';
import { Trace, select } from './select.js';

export interface ExplainInput {
  readonly peer: PeerInfo;
  readonly pathId: number;
  readonly attrs: Attrs;
  /** Ineligibility text (loop, route leak, unreachable next hop), or null when eligible. */
  readonly ineligible: string | null;
  readonly stale: boolean;
  readonly igpCost: number | null;
}

export interface ExplainCandidate {
  /** 1-based, in arrival order (oldest first). */
  readonly index: number;
  readonly peer: string;
  readonly neighborAddress: string;
  readonly neighborAs: number;
  readonly routerId: string;
  readonly kind: PeerKind;
  readonly pathId: number;
  readonly attrs: AttrsJSON;
  readonly eligible: boolean;
  readonly ineligible?: string;
  readonly stale: boolean;
  readonly igpCost: number | null;
}

export interface ExplainStep {
  readonly rule: string;
  readonly name: string;
  readonly title: string;
  /** Candidates (1-based) this rule removed, with the value it compared. */
  readonly eliminated: { index: number; value: number | string }[];
  /** The value of the survivors (all equal for total rules). */
  readonly survivors: { index: number; value: number | string }[];
}

export interface ExplainFoldStep {
  readonly incumbent: number;
  readonly challenger: number;
  readonly winner: number;
  readonly rule: string | null;
}

export interface Explanation {
  readonly afi: Afi;
  readonly prefix: string;
  readonly candidates: ExplainCandidate[];
  readonly steps: ExplainStep[];
  /** Pairwise comparisons in arrival order, when deterministicMed is off (the selection that counts then). */
  readonly fold?: ExplainFoldStep[];
  readonly best: number | null;
  readonly decidedBy: { rule: string; name: string; title: string } | null;
  readonly multipath: number[];
  readonly options: DecisionOptions;
}

export function buildExplanation(afi: Afi, prefix: PrefixKey, inputs: readonly ExplainInput[], ctx: DecisionContext): Explanation {
  const candidates: ExplainCandidate[] = inputs.map((x, i) => {
    const c: ExplainCandidate = {
      index: i + 1,
      peer: x.peer.name,
      neighborAddress: x.peer.address,
      neighborAs: x.peer.asn,
      routerId: formatIPv4(x.peer.routerId),
      kind: x.peer.kind,
      pathId: x.pathId,
      attrs: attrsToJSON(x.attrs),
      eligible: x.ineligible === null,
      stale: x.stale,
      igpCost: x.igpCost,
    };
    return x.ineligible === null ? c : { ...c, ineligible: x.ineligible };
  });
  const eligibleIdx: number[] = [];
  const cands: Candidate[] = [];
  inputs.forEach((x, i) => {
    if (x.ineligible !== null) return;
    eligibleIdx.push(i);
    cands.push({ attrs: x.attrs, peer: x.peer, pathId: x.pathId, igpCost: x.igpCost ?? 0 });
  });
  const trace: Trace = { steps: [], fold: [] };
  const sel = select(cands, cands.length, ctx, trace);
  const ext = (k: number) => eligibleIdx[k]! + 1;
  const steps: ExplainStep[] = trace.steps.map((s) => ({
    rule: s.rule.id,
    name: s.rule.name,
    title: s.rule.title,
    eliminated: s.eliminated.map((k) => ({ index: ext(k), value: s.rule.value(cands[k]!, ctx) })),
    survivors: s.survivors.map((k) => ({ index: ext(k), value: s.rule.value(cands[k]!, ctx) })),
  }));
  const out: Explanation = {
    afi,
    prefix: formatPrefix(prefix),
    candidates,
    steps,
    best: sel.best < 0 ? null : ext(sel.best),
    decidedBy: sel.decidedBy === null ? null : { rule: sel.decidedBy.id, name: sel.decidedBy.name, title: sel.decidedBy.title },
    multipath: sel.multipath.map(ext),
    options: ctx.opts,
  };
  if (!ctx.opts.deterministicMed) {
    return {
      ...out,
      fold: trace.fold.map((f) => ({
        incumbent: ext(f.incumbent), challenger: ext(f.challenger), winner: ext(f.winner), rule: f.rule?.id ?? null,
      })),
    };
  }
  return out;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** The text form printed by `show route PREFIX --explain`. */
export function formatExplanation(e: Explanation): string {
  const lines: string[] = [];
  const n = e.candidates.length;
  const eligible = e.candidates.filter((c) => c.eligible).length;
  let head = `${e.prefix}: ${n} candidate path${n === 1 ? '' : 's'}, ${eligible} eligible`;
  if (e.best === null) head += ', no best path';
  else {
    const b = e.candidates[e.best - 1]!;
    head += `; best #${e.best} from ${b.peer} (${b.neighborAddress}, AS${b.neighborAs})`;
    head += e.decidedBy === null ? ' — the only eligible path' : ` — decided by ${e.decidedBy.rule} ${e.decidedBy.title}`;
  }
  lines.push(head);
  if (e.multipath.length > 1) lines.push(`multipath: ${e.multipath.map((i) => `#${i}`).join(' ')}`);
  lines.push('');
  for (const c of e.candidates) {
    const a = c.attrs;
    const mark = c.index === e.best ? '*' : e.multipath.includes(c.index) ? '=' : ' ';
    const parts = [
      `${mark}#${c.index}`, `${c.peer} (${c.neighborAddress}) AS${c.neighborAs} ${c.kind}`,
      c.pathId ? `path-id ${c.pathId}` : '',
      `as-path [${a.asPath}]`, `origin ${a.origin}`,
      `local-pref ${a.localPref ?? '-'}`, `med ${a.med ?? '-'}`, `next-hop ${a.nextHop ?? 'self'}`,
      c.igpCost !== null && c.igpCost !== 0 ? `igp-cost ${c.igpCost}` : '',
      a.originatorId ? `originator ${a.originatorId}` : '', a.clusterList ? `cluster-list ${a.clusterList.join(' ')}` : '',
      a.communities ? `communities ${a.communities.join(' ')}` : '',
      c.stale ? 'stale' : '',
    ].filter((p) => p !== '');
    lines.push(parts.join('  '));
    if (!c.eligible) lines.push(`     ineligible: ${c.ineligible}`);
  }
  lines.push('');
  lines.push(`${pad('rule', 12)}${pad('', 46)}eliminated`);
  for (const s of e.steps) {
    const elim = s.eliminated.length === 0 ? '-' : s.eliminated.map((x) => `#${x.index} (${x.value})`).join(', ');
    const kept = s.survivors.length > 0 && s.eliminated.length > 0 ? `   kept ${s.survivors.map((x) => `#${x.index} (${x.value})`).join(', ')}` : '';
    lines.push(`${pad(s.rule, 12)}${pad(s.title, 46)}${elim}${kept}`);
  }
  if (e.fold !== undefined) {
    lines.push('');
    lines.push('arrival-order comparison (deterministic-med off):');
    for (const f of e.fold) {
      lines.push(`  #${f.challenger} vs #${f.incumbent}: #${f.winner} by ${f.rule ?? 'tie (kept the older)'}`);
    }
  }
  return lines.join('\n');
}

export { RULES };
