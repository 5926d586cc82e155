// Domain names: presentation text <-> labels <-> wire, and the case-insensitive key used for lookups.
// RFC 1035 §2.3.4 (63-octet labels, 255-octet names), §3.1 (wire form), §5.1 (presentation: "\X", "\DDD", "@"),
// RFC 4343 (case-insensitivity is ASCII-only: bytes A–Z compare equal to a–z, nothing else folds).
//
// A Name is its labels, leftmost first, each a latin1 string (one char per octet, original case kept, any octet
// allowed). The root is []. The key is the lower-cased wire form as a latin1 string: unambiguous (length prefixes),
// cheap to derive straight from a packet, and usable as a Map key.

export type Name = readonly string[];

export const ROOT: Name = [];
export const MAX_LABEL = 63;
export const MAX_NAME_WIRE = 255;

/** ASCII-only lower-casing of one label (RFC 4343 §3). */
export function lowerLabel(l: string): string {
  let out = '';
  let changed = false;
  for (let i = 0; i < l.length; i++) {
    const c = l.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) {
      changed = true;
      out += String.fromCharCode(c + 0x20);
    } else out += l[i];
  }
  return changed ? out : l;
}

/** The lookup key: lower-cased wire form, latin1. */
export function nameKey(name: Name, from = 0): string {
  let k = '';
  for (let i = from; i < name.length; i++) {
    const l = name[i]!;
    k += String.fromCharCode(l.length) + lowerLabel(l);
  }
  return k + '\0';
}

export function wireLength(name: Name): number {
  let n = 1;
  for (const l of name) n += 1 + l.length;
  return n;
}

export function nameToWire(name: Name): Buffer {
  const b = Buffer.allocUnsafe(wireLength(name));
  let o = 0;
  for (const l of name) {
    b[o++] = l.length;
    b.write(l, o, 'latin1');
    o += l.length;
  }
  b[o] = 0;
  return b;
}

export function equalNames(a: Name, b: Name): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (lowerLabel(a[i]!) !== lowerLabel(b[i]!)) return false;
  return true;
}

/** True when `name` is `parent` or below it. */
export function isSubdomain(name: Name, parent: Name): boolean {
  const d = name.length - parent.length;
  if (d < 0) return false;
  for (let i = 0; i < parent.length; i++) if (lowerLabel(name[d + i]!) !== lowerLabel(parent[i]!)) return false;
  return true;
}

/** Presentation form with a trailing dot; octets outside printable ASCII and the specials are escaped. */
export function nameToText(name: Name): string {
  if (name.length === 0) return '.';
  return name.map(labelToText).join('.') + '.';
}

function labelToText(l: string): string {
  let s = '';
  for (let i = 0; i < l.length; i++) {
    const c = l.charCodeAt(i);
    const ch = l[i]!;
    if (c <= 0x20 || c >= 0x7f) s += '\\' + String(c).padStart(3, '0');
    else if (ch === '.' || ch === '\\' || ch === '"' || ch === ';' || ch === '(' || ch === ')' || ch === '@' ||
      ch === '$') s += '\\' + ch;
    else s += ch;
  }
  return s;
}

export type NameParse = { ok: true; name: Name } | { ok: false; reason: string };

/**
 * Parses a presentation-form name. "@" is the origin; a name without a trailing dot is relative and gets the
 * origin appended (RFC 1035 §5.1). Without an origin a relative name is an error.
 */
export function parseName(text: string, origin?: Name): NameParse {
  if (text === '@') {
    if (origin === undefined) return { ok: false, reason: "'@' used but no origin is known ($ORIGIN or zone origin)" };
    return { ok: true, name: origin };
  }
  if (text === '.') return { ok: true, name: ROOT };
  if (text === '') return { ok: false, reason: 'empty name' };
  const labels: string[] = [];
  let cur = '';
  let absolute = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\') {
      const d = /^\d{3}/.exec(text.slice(i + 1, i + 4));
      if (d) {
        const v = Number(d[0]);
        if (v > 255) return { ok: false, reason: `bad escape \\${d[0]} in name '${text}' (above 255)` };
        cur += String.fromCharCode(v);
        i += 3;
      } else if (i + 1 < text.length) {
        cur += text[++i];
      } else return { ok: false, reason: `name '${text}' ends with a lone backslash` };
    } else if (ch === '.') {
      if (cur === '') return { ok: false, reason: `empty label in name '${text}'` };
      labels.push(cur);
      cur = '';
      if (i === text.length - 1) absolute = true;
    } else {
      const c = ch.charCodeAt(0);
      if (c > 0xff) return { ok: false, reason: `name '${text}' has a non-latin1 character (use \\DDD escapes)` };
      cur += ch;
    }
  }
  if (!absolute) {
    if (cur === '') return { ok: false, reason: `empty label in name '${text}'` };
    labels.push(cur);
  }
  for (const l of labels) {
    if (l.length > MAX_LABEL) return { ok: false, reason: `label '${l.slice(0, 20)}…' is ${l.length} octets (max 63)` };
  }
  let name: Name = labels;
  if (!absolute) {
    if (origin === undefined) {
      return { ok: false, reason: `relative name '${text}' but no origin is known ($ORIGIN or zone origin)` };
    }
    name = [...labels, ...origin];
  }
  if (wireLength(name) > MAX_NAME_WIRE) {
    return { ok: false, reason: `name '${text}' is ${wireLength(name)} octets on the wire (max 255)` };
  }
  return { ok: true, name };
}

/** parseName for trusted input (tests, constants); throws on a bad name. */
export function name(text: string, origin?: Name): Name {
  const r = parseName(text, origin);
  if (!r.ok) throw new Error(r.reason);
  return r.name;
}
