// Units in the agent's configuration: durations ("500ms", "2s", "1m30s", "1h") and BGP communities
// (RFC 1997 "asn:value", RFC 8092 large "global:local1:local2"). A bare number is not a duration: "interval: 2"
// could mean seconds or milliseconds, and guessing wrong by 1000x is how checks hammer a service.

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds, or an error message. */
export function parseDuration(v: unknown): number | string {
  if (typeof v !== 'string') {
    return typeof v === 'number'
      ? `a duration needs a unit: "${v}ms" or "${v}s"`
      : 'expected a duration such as "500ms", "2s", "1m"';
  }
  const s = v.trim();
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(s)) return `"${v}" is not a duration (use e.g. "500ms", "2s", "1m30s", "1h")`;
  let total = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(m[1]) * UNIT_MS[m[2]!]!;
  if (!Number.isFinite(total) || total > 2 ** 31 - 1) return `"${v}" is too long`;
  return Math.round(total);
}

/** Render milliseconds back the way an operator writes them. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms % 100 === 0 ? 1 : 3).replace(/\.?0+$/, '')}s`;
  return `${ms}ms`;
}

const WELL_KNOWN: Record<string, string> = {
  'graceful-shutdown': '65535:0', // RFC 8326
  'blackhole': '65535:666', // RFC 7999
  'no-export': '65535:65281', // RFC 1997
  'no-advertise': '65535:65282',
  'no-export-subconfed': '65535:65283',
  'no-peer': '65535:65284', // RFC 3765
};

/** A standard community in canonical "a:b" form, or an error message. Well-known names are accepted. */
export function parseCommunity(v: unknown): string | { error: string } {
  const s = String(v).trim().toLowerCase();
  if (WELL_KNOWN[s] !== undefined) return WELL_KNOWN[s]!;
  const m = /^(\d+):(\d+)$/.exec(s);
  if (!m || Number(m[1]) > 65535 || Number(m[2]) > 65535) {
    return { error: `"${v}" is not a community (expected asn:value with both parts 0..65535, or a well-known name ` +
      `such as graceful-shutdown)` };
  }
  return `${Number(m[1])}:${Number(m[2])}`;
}

/** A large community "global:local1:local2" (each part 0..4294967295), or an error message. */
export function parseLargeCommunity(v: unknown): string | { error: string } {
  const m = /^(\d+):(\d+):(\d+)$/.exec(String(v).trim());
  if (!m || [m[1], m[2], m[3]].some((p) => Number(p) > 4294967295)) {
    return { error: `"${v}" is not a large community (expected global:local1:local2, each 0..4294967295)` };
  }
  return `${Number(m[1])}:${Number(m[2])}:${Number(m[3])}`;
}

/** "host:port" or "[v6]:port" or ":port" → parts, or an error message. */
export function parseListen(v: unknown, defaultHost: string): { host: string; port: number } | { error: string } {
  const s = String(v);
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]*)):(\d{1,5})$/.exec(s);
  if (!m || Number(m[3]) > 65535) return { error: `"${s}" is not host:port (e.g. 127.0.0.1:9180 or [::1]:9180)` };
  return { host: m[1] ?? (m[2] === '' || m[2] === undefined ? defaultHost : m[2]), port: Number(m[3]) };
}
