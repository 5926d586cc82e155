// The RFC 1035 §5 master-file parser: $ORIGIN, $INCLUDE (§5.1), $TTL (RFC 2308 §4), owner inheritance from the
// previous entry, '@', relative names, TTL and class in either order, parentheses, comments and quoted strings
// (the lexer handles those), and RFC 3597 "TYPEnnn"/"CLASSnnn"/"\#" generic forms.
//
// Pure: files named by $INCLUDE are read through the injected `include` function. Every error names its file and
// line; parsing goes on after an error so that one run reports all of them (up to a cap).
// Deviations: $GENERATE is not supported (reported as an error). An RR without a TTL, before any $TTL or explicit
// TTL, takes the SOA minimum if it is the SOA itself (BIND's behaviour); otherwise it is an error.
import { CLASS, TYPE, classFromName, typeFromName } from '../wire/constants.js';
import { type Name, parseName } from '../wire/name.js';
import { type Rdata, parseRdata, parseTtl } from './rdata.js';
import { type Token, tokenize } from './tokenizer.js';

export interface ZoneRecord {
  owner: Name;
  type: number;
  class: number;
  ttl: number;
  rdata: Rdata;
  /** Where the record was written (for messages). */
  file: string;
  line: number;
}

export interface ZoneSyntaxError {
  file: string;
  line: number;
  reason: string;
}

export interface MasterParseOptions {
  /** File name used in messages (and as the base for $INCLUDE). */
  file: string;
  /** The initial origin (the zone's name); $ORIGIN may change it. */
  origin?: Name;
  /** Reads an $INCLUDE file: its text (latin1) and the name to report, or a reason. */
  include?: (path: string, fromFile: string) => { ok: true; text: string; file: string } | { ok: false; reason: string };
  maxErrors?: number;
}

export interface MasterParseResult {
  records: ZoneRecord[];
  errors: ZoneSyntaxError[];
}

const MAX_INCLUDE_DEPTH = 8;

interface State {
  origin: Name | undefined;
  defaultTtl: number | undefined;
  lastTtl: number | undefined;
  lastOwner: Name | undefined;
}

export function parseMasterFile(text: string, opts: MasterParseOptions): MasterParseResult {
  const out: MasterParseResult = { records: [], errors: [] };
  const st: State = { origin: opts.origin, defaultTtl: undefined, lastTtl: undefined, lastOwner: undefined };
  parseInto(text, opts.file, st, opts, out, 0);
  return out;
}

function parseInto(text: string, file: string, st: State, opts: MasterParseOptions, out: MasterParseResult,
  depth: number): void {
  const max = opts.maxErrors ?? 50;
  const err = (line: number, reason: string) => {
    if (out.errors.length < max) out.errors.push({ file, line, reason });
  };
  const lex = tokenize(text);
  for (const e of lex.errors) err(e.line, e.reason);

  for (const entry of lex.entries) {
    if (out.errors.length >= max) return;
    const toks = entry.tokens;
    const first = toks[0]!;
    if (!entry.blankOwner && !first.quoted && first.text.startsWith('$')) {
      directive(first.text.toUpperCase(), toks.slice(1), entry.line);
      continue;
    }
    let owner: Name | undefined;
    let i = 0;
    if (entry.blankOwner) {
      owner = st.lastOwner;
      if (owner === undefined) {
        err(entry.line, 'entry starts with blank space but there is no previous owner name');
        continue;
      }
    } else {
      if (first.quoted) {
        err(entry.line, 'owner name must not be quoted');
        continue;
      }
      const r = parseName(first.text, st.origin);
      if (!r.ok) {
        err(entry.line, `owner: ${r.reason}`);
        continue;
      }
      owner = r.name;
      i = 1;
    }
    // [<TTL>] [<class>] <type>, or [<class>] [<TTL>] <type> (RFC 1035 §5.1).
    let ttl: number | undefined;
    let cls: number | undefined;
    let type: number | undefined;
    for (; i < toks.length && type === undefined; i++) {
      const t = toks[i]!;
      if (t.quoted) break;
      const asType = typeFromName(t.text);
      if (asType !== undefined) {
        type = asType;
        break;
      }
      const asClass = cls === undefined ? classFromName(t.text) : undefined;
      if (asClass !== undefined) {
        cls = asClass;
        continue;
      }
      if (ttl === undefined && /^\d/.test(t.text)) {
        const v = parseTtl(t.text);
        if (v === undefined) {
          err(t.line, `TTL '${t.text}' is not a number of seconds 0..2147483647 (units s m h d w allowed)`);
          type = -1;
          break;
        }
        ttl = v;
        continue;
      }
      break;
    }
    if (type === -1) continue;
    if (type === undefined) {
      const t = toks[i];
      err(t?.line ?? entry.line, t === undefined ? 'missing record type' : `unknown record type or class '${t.text}'`);
      continue;
    }
    st.lastOwner = owner;
    cls ??= CLASS.IN;
    if (cls !== CLASS.IN) {
      err(entry.line, `class ${toks[i - 1]?.text ?? cls} is not served (only IN zones)`);
      continue;
    }
    if (type === TYPE.OPT || type === TYPE.ANY || type === TYPE.AXFR || type === TYPE.IXFR || type === TYPE.MAILA ||
      type === TYPE.MAILB) {
      err(entry.line, `type ${toks[i]!.text} is a meta-type and cannot appear in a zone`);
      continue;
    }
    const rd = parseRdata(type, toks.slice(i + 1), st.origin);
    if (!rd.ok) {
      err(entry.line, `${toks[i]!.text.toUpperCase()}: ${rd.reason}`);
      continue;
    }
    if (ttl === undefined) {
      ttl = st.defaultTtl ?? st.lastTtl;
      const soaNums = type === TYPE.SOA ? rd.rdata.parts[2] : undefined;
      if (ttl === undefined && soaNums !== undefined && 'bytes' in soaNums) {
        ttl = soaNums.bytes.readUInt32BE(16);
        st.lastTtl = ttl;
      }
      if (ttl === undefined) {
        err(entry.line, 'no TTL: give one on the record or set $TTL before it');
        continue;
      }
    } else st.lastTtl = ttl;
    out.records.push({ owner, type, class: cls, ttl, rdata: rd.rdata, file, line: entry.line });
  }

  function directive(name: string, args: Token[], line: number): void {
    switch (name) {
      case '$ORIGIN': {
        if (args.length !== 1) return err(line, '$ORIGIN takes exactly one domain name');
        const r = parseName(args[0]!.text, st.origin);
        if (!r.ok) return err(line, `$ORIGIN: ${r.reason}`);
        st.origin = r.name;
        return;
      }
      case '$TTL': {
        if (args.length !== 1) return err(line, '$TTL takes exactly one TTL');
        const v = parseTtl(args[0]!.text);
        if (v === undefined) return err(line, `$TTL '${args[0]!.text}' is not a TTL 0..2147483647`);
        st.defaultTtl = v;
        return;
      }
      case '$INCLUDE': {
        if (args.length < 1 || args.length > 2) return err(line, '$INCLUDE takes a file name and an optional origin');
        if (opts.include === undefined) return err(line, '$INCLUDE is not available here');
        if (depth + 1 > MAX_INCLUDE_DEPTH) return err(line, `$INCLUDE nested deeper than ${MAX_INCLUDE_DEPTH}`);
        let origin = st.origin;
        if (args.length === 2) {
          const r = parseName(args[1]!.text, st.origin);
          if (!r.ok) return err(line, `$INCLUDE origin: ${r.reason}`);
          origin = r.name;
        }
        const inc = opts.include(args[0]!.text, file);
        if (!inc.ok) return err(line, `$INCLUDE ${args[0]!.text}: ${inc.reason}`);
        // The included file starts from the given origin; its $ORIGIN changes do not leak back (RFC 1035 §5.1).
        const sub: State = { ...st, origin };
        parseInto(inc.text, inc.file, sub, opts, out, depth + 1);
        st.lastOwner = sub.lastOwner;
        st.lastTtl = sub.lastTtl;
        return;
      }
      case '$GENERATE':
        return err(line, '$GENERATE is not supported');
      default:
        return err(line, `unknown directive ${name}`);
    }
  }
}
