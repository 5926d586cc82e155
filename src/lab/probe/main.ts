// The prober: a short-lived process the lab starts inside a client's namespace, running one job (argv[2], JSON,
// see jobs.ts) and writing its results as JSON lines on stdout (the lab reads them from the log file). UDP
// probes share one socket per target and are matched by DNS ID, so a probe every 10 ms costs one datagram, not
// one socket. A stream job can carry many clients (jobs.ts StreamClient): then one prober makes each client's
// sockets in that client's namespace and writes each client's lines to its file, one process for the whole lab
// instead of one per client. SIGTERM ends a job early (results so far are kept); every job also ends by itself.

import dgram from 'node:dgram';
import http from 'node:http';
import net from 'node:net';
import { openSync, writeSync } from 'node:fs';
import { udpSocketIn } from '../../netns/sockets.js';
import { identityOf, identityQuery } from './dnswire.js';
import { LIMITS, type ProbeJob, type ProbeLine, type ProbeTargetSpec } from './jobs.js';

const job = JSON.parse(process.argv[2] ?? '{}') as ProbeJob;
const now = (): number => performance.timeOrigin + performance.now();
const out = (l: ProbeLine) => process.stdout.write(JSON.stringify(l) + '\n');
const round = (x: number) => Math.round(x * 100) / 100;
let stopping = false;
const finishers: Array<() => void> = [];

function finish(): void {
  if (stopping) return;
  stopping = true;
  for (const f of finishers) f();
  out({ k: 'end', t: now() });
  // Let stdout drain to the log file, then go.
  setTimeout(() => process.exit(0), 50);
}
process.on('SIGTERM', finish);
process.on('SIGINT', finish);

interface Pending { t: number; i: number; resolve?: (r: { site: string | null; rtt: number | null }) => void }

/** One UDP socket per target; queries matched to replies by ID. */
class UdpProber {
  private readonly sock: dgram.Socket;
  private readonly pending = new Map<number, Pending>();
  private nextId = Math.floor(Math.random() * 65536);
  onReply?: (p: Pending, site: string | null, rtt: number) => void;
  constructor(readonly target: ProbeTargetSpec, readonly index: number, sock?: dgram.Socket) {
    this.sock = sock ?? dgram.createSocket(target.address.includes(':') ? 'udp6' : 'udp4');
    this.sock.on('message', (msg) => {
      const r = identityOf(msg);
      if (!r) return;
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      const rtt = now() - p.t;
      p.resolve?.({ site: r.site, rtt });
      this.onReply?.(p, r.site, rtt);
    });
    this.sock.on('error', () => undefined); // unreachable destinations show up as timeouts
  }
  send(p: Omit<Pending, 't'>): void {
    // Skip IDs still in flight (a 16-bit ID space wraps after 65536 probes).
    for (let n = 0; n < 65536 && this.pending.has(this.nextId); n++) this.nextId = (this.nextId + 1) & 0xffff;
    const id = this.nextId;
    this.nextId = (this.nextId + 1) & 0xffff;
    const e: Pending = { ...p, t: now() };
    this.pending.set(id, e);
    this.sock.send(identityQuery(id), 53, this.target.address);
  }
  /** Drops (and returns) probes older than `ms`. */
  expire(ms: number): Pending[] {
    const limit = now() - ms;
    const gone: Pending[] = [];
    for (const [id, p] of this.pending) {
      if (p.t < limit) {
        this.pending.delete(id);
        gone.push(p);
      }
    }
    return gone;
  }
  close(): void {
    this.sock.close();
  }
}

function httpProbe(address: string, timeoutMs: number): Promise<{ site: string | null; rttMs: number | null; error?: string }> {
  const t0 = now();
  return new Promise((resolve) => {
    const req = http.get({ host: address, port: 80, path: '/', timeout: timeoutMs, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => {
        try {
          resolve({ site: (JSON.parse(body) as { site: string }).site, rttMs: round(now() - t0) });
        } catch {
          resolve({ site: null, rttMs: null, error: `bad body (HTTP ${res.statusCode})` });
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ site: null, rttMs: null, error: e.code ?? e.message }));
  });
}

async function runOnce(j: Extract<ProbeJob, { kind: 'once' }>): Promise<void> {
  await Promise.all(j.targets.map(async (t, i) => {
    const p = new UdpProber(t, i);
    let dns: { site: string | null; rttMs: number | null; error?: string } = { site: null, rttMs: null, error: 'timeout' };
    // The first answer warms the path (ARP/ND, the process's own start); the RTT is the best of the next three.
    let answered = 0;
    for (let a = 0; a < Math.max(1, j.attempts) + 3 && !stopping && answered < 4; a++) {
      const r = await new Promise<{ site: string | null; rtt: number | null }>((resolve) => {
        p.send({ i, resolve });
        setTimeout(() => resolve({ site: null, rtt: null }), j.timeoutMs);
      });
      if (r.rtt === null) continue;
      answered++;
      if (answered === 1) dns = { site: r.site, rttMs: round(r.rtt) };
      else if (dns.rttMs === null || r.rtt < dns.rttMs) dns = { site: dns.site, rttMs: round(r.rtt) };
    }
    p.close();
    const line: ProbeLine = { k: 'once', i, dns };
    if (j.http) line.http = await httpProbe(t.address, j.timeoutMs * 2);
    out(line);
  }));
}

/** One client's lines in its own file, written in batches (every 100 ms and at the end), not line by line. */
class FileSink {
  private readonly fd: number;
  private buf = '';
  constructor(path: string) {
    this.fd = openSync(path, 'a');
  }
  write(l: ProbeLine): void {
    this.buf += JSON.stringify(l) + '\n';
  }
  flush(): void {
    if (this.buf) writeSync(this.fd, this.buf);
    this.buf = '';
  }
}

function runStream(j: Extract<ProbeJob, { kind: 'stream' }>): Promise<void> {
  // Per client (one here, or the job's clients), a prober per target and where its lines go.
  const sources = j.clients === undefined
    ? [{ write: out, probers: j.targets.map((t, i) => new UdpProber(t, i)) }]
    : j.clients.map((c) => {
      const sink = new FileSink(c.log);
      const flush = setInterval(() => sink.flush(), 100);
      finishers.push(() => {
        clearInterval(flush);
        sink.write({ k: 'end', t: now() });
        sink.flush();
      });
      const probers = j.targets.map((t, i) => new UdpProber(t, i, udpSocketIn(c.ns, t.address.includes(':') ? 6 : 4)));
      return { write: (l: ProbeLine) => sink.write(l), probers };
    });
  for (const src of sources) {
    for (const p of src.probers) p.onReply = (pe, site, rtt) => src.write({ k: 's', i: pe.i, t: round(pe.t), s: site, r: round(rtt) });
  }
  return new Promise((resolve) => {
    const interval = Math.max(LIMITS.minIntervalMs, j.intervalMs);
    const tick = setInterval(() => {
      for (const src of sources) for (const p of src.probers) if (!stopping) p.send({ i: p.index });
      // Expiry waits for the replies already received: after a pause of this prober (a starved CPU), the timer
      // runs before the socket is read, and answers that came in time would be counted as lost.
      setImmediate(() => {
        for (const src of sources) {
          for (const p of src.probers) {
            for (const gone of p.expire(j.timeoutMs)) src.write({ k: 's', i: gone.i, t: round(gone.t), s: null, r: null });
          }
        }
      });
    }, interval);
    const end = () => {
      clearInterval(tick);
      for (const src of sources) for (const p of src.probers) p.close();
      resolve();
    };
    finishers.unshift(end);
    setTimeout(finish, Math.min(j.durationMs, LIMITS.maxDurationMs));
  });
}

function runTcp(j: Extract<ProbeJob, { kind: 'tcp' }>): Promise<void> {
  return new Promise((resolve) => {
    const timers: NodeJS.Timeout[] = [];
    const sockets: net.Socket[] = [];
    let conn = 0;
    const open = (t: ProbeTargetSpec, i: number) => {
      if (stopping) return;
      const c = conn++;
      const s = net.connect({ host: t.address, port: 53 });
      sockets.push(s);
      s.setNoDelay(true);
      const sent = new Map<number, number>();
      let id = 0;
      let buf = Buffer.alloc(0);
      let tick: NodeJS.Timeout | undefined;
      s.on('connect', () => {
        out({ k: 'to', i, c, t: round(now()) });
        tick = setInterval(() => {
          const q = identityQuery(id);
          sent.set(id, now());
          id = (id + 1) & 0xffff;
          const len = Buffer.alloc(2);
          len.writeUInt16BE(q.length);
          s.write(Buffer.concat([len, q]));
        }, Math.max(LIMITS.minIntervalMs, j.intervalMs));
        timers.push(tick);
      });
      s.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
          buf = buf.subarray(2 + msg.length);
          const r = identityOf(Buffer.from(msg));
          const t0 = r ? sent.get(r.id) : undefined;
          if (r && t0 !== undefined) {
            sent.delete(r.id);
            out({ k: 'tr', i, c, t: round(t0), s: r.site ?? '', r: round(now() - t0) });
          }
        }
      });
      const ended = (e: string) => {
        if (tick) clearInterval(tick);
        if (stopping) return;
        out({ k: 'te', i, c, t: round(now()), e });
        timers.push(setTimeout(() => open(t, i), j.reconnectMs));
      };
      s.on('error', (e: NodeJS.ErrnoException) => ended(e.code ?? e.message));
      s.on('end', () => ended('EOF'));
    };
    j.targets.forEach((t, i) => open(t, i));
    finishers.push(() => {
      for (const t of timers) clearInterval(t);
      for (const s of sockets) s.destroy();
      resolve();
    });
    setTimeout(finish, Math.min(j.durationMs, LIMITS.maxDurationMs));
  });
}

function runFlood(j: Extract<ProbeJob, { kind: 'flood' }>): Promise<void> {
  const rate = Math.min(j.ratePerSec, LIMITS.maxRatePerSec);
  const duration = Math.min(j.durationMs, LIMITS.maxDurationMs);
  const stats = j.targets.map(() => ({ sent: 0, answered: 0, bySite: {} as Record<string, number> }));
  const probers = j.targets.map((t, i) => {
    const p = new UdpProber(t, i);
    p.onReply = (_pe, site) => {
      stats[i]!.answered++;
      const k = site ?? '?';
      stats[i]!.bySite[k] = (stats[i]!.bySite[k] ?? 0) + 1;
    };
    return p;
  });
  const t0 = now();
  return new Promise((resolve) => {
    let owed = 0;
    let lastTick = now();
    const tick = setInterval(() => {
      const tt = now();
      owed += ((tt - lastTick) / 1000) * rate;
      lastTick = tt;
      for (; owed >= 1 && !stopping; owed--) {
        probers.forEach((p, i) => {
          p.send({ i });
          stats[i]!.sent++;
        });
      }
      for (const p of probers) p.expire(1000);
    }, 10);
    finishers.push(() => {
      clearInterval(tick);
      for (const p of probers) p.close();
      stats.forEach((s, i) => out({ k: 'flood', i, sent: s.sent, answered: s.answered, bySite: s.bySite, durationMs: round(now() - t0) }));
      resolve();
    });
    // Replies still in flight get half a second after the last query.
    setTimeout(() => {
      clearInterval(tick);
      setTimeout(finish, 500);
    }, duration);
  });
}

switch (job.kind) {
  case 'once':
    await runOnce(job);
    finish();
    break;
  case 'stream':
    await runStream(job);
    break;
  case 'tcp':
    await runTcp(job);
    break;
  case 'flood':
    await runFlood(job);
    break;
  default:
    process.stderr.write(`unknown probe job ${JSON.stringify(job)}\n`);
    process.exit(2);
}
