// A client for BIRD's control socket (the protocol birdc speaks), without running birdc. BIRD greets with
// "0001 BIRD x.y ready.", then answers each command with lines "<4-digit code><sep><text>": sep "-" means more
// lines follow, " " ends the reply; a line starting with a space continues the previous code's text. Codes: 0xxx
// done, 1xxx table entries, 2xxx table headings, 8xxx run-time errors, 9xxx parse errors (BIRD's
// doc/reply_codes). One connection per command: BIRD serves many clients, and a fresh connection cannot be
// confused by a previous command's leftovers.
import { connect } from 'node:net';
import type { Clock } from '../../util/clock.js';
import { BackendError } from '../backend.js';

export interface BirdLine {
  code: number;
  text: string;
}

export interface BirdReply {
  /** The final line's code. */
  code: number;
  lines: BirdLine[];
}

export const BIRD_RECONFIGURED = 3;
export const BIRD_RECONFIG_IN_PROGRESS = 4;
export const BIRD_RECONFIG_QUEUED = 5;
export const BIRD_STATUS = 13;

/** Incremental reply parser: feed text, get complete replies. */
export class BirdReplyParser {
  private buf = '';
  private lines: BirdLine[] = [];
  private lastCode = 0;

  feed(text: string): BirdReply[] {
    this.buf += text;
    const out: BirdReply[] = [];
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      const m = /^(\d{4})([ -])(.*)$/.exec(line);
      if (m) {
        this.lastCode = Number(m[1]);
        this.lines.push({ code: this.lastCode, text: m[3]! });
        if (m[2] === ' ') {
          out.push({ code: this.lastCode, lines: this.lines });
          this.lines = [];
        }
      } else if (line.startsWith(' ')) {
        this.lines.push({ code: this.lastCode, text: line.slice(1) });
      } else if (line !== '') {
        this.lines.push({ code: this.lastCode, text: line });
      }
    }
    return out;
  }
}

export function isError(r: BirdReply): boolean {
  return r.code >= 8000;
}

export function replyText(r: BirdReply): string {
  return r.lines.map((l) => l.text).join('\n').trim();
}

/** Run one command on BIRD's control socket. Rejects with BackendError on connection failure or timeout. */
export function birdCommand(socket: string, command: string, timeoutMs: number, clock: Clock): Promise<BirdReply> {
  return new Promise((resolve, reject) => {
    const parser = new BirdReplyParser();
    const conn = connect(socket);
    let greeted = false;
    let settled = false;
    const finish = (err: Error | null, reply?: BirdReply) => {
      if (settled) return;
      settled = true;
      clock.clearTimeout(timer);
      conn.destroy();
      if (err) reject(err);
      else resolve(reply!);
    };
    const timer = clock.setTimeout(
      () => finish(new BackendError(`BIRD control socket ${socket}: no reply to "${command}" within ${timeoutMs} ms`)),
      timeoutMs);
    conn.setEncoding('utf8');
    conn.on('error', (e: NodeJS.ErrnoException) =>
      finish(new BackendError(`BIRD control socket ${socket}: ${e.code ?? ''} ${e.message}`.trim(), { cause: e })));
    conn.on('close', () => finish(new BackendError(`BIRD control socket ${socket} closed before the reply to "${command}"`)));
    conn.on('data', (d: string) => {
      for (const r of parser.feed(d)) {
        if (!greeted) {
          greeted = true;
          if (r.code !== 1) return finish(new BackendError(`BIRD control socket ${socket}: unexpected greeting "${replyText(r)}"`));
          conn.write(`${command}\n`);
        } else {
          return finish(null, r);
        }
      }
    });
  });
}
