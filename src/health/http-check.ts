// HTTP(S) check: a GET (or HEAD) whose status must be in the expected set and whose body, optionally, must match a
// regular expression. TLS verification can be turned off for self-signed service certificates (the check then
// still proves the TLS handshake and the response). Only the first 64 KiB of the body are read and matched.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { Probe, ProbeResult } from './types.js';

export interface HttpCheckSpec {
  url: string;
  method: 'GET' | 'HEAD';
  /** Accepted statuses: exact codes and classes ("2xx" is given as {min: 200, max: 299}). */
  expectStatus: Array<{ min: number; max: number }>;
  body?: RegExp;
  tlsVerify: boolean;
  /** Sent as Host (and as TLS SNI for https) instead of the URL's host. */
  host?: string;
  headers?: Record<string, string>;
}

const BODY_LIMIT = 64 * 1024;

export function httpProbe(spec: HttpCheckSpec): Probe {
  const url = new URL(spec.url);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return ({ signal }) => new Promise<ProbeResult>((resolve) => {
    let settled = false;
    const done = (r: ProbeResult) => {
      if (!settled) {
        settled = true;
        resolve(r);
      }
    };
    const headers: Record<string, string> = { 'user-agent': 'anycast-agent-healthcheck', ...spec.headers };
    if (spec.host !== undefined) headers.host = spec.host;
    const req = request(url, {
      method: spec.method,
      headers,
      signal,
      agent: false,
      rejectUnauthorized: spec.tlsVerify,
      // SNI carries host names only (RFC 6066 §3): none for an address literal.
      servername: spec.host ?? (isIP(url.hostname.replace(/^\[|\]$/g, '')) ? undefined : url.hostname),
    }, (res) => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < BODY_LIMIT) {
          chunks.push(c);
          size += c.length;
        }
        if (size >= BODY_LIMIT) res.destroy();
      });
      const finish = () => {
        const statusOk = spec.expectStatus.some((r) => status >= r.min && status <= r.max);
        if (!statusOk) return done({ ok: false, detail: `HTTP ${status} (unexpected status)` });
        if (spec.body !== undefined) {
          const text = Buffer.concat(chunks).subarray(0, BODY_LIMIT).toString('utf8');
          if (!spec.body.test(text)) return done({ ok: false, detail: `HTTP ${status}, body does not match ${spec.body}` });
        }
        done({ ok: true, detail: `HTTP ${status}` });
      };
      res.on('end', finish);
      res.on('close', finish);
      res.on('error', (e) => done({ ok: false, detail: `HTTP ${status}, body: ${e.message}` }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (signal.aborted) done({ ok: false, detail: 'request timed out' });
      else done({ ok: false, detail: e.code ? `${e.code}: ${e.message}` : e.message });
    });
    req.end();
  });
}
