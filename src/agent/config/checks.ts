// Reads a service's `checks` (and `require`) into check definitions and the combinator tree. Forms accepted:
//   checks: [ {type: tcp, …}, {type: http, …} ]        with `require: all | any | N` (default all)
//   checks: { any: [ … ] }  /  { all: [ … ] }  /  { at-least: 2, of: [ … ] }   (nestable inside lists too)
import type { CheckTree } from '../../health/combine.js';
import type { CheckDefinition, CheckSpec, CheckType } from '../../health/checks.js';
import type { CheckTiming } from '../../health/types.js';
import { parseIp } from '../prefix.js';
import { DEFAULTS } from './defaults.js';
import { describeType, Obj, type PathSeg, type Source } from './reader.js';

const DNS_TYPES = ['A', 'AAAA', 'TXT', 'NS', 'CNAME', 'SOA', 'MX', 'SRV', 'PTR', 'CAA', 'DNAME', 'DS', 'DNSKEY',
  'HINFO', 'ANY'];
const DNS_CLASSES = ['IN', 'CH', 'HS', 'ANY'];
const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];
const TIMING_KEYS = ['interval', 'timeout', 'rise', 'fall', 'fast-interval', 'jitter'];

export function readTiming(o: Obj, base: CheckTiming): CheckTiming {
  const t: CheckTiming = {
    intervalMs: o.duration('interval', base.intervalMs, 1),
    timeoutMs: o.duration('timeout', base.timeoutMs, 1),
    rise: o.int('rise', 1, 1000, base.rise),
    fall: o.int('fall', 1, 1000, base.fall),
    fastIntervalMs: o.duration('fast-interval', Math.min(base.fastIntervalMs, o.has('interval')
      ? o.duration('interval', base.intervalMs, 1) : base.intervalMs), 1),
    jitterMs: o.duration('jitter', base.jitterMs),
  };
  if (t.timeoutMs > t.intervalMs) {
    o.fail('timeout', `timeout (${t.timeoutMs} ms) exceeds the interval (${t.intervalMs} ms): a check could not ` +
      'keep its schedule');
  }
  if (t.fastIntervalMs > t.intervalMs) {
    o.fail('fast-interval', `fast-interval (${t.fastIntervalMs} ms) exceeds the interval (${t.intervalMs} ms)`);
  }
  return t;
}

interface Ctx {
  src: Source;
  service: string;
  timing: CheckTiming;
  checks: CheckDefinition[];
  names: Map<string, PathSeg[]>;
}

export function readServiceChecks(svc: Obj, service: string, timing: CheckTiming):
  { checks: CheckDefinition[]; tree: CheckTree } {
  const ctx: Ctx = { src: svc.src, service, timing, checks: [], names: new Map() };
  const raw = svc.raw('checks');
  const require = svc.raw('require');
  if (raw === undefined || raw === null) svc.fail('checks', 'a service needs at least one check');
  let tree: CheckTree;
  if (Array.isArray(raw)) {
    const of = raw.map((v, i) => readNode(ctx, [...svc.at('checks'), i], v));
    if (of.length === 0) svc.fail('checks', 'a service needs at least one check');
    tree = groupFor(svc, require, of);
  } else {
    if (require !== undefined) svc.fail('require', '`require` goes with a list of checks; with a group mapping ' +
      'say all/any/at-least in the mapping');
    tree = readNode(ctx, svc.at('checks'), raw);
    if (tree.kind === 'check') tree = { kind: 'all', of: [tree] };
  }
  return { checks: ctx.checks, tree };
}

function groupFor(svc: Obj, require: unknown, of: CheckTree[]): CheckTree {
  if (require === undefined || require === null || require === 'all') return { kind: 'all', of };
  if (require === 'any') return { kind: 'any', of };
  if (typeof require === 'number' && Number.isInteger(require) && require >= 1 && require <= of.length) {
    return { kind: 'at-least', n: require, of };
  }
  return svc.fail('require', `expected all, any, or an integer 1..${of.length}, got ${describeType(require)}`);
}

function readNode(ctx: Ctx, path: PathSeg[], v: unknown): CheckTree {
  const o = Obj.of(ctx.src, path, v);
  if (o.has('type')) return readCheck(ctx, o);
  const groups = ['all', 'any', 'at-least'].filter((k) => o.has(k));
  if (groups.length !== 1) {
    return ctx.src.fail(path, 'expected a check (with `type`) or one group: all: [...], any: [...], ' +
      'or at-least: N with of: [...]');
  }
  const kind = groups[0] as 'all' | 'any' | 'at-least';
  const listKey = kind === 'at-least' ? 'of' : kind;
  const list = o.list(listKey);
  if (list === undefined || list.length === 0) o.fail(listKey, 'expected a non-empty list of checks');
  const of = list!.map((x, i) => readNode(ctx, o.at(listKey).concat(i), x));
  if (kind === 'at-least') {
    const n = o.int('at-least', 1, of.length)!;
    o.done();
    return { kind, n, of };
  }
  o.done();
  return { kind, of };
}

function readCheck(ctx: Ctx, o: Obj): CheckTree {
  const type = o.enumOf<CheckType>('type', ['exec', 'tcp', 'http', 'dns', 'address'])!;
  const timing = readTiming(o, ctx.timing);
  o.allow(...TIMING_KEYS);
  const spec = readSpec(o, type);
  let name = o.str('name');
  if (name !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) {
    o.fail('name', 'a check name is letters, digits, ".", "_" and "-"');
  }
  if (name === undefined) {
    name = type;
    for (let i = 2; ctx.names.has(name); i++) name = `${type}-${i}`;
  } else if (ctx.names.has(name)) {
    o.fail('name', `check name "${name}" is already used in service ${ctx.service}`);
  }
  o.done();
  ctx.names.set(name, o.path);
  ctx.checks.push({ name, spec, timing });
  return { kind: 'check', name };
}

function readSpec(o: Obj, type: CheckType): CheckSpec {
  switch (type) {
    case 'exec': {
      const raw = o.raw('command');
      let command: string[] | string;
      if (typeof raw === 'string' && raw.trim() !== '') command = raw;
      else if (Array.isArray(raw) && raw.length > 0 && raw.every((x) => typeof x === 'string' || typeof x === 'number')) {
        command = raw.map(String);
      } else {
        return o.fail('command', 'expected a command: a string (run by /bin/sh -c) or a list [program, args...]');
      }
      const envObj = o.obj('env');
      let env: Record<string, string> | undefined;
      if (envObj) {
        env = {};
        for (const [k, v] of Object.entries(envObj.value)) {
          if (typeof v !== 'string' && typeof v !== 'number') envObj.fail(k, 'expected a string');
          env[k] = String(v);
        }
        envObj.allow(...Object.keys(envObj.value));
      }
      const cwd = o.str('cwd');
      return { type, command, ...(env ? { env } : {}), ...(cwd ? { cwd } : {}) };
    }
    case 'tcp': {
      const host = readHost(o, 'host', '127.0.0.1');
      const port = o.int('port', 1, 65535);
      if (port === undefined) o.fail('port', 'a tcp check needs a port');
      return { type, host, port: port! };
    }
    case 'http': {
      const url = o.str('url');
      if (url === undefined) return o.fail('url', 'an http check needs a url');
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        return o.fail('url', `"${url}" is not a URL`);
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') o.fail('url', 'only http:// and https:// URLs');
      const bodyText = o.str('body');
      let body: RegExp | undefined;
      if (bodyText !== undefined) {
        try {
          body = new RegExp(bodyText);
        } catch (e) {
          o.fail('body', `not a regular expression: ${(e as Error).message}`);
        }
      }
      const headersObj = o.obj('headers');
      const headers: Record<string, string> = {};
      if (headersObj) {
        for (const [k, v] of Object.entries(headersObj.value)) {
          if (typeof v !== 'string' && typeof v !== 'number') headersObj.fail(k, 'expected a string');
          headers[k.toLowerCase()] = String(v);
        }
        headersObj.allow(...Object.keys(headersObj.value));
      }
      const host = o.str('host-header');
      return {
        type, url, method: o.enumOf('method', ['GET', 'HEAD'] as const, 'GET'),
        expectStatus: readStatus(o), tlsVerify: o.bool('tls-verify', true),
        ...(body ? { body } : {}), ...(host ? { host } : {}), ...(headersObj ? { headers } : {}),
      };
    }
    case 'dns': {
      const server = readHost(o, 'server', '127.0.0.1');
      const port = o.int('port', 1, 65535, DEFAULTS.dnsPort);
      const transport = o.enumOf('transport', ['udp', 'tcp'] as const, 'udp');
      const expectHostnameBind = o.str('expect-hostname-bind');
      const expectNsid = o.str('expect-nsid');
      const q = o.obj('query');
      let query = { name: 'hostname.bind', type: 'TXT', class: 'CH' };
      if (q) {
        const name = q.str('name');
        if (name === undefined) q.fail('name', 'a query needs a name');
        query = {
          name: name!,
          type: q.enumOf('type', DNS_TYPES, 'A'),
          class: q.enumOf('class', DNS_CLASSES, 'IN'),
        };
        q.done();
      } else if (expectHostnameBind === undefined) {
        o.fail('query', 'a dns check needs a query (name, type, class) unless it only checks expect-hostname-bind');
      }
      const expectAnswer = o.strList('expect-answer');
      return {
        type, server, port: port, transport, query,
        recursionDesired: o.bool('recursion-desired', false),
        expectRcode: o.enumOf('expect-rcode', RCODES, 'NOERROR'),
        ...(expectAnswer ? { expectAnswer } : {}),
        ...(expectNsid !== undefined ? { expectNsid } : {}),
        ...(expectHostnameBind !== undefined ? { expectHostnameBind } : {}),
      };
    }
    case 'address': {
      const a = o.str('address');
      if (a === undefined) return o.fail('address', 'an address check needs an address (ip or ip/len)');
      const [ip, len] = a.split('/');
      const parsed = parseIp(ip!);
      if (parsed === null) o.fail('address', `"${ip}" is not an IPv4 or IPv6 address`);
      let prefixLength: number | undefined;
      if (len !== undefined) {
        prefixLength = Number(len);
        if (!/^\d+$/.test(len) || prefixLength > (parsed!.family === 4 ? 32 : 128)) o.fail('address', `bad length /${len}`);
      }
      const iface = o.str('interface');
      return {
        type, address: ip!, source: o.enumOf('source', ['auto', 'proc', 'ip'] as const, 'auto'),
        ...(prefixLength !== undefined ? { prefixLength } : {}), ...(iface ? { interface: iface } : {}),
      };
    }
  }
}

function readHost(o: Obj, key: string, dflt: string): string {
  const h = o.str(key, dflt);
  if (parseIp(h) === null && !/^[A-Za-z0-9.-]+$/.test(h)) o.fail(key, `"${h}" is not an address or host name`);
  return h;
}

function readStatus(o: Obj): Array<{ min: number; max: number }> {
  const raw = o.raw('expect-status');
  if (raw === undefined || raw === null) return DEFAULTS.httpStatus.map((r) => ({ ...r }));
  const items = Array.isArray(raw) ? raw : [raw];
  if (items.length === 0) o.fail('expect-status', 'expected at least one status');
  return items.map((x) => {
    if (typeof x === 'number' && Number.isInteger(x) && x >= 100 && x <= 599) return { min: x, max: x };
    const m = typeof x === 'string' ? /^([1-5])xx$/i.exec(x) : null;
    if (m) return { min: Number(m[1]) * 100, max: Number(m[1]) * 100 + 99 };
    return o.fail('expect-status', `expected status codes (200) or classes ("2xx"), got ${describeType(x)}`);
  });
}
