// Taking a lab down from its recorded state alone: every registry file in the lab's directory is cleaned (the
// ones holding only processes first, the one holding the namespaces last), then the directory is removed. No
// topology file is needed and the processes that built the lab may be dead (a crash, a kill -9).

import { rmSync } from 'node:fs';
import { cleanup, type CleanupReport } from '../../../netns/registry.js';
import { labDir, labRegistries, updateLab } from '../../state.js';
import { since } from '../../util.js';

export interface DownReport {
  name: string;
  killed: number;
  namespacesDeleted: number;
  errors: string[];
  ms: number;
}

/** Tears down a recorded lab from its state alone (no topology file; the processes that built it may be dead). */
export function labDown(name: string): DownReport {
  const t0 = performance.now();
  const reports: CleanupReport[] = [];
  try {
    updateLab(name, (s) => {
      s.status = 'stopping';
    });
  } catch {
    /* unreadable state: the registries alone are enough */
  }
  for (const f of labRegistries(name)) {
    try {
      reports.push(cleanup(f));
    } catch (e) {
      reports.push({ stateFile: f, killed: [], skipped: [], strays: [], namespacesDeleted: [], dirsRemoved: [], errors: [(e as Error).message] });
    }
  }
  const errors = reports.flatMap((r) => r.errors);
  if (errors.length === 0) rmSync(labDir(name), { recursive: true, force: true });
  return {
    name,
    killed: reports.reduce((n, r) => n + r.killed.length + r.strays.length, 0),
    namespacesDeleted: reports.reduce((n, r) => n + r.namespacesDeleted.length, 0),
    errors,
    ms: since(t0),
  };
}
