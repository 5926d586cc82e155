// Adj-RIB-Out maintenance (RFC 4271 §3.2, §9.1.3; RFC 7911 for several paths per prefix): given the Loc-RIB
// state of one prefix, compute what one neighbor should hold, compare with what it holds (identity of interned
// attribute sets), and report the difference as (prefix, path id, attrs | withdrawn).
//
// Without add-path the neighbor gets the best route only (BIRD and Cisco do the same: when the best may not be
// sent — split horizon, policy — nothing is sent, not the second best). With add-path send "all" it gets every
// eligible path, with "ecmp" the multipath set; path ids are ours, stable per source path, smallest free first.

import type { AttrStore, Attrs } from './attrs.js';
import { ExportBlock, exportAttrs } from './export.js';
import type { LocalConfig } from './local.js';
import type { PeerInfo } from './peer.js';
import { EXPORT_CACHE_SLOTS, OutPaths, PeerState } from './peer-state.js';
import type { Afi, PrefixKey } from './prefix.js';
import { Dest, attrsAt, bestOf, metaAt, metaId, metaPeer, multiOf } from './table.js';

export type OutEmit = (peer: PeerInfo, afi: Afi, prefix: PrefixKey, pathId: number, attrs: Attrs | null) => void;

export interface ExportEnv {
  readonly local: LocalConfig;
  readonly store: AttrStore;
  readonly infos: readonly (PeerInfo | undefined)[];
  readonly defaultLocalPref: number;
  /** Slots of the eligible candidates of `d` in decision order (for add-path "all"). */
  eligibleSlots(d: Dest): number[];
}

/** Export result for one route, cached per (neighbor, attribute set) when the policy ignores the prefix. */
export function exportFor(env: ExportEnv, ps: PeerState, src: PeerInfo, attrs: Attrs, afi: Afi, prefix: PrefixKey):
  Attrs | ExportBlock {
  const cacheable = !ps.exportDependsOnPrefix;
  const slot = attrs.hash & (EXPORT_CACHE_SLOTS - 1);
  if (cacheable) {
    const e = ps.exportCache[slot];
    if (e !== undefined && e.attrs === attrs && e.src === src.index && e.afi === afi && (typeof e.result === 'string' || e.result.live)) {
      return e.result;
    }
  }
  const r = exportAttrs(env.local, env.store, ps, src, attrs, afi, prefix, env.defaultLocalPref);
  if (cacheable) ps.exportCache[slot] = { attrs, src: src.index, afi, result: r };
  return r;
}

/** Bring neighbor `ps`'s Adj-RIB-Out for `prefix` in line with `d` (undefined: the prefix is gone). */
export function exportPrefix(env: ExportEnv, ps: PeerState, afi: Afi, prefix: PrefixKey, d: Dest | undefined, emit: OutEmit): void {
  if (ps.info.addPathSend !== false) { exportPaths(env, ps, afi, prefix, d, emit); return; }
  let out: Attrs | null = null;
  const best = d === undefined ? -1 : bestOf(d);
  if (best >= 0) {
    const meta = metaAt(d!, best);
    const r = exportFor(env, ps, env.infos[metaPeer(meta)]!, attrsAt(d!, best), afi, prefix);
    if (typeof r !== 'string') out = r;
  }
  const m = ps.adjOut[afi];
  const cur = m.get(prefix) as Attrs | undefined;
  if ((cur ?? null) === out) return;
  if (out !== null) { env.store.retain(out); m.set(prefix, out); } else m.delete(prefix);
  if (cur !== undefined) env.store.release(cur);
  else ps.info.stats.advertised++;
  if (out === null) ps.info.stats.advertised--;
  emit(ps.info, afi, prefix, 0, out);
}

function exportPaths(env: ExportEnv, ps: PeerState, afi: Afi, prefix: PrefixKey, d: Dest | undefined, emit: OutEmit): void {
  // Desired: [sourceId, attrs] pairs.
  const want: (number | Attrs)[] = [];
  const best = d === undefined ? -1 : bestOf(d);
  if (best >= 0) {
    const slots = ps.info.addPathSend === 'ecmp' ? (multiOf(d!) ?? [best]) : env.eligibleSlots(d!);
    for (const s of slots) {
      const meta = metaAt(d!, s);
      const r = exportFor(env, ps, env.infos[metaPeer(meta)]!, attrsAt(d!, s), afi, prefix);
      if (typeof r !== 'string') want.push(metaId(meta), r);
    }
  }
  const m = ps.adjOut[afi];
  const cur = m.get(prefix) as OutPaths | undefined;
  const old = cur?.items ?? [];
  const next: (number | Attrs)[] = [];
  const used = new Set<number>();
  for (let i = 0; i < old.length; i += 3) used.add(old[i + 1] as number);
  for (let w = 0; w < want.length; w += 2) {
    const id = want[w] as number, a = want[w + 1] as Attrs;
    let found = -1;
    for (let i = 0; i < old.length; i += 3) if (old[i] === id) { found = i; break; }
    let tx: number;
    if (found >= 0) {
      tx = old[found + 1] as number;
      if (old[found + 2] !== a) emit(ps.info, afi, prefix, tx, a);
    } else {
      tx = 1;
      while (used.has(tx)) tx++;
      used.add(tx);
      emit(ps.info, afi, prefix, tx, a);
      ps.info.stats.advertised++;
    }
    env.store.retain(a);
    next.push(id, tx, a);
  }
  for (let i = 0; i < old.length; i += 3) {
    const id = old[i] as number;
    let kept = false;
    for (let w = 0; w < want.length; w += 2) if (want[w] === id) { kept = true; break; }
    if (!kept) { emit(ps.info, afi, prefix, old[i + 1] as number, null); ps.info.stats.advertised--; }
    env.store.release(old[i + 2] as Attrs);
  }
  if (next.length === 0) m.delete(prefix);
  else if (cur !== undefined) cur.items = next;
  else { const p = new OutPaths(); p.items = next; m.set(prefix, p); }
}

/** Re-announce everything the neighbor holds (it asked for a route refresh, RFC 2918). */
export function resendAll(ps: PeerState, afi: Afi, emit: OutEmit): void {
  for (const [prefix, v] of ps.adjOut[afi]) {
    if (v instanceof OutPaths) {
      for (let i = 0; i < v.items.length; i += 3) emit(ps.info, afi, prefix, v.items[i + 1] as number, v.items[i + 2] as Attrs);
    } else emit(ps.info, afi, prefix, 0, v);
  }
}
