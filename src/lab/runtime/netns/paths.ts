// The path packets actually take, read from the kernels: starting at the source node, ask each namespace's
// FIB where it would forward the packet (`ip route get DST from SRC iif IF`, the forwarding decision itself,
// ECMP hash included), move to the node at the far end of the chosen interface (interfaces are named after
// the peer node), until the destination is local somewhere. Level by level, with one `ip -batch` per
// namespace per level, so a catchment of many clients costs a few process starts per hop, not per probe.

import { runCommand } from '../../../netns/run.js';
import type { LabModel } from '../../model.js';
import type { PathQuery, PathResult } from '../types.js';

const MAX_HOPS = 64;

interface Walk {
  q: PathQuery;
  node: string;
  iif?: string;
  hops: string[];
  delayMs: number;
  done?: PathResult;
}

interface RouteGet { type?: string; dst: string; from?: string; iif?: string; dev?: string; gateway?: string }

export async function walkPaths(m: LabModel, queries: PathQuery[]): Promise<PathResult[]> {
  const byName = new Map(m.nodes.map((n) => [n.name, n]));
  const linkDelay = (a: string, b: string) => m.links.find((l) => (l.a === a && l.b === b) || (l.a === b && l.b === a))?.delayMs ?? 0;
  const walks: Walk[] = queries.map((q) => ({ q, node: q.from, hops: [q.from], delayMs: 0 }));
  for (let level = 0; level < MAX_HOPS; level++) {
    const active = walks.filter((w) => !w.done);
    if (active.length === 0) break;
    const byNode = new Map<string, Walk[]>();
    for (const w of active) byNode.set(w.node, [...(byNode.get(w.node) ?? []), w]);
    await Promise.all([...byNode].map(async ([node, ws]) => {
      const ns = byName.get(node)?.ns;
      if (!ns) {
        for (const w of ws) w.done = { ...result(w), error: `unknown node ${node}` };
        return;
      }
      const lines = ws.map((w) => `route get ${w.q.dst} from ${w.q.src}${w.iif ? ` iif ${w.iif}` : ''}`);
      const r = await runCommand(['ip', '-j', '-force', '-n', ns, '-batch', '-'], { input: lines.join('\n') + '\n', allowFailure: true, timeoutMs: 15_000 });
      const answers: RouteGet[] = [];
      for (const l of r.stdout.split('\n')) {
        if (!l.startsWith('[')) continue;
        try {
          answers.push(...(JSON.parse(l) as RouteGet[]));
        } catch {
          /* not JSON: ignore */
        }
      }
      for (const w of ws) {
        const a = answers.find((x) => x.dst === w.q.dst && (x.iif ?? undefined) === w.iif && (!x.from || x.from === w.q.src))
          ?? answers.find((x) => x.dst === w.q.dst && (x.iif ?? undefined) === w.iif);
        if (!a) {
          w.done = { ...result(w), error: `no route at ${node}` };
          continue;
        }
        if (a.type === 'local' || a.dev === 'lo') {
          w.done = { ...result(w), reached: node };
          continue;
        }
        if (a.type && a.type !== 'unicast') {
          w.done = { ...result(w), error: `${a.type} at ${node}` };
          continue;
        }
        const next = a.dev && byName.has(a.dev) ? a.dev : undefined;
        if (!next) {
          w.done = { ...result(w), error: `${node} forwards out of ${a.dev ?? '?'}, which leads nowhere in the lab` };
          continue;
        }
        w.delayMs += linkDelay(node, next);
        w.iif = node;
        w.node = next;
        if (w.hops.includes(next)) {
          w.hops.push(next);
          w.done = { ...result(w), error: `forwarding loop at ${next}` };
          continue;
        }
        w.hops.push(next);
      }
    }));
  }
  return walks.map((w) => w.done ?? { ...result(w), error: `more than ${MAX_HOPS} hops` });
}

function result(w: Walk): PathResult {
  return { query: w.q, hops: [...w.hops], reached: null, delayMs: Math.round(w.delayMs * 100) / 100, method: 'fib' };
}
