// Loads a zone from disk: an RFC 1035 master file, or YAML (by extension .yaml/.yml). The only file I/O of the
// zone layer; parsing and checking are pure (master.ts, yaml-zone.ts, zone.ts). Master files are read as latin1 so
// that every octet of a TXT string or a label reaches the wire unchanged.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { AnycastError } from '../../util/errors.js';
import { TYPE } from '../wire/constants.js';
import { type Name, nameToText, parseName } from '../wire/name.js';
import { type ZoneRecord, type ZoneSyntaxError, parseMasterFile } from './master.js';
import { parseYamlZone } from './yaml-zone.js';
import { type Zone, buildZone } from './zone.js';

/** A zone that cannot be loaded; `errors` lists every problem with file and line. */
export class ZoneLoadError extends AnycastError {
  readonly errors: ZoneSyntaxError[];
  constructor(errors: ZoneSyntaxError[]) {
    super('ERR_ZONE', errors.map(formatZoneError).join('\n'));
    this.errors = errors;
  }
}

export function formatZoneError(e: ZoneSyntaxError): string {
  return e.line > 0 ? `${e.file}:${e.line}: ${e.reason}` : `${e.file}: ${e.reason}`;
}

export interface ZoneSpec {
  file: string;
  /** The zone name; optional when the file says it (the SOA owner, or `origin:` in YAML). */
  origin?: string;
  /** Where this zone was asked for (`zones[2] of dns.yaml, line 9`, `--zone`): said by errors that have no line. */
  from?: string;
}

/** An error without a line in the zone file (cannot read, no SOA, a duplicate) also says which config key named it. */
function withFrom(errors: readonly ZoneSyntaxError[], spec: ZoneSpec): ZoneSyntaxError[] {
  if (spec.from === undefined) return [...errors];
  return errors.map((e) => (e.line === 0 && e.file === spec.file ? { ...e, reason: `${e.reason} (${spec.from})` } : e));
}

export interface LoadedZone {
  zone: Zone;
  warnings: ZoneSyntaxError[];
}

/** Parses zone text (for tests and callers that hold the text already). */
export function zoneFromText(text: string, file: string, origin?: string, format?: 'master' | 'yaml'): LoadedZone {
  const fmt = format ?? (/\.ya?ml$/i.test(file) ? 'yaml' : 'master');
  let originName: Name | undefined;
  if (origin !== undefined) {
    const r = parseName(origin.endsWith('.') ? origin : origin + '.');
    if (!r.ok) throw new ZoneLoadError([{ file, line: 0, reason: `origin: ${r.reason}` }]);
    originName = r.name;
  }
  let records: ZoneRecord[];
  let errors: ZoneSyntaxError[];
  if (fmt === 'yaml') {
    const y = parseYamlZone(text, file, originName);
    records = y.records;
    errors = y.errors;
    originName = y.origin ?? originName;
  } else {
    const m = parseMasterFile(text, {
      file, origin: originName,
      include: (path, from) => {
        const p = isAbsolute(path) ? path : resolve(dirname(from), path);
        try {
          return { ok: true, text: readFileSync(p, 'latin1'), file: p };
        } catch (e) {
          return { ok: false, reason: (e as NodeJS.ErrnoException).code ?? String(e) };
        }
      },
    });
    records = m.records;
    errors = m.errors;
    if (originName === undefined) originName = records.find((r) => r.type === TYPE.SOA)?.owner;
  }
  if (errors.length > 0) throw new ZoneLoadError(errors);
  if (originName === undefined) {
    throw new ZoneLoadError([{ file, line: 0, reason: 'cannot tell the zone name: no SOA record and no origin given' }]);
  }
  const built = buildZone(originName, records, file);
  if (!built.zone) throw new ZoneLoadError(built.errors);
  return { zone: built.zone, warnings: built.warnings };
}

export function loadZone(spec: ZoneSpec): LoadedZone {
  try {
    return loadZoneFile(spec);
  } catch (e) {
    if (e instanceof ZoneLoadError && spec.from !== undefined) throw new ZoneLoadError(withFrom(e.errors, spec));
    throw e;
  }
}

function loadZoneFile(spec: ZoneSpec): LoadedZone {
  let text: string;
  const yaml = /\.ya?ml$/i.test(spec.file);
  try {
    text = readFileSync(spec.file, yaml ? 'utf8' : 'latin1');
  } catch (e) {
    throw new ZoneLoadError([{ file: spec.file, line: 0,
      reason: `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}` }]);
  }
  return zoneFromText(text, spec.file, spec.origin, yaml ? 'yaml' : 'master');
}

/** Loads several zones; two zones with the same name are an error. */
export function loadZones(specs: readonly ZoneSpec[]): { zones: Zone[]; warnings: ZoneSyntaxError[] } {
  const zones: Zone[] = [];
  const warnings: ZoneSyntaxError[] = [];
  const errors: ZoneSyntaxError[] = [];
  const seen = new Map<string, string>();
  for (const s of specs) {
    try {
      const l = loadZone(s);
      const prev = seen.get(l.zone.originKey);
      if (prev !== undefined) {
        errors.push(...withFrom([{ file: s.file, line: 0, reason: `zone ${nameToText(l.zone.origin)} is also loaded from ${prev}` }], s));
        continue;
      }
      seen.set(l.zone.originKey, s.file);
      zones.push(l.zone);
      warnings.push(...l.warnings);
    } catch (e) {
      if (e instanceof ZoneLoadError) errors.push(...e.errors);
      else throw e;
    }
  }
  if (errors.length > 0) throw new ZoneLoadError(errors);
  return { zones, warnings };
}
