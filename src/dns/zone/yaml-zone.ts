// A zone written in YAML, for people who generate zones from other tools. Each record's `data` is the RR's
// presentation form exactly as in a master file (RFC 1035 §5), so both formats share one RDATA parser; TXT also
// accepts plain text (one string, split into 255-octet character-strings). Strict: unknown keys are errors.
//
//   origin: example.com.
//   ttl: 3600
//   records:
//     - { name: '@', type: SOA, data: 'ns1 hostmaster 2024010101 7200 3600 1209600 300' }
//     - { name: www, type: A, data: 192.0.2.10, ttl: 300 }
import { LineCounter, parseDocument, isMap, isSeq, type Node as YamlNode } from 'yaml';
import { TYPE, classFromName, CLASS, typeFromName } from '../wire/constants.js';
import { type Name, parseName } from '../wire/name.js';
import type { ZoneRecord, ZoneSyntaxError } from './master.js';
import { parseRdata, parseTtl } from './rdata.js';
import { type Token, tokenize } from './tokenizer.js';

export interface YamlZoneResult {
  origin?: Name;
  records: ZoneRecord[];
  errors: ZoneSyntaxError[];
}

const TOP_KEYS = new Set(['origin', 'ttl', 'records']);
const RECORD_KEYS = new Set(['name', 'type', 'ttl', 'class', 'data']);

export function parseYamlZone(text: string, file: string, originHint?: Name): YamlZoneResult {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const errors: ZoneSyntaxError[] = [];
  const records: ZoneRecord[] = [];
  const lineOf = (n: unknown): number => {
    const r = (n as YamlNode | undefined)?.range;
    return r ? lc.linePos(r[0]).line : 0;
  };
  for (const e of doc.errors) errors.push({ file, line: e.linePos?.[0]?.line ?? 0, reason: e.message.split('\n')[0]! });
  if (errors.length > 0) return { records, errors };
  const root = doc.contents;
  if (!isMap(root)) return { records, errors: [{ file, line: 1, reason: 'a YAML zone is a mapping with origin, ttl, records' }] };
  for (const pair of root.items) {
    const k = String((pair.key as { value?: unknown })?.value ?? pair.key);
    if (!TOP_KEYS.has(k)) errors.push({ file, line: lineOf(pair.key), reason: `${k}: unknown key (expected origin, ttl, records)` });
  }
  const js = root.toJSON() as Record<string, unknown>;
  let origin = originHint;
  if (js.origin !== undefined) {
    const r = typeof js.origin === 'string' ? parseName(js.origin.endsWith('.') ? js.origin : js.origin + '.') :
      { ok: false as const, reason: 'must be a domain name' };
    if (!r.ok) errors.push({ file, line: lineOf(root.get('origin', true)), reason: `origin: ${r.reason}` });
    else origin = r.name;
  }
  if (origin === undefined) errors.push({ file, line: 1, reason: 'origin: missing (the zone name, e.g. example.com.)' });
  let defaultTtl: number | undefined;
  if (js.ttl !== undefined) {
    defaultTtl = parseTtl(String(js.ttl));
    if (defaultTtl === undefined) errors.push({ file, line: lineOf(root.get('ttl', true)), reason: 'ttl: not a TTL 0..2147483647' });
  }
  const seq = root.get('records', true);
  if (!isSeq(seq)) {
    errors.push({ file, line: lineOf(seq) || 1, reason: 'records: missing or not a list' });
    return { origin, records, errors };
  }
  seq.items.forEach((item, idx) => {
    const at = `records[${idx}]`;
    const line = lineOf(item);
    const bad = (reason: string) => errors.push({ file, line, reason: `${at}: ${reason}` });
    if (!isMap(item)) return bad('not a mapping with name, type, data');
    for (const pair of item.items) {
      const k = String((pair.key as { value?: unknown })?.value ?? pair.key);
      if (!RECORD_KEYS.has(k)) bad(`${k}: unknown key (expected name, type, ttl, class, data)`);
    }
    const r = item.toJSON() as Record<string, unknown>;
    if (typeof r.name !== 'string') return bad('name: missing or not a string');
    const owner = parseName(r.name, origin);
    if (!owner.ok) return bad(`name: ${owner.reason}`);
    const type = typeof r.type === 'string' ? typeFromName(r.type) : undefined;
    if (r.type === undefined || r.type === null) return bad('type: missing (A, AAAA, TXT, …)');
    if (type === undefined) return bad(`type: '${String(r.type)}' is not a record type`);
    const cls = r.class === undefined ? CLASS.IN : classFromName(String(r.class));
    if (cls !== CLASS.IN) return bad(`class: '${String(r.class)}': only IN is served`);
    let ttl = defaultTtl;
    if (r.ttl !== undefined) {
      ttl = parseTtl(String(r.ttl));
      if (ttl === undefined) return bad('ttl: not a TTL 0..2147483647');
    }
    if (ttl === undefined) return bad('ttl: missing (and no zone-wide ttl)');
    if (r.data === undefined || r.data === null || typeof r.data === 'object') return bad('data: missing or not text');
    const data = String(r.data);
    let toks: Token[];
    if (type === TYPE.TXT && !data.trimStart().startsWith('"')) {
      // Plain text: one logical string, UTF-8 on the wire, split into 255-octet character-strings.
      const bytes = Buffer.from(data, 'utf8').toString('latin1');
      toks = [];
      for (let i = 0; i < bytes.length || i === 0; i += 255) {
        toks.push({ text: bytes.slice(i, i + 255).replace(/\\/g, '\\\\'), quoted: true, line });
      }
    } else {
      const lex = tokenize(Buffer.from(data, 'utf8').toString('latin1'));
      if (lex.errors.length > 0) return bad(`data: ${lex.errors[0]!.reason}`);
      toks = lex.entries.flatMap((e) => e.tokens);
    }
    const rd = parseRdata(type, toks, origin);
    if (!rd.ok) return bad(`data: ${rd.reason}`);
    records.push({ owner: owner.name, type, class: cls, ttl, rdata: rd.rdata, file, line });
  });
  return { origin, records, errors };
}
