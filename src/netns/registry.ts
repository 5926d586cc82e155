// The resource registry: everything the harness creates (namespaces, processes, temporary directories) is
// recorded in a JSON state file, written BEFORE the resource is created (a process is recorded right after its
// spawn returns its PID; a process caught in between still dies with its namespace). Another process can then
// clean up after a crash with cleanup(stateFile): recorded PIDs are killed only if /proc still shows the same
// start time and program (never a recycled PID), anything still inside a recorded namespace is killed (a
// namespace we created holds only our processes), the namespaces are deleted, the directories removed.
// On the normal path, exit/SIGINT/SIGTERM hooks run the same cleanup synchronously.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ResourceExistsError, StateFileError } from './errors.js';
import { isSameProcess, readIdentity, signal, waitGoneSync } from './proc.js';

export interface ProcessRecord {
  pid: number;
  startTime: number;
  /** The program's argv as started (without the `ip netns exec NS` prefix). */
  argv: string[];
  ns?: string;
  name?: string;
}

export interface StateFile {
  version: 1;
  label: string;
  created: string;
  owner: { pid: number; startTime: number; argv: string[] };
  namespaces: string[];
  processes: ProcessRecord[];
  dirs: string[];
}

export interface CleanupReport {
  stateFile: string;
  killed: number[];
  /** Recorded PIDs not killed because they are gone or now belong to another program. */
  skipped: { pid: number; reason: string }[];
  /** PIDs found inside our namespaces that were not recorded (killed too). */
  strays: number[];
  namespacesDeleted: string[];
  dirsRemoved: string[];
  errors: string[];
}

export const defaultStateDir = (): string => process.env.ANYCAST_STATE_DIR ?? join(tmpdir(), 'anycast-state');

export function namespaceExists(name: string): boolean {
  return existsSync(`/run/netns/${name}`);
}

function writeState(file: string, st: StateFile): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(st, null, 1) + '\n', { mode: 0o600 });
  renameSync(tmp, file); // atomic: a crash leaves the old or the new state, never half a file
}

export function readState(file: string): StateFile {
  let st: StateFile;
  try {
    st = JSON.parse(readFileSync(file, 'utf8')) as StateFile;
  } catch (e) {
    throw new StateFileError(file, `cannot read: ${(e as Error).message}`);
  }
  if (st?.version !== 1 || !Array.isArray(st.namespaces) || !Array.isArray(st.processes) || !Array.isArray(st.dirs)) {
    throw new StateFileError(file, 'not an anycast resource state file');
  }
  return st;
}

const live = new Set<ResourceRegistry>();
let hooksInstalled = false;
function installProcessHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const r of [...live]) r.cleanup();
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      for (const r of [...live]) r.cleanup();
      process.exit(128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const)[sig]);
    });
  }
}

export interface RegistryOptions {
  /** Where to record; default `<state dir>/<label>-<pid>.json`. Refused if it exists already. */
  stateFile?: string;
  label?: string;
  /** Clean up on process exit, SIGINT, SIGTERM and SIGHUP (default true). */
  exitHooks?: boolean;
}

export class ResourceRegistry {
  readonly stateFile: string;
  private st: StateFile;
  private closed = false;

  constructor(opts: RegistryOptions = {}) {
    const label = opts.label ?? 'anycast';
    this.stateFile = opts.stateFile ?? join(defaultStateDir(), `${label}-${process.pid}-${Date.now().toString(36)}.json`);
    if (existsSync(this.stateFile)) {
      throw new ResourceExistsError('state file', this.stateFile, 'another run owns it; run cleanup on it first');
    }
    const me = readIdentity(process.pid);
    this.st = {
      version: 1,
      label,
      created: new Date().toISOString(),
      owner: { pid: process.pid, startTime: me?.startTime ?? 0, argv: me?.cmdline ?? [] },
      namespaces: [],
      processes: [],
      dirs: [],
    };
    writeState(this.stateFile, this.st);
    if (opts.exitHooks ?? true) {
      installProcessHooks();
      live.add(this);
    }
  }

  get state(): Readonly<StateFile> {
    return this.st;
  }

  /** Checks the names are free, then records them. Call before creating the namespaces. */
  addNamespaces(names: readonly string[]): void {
    for (const n of names) {
      if (namespaceExists(n) || this.st.namespaces.includes(n)) {
        throw new ResourceExistsError('namespace', n, 'pick another name or prefix (is an earlier run still up?)');
      }
    }
    this.st.namespaces.push(...names);
    this.save();
  }

  /** Records a started process (reads its start time from /proc now). */
  addProcess(pid: number, argv: readonly string[], extra: { ns?: string; name?: string } = {}): ProcessRecord {
    const id = readIdentity(pid);
    const rec: ProcessRecord = { pid, startTime: id?.startTime ?? 0, argv: [...argv], ...extra };
    this.st.processes.push(rec);
    this.save();
    return rec;
  }

  removeProcess(pid: number): void {
    this.st.processes = this.st.processes.filter((p) => p.pid !== pid);
    this.save();
  }

  /** Records a directory to remove at cleanup. Call before creating it. */
  addDir(path: string): void {
    if (!this.st.dirs.includes(path)) this.st.dirs.push(path);
    this.save();
  }

  /** Forget a namespace that was deleted on purpose. */
  removeNamespace(name: string): void {
    this.st.namespaces = this.st.namespaces.filter((n) => n !== name);
    this.save();
  }

  /** Stops tracking without cleaning up (e.g. `lab up` leaves the lab running; `lab down` cleans from the file). */
  detach(): void {
    live.delete(this);
    this.closed = true;
  }

  /** Kills, deletes and removes everything recorded, then deletes the state file. Idempotent. */
  cleanup(): CleanupReport {
    live.delete(this);
    if (this.closed) return emptyReport(this.stateFile);
    this.closed = true;
    return cleanup(this.stateFile);
  }

  private save(): void {
    if (this.closed) return;
    writeState(this.stateFile, this.st);
  }
}

function emptyReport(stateFile: string): CleanupReport {
  return { stateFile, killed: [], skipped: [], strays: [], namespacesDeleted: [], dirsRemoved: [], errors: [] };
}

function pidsInNamespace(ns: string): number[] {
  const r = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8', timeout: 5000 });
  if (r.status !== 0) return [];
  return r.stdout.split(/\s+/).filter(Boolean).map(Number).filter((n) => n > 0 && n !== process.pid);
}

/**
 * Cleans up everything recorded in `stateFile` (from any process: the one that created it, or another one after
 * a crash). Synchronous so that it can run from an exit hook. A missing state file is an empty cleanup.
 */
export function cleanup(stateFile: string): CleanupReport {
  const rep = emptyReport(stateFile);
  if (!existsSync(stateFile)) return rep;
  const st = readState(stateFile);
  // 1. Recorded processes, each verified; SIGTERM all first (SIGCONT so a frozen one can act), then wait.
  const ours: number[] = [];
  for (const p of st.processes) {
    if (p.pid === process.pid) continue;
    if (!isSameProcess(p)) {
      rep.skipped.push({ pid: p.pid, reason: readIdentity(p.pid) ? 'PID now belongs to another process' : 'already gone' });
      continue;
    }
    signal(p.pid, 'SIGTERM');
    signal(p.pid, 'SIGCONT');
    ours.push(p.pid);
  }
  const until = Date.now() + 1500;
  for (const pid of ours) {
    if (!waitGoneSync(pid, Math.max(0, until - Date.now()))) signal(pid, 'SIGKILL');
  }
  for (const pid of ours) {
    waitGoneSync(pid, 2000);
    rep.killed.push(pid);
  }
  // 2. Whatever still runs inside our namespaces (children, processes caught between spawn and record).
  const existing = st.namespaces.filter(namespaceExists);
  for (const ns of existing) {
    for (const pid of pidsInNamespace(ns)) {
      if (signal(pid, 'SIGKILL')) rep.strays.push(pid);
      signal(pid, 'SIGCONT');
    }
  }
  for (const pid of rep.strays) waitGoneSync(pid, 2000);
  // 3. Namespaces, in one batch (deleting a namespace also deletes the veths inside it).
  if (existing.length > 0) {
    const r = spawnSync('ip', ['-force', '-batch', '-'], {
      input: existing.map((n) => `netns del ${n}`).join('\n') + '\n', encoding: 'utf8', timeout: 30_000,
    });
    if (r.status !== 0 && r.stderr) rep.errors.push(r.stderr.trim());
  }
  for (const ns of existing) {
    if (namespaceExists(ns)) rep.errors.push(`namespace ${ns} still exists`);
    else rep.namespacesDeleted.push(ns);
  }
  // 4. Directories.
  for (const d of st.dirs) {
    try {
      if (existsSync(d)) {
        rmSync(d, { recursive: true, force: true });
        rep.dirsRemoved.push(d);
      }
    } catch (e) {
      rep.errors.push(`${d}: ${(e as Error).message}`);
    }
  }
  if (rep.errors.length === 0) rmSync(stateFile, { force: true });
  return rep;
}

/** State files in `dir` whose owner process is gone (a crashed run), ready for cleanup(). */
export function orphanStateFiles(dir = defaultStateDir()): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.json')) continue;
    const file = join(dir, f);
    try {
      const st = readState(file);
      const alive = readIdentity(st.owner.pid);
      if (!alive || alive.startTime !== st.owner.startTime) out.push(file);
    } catch {
      /* not ours or half-written by someone else: leave it */
    }
  }
  return out;
}

/** Creates a fresh directory under the system temp dir, recorded in the registry before it is made. */
export function makeTempDir(registry: ResourceRegistry, label: string): string {
  const dir = join(tmpdir(), `anycast-${label}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  registry.addDir(dir);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  return dir;
}
