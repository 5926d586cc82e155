// Interop with live daemons: BIRD (namespace a) and GoBGP (namespace b) run a real session over a veth pair
// (IPv6 link, IPv4 and IPv6 unicast, add-path both ways, 4-octet AS, enhanced route refresh). tcpdump captures it,
// tshark extracts the TCP payloads, and every message both daemons sent must decode without error under the
// context negotiated from their own OPENs, and re-encode byte-exact. The session ends with an RFC 9003 shutdown
// communication from BIRD, which must decode to the text configured. Needs root (namespaces).
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { bytesEqual, fromHex } from '../../../src/bgp/wire/addr.js';
import { decodeMessage, encodeMessage } from '../../../src/bgp/wire/codec.js';
import { BASE_CONTEXT, type CodecContext } from '../../../src/bgp/wire/context.js';
import { FrameReader } from '../../../src/bgp/wire/framing.js';
import type { BgpMessage, OpenMessage } from '../../../src/bgp/wire/messages.js';
import { notificationInfo } from '../../../src/bgp/wire/notification.js';
import { negotiate } from '../../../src/bgp/wire/open.js';
import { PrefixList } from '../../../src/bgp/wire/prefix.js';
import { validateUpdate } from '../../../src/bgp/wire/validate.js';

const isRoot = process.getuid?.() === 0;
const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const missing = ['ip', 'bird', 'birdc', 'gobgpd', 'gobgp', 'tcpdump', 'tshark'].filter((c) => !have(c));
const skip = !isRoot ? 'needs root for network namespaces' : missing.length > 0 ? `missing: ${missing.join(', ')}` : false;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const NS_A = `acw-${process.pid}-a`, NS_B = `acw-${process.pid}-b`;
const SHUTDOWN_TEXT = 'planned maintenance, back in 10 min';

async function waitFor(what: string, fn: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (fn()) return;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}`);
}

function nsx(ns: string, ...args: string[]): string {
  return execFileSync('ip', ['netns', 'exec', ns, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

test('messages of a live BIRD <-> GoBGP session decode without error and re-encode byte-exact', { skip, timeout: 120_000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'acw-live-'));
    const procs: ChildProcess[] = [];
    const cleanup = () => {
      for (const p of procs) if (p.pid !== undefined && p.exitCode === null) { try { process.kill(p.pid, 'SIGTERM'); } catch { /* gone */ } }
      for (const ns of [NS_A, NS_B]) {
        // Daemons that forked (bird) are found by namespace, and only our namespaces are touched.
        const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout.split('\n').filter((x) => x.trim() !== '');
        for (const pid of pids) { try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone */ } }
        spawnSync('ip', ['netns', 'del', ns]);
      }
      rmSync(dir, { recursive: true, force: true });
    };
    t.after(cleanup);
    process.once('exit', cleanup);

    execFileSync('ip', ['netns', 'add', NS_A]);
    execFileSync('ip', ['netns', 'add', NS_B]);
    execFileSync('ip', ['link', 'add', 'acwa', 'netns', NS_A, 'type', 'veth', 'peer', 'name', 'acwb', 'netns', NS_B]);
    for (const [ns, dev, v4, v6] of [[NS_A, 'acwa', '10.77.0.1/24', 'fd77::1/64'], [NS_B, 'acwb', '10.77.0.2/24', 'fd77::2/64']] as const) {
      execFileSync('ip', ['-n', ns, 'addr', 'add', v4, 'dev', dev]);
      execFileSync('ip', ['-n', ns, 'addr', 'add', v6, 'dev', dev, 'nodad']);
      execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      execFileSync('ip', ['-n', ns, 'link', 'set', dev, 'up']);
    }
    await waitFor('link-local addresses', () => nsx(NS_A, 'ip', '-6', 'addr', 'show', 'dev', 'acwa').includes('fe80') &&
      !nsx(NS_A, 'ip', '-6', 'addr', 'show', 'dev', 'acwa').includes('tentative'), 10_000);

    const pcap = join(dir, 'session.pcap');
    const dump = spawn('ip', ['netns', 'exec', NS_B, 'tcpdump', '-i', 'acwb', '-w', pcap, '-U', '-s', '0', 'tcp port 179'],
      { stdio: 'ignore' });
    procs.push(dump);
    await sleep(1000);

    const v4routes = Array.from({ length: 64 }, (_, i) => `  route 198.51.100.${i * 4}/30 blackhole;`).join('\n') + '\n' +
      Array.from({ length: 64 }, (_, i) => `  route 192.0.2.${i}/32 blackhole;`).join('\n');
    const v6routes = Array.from({ length: 120 }, (_, i) => `  route 2001:db8:${(0x100 + i).toString(16)}::/48 blackhole;`).join('\n');
    writeFileSync(join(dir, 'bird.conf'), `
router id 10.77.0.1;
protocol device {}
protocol static s4 { ipv4; ${v4routes} }
protocol static s6 { ipv6; ${v6routes} }
filter out4 {
  if net ~ [198.51.100.0/24+] then { bgp_community.add((64512, 100)); bgp_large_community.add((64512, 1, net.len));
    bgp_ext_community.add((rt, 64512, 7)); bgp_med = net.len * 3; bgp_path.prepend(64512); }
  else { bgp_community.add((64512, 200)); bgp_path.prepend(4200000001); }
  accept;
}
filter out6 {
  bgp_large_community.add((4200000001, 6, 6));
  if net ~ [2001:db8:100::/44+] then bgp_path.prepend(64512);
  accept;
}
protocol bgp peer_b {
  local fd77::1 as 64512;
  neighbor fd77::2 as 4200000002;
  connect delay time 1; connect retry time 1; error wait time 1,5;
  enable extended messages on;
  ipv4 { import all; export filter out4; add paths on; next hop address 10.77.0.1; };
  ipv6 { import all; export filter out6; add paths on; };
}
`);
    writeFileSync(join(dir, 'gobgpd.toml'), `
[global.config]
  as = 4200000002
  router-id = "10.77.0.2"
  port = 179
[[neighbors]]
  [neighbors.config]
    neighbor-address = "fd77::1"
    peer-as = 64512
  [neighbors.transport.config]
    local-address = "fd77::2"
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
    [neighbors.afi-safis.add-paths.config]
      receive = true
      send-max = 4
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv6-unicast"
    [neighbors.afi-safis.add-paths.config]
      receive = true
      send-max = 4
`);
    const gobgpd = spawn('ip', ['netns', 'exec', NS_B, 'gobgpd', '-f', join(dir, 'gobgpd.toml'), '--api-hosts', '127.0.0.1:50151'],
      { stdio: 'ignore' });
    procs.push(gobgpd);
    const ctl = join(dir, 'bird.ctl');
    const bird = spawn('ip', ['netns', 'exec', NS_A, 'bird', '-f', '-c', join(dir, 'bird.conf'), '-s', ctl, '-P', join(dir, 'bird.pid')],
      { stdio: 'ignore' });
    procs.push(bird);
    const gobgp = (...a: string[]) => nsx(NS_B, 'gobgp', '-p', '50151', ...a);
    await waitFor('the gobgp API', () => spawnSync('ip', ['netns', 'exec', NS_B, 'gobgp', '-p', '50151', 'global'], { encoding: 'utf8' }).status === 0, 20_000);
    for (let i = 0; i < 12; i++) {
      gobgp('global', 'rib', '-a', 'ipv4', 'add', `203.0.113.${i * 16}/28`, 'nexthop', '10.77.0.2', 'community', `64513:${i}`,
        'large-community', `4200000002:${i}:1`, 'med', String(i * 10), 'aspath', `64999 ${65000 + i}`);
      gobgp('global', 'rib', '-a', 'ipv6', 'add', `2001:db8:f${i.toString(16)}::/48`, 'nexthop', 'fd77::2', 'community', `64513:${i}`);
    }
    await waitFor('BIRD to receive the GoBGP routes', () =>
      spawnSync('ip', ['netns', 'exec', NS_A, 'birdc', '-s', ctl, 'show', 'route', 'count'], { encoding: 'utf8' }).stdout.includes('272 of 272'), 60_000)
      .catch(() => undefined);
    await waitFor('GoBGP to receive the BIRD routes', () => {
      const out = spawnSync('ip', ['netns', 'exec', NS_B, 'gobgp', '-p', '50151', 'global', 'rib', '-a', 'ipv6', 'summary'], { encoding: 'utf8' }).stdout;
      return /Destination:\s*13[0-9]/.test(out) || /13[0-9]/.test(out);
    }, 60_000).catch(() => undefined);
    // A route refresh (RFC 2918 / RFC 7313), a withdrawal, then an RFC 9003 shutdown communication.
    spawnSync('ip', ['netns', 'exec', NS_A, 'birdc', '-s', ctl, 'reload', 'in', 'peer_b']);
    gobgp('global', 'rib', '-a', 'ipv4', 'del', '203.0.113.0/28');
    await sleep(2000);
    spawnSync('ip', ['netns', 'exec', NS_A, 'birdc', '-s', ctl, 'disable', 'peer_b', `"${SHUTDOWN_TEXT}"`]);
    await sleep(2000);
    if (dump.pid !== undefined) process.kill(dump.pid, 'SIGTERM');
    await sleep(500);

    // Reassemble each direction from tshark's view of the TCP payloads.
    const fields = spawnSync('tshark', ['-r', pcap, '-Y', 'tcp.len > 0', '-T', 'fields', '-e', 'ipv6.src', '-e', 'tcp.seq_raw',
      '-e', 'tcp.payload', '-o', 'tcp.analyze_sequence_numbers:TRUE'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    assert.equal(fields.status, 0, fields.stderr);
    const streams = new Map<string, Map<number, Uint8Array>>();
    for (const line of fields.stdout.split('\n')) {
      const [src, seq, payload] = line.split('\t');
      if (src === undefined || payload === undefined || payload === '') continue;
      const m = streams.get(src) ?? new Map<number, Uint8Array>();
      m.set(Number(seq), fromHex(payload)!); // a retransmission replaces the same bytes
      streams.set(src, m);
    }
    assert.equal(streams.size, 2, 'both directions captured');
    const bySender = new Map<string, Uint8Array[]>();
    for (const [src, segs] of streams) {
      const fr = new FrameReader(BASE_CONTEXT);
      const msgs: Uint8Array[] = [];
      for (const seq of [...segs.keys()].sort((a, b) => a - b)) {
        fr.push(segs.get(seq)!);
        for (let f = fr.next(); f.kind === 'frame'; f = fr.next()) msgs.push(f.bytes.slice());
      }
      bySender.set(src, msgs);
    }
    const fromBird = bySender.get('fd77::1')!, fromGobgp = bySender.get('fd77::2')!;
    const openOf = (l: Uint8Array[]) => {
      const r = decodeMessage(l[0]!, BASE_CONTEXT);
      assert.ok(r.ok && r.msg.type === 'OPEN');
      return r.msg as OpenMessage;
    };
    const birdOpen = openOf(fromBird), gobgpOpen = openOf(fromGobgp);
    // Messages from BIRD are received by GoBGP: GoBGP's side of the negotiation decodes them, and vice versa.
    const ctxFromBird: CodecContext = negotiate(gobgpOpen, birdOpen).ctx;
    const ctxFromGobgp: CodecContext = negotiate(birdOpen, gobgpOpen).ctx;
    assert.equal(ctxFromBird.as4, true);
    assert.ok(ctxFromBird.addPath.receive.size > 0 || ctxFromGobgp.addPath.receive.size > 0, 'add-path negotiated');

    const counts: Record<string, number> = {};
    let shutdown: string | undefined, prefixes = 0, linkLocal = 0;
    for (const [list, ctx, who, peerAs, localAs] of [[fromBird, ctxFromBird, 'bird', 64512, 4200000002],
      [fromGobgp, ctxFromGobgp, 'gobgp', 4200000002, 64512]] as const) {
      for (const b of list) {
        const r = decodeMessage(b, ctx);
        assert.ok(r.ok, `${who}: ${r.ok ? '' : r.error.reason}`);
        assert.deepEqual(r.errors, [], `${who}: ${r.errors.map((e) => e.reason).join('; ')}`);
        assert.ok(bytesEqual(encodeMessage(r.msg, ctx), b), `${who} ${r.msg.type}: re-encoding differs`);
        const m: BgpMessage = r.msg;
        counts[`${who} ${m.type}`] = (counts[`${who} ${m.type}`] ?? 0) + 1;
        if (m.type === 'UPDATE') {
          assert.deepEqual(validateUpdate(m, ctx, { peerAs, localAs }), [], `${who}: session checks`);
          prefixes += m.nlri.length + (m.mpReach instanceof PrefixList ? m.mpReach.length : 0);
          for (const a of m.attrs.list) if (a.name === 'MP_REACH_NLRI' && a.nextHop.length === 2) linkLocal++;
        }
        if (m.type === 'NOTIFICATION' && who === 'bird') shutdown = notificationInfo(m).shutdown;
      }
    }
    t.diagnostic(`decoded ${JSON.stringify(counts)}; ${prefixes} prefixes announced; ${linkLocal} MP_REACH with link-local next hop`);
    writeFileSync(join(process.cwd(), 'dist', 'live-capture-summary.json'), JSON.stringify({ counts, prefixes, linkLocal }));
    assert.ok((counts['bird UPDATE'] ?? 0) > 0 && (counts['gobgp UPDATE'] ?? 0) > 0, JSON.stringify(counts));
    assert.ok(prefixes >= 250, `only ${prefixes} prefixes seen`);
    assert.ok((counts['bird ROUTE_REFRESH'] ?? 0) > 0, 'BIRD sent a ROUTE-REFRESH');
    assert.equal(shutdown, SHUTDOWN_TEXT, 'the shutdown communication decodes to the configured text');
  });
