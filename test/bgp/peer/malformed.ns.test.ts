// Malformed UPDATEs from a real implementation: ExaBGP (in its own namespace) sends routes with raw attributes
// built to be wrong, and our session layer applies the RFC 7606 treatment the speaker then sees:
//   COMMUNITIES of length 3          attribute length error → treat-as-withdraw (RFC 7606 §7.8)
//   AGGREGATOR of length 5           attribute length error → attribute discard (RFC 7606 §7.7)
//   AS4_PATH on a 4-octet AS session → attribute discard (RFC 6793 §4.1)
//   unknown attribute, Optional bit clear → session reset, NOTIFICATION 3/2 (RFC 4271 §6.3)
// then the session is re-established by itself.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createDaemon, type ExabgpDaemon } from '../../../src/daemons/index.js';
import { createTopology, detectCapabilities, makeTempDir, ResourceRegistry } from '../../../src/netns/index.js';
import { NsSpeaker, type SpeakerEvent } from './ns-client.js';

const root = process.getuid?.() === 0;
const caps = root ? await detectCapabilities('acs') : null;
const skip = !root ? 'needs root (network namespaces)' : caps?.netns !== true ? 'network namespaces unavailable'
  : caps.daemons.exabgp === undefined ? 'exabgp is not installed' : false;
const registry = root ? new ResourceRegistry({ label: 'session-malformed' }) : null;
after(() => registry?.cleanup());

const OURS = '10.98.0.1', EXA = '10.98.0.2';

test('RFC 7606 treatments of malformed UPDATEs sent by ExaBGP', { skip, timeout: 120_000 }, async () => {
  const reg = registry!;
  const nsO = `acs-${process.pid}-mo`, nsD = `acs-${process.pid}-me`;
  await createTopology({ namespaces: [{ name: nsO }, { name: nsD }],
    links: [{ a: { ns: nsO, ifname: 'o0', addrs: [`${OURS}/24`] }, b: { ns: nsD, ifname: 'e0', addrs: [`${EXA}/24`] } }] }, reg);
  const ours = await NsSpeaker.start(nsO, reg);
  const exa = createDaemon('exabgp', { name: 'exa', routerId: EXA, localAs: 65200,
    neighbors: [{ address: OURS, localAddress: EXA, remoteAs: 65100, passive: true }] },
  { ns: nsD, dir: makeTempDir(reg, 'exa'), registry: reg }) as ExabgpDaemon;
  try {
    await exa.start();
    await ours.peer({ name: 'exa', localAs: 65100, routerId: OURS, remoteAddress: EXA, localAddress: OURS, peerAs: 65200, holdTime: 9,
      idleHoldTime: 1, connectRetryTime: 2 });
    await ours.request({ cmd: 'start', name: 'exa' });
    await ours.waitFor((e) => e.ev === 'established' && e.name === 'exa', 30_000, 'Established with ExaBGP');
    const send = (prefix: string, attr: string) =>
      exa.command(`neighbor ${OURS} announce route ${prefix} next-hop self as-path [ 65200 ] attribute [ ${attr} ]`);
    const updateFor = (prefix: string) => ours.waitFor((e) => e.ev === 'update' && e.name === 'exa' &&
      [...(e.announce as { prefixes: string[] }[]), ...(e.withdraw as { prefixes: string[] }[])].some((a) => a.prefixes.includes(prefix)),
    15_000, `the UPDATE for ${prefix}`);

    await send('198.51.100.0/24', '0x08 0xc0 0x010203');
    const u1 = await updateFor('198.51.100.0/24');
    assert.equal(u1.treatment, 'withdraw', JSON.stringify(u1));
    assert.deepEqual(u1.announce, []);
    assert.match((u1.errors as string[])[0]!, /^attr-length: COMMUNITIES/);

    await send('198.51.100.128/25', '0x07 0xc0 0x0000fde8c0');
    const u2 = await updateFor('198.51.100.128/25');
    assert.equal(u2.treatment, 'discard', JSON.stringify(u2));
    assert.deepEqual((u2.announce as { prefixes: string[] }[])[0]!.prefixes, ['198.51.100.128/25']);
    assert.match((u2.errors as string[])[0]!, /^attr-length: AGGREGATOR/);
    assert.equal(((u2.attrs as { other?: string[] }).other ?? []).includes('INVALID'), false, 'the discarded attribute is gone');

    // (ExaBGP itself drops a raw LOCAL_PREF towards an external peer, so the eBGP-only rule is shown with AS4_PATH.)
    await send('203.0.113.0/24', '0x11 0xc0 0x02010000fde9');
    const u3 = await updateFor('203.0.113.0/24');
    assert.equal(u3.treatment, 'discard', JSON.stringify(u3));
    assert.match((u3.errors as string[])[0]!, /^attr-unexpected: AS4_PATH/);
    assert.equal(((u3.attrs as { other?: string[] }).other ?? []).includes('AS4_PATH'), false, 'AS4_PATH discarded');
    assert.deepEqual((u3.attrs as { asPath: number[] }).asPath, [65200], 'AS_PATH alone is used');

    const downsBefore = ours.of('exa', 'down').length;
    await send('203.0.113.128/25', '0x63 0x40 0x01');
    const n = await ours.waitFor((e) => e.ev === 'notification' && e.name === 'exa' && e.direction === 'sent', 15_000, 'our NOTIFICATION');
    assert.deepEqual([n.code, n.subcode], [3, 2]);
    assert.match(String(n.text), /Unrecognized Well-known Attribute/);
    const d: SpeakerEvent = await ours.waitFor((e) => e.ev === 'down' && e.name === 'exa' && ours.of('exa', 'down').length > downsBefore, 5000, 'down');
    assert.equal(d.reason, 'notificationSent');
    assert.equal(ours.events.some((e) => e.ev === 'update' && e.name === 'exa' &&
      (e.announce as { prefixes: string[] }[]).some((a) => a.prefixes.includes('203.0.113.128/25'))), false, 'no route from the bad UPDATE');
    await ours.waitFor((e) => e.ev === 'established' && e.name === 'exa' && ours.of('exa', 'established').length >= 2, 30_000, 'back up');
  } finally {
    await ours.exit();
    await exa.stop();
  }
});
