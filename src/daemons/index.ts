// The daemon runners behind one factory: createDaemon('bird' | 'frr' | 'gobgp' | 'openbgpd' | 'exabgp', router,
// context) returns a Daemon (start, stop, freeze/thaw, neighbors, routes, announce, withdraw, waits). The config
// generators are exported too, pure, for the lab's `--dry-run` and for tests.

import type { Daemon, DaemonContext } from './base.js';
import { BirdDaemon } from './bird/runner.js';
import { ExabgpDaemon } from './exabgp/runner.js';
import { FrrDaemon } from './frr/runner.js';
import { GobgpDaemon } from './gobgp/runner.js';
import { OpenbgpdDaemon } from './openbgpd/runner.js';
import type { DaemonKind, RouterSpec } from './types.js';

export * from './types.js';
export * from './errors.js';
export { resolveRouter, announcedPath, grTag, GR_LOCAL_PREF, GR_TAG_CODE, GR_TAG_FUNCTION } from './spec.js';
export type { ResolvedRouter, ResolvedNeighbor } from './spec.js';
export { pollUntil, type Daemon, type DaemonContext } from './base.js';
export { BirdDaemon, FrrDaemon, GobgpDaemon, OpenbgpdDaemon, ExabgpDaemon };
export { birdConfig, birdOriginateConf } from './bird/config.js';
export { frrConfig } from './frr/config.js';
export { gobgpConfig } from './gobgp/config.js';
export { openbgpdConfig } from './openbgpd/config.js';
export { exabgpConfig } from './exabgp/config.js';

export function createDaemon(kind: DaemonKind, spec: RouterSpec, ctx: DaemonContext): Daemon {
  switch (kind) {
    case 'bird':
      return new BirdDaemon(spec, ctx);
    case 'frr':
      return new FrrDaemon(spec, ctx);
    case 'gobgp':
      return new GobgpDaemon(spec, ctx);
    case 'openbgpd':
      return new OpenbgpdDaemon(spec, ctx);
    case 'exabgp':
      return new ExabgpDaemon(spec, ctx);
  }
}
