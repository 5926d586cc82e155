// Link delay, loss and rate with the netem qdisc (tc-netem(8)), where the kernel has it: the configured one-way
// delay is applied on the egress of both ends of a link, so a round trip over it costs twice the delay.
// Where netem is absent (detected once by src/netns capabilities), nothing is applied and the lab reports
// modeled latency (the sum of link delays along the path packets took) beside the measured RTT.

import type { LabModel } from '../../model.js';

/** Per namespace: `tc -batch` lines (empty when every link is ideal). */
export function netemPlan(m: LabModel): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const byName = new Map(m.nodes.map((n) => [n.name, n]));
  for (const l of m.links) {
    if (l.delayMs === 0 && l.lossPct === 0 && l.rateMbit === undefined) continue;
    const params = [
      l.delayMs > 0 ? `delay ${l.delayMs}ms` : '',
      l.lossPct > 0 ? `loss ${l.lossPct}%` : '',
      l.rateMbit !== undefined ? `rate ${Math.round(l.rateMbit * 1000)}kbit` : '',
    ].filter(Boolean).join(' ');
    for (const [node, dev] of [[l.a, l.b], [l.b, l.a]] as const) {
      const ns = byName.get(node)!.ns;
      out.set(ns, [...(out.get(ns) ?? []), `qdisc replace dev ${dev} root netem ${params}`]);
    }
  }
  return out;
}
