// `anycast lab generate --routers N`: a generated topology as YAML on stdout (validated before it is printed), or as
// JSON with --json (the same document; `lab check`/`lab up` read either, JSON being YAML).

import { stringify } from 'yaml';
import { UsageError } from '../../util/errors.js';
import { generateTopology } from '../generate.js';
import { topologyFromObject } from '../topology/parse.js';
import { DEFAULTS, ROUTER_IMPLS, type RouterImpl } from '../topology/types.js';
import { intArg, parse, write } from './common.js';

export async function generate(argv: string[]): Promise<number> {
  const a = parse(argv, { routers: { type: 'string', short: 'n' }, seed: { type: 'string' }, implementation: { type: 'string' }, sites: { type: 'string' }, name: { type: 'string' } },
    'usage: anycast lab generate --routers N [--seed S] [--implementation anycast|bird|frr|gobgp|openbgpd] [--sites K] [--name NAME] [--json]');
  if (!a) return 0;
  const impl = (a.values.implementation ?? DEFAULTS.implementation) as RouterImpl;
  if (!ROUTER_IMPLS.includes(impl)) throw new UsageError(`--implementation must be one of ${ROUTER_IMPLS.join(', ')}`);
  const obj = generateTopology({
    routers: intArg(a.values.routers, 'routers', 20, 4, 2000), seed: intArg(a.values.seed, 'seed', 1, 0, 2 ** 31), implementation: impl,
    sites: intArg(a.values.sites, 'sites', 3, 1, 100), ...(a.values.name ? { name: a.values.name } : {}),
  });
  topologyFromObject(obj, 'generated');
  write(a.values.json ? JSON.stringify(obj, null, 2) : stringify(obj));
  return 0;
}
