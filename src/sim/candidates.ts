// Candidate sites for add-site / optimize when none are given: the N best-connected ASes of the graph (most
// customers, then degree, then lowest ASN), each a site located at its country's centroid. When the deployment
// has an operator ASN (as the root letters do), a candidate is that ASN announced to the candidate host as its
// customer, like the existing sites; otherwise the candidate AS originates the prefix itself.
import type { AsInfo } from './asinfo.js';
import type { Deployment, SiteSpec } from './deployment.js';
import { customerCount, degree, type AsGraph } from './graph.js';

export function topCandidates(g: AsGraph, info: AsInfo, count: number, base?: Deployment): SiteSpec[] {
  const idx = Array.from({ length: g.n }, (_, i) => i)
    .filter((i) => base?.operatorAsn === undefined || g.asn[i] !== base.operatorAsn)
    .sort((a, b) => customerCount(g, b) - customerCount(g, a) || degree(g, b) - degree(g, a) || g.asn[a]! - g.asn[b]!)
    .slice(0, count);
  return idx.map((i) => {
    const asn = g.asn[i]!;
    const cc = info.country.get(asn);
    const s: SiteSpec = base?.operatorAsn !== undefined
      ? { id: `cand-as${asn}`, origin: base.operatorAsn, prepend: 0, noExport: false, neighbors: [{ asn, relationship: 'provider' }] }
      : { id: `cand-as${asn}`, origin: asn, prepend: 0, noExport: false };
    if (cc !== undefined) s.country = cc;
    s.town = info.name.get(asn) ?? '';
    return s;
  });
}
