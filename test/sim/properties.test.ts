// Properties of the engine on random Gao-Rexford graphs (fast-check): it agrees with the textbook reference
// simulator (bench/sim/reference.ts, a different algorithm) in both tie-break modes; every route is loop-free and
// valley-free; the result does not depend on the order of the input links; without NO_EXPORT, exactly the ASes
// with a valley-free path to a site get a catchment.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { referenceSimulate } from '../../bench/sim/reference.js';
import { className } from '../../src/sim/announce.js';
import { forEachSite } from '../../src/sim/catchment.js';
import type { SiteSpec } from '../../src/sim/deployment.js';
import { indexOfAsn } from '../../src/sim/graph.js';
import { propagate } from '../../src/sim/propagate.js';
import { BgpSim } from '../../src/sim/converge/bgp.js';
import { rng } from '../../src/util/rng.js';
import { checkRoute, run, valleyFreeReachable, type Link } from './helpers.js';

interface Case { links: Link[]; sites: SiteSpec[] }

/** A random graph whose provider-customer links follow a random ranking (no cycles), plus random peer links. */
/** Spreads fast-check's numbers (which lean to small values) over the whole range before taking them modulo. */
const mix = (x: number, salt: number) => (Math.imul((x ^ salt) + 0x9e3779b9, 2654435761) ^ (x >>> 7)) >>> 0;

const arbCase = (opts: { noExport: boolean }) => fc.record({
  n: fc.nat(1_000_000),
  asnBase: fc.integer({ min: 1, max: 400000 }),
  asnPerm: fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 28, maxLength: 28 }),
  pc: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 80, size: 'max' }),
  pp: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 30, size: 'max' }),
  siteSpecs: fc.array(fc.record({
    at: fc.nat(1_000_000), prepend: fc.integer({ min: 0, max: 2 }), noExport: fc.boolean(), subset: fc.boolean(),
  }), { minLength: 1, maxLength: 4, size: 'max' }),
}).map(({ n: nRaw, asnBase, asnPerm, pc, pp, siteSpecs }): Case => {
  const n = 3 + (mix(nRaw, 9) % 26);
  // Distinct ASNs in a random order: the rank (index) decides who may be whose provider.
  const asns = [...new Set(asnPerm.slice(0, n).map((x, i) => asnBase + (mix(x, i) % 100_000) * 29 + i))];
  const m = asns.length;
  const links: Link[] = [];
  for (const [x, y] of pc) {
    const a = mix(x, 1) % m; const b = mix(y, 2) % m;
    if (a < b) links.push([asns[a]!, asns[b]!, -1]);
  }
  for (const [x, y] of pp) {
    const a = mix(x, 3) % m; const b = mix(y, 4) % m;
    if (a !== b) links.push([asns[a]!, asns[b]!, 0]);
  }
  if (links.length === 0) links.push([asns[0]!, asns[1 % m]!, -1]);
  // One relationship per pair (a file that gives two is resolved by "first given wins", which is order-dependent
  // by definition and tested in graph.test.ts).
  const seen = new Set<string>();
  const unique = links.filter(([a, b]) => {
    const k = a < b ? `${a}-${b}` : `${b}-${a}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  links.length = 0;
  links.push(...unique);
  const inGraph = [...new Set(links.flatMap(([a, b]) => [a, b]))];
  const sites: SiteSpec[] = siteSpecs.map((s, i) => {
    const origin = inGraph[mix(s.at, 5 + i) % inGraph.length]!;
    const spec: SiteSpec = { id: `s${i}`, origin, prepend: s.prepend, noExport: opts.noExport && s.noExport };
    if (s.subset) {
      const nb = links.filter(([a, b]) => a === origin || b === origin).map(([a, b]) => (a === origin ? b : a));
      if (nb.length > 0) spec.neighbors = [{ asn: nb[0]! }];
    }
    return spec;
  });
  return { links, sites };
});

function engineView(cs: Case, mode: 'lowest-asn' | 'all') {
  const x = run(cs.links, cs.sites, mode);
  const out = new Map<number, string>();
  for (let i = 0; i < x.g.n; i++) {
    if (x.r.site[i]! < 0) continue;
    let d = '';
    if (mode === 'all') {
      const parts: string[] = [];
      forEachSite(x.r, i, (s, p) => parts.push(`${s}:${p.toFixed(9)}`));
      d = ' ' + parts.sort().join(',');
    } else d = ` ${x.r.site[i]}`;
    out.set(x.g.asn[i]!, `${className[x.r.cls[i]!]} ${x.r.len[i]}${d}`);
  }
  return { x, out };
}

function referenceView(cs: Case, mode: 'lowest-asn' | 'all') {
  const ref = referenceSimulate(cs.links, cs.sites, mode);
  const out = new Map<number, string>();
  for (const [a, r] of ref.best) {
    let d = '';
    if (mode === 'all') {
      d = ' ' + [...ref.dist!.get(a)!].map(([s, p]) => `${s}:${p.toFixed(9)}`).sort().join(',');
    } else d = ` ${r.site}`;
    out.set(a, `${r.cls} ${r.cls === 'origin' ? 0 : r.path.length}${d}`);
  }
  return out;
}

for (const mode of ['lowest-asn', 'all'] as const) {
  test(`engine agrees with the reference simulator on random graphs (${mode})`, () => {
    fc.assert(fc.property(arbCase({ noExport: true }), (cs) => {
      const { out } = engineView(cs, mode);
      assert.deepEqual(new Map([...out].sort()), new Map([...referenceView(cs, mode)].sort()));
    }), { numRuns: 300 });
  });
}

test('every route is loop-free, valley-free and of the recorded length', () => {
  fc.assert(fc.property(arbCase({ noExport: true }), (cs) => {
    for (const mode of ['lowest-asn', 'all'] as const) {
      const x = run(cs.links, cs.sites, mode);
      for (let v = 0; v < x.g.n; v++) assert.equal(checkRoute(x.g, x.c, x.r, v, mode === 'lowest-asn'), '', `AS${x.g.asn[v]}`);
    }
  }), { numRuns: 300 });
});

test('the result does not depend on the order of the input links', () => {
  fc.assert(fc.property(arbCase({ noExport: true }), fc.integer(), (cs, seed) => {
    // Shuffle (deterministically from the seed) and turn peer links around.
    let s = seed >>> 0;
    const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const shuffled = cs.links.map((l) => (l[2] === 0 && rnd() < 0.5 ? [l[1], l[0], 0] as Link : l));
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    for (const mode of ['lowest-asn', 'all'] as const) {
      assert.deepEqual(engineView({ ...cs, links: shuffled }, mode).out, engineView(cs, mode).out);
    }
  }), { numRuns: 200 });
});

test('without NO_EXPORT, exactly the ASes with a valley-free path to a site get a catchment', () => {
  fc.assert(fc.property(arbCase({ noExport: false }), (cs) => {
    const x = run(cs.links, cs.sites);
    const reach = valleyFreeReachable(x.g, x.c);
    for (let v = 0; v < x.g.n; v++) assert.equal(x.r.site[v]! >= 0, reach[v] === 1, `AS${x.g.asn[v]}`);
  }), { numRuns: 300 });
});

test('the reference and the engine agree on a hand-made case with a NO_EXPORT tie', () => {
  const links: Link[] = [[70, 71, -1], [70, 72, -1], [70, 73, -1]];
  const sites: SiteSpec[] = [{ id: 'L', origin: 71, prepend: 0, noExport: true }, { id: 'G', origin: 72, prepend: 0, noExport: false }];
  const ref = referenceSimulate(links, sites, 'all');
  assert.deepEqual([...ref.dist!.get(73)!], [[1, 1]]);
  const x = run(links, sites, 'all');
  assert.equal(x.r.site[indexOfAsn(x.g, 73)], 1);
});

test('reusing a Scratch gives the same routes as fresh arrays', async () => {
  const { propagate } = await import('../../src/sim/propagate.js');
  const { Scratch } = await import('../../src/sim/scratch.js');
  const sc = new Scratch();
  fc.assert(fc.property(arbCase({ noExport: true }), fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), (cs, mask) => {
    const x = run(cs.links, cs.sites);
    const enabled = Uint8Array.from(cs.sites.map((_, i) => (mask[i] ? 1 : 0)));
    for (const mode of ['lowest-asn', 'all'] as const) {
      for (const e of [undefined, enabled, undefined]) {
        const fresh = propagate(x.g, x.c.ann, mode, e);
        const reused = propagate(x.g, x.c.ann, mode, e, sc);
        assert.deepEqual([...reused.site], [...fresh.site]);
        assert.deepEqual([...reused.len], [...fresh.len]);
        assert.deepEqual([...reused.cls], [...fresh.cls]);
        assert.deepEqual([...reused.order.subarray(0, reused.reached)], [...fresh.order.subarray(0, fresh.reached)]);
        assert.equal(reused.uncertain, fresh.uncertain);
        for (let v = 0; v < x.g.n; v++) {
          const a: string[] = [];
          const b: string[] = [];
          forEachSite(fresh, v, (s, p) => a.push(`${s}:${p}`));
          forEachSite(reused, v, (s, p) => b.push(`${s}:${p}`));
          assert.deepEqual(b, a);
        }
      }
    }
  }), { numRuns: 200 });
});

test('event-driven BGP ends where the static engine does, whatever the timing (announce, then withdraw)', () => {
  let withTies = 0;
  fc.assert(fc.property(arbCase({ noExport: true }), fc.integer({ min: 1, max: 2 ** 30 }), fc.boolean(), (cs, seed, wrate) => {
    const x = run(cs.links, cs.sites);
    if (propagate(x.g, x.c.ann, 'all').uncertain > 0) withTies++;
    const r = rng(seed);
    const delays = new Map<string, number>();
    const sim = new BgpSim(x.g, x.c.ann, {
      mraiMs: 1000 + Math.floor(r() * 30_000), jitterMin: 0.75, wrate, procMinMs: 0.1, procMaxMs: 1 + r() * 50,
      linkDelayMs: (a, b) => { const k = a < b ? `${a}-${b}` : `${b}-${a}`; if (!delays.has(k)) delays.set(k, 1 + r() * 100); return delays.get(k)!; },
    }, rng(seed + 1));
    const sites = cs.sites.map((_, i) => i);
    const check = () => {
      const st = propagate(x.g, x.c.ann, 'lowest-asn', sim.enabled);
      for (let v = 0; v < x.g.n; v++) {
        const has = sim.bestSlot[v] !== -1;
        assert.equal(has, st.cls[v] !== 0, `AS${x.g.asn[v]} route`);
        if (has) assert.deepEqual([sim.bestSite[v], sim.bestCls[v], sim.bestLen[v]], [st.site[v], st.cls[v], st.len[v]], `AS${x.g.asn[v]}`);
      }
    };
    // Sites come up one by one at random moments (mid-convergence), then the first one withdraws.
    for (const i of sites) { sim.setSite(i, true); sim.run(sim.now + r() * 5000); }
    sim.run();
    check();
    sim.setSite(0, false);
    sim.run();
    check();
  }), { numRuns: 300 });
  // The tie-break must have been exercised: ASes with equally good routes to different sites.
  assert.ok(withTies >= 30, `only ${withTies} of 300 cases had ties`);
});
