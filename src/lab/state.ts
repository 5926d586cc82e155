// The lab's recorded state: one directory per running lab under the state directory
// (`$ANYCAST_STATE_DIR/labs/NAME`, default /tmp/anycast-state/labs/NAME) holding lab.json (the resolved model,
// the runtime, what is up or failed, timings) and the resource registries of every process that started
// something in the lab (src/netns registry files: namespaces, PIDs, directories). lab.json is written before
// anything is created, so `lab down NAME` works after a crash of any lab process, without the topology file.

import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultStateDir, readState, type StateFile } from '../netns/registry.js';
import { readIdentity } from '../netns/proc.js';
import { AnycastError } from '../util/errors.js';
import type { LabModel } from './model.js';

export type Announcer = 'lab' | 'agent';

export interface SiteState {
  /** Whether the site's prefixes are announced (by its speaker). */
  announced: boolean;
  /** Whether the site's service process runs. */
  service: 'up' | 'failed';
  /** Withdrawn because its service failed (the lab as announcer re-announces it on restore). */
  heldByFailure?: boolean;
}

export interface LabState {
  version: 1;
  name: string;
  prefix: string;
  runtime: 'netns';
  created: string;
  owner: { pid: number; startTime: number };
  status: 'starting' | 'up' | 'failed' | 'stopping';
  topologyFile: string;
  model: LabModel;
  /** Who withdraws a failed site's prefixes: the lab itself (until the agent runs at sites) or the agent. */
  announcer: Announcer;
  netem: boolean;
  notes: string[];
  /** Per node: its private directory (configs, sockets, logs). */
  dirs: Record<string, string>;
  sites: Record<string, SiteState>;
  /** Link index → state, for links set down by `lab link`. */
  linksDown: number[];
  nodesStopped: string[];
  /** How our speakers run: in one router host process (src/lab/host), or a process each (absent: process). */
  routers?: 'host' | 'process';
  timings?: Record<string, number>;
  error?: string;
}

export class LabNotFoundError extends AnycastError {
  constructor(name: string | undefined, running: string[]) {
    super('ERR_LAB_NOT_FOUND', name
      ? `no lab named "${name}" is recorded${running.length ? ` (recorded: ${running.join(', ')})` : ''}`
      : running.length === 0 ? 'no lab is recorded (start one with `anycast lab up FILE`)'
        : `several labs are recorded (${running.join(', ')}): name one`);
  }
}

export class LabExistsError extends AnycastError {
  constructor(name: string, dir: string) {
    super('ERR_LAB_EXISTS', `a lab named "${name}" is already recorded in ${dir}: run \`anycast lab down ${name}\` first, or give --name`);
  }
}

export const labsDir = (): string => join(defaultStateDir(), 'labs');
export const labDir = (name: string): string => join(labsDir(), name);
export const labFile = (name: string): string => join(labDir(name), 'lab.json');

export function listLabs(): string[] {
  const d = labsDir();
  if (!existsSync(d)) return [];
  return readdirSync(d).filter((n) => existsSync(join(d, n))).sort();
}

/** The lab to act on: the named one, or the only one recorded. */
export function resolveLabName(name?: string): string {
  const labs = listLabs();
  if (name !== undefined) {
    if (!labs.includes(name)) throw new LabNotFoundError(name, labs);
    return name;
  }
  if (labs.length !== 1) throw new LabNotFoundError(undefined, labs);
  return labs[0]!;
}

export function readLab(name: string): LabState {
  const f = labFile(name);
  try {
    return JSON.parse(readFileSync(f, 'utf8')) as LabState;
  } catch (e) {
    throw new AnycastError('ERR_STATE_FILE', `${f}: cannot read the lab's state: ${(e as Error).message}`);
  }
}

export function writeLab(st: LabState): void {
  const f = labFile(st.name);
  mkdirSync(labDir(st.name), { recursive: true });
  const tmp = `${f}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(st) + '\n', { mode: 0o600 });
  renameSync(tmp, f);
}

/** Read-modify-write of lab.json. */
export function updateLab(name: string, edit: (st: LabState) => void): LabState {
  const st = readLab(name);
  edit(st);
  writeLab(st);
  return st;
}

/** Registry state files in the lab's directory, the one with the namespaces last (cleaned after the others). */
export function labRegistries(name: string): string[] {
  const d = labDir(name);
  if (!existsSync(d)) return [];
  const files = readdirSync(d).filter((f) => f.startsWith('registry-') && f.endsWith('.json')).map((f) => join(d, f));
  const nsCount = (f: string) => {
    try {
      return readState(f).namespaces.length;
    } catch {
      return 0;
    }
  };
  return files.sort((a, b) => nsCount(a) - nsCount(b) || a.localeCompare(b));
}

/** A new registry file name for a process that is about to start things in the lab. */
export function registryPath(name: string, label: string): string {
  return join(labDir(name), `registry-${label}-${process.pid}-${Date.now().toString(36)}.json`);
}

export interface RecordedProcess {
  pid: number;
  name?: string;
  ns?: string;
  alive: boolean;
  registry: string;
}

/** Every process recorded by any registry of the lab, with whether it still runs (same start time). */
export function recordedProcesses(name: string): RecordedProcess[] {
  const out: RecordedProcess[] = [];
  for (const f of labRegistries(name)) {
    let st: StateFile;
    try {
      st = readState(f);
    } catch {
      continue;
    }
    for (const p of st.processes) {
      const id = readIdentity(p.pid);
      out.push({ pid: p.pid, name: p.name, ns: p.ns, alive: !!id && id.startTime === p.startTime, registry: f });
    }
  }
  return out;
}

/** Whether the process that owns lab.json's creation is still alive (a crashed `up` leaves status 'starting'). */
export function ownerAlive(st: LabState): boolean {
  const id = readIdentity(st.owner.pid);
  return !!id && id.startTime === st.owner.startTime;
}
