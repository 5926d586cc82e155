// A stable hash of the normalized configuration: keys sorted, regular expressions by source, durations already in
// milliseconds. Two sites with the same effective configuration show the same hash in `anycast agent status`,
// whatever the spelling of their files; a site whose hash differs from the fleet's has a different config.
import { createHash } from 'node:crypto';
import type { AgentConfig } from './types.js';

export function canonicalJson(v: unknown): string {
  if (v instanceof RegExp) return JSON.stringify(`/${v.source}/${v.flags}`);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** First 16 hex digits of SHA-256 over the canonical JSON. */
export function configHash(c: AgentConfig): string {
  return createHash('sha256').update(canonicalJson(c)).digest('hex').slice(0, 16);
}
