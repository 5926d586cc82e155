// The in-process runtime (`--runtime inproc`, no root needed): the same topology in one process — every router
// and site runs this project's BGP speaker over the session layer's in-memory transport (MemoryNetwork), each
// installing its best routes into a FIB of the data plane (dataplane.ts), which forwards probes hop by hop by
// FIB lookups to the sites' DNS responders (the responder engine, no sockets). Experiments run unchanged
// against the LabRuntime interface and every report says IN-PROCESS.
//
// What exists in this build: the data plane (FIBs, hop-by-hop forwarding, link state). What it waits for: the
// speaker (sessions + RIB + policy behind one object) — the control plane below. Until then opening an
// in-process lab fails with a clear message instead of pretending.

import { MissingCapabilityError } from '../../../util/errors.js';
import { buildModel, type LabModel } from '../../model.js';
import type { Topology } from '../../topology/types.js';
import type { LabRuntime } from '../types.js';
import { DataPlane } from './dataplane.js';

/**
 * What the in-process runtime needs from the speaker, per lab node with a speaker: started over an in-memory
 * transport with the node's RouterSpec (the same neutral spec the daemons get), a FIB to install into, and
 * run-time announce/withdraw of originated routes.
 */
export interface InprocControlPlane {
  /** Starts a speaker per router and site; their sessions run over one in-memory network. */
  start(model: LabModel, dataplane: DataPlane): Promise<void>;
  announce(node: string, prefixes: string[]): Promise<void>;
  withdraw(node: string, prefixes: string[]): Promise<void>;
  /** Closes (or reopens) the sessions carried by a link. */
  setLink(index: number, up: boolean): void;
  stop(): Promise<void>;
}

export const INPROC_UNAVAILABLE = 'the in-process runtime runs this project\'s BGP speaker over in-memory transports, and the speaker ' +
  'daemon is not in this build yet; run the lab in network namespaces instead (as root: anycast lab up FILE, or anycast demo)';

/** The control plane from the project's speaker; not available in this build. */
export function createControlPlane(): InprocControlPlane {
  throw new MissingCapabilityError('the in-process runtime', INPROC_UNAVAILABLE);
}

export async function openInprocLab(t: Topology): Promise<LabRuntime> {
  const model = buildModel(t);
  const dataplane = new DataPlane(model);
  const control = createControlPlane();
  await control.start(model, dataplane);
  throw new MissingCapabilityError('the in-process runtime', INPROC_UNAVAILABLE);
}
