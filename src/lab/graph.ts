// The topology as a picture, without deploying it (pure): Mermaid (renders in GitHub and most Markdown
// viewers) and Graphviz DOT (rendered to SVG/PNG by `dot` where graphviz is installed). ASes are clusters;
// transit links are arrows from provider to customer, peering links are dashed, links inside an AS plain;
// sites and clients hang off their routers. Also the AS relationships in CAIDA's serial-1 format and the
// sites as a simulator deployment, so the simulator can predict the same world (`anycast sim … --graph`).

import type { LabModel } from './model.js';
import { roleOf } from './policy.js';

const mid = (s: string) => s.replace(/[^A-Za-z0-9_]/g, '_');
const q = (s: string) => `"${s.replace(/"/g, '\\"')}"`;

function label(m: LabModel, node: string): string {
  const n = m.nodes.find((x) => x.name === node)!;
  return n.city && n.kind !== 'router' ? `${n.name}\n${n.city}` : n.name;
}

type Edge = { a: string; b: string; style: 'transit' | 'peer' | 'internal' | 'access'; delay: number };

function edges(m: LabModel): Edge[] {
  return m.links.map((l): Edge => {
    const na = m.nodes.find((x) => x.name === l.a)!;
    const nb = m.nodes.find((x) => x.name === l.b)!;
    if (na.kind === 'client' || nb.kind === 'client') return { a: l.b, b: l.a, style: 'access', delay: l.delayMs };
    const role = roleOf(m.topology, na.asn!, nb.asn!);
    if (!role) return { a: l.a, b: l.b, style: 'internal', delay: l.delayMs };
    if (role === 'peer') return { a: l.a, b: l.b, style: 'peer', delay: l.delayMs };
    // Arrows point from provider to customer.
    return role === 'customer' ? { a: l.a, b: l.b, style: 'transit', delay: l.delayMs } : { a: l.b, b: l.a, style: 'transit', delay: l.delayMs };
  });
}

export function toMermaid(m: LabModel): string {
  const out = ['flowchart TB'];
  for (const a of m.topology.ases) {
    out.push(`  subgraph AS${a.asn}["AS${a.asn}${a.name ? ` ${a.name}` : ''}"]`);
    for (const r of a.routers) out.push(`    ${mid(r)}["${r}"]`);
    out.push('  end');
  }
  for (const s of m.topology.sites) out.push(`  ${mid(s.name)}{{"${s.name} (site, AS${s.asn})${s.city ? `<br/>${s.city}` : ''}"}}`);
  for (const c of m.topology.clients) out.push(`  ${mid(c.name)}(["${c.name}${c.attacker ? ' (attacker)' : ''}"])`);
  for (const e of edges(m)) {
    const d = e.delay ? `|${e.delay}ms|` : '';
    if (e.style === 'peer') out.push(`  ${mid(e.a)} -.-${d} ${mid(e.b)}`);
    else if (e.style === 'transit') out.push(`  ${mid(e.a)} -->${d} ${mid(e.b)}`);
    else out.push(`  ${mid(e.a)} ---${d} ${mid(e.b)}`);
  }
  out.push('  classDef site fill:#fde2b3,stroke:#c77d00', '  classDef client fill:#dbeafe,stroke:#2563eb');
  if (m.topology.sites.length) out.push(`  class ${m.topology.sites.map((s) => mid(s.name)).join(',')} site`);
  if (m.topology.clients.length) out.push(`  class ${m.topology.clients.map((c) => mid(c.name)).join(',')} client`);
  return out.join('\n') + '\n';
}

export function toDot(m: LabModel): string {
  const out = [`graph ${q(m.name)} {`, '  graph [rankdir=TB, fontname="Helvetica", splines=true, overlap=false];',
    '  node [fontname="Helvetica", fontsize=10, shape=box, style="rounded"];', '  edge [fontname="Helvetica", fontsize=8];'];
  for (const a of m.topology.ases) {
    out.push(`  subgraph ${q(`cluster_${a.asn}`)} {`, `    label=${q(`AS${a.asn}${a.name ? ` ${a.name}` : ''}`)}; style="rounded,dashed"; color="#888888";`);
    for (const r of a.routers) out.push(`    ${q(r)};`);
    out.push('  }');
  }
  for (const s of m.topology.sites) out.push(`  ${q(s.name)} [label=${q(`${label(m, s.name)}\nsite AS${s.asn}`)}, shape=hexagon, style=filled, fillcolor="#fde2b3"];`);
  for (const c of m.topology.clients) out.push(`  ${q(c.name)} [label=${q(label(m, c.name))}, shape=ellipse, style=filled, fillcolor="${c.attacker ? '#fecaca' : '#dbeafe'}"];`);
  for (const e of edges(m)) {
    const attrs = [`label=${q(e.delay ? `${e.delay}ms` : '')}`];
    if (e.style === 'peer') attrs.push('style=dashed', 'color="#2563eb"');
    if (e.style === 'transit') attrs.push('dir=forward', 'arrowhead=normal');
    if (e.style === 'access') attrs.push('color="#999999"');
    out.push(`  ${q(e.a)} -- ${q(e.b)} [${attrs.join(', ')}];`);
  }
  out.push('}');
  return out.join('\n') + '\n';
}

/** The AS relationships in CAIDA's serial-1 format (`provider|customer|-1`, `peer|peer|0`). */
export function toAsRel(m: LabModel): string {
  const lines = [`# AS relationships of lab topology ${m.name} (CAIDA serial-1)`];
  for (const r of m.topology.relationships) lines.push(r.kind === 'peer' ? `${r.a}|${r.b}|0` : `${r.provider}|${r.customer}|-1`);
  return lines.join('\n') + '\n';
}

/** The lab's sites as a simulator deployment (YAML), each site with its upstream ASes. */
export function toSimDeployment(m: LabModel): string {
  const lines = [`# Sites of lab topology ${m.name}, as a deployment for \`anycast sim\` (with --graph the as-rel output)`, `name: ${m.name}`, 'sites:'];
  for (const s of m.topology.sites) {
    const ups = [...new Set(s.upstreams.map((u) => m.topology.routers.find((r) => r.name === u)!.asn))];
    lines.push(`  - id: ${s.name}`, `    origin: ${s.asn}`);
    if (s.coords) lines.push(`    location: {lat: ${s.coords.lat}, lon: ${s.coords.lon}}`);
    lines.push(`    neighbors: [${ups.map((a) => `{asn: ${a}, relationship: ${roleOf(m.topology, s.asn, a) ?? 'provider'}}`).join(', ')}]`);
  }
  return lines.join('\n') + '\n';
}
