// One unit of sweep work, the same in a worker or inline: propagate with a subset of sites enabled and measure.
import { NONE } from './announce.js';
import type { AsGeo } from './asinfo.js';
import { evaluate, forEachSite, type Evaluation } from './catchment.js';
import type { Compiled } from './compile.js';
import type { AsGraph } from './graph.js';
import { propagate, type TieMode } from './propagate.js';
import { Scratch } from './scratch.js';

export interface SweepContext {
  g: AsGraph;
  geo: AsGeo;
  c: Compiled;
  mode: TieMode;
  weight?: Float64Array;
  /** Site per AS before the change (-1 none), for tasks that report where a catchment went. */
  baseline?: Int32Array;
}

export interface Task {
  enabled: Uint8Array;
  /** Also report where the ASes of this site's catchment in the context's baseline went: by site, and lost. */
  movedFrom?: number;
}

export interface TaskResult extends Evaluation {
  /** ASes of `movedFrom`'s baseline catchment, now per site (weighted by AS weight), and those left without a route. */
  moved?: Float64Array;
  lostWeight?: number;
  lostAses?: number;
}

/** One per thread: tasks run one at a time and consume their routes before the next. */
const scratch = new Scratch();

export function runTask(ctx: SweepContext, t: Task): TaskResult {
  const r = propagate(ctx.g, ctx.c.ann, ctx.mode, t.enabled, scratch);
  const e = evaluate(ctx.g, ctx.geo, ctx.c, r, ctx.weight, scratch);
  const out: TaskResult = { ...e };
  const baseline = ctx.baseline;
  if (baseline !== undefined && t.movedFrom !== undefined) {
    const moved = new Float64Array(ctx.c.sites.length);
    let lostWeight = 0;
    let lostAses = 0;
    for (let v = 0; v < ctx.g.n; v++) {
      if (baseline[v] !== t.movedFrom) continue;
      const w = ctx.weight === undefined ? 1 : ctx.weight[v]!;
      if (r.cls[v] === NONE) { lostWeight += w; lostAses++; continue; }
      forEachSite(r, v, (s, p) => { moved[s]! += p * w; });
    }
    Object.assign(out, { moved, lostWeight, lostAses });
  }
  return out;
}
