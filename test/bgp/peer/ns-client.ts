// The test side of ns-speaker.ts: starts our session layer in a namespace (recorded in the registry so that
// cleanup kills it by PID), sends commands, and waits for events.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ResourceRegistry } from '../../../src/netns/index.js';
import type { PeerConfigInput } from '../../../src/bgp/peer/index.js';

export type SpeakerEvent = { ev: string; name?: string; [k: string]: unknown };

export class NsSpeaker {
  readonly events: SpeakerEvent[] = [];
  private waiters: { pred: (e: SpeakerEvent) => boolean; resolve: (e: SpeakerEvent) => void }[] = [];
  private nextId = 1;
  private constructor(private readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let e: SpeakerEvent;
      try { e = JSON.parse(line) as SpeakerEvent; } catch { return; }
      this.events.push(e);
      this.waiters = this.waiters.filter((w) => { if (w.pred(e)) { w.resolve(e); return false; } return true; });
    });
  }

  static async start(ns: string, registry: ResourceRegistry): Promise<NsSpeaker> {
    const script = fileURLToPath(new URL('./ns-speaker.js', import.meta.url));
    const argv = [process.execPath, script];
    const child = spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: ['pipe', 'pipe', 'inherit'] });
    registry.addProcess(child.pid!, argv, { ns, name: 'anycast-speaker' });
    const s = new NsSpeaker(child);
    await s.waitFor((e) => e.ev === 'ready', 10_000, 'speaker ready');
    return s;
  }

  get pid(): number {
    return this.child.pid!;
  }

  async request(cmd: Record<string, unknown>): Promise<unknown> {
    const id = this.nextId++;
    const p = this.waitFor((e) => e.ev === 'reply' && e.id === id, 10_000, `reply to ${String(cmd.cmd)}`);
    this.child.stdin!.write(JSON.stringify({ ...cmd, id }) + '\n');
    const r = await p;
    if (r.error !== undefined) throw new Error(String(r.error));
    return r.result;
  }

  peer(config: PeerConfigInput): Promise<unknown> {
    return this.request({ cmd: 'peer', config });
  }

  /** Resolves with the first event (already seen or future) matching `pred`. */
  waitFor(pred: (e: SpeakerEvent) => boolean, timeoutMs: number, what: string): Promise<SpeakerEvent> {
    const seen = this.events.find(pred);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.pred !== pred);
        const recent = this.events.slice(-8).map((e) => JSON.stringify(e).slice(0, 200)).join('\n  ');
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last events:\n  ${recent}`));
      }, timeoutMs);
      this.waiters.push({ pred, resolve: (e) => { clearTimeout(t); resolve(e); } });
    });
  }

  of(name: string, ev: string): SpeakerEvent[] {
    return this.events.filter((e) => e.name === name && e.ev === ev);
  }

  async exit(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const gone = new Promise((r) => this.child.once('exit', r));
    try { await this.request({ cmd: 'exit' }); } catch { /* already gone */ }
    const t = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await gone;
    clearTimeout(t);
  }
}
