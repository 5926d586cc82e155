// Site selection for mean estimated latency (the objective of catchment.ts `evaluate`: weighted mean RTT, an AS
// without a route counting NO_ROUTE_MS). Three searches over "which candidates are enabled":
//   greedy     add, one at a time, the candidate that lowers the objective most (each step's gain reported);
//   swap       local search from the greedy set: the best improving swap (one chosen out, one candidate in),
//              repeated until none improves or the evaluation budget is spent — better than greedy when greedy's
//              early choices are regretted later;
//   exhaustive every K-subset, when there are few enough of them for the budget (then the optimum is exact).
// The engine call is abstracted as `evalMany` so that the search runs on worker threads (sweep.ts) or inline.

export interface Step { action: 'add' | 'swap'; site: number; removed?: number; meanRttMs: number; gainMs: number }

export interface SearchResult {
  chosen: number[];
  meanRttMs: number;
  greedy: Step[];
  swaps: Step[];
  greedyMeanRttMs: number;
  evaluations: number;
  method: 'greedy' | 'greedy+swap' | 'exhaustive';
  localOptimum: boolean;
}

export type EvalMany = (sets: number[][]) => Promise<number[]>;

export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

function* combinations(items: number[], k: number): Generator<number[]> {
  const idx = Array.from({ length: k }, (_, i) => i);
  if (k > items.length) return;
  for (;;) {
    yield idx.map((i) => items[i]!);
    let i = k - 1;
    while (i >= 0 && idx[i] === items.length - k + i) i--;
    if (i < 0) return;
    idx[i]!++;
    for (let j = i + 1; j < k; j++) idx[j] = idx[j - 1]! + 1;
  }
}

/**
 * Chooses `k` of `candidates` to add to `fixed` (sites always enabled). `budget` caps the evaluations of the swap
 * search, and exhaustive search runs instead when the number of K-subsets is within it.
 */
export async function selectSites(fixed: number[], candidates: number[], k: number, evalMany: EvalMany,
  opts: { budget?: number; swap?: boolean; exhaustive?: boolean; onStep?: (s: Step) => void } = {}): Promise<SearchResult> {
  const budget = opts.budget ?? 3000;
  let evaluations = 0;
  const ev = async (sets: number[][]) => { evaluations += sets.length; return evalMany(sets.map((s) => [...fixed, ...s])); };
  const baseline = fixed.length > 0 ? (await ev([[]]))[0]! : Infinity;
  // Greedy.
  const chosen: number[] = [];
  const greedy: Step[] = [];
  let current = baseline;
  for (let step = 0; step < k; step++) {
    const rest = candidates.filter((c) => !chosen.includes(c));
    if (rest.length === 0) break;
    const vals = await ev(rest.map((c) => [...chosen, c]));
    let bi = 0;
    for (let i = 1; i < vals.length; i++) if (vals[i]! < vals[bi]! - 1e-9) bi = i;
    chosen.push(rest[bi]!);
    const s: Step = { action: 'add', site: rest[bi]!, meanRttMs: vals[bi]!, gainMs: Number.isFinite(current) ? current - vals[bi]! : NaN };
    greedy.push(s);
    opts.onStep?.(s);
    current = vals[bi]!;
  }
  const greedyMean = current;
  // Exhaustive when affordable.
  const combos = binomial(candidates.length, chosen.length);
  if (opts.exhaustive !== false && combos <= budget && chosen.length > 1 && combos > candidates.length) {
    const all = [...combinations(candidates, chosen.length)];
    const vals = await ev(all);
    let bi = 0;
    for (let i = 1; i < vals.length; i++) if (vals[i]! < vals[bi]! - 1e-9) bi = i;
    return { chosen: vals[bi]! < greedyMean - 1e-9 ? all[bi]! : chosen, meanRttMs: Math.min(vals[bi]!, greedyMean),
      greedy, swaps: [], greedyMeanRttMs: greedyMean, evaluations, method: 'exhaustive', localOptimum: true };
  }
  // Swap local search.
  const swaps: Step[] = [];
  let localOptimum = false;
  if (opts.swap !== false && chosen.length > 0) {
    let spent = 0;
    for (;;) {
      const outside = candidates.filter((c) => !chosen.includes(c));
      const moves: Array<[number, number]> = [];
      for (let i = 0; i < chosen.length; i++) for (const c of outside) moves.push([i, c]);
      if (moves.length === 0) { localOptimum = true; break; }
      if (spent + moves.length > budget) break;
      spent += moves.length;
      const vals = await ev(moves.map(([i, c]) => chosen.map((x, j) => (j === i ? c : x))));
      let bi = 0;
      for (let i = 1; i < vals.length; i++) if (vals[i]! < vals[bi]! - 1e-9) bi = i;
      if (!(vals[bi]! < current - 1e-6)) { localOptimum = true; break; }
      const [i, c] = moves[bi]!;
      const s: Step = { action: 'swap', site: c, removed: chosen[i]!, meanRttMs: vals[bi]!, gainMs: current - vals[bi]! };
      chosen[i] = c;
      current = vals[bi]!;
      swaps.push(s);
      opts.onStep?.(s);
    }
  }
  return { chosen, meanRttMs: current, greedy, swaps, greedyMeanRttMs: greedyMean, evaluations,
    method: swaps.length > 0 || localOptimum ? 'greedy+swap' : 'greedy', localOptimum };
}
