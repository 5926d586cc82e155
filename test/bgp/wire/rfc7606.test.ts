// Every error case of RFC 4271 §6 as revised by RFC 7606 (and RFC 4760 §7, RFC 6793, RFC 7607, RFC 7313,
// RFC 8654, RFC 9234): the typed error, its action, and the NOTIFICATION code/subcode/data it maps to.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toHex } from '../../../src/bgp/wire/addr.js';
import { encodeMessage } from '../../../src/bgp/wire/codec.js';
import { type CodecContext, IPV4_UNICAST, symmetricContext } from '../../../src/bgp/wire/context.js';
import { decode } from '../../../src/bgp/wire/decode.js';
import { type Action, toNotification, type WireError, worstAction } from '../../../src/bgp/wire/errors.js';
import type { SessionInfo } from '../../../src/bgp/wire/validate.js';
import { attr, BASE_ATTRS, hex, msg, openBody, update } from './helpers.js';

const C2 = symmetricContext();
const C4 = symmetricContext({ as4: true });
const EBGP: SessionInfo = { localAs: 64500, peerAs: 64512 };
const IBGP: SessionInfo = { localAs: 64512, peerAs: 64512 };
const NLRI = '18c00002';
const ORIGIN = attr(0x40, 1, '00'), ASPATH = attr(0x40, 2, '0201fc00'), NH = attr(0x40, 3, 'c0000201');

interface Case {
  name: string;
  bytes: Uint8Array;
  ctx?: CodecContext;
  session?: SessionInfo;
  kind: WireError['kind'];
  action: Action;
  code: number;
  subcode: number;
  /** Expected NOTIFICATION data as hex, when the RFC defines it. */
  data?: string;
  /** The overall action of the message when it differs from the case's own. */
  overall?: Action;
}

const cases: Case[] = [
  // ---- message header, RFC 4271 §6.1 ----
  { name: 'marker not all ones', bytes: hex('ff'.repeat(15) + 'fe' + '001304'), kind: 'header-marker', action: 'reset', code: 1, subcode: 1 },
  { name: 'length below 19', bytes: hex('ff'.repeat(16) + '001204'), kind: 'header-length', action: 'reset', code: 1, subcode: 2, data: '0012' },
  { name: 'length above 4096 without extended messages', bytes: hex('ff'.repeat(16) + '1001' + '02' + '00'.repeat(4078)),
    kind: 'header-length', action: 'reset', code: 1, subcode: 2, data: '1001' },
  { name: 'OPEN above 4096 even with extended messages (RFC 8654 §3)', ctx: symmetricContext({ extendedMessages: true }),
    bytes: hex('ff'.repeat(16) + '1388' + '01' + '00'.repeat(4981)), kind: 'header-length', action: 'reset', code: 1, subcode: 2, data: '1388' },
  { name: 'unknown message type', bytes: hex('ff'.repeat(16) + '0013' + '09'), kind: 'header-type', action: 'reset', code: 1, subcode: 3, data: '09' },
  { name: 'KEEPALIVE with a body', bytes: msg(4, '00'), kind: 'header-length', action: 'reset', code: 1, subcode: 2, data: '0014' },
  { name: 'OPEN below its minimum length', bytes: msg(1, '04fc00005ac00002'), kind: 'header-length', action: 'reset', code: 1, subcode: 2 },
  { name: 'UPDATE below its minimum length', bytes: msg(2, '0000'), kind: 'header-length', action: 'reset', code: 1, subcode: 2 },
  { name: 'NOTIFICATION below its minimum length', bytes: msg(3, '06'), kind: 'header-length', action: 'reset', code: 1, subcode: 2 },
  { name: 'truncated message', bytes: msg(4, '').subarray(0, 18), kind: 'header-length', action: 'reset', code: 1, subcode: 2 },
  // ---- OPEN, RFC 4271 §6.2 and later ----
  { name: 'unsupported version', bytes: msg(1, openBody('03 fc00 005a c0000201', [])), kind: 'open-version', action: 'reset', code: 2, subcode: 1, data: '0004' },
  { name: 'bad peer AS', session: { peerAs: 64513 }, bytes: msg(1, openBody('04 fc00 005a c0000201', [])), kind: 'open-peer-as', action: 'reset', code: 2, subcode: 2 },
  { name: 'peer AS 0 (RFC 7607)', bytes: msg(1, openBody('04 0000 005a c0000201', [])), kind: 'open-peer-as', action: 'reset', code: 2, subcode: 2 },
  { name: 'bad peer AS from the 4-octet capability', session: { peerAs: 4200000001 },
    bytes: msg(1, openBody('04 5ba0 005a c0000201', [['4104 fa56ea02']])), kind: 'open-peer-as', action: 'reset', code: 2, subcode: 2 },
  { name: 'BGP identifier 0.0.0.0', bytes: msg(1, openBody('04 fc00 005a 00000000', [])), kind: 'open-bgp-id', action: 'reset', code: 2, subcode: 3 },
  { name: 'iBGP peer with our BGP identifier', session: { localAs: 64512, peerAs: 64512, localId: '192.0.2.1' },
    bytes: msg(1, openBody('04 fc00 005a c0000201', [])), kind: 'open-bgp-id', action: 'reset', code: 2, subcode: 3 },
  { name: 'unsupported optional parameter', bytes: msg(1, '04 fc00 005a c0000201 03 0101 00'), kind: 'open-optional-param', action: 'reset', code: 2, subcode: 4 },
  { name: 'hold time 2', bytes: msg(1, openBody('04 fc00 0002 c0000201', [])), kind: 'open-hold-time', action: 'reset', code: 2, subcode: 6 },
  { name: 'malformed capability (multiprotocol of 3 octets)', bytes: msg(1, openBody('04 fc00 005a c0000201', [['0103 000101']])), kind: 'open-malformed', action: 'reset', code: 2, subcode: 0 },
  { name: 'capability overrunning its parameter', bytes: msg(1, '04 fc00 005a c0000201 04 0202 0105'), kind: 'open-malformed', action: 'reset', code: 2, subcode: 0 },
  { name: 'optional parameters length inconsistent', bytes: msg(1, '04 fc00 005a c0000201 05 0202 0200'), kind: 'open-malformed', action: 'reset', code: 2, subcode: 0 },
  { name: 'role mismatch (RFC 9234: we are provider, peer says provider)', session: { localRole: 0 },
    bytes: msg(1, openBody('04 fc00 005a c0000201', [['0901 00']])), kind: 'open-role-mismatch', action: 'reset', code: 2, subcode: 11 },
  { name: 'no role in strict mode (RFC 9234)', session: { localRole: 3, strictRole: true },
    bytes: msg(1, openBody('04 fc00 005a c0000201', [])), kind: 'open-role-mismatch', action: 'reset', code: 2, subcode: 11 },
  { name: 'two different roles (RFC 9234)', bytes: msg(1, openBody('04 fc00 005a c0000201', [['0901 00', '0901 03']])),
    kind: 'open-role-mismatch', action: 'reset', code: 2, subcode: 11 },
  // ---- ROUTE-REFRESH, RFC 7313 §5 ----
  { name: 'BoRR with a wrong length', bytes: msg(5, '0001 01 01 00'), kind: 'route-refresh-length', action: 'reset', code: 7, subcode: 1,
    data: toHex(msg(5, '0001 01 01 00')) },
  { name: 'EoRR with a wrong length', bytes: msg(5, '0001 02 01 0000'), kind: 'route-refresh-length', action: 'reset', code: 7, subcode: 1 },
  // ---- UPDATE lengths and NLRI, RFC 7606 §4 and §5.3 ----
  { name: 'Withdrawn Routes Length overruns the message', bytes: msg(2, '0010 0000'), kind: 'update-length', action: 'reset', code: 3, subcode: 1 },
  { name: 'Total Path Attribute Length overruns the message', bytes: msg(2, '0000 0010 400101'), kind: 'update-length', action: 'reset', code: 3, subcode: 1 },
  { name: 'withdrawn prefix longer than 32', bytes: update('21c0000201', '', ''), kind: 'nlri-invalid', action: 'reset', code: 3, subcode: 10 },
  { name: 'withdrawn prefix overruns the field', bytes: update('18c000', '', ''), kind: 'nlri-invalid', action: 'reset', code: 3, subcode: 10 },
  { name: 'NLRI prefix longer than 32', bytes: update('', BASE_ATTRS, '21c0000201'), kind: 'nlri-invalid', action: 'reset', code: 3, subcode: 10 },
  { name: 'NLRI last prefix overruns', bytes: update('', BASE_ATTRS, '18c00002 18c000'), kind: 'nlri-invalid', action: 'reset', code: 3, subcode: 10 },
  { name: 'attribute overruns the attribute section (NLRI still located)', bytes: update('', BASE_ATTRS + '40050a00000064', NLRI),
    kind: 'attr-list-malformed', action: 'withdraw', code: 3, subcode: 1 },
  { name: 'two octets left in the attribute section', bytes: update('', BASE_ATTRS + '4005', NLRI), kind: 'attr-list-malformed', action: 'withdraw', code: 3, subcode: 1 },
  { name: 'extended-length attribute with three octets left', bytes: update('', BASE_ATTRS + '500500', NLRI), kind: 'attr-list-malformed', action: 'withdraw', code: 3, subcode: 1 },
  // ---- duplicates, RFC 7606 §3(g) ----
  { name: 'MP_REACH_NLRI twice', bytes: update('', ORIGIN + ASPATH + attr(0x80, 14, '000101 04c0000201 00') + attr(0x80, 14, '000101 04c0000201 00'), ''),
    kind: 'mp-duplicate', action: 'reset', code: 3, subcode: 1 },
  { name: 'MP_UNREACH_NLRI twice', bytes: update('', attr(0x80, 15, '000201') + attr(0x80, 15, '000201'), ''), kind: 'mp-duplicate', action: 'reset', code: 3, subcode: 1 },
  { name: 'ORIGIN twice: the copy is discarded', bytes: update('', BASE_ATTRS + attr(0x40, 1, '02'), NLRI), kind: 'attr-duplicate', action: 'discard', code: 3, subcode: 1 },
  // ---- unrecognized well-known, RFC 4271 §6.3 ----
  { name: 'unrecognized well-known attribute', bytes: update('', BASE_ATTRS + attr(0x40, 0x63, '01'), NLRI), kind: 'attr-unrecognized-well-known', action: 'reset',
    code: 3, subcode: 2, data: '406301' + '01' },
  // ---- flags, RFC 7606 §3(c) ----
  { name: 'ORIGIN marked optional', bytes: update('', attr(0xc0, 1, '00') + ASPATH + NH, NLRI), kind: 'attr-flags', action: 'withdraw', code: 3, subcode: 4, data: 'c0010100' },
  { name: 'NEXT_HOP not transitive', bytes: update('', ORIGIN + ASPATH + attr(0x00, 3, 'c0000201'), NLRI), kind: 'attr-flags', action: 'withdraw', code: 3, subcode: 4 },
  { name: 'COMMUNITIES not optional', bytes: update('', BASE_ATTRS + attr(0x40, 8, 'fde80001'), NLRI), kind: 'attr-flags', action: 'withdraw', code: 3, subcode: 4 },
  { name: 'AGGREGATOR with wrong flags is discarded', bytes: update('', BASE_ATTRS + attr(0x40, 7, 'fc00c0000202'), NLRI), kind: 'attr-flags', action: 'discard', code: 3, subcode: 4 },
  { name: 'ATOMIC_AGGREGATE with wrong flags is discarded', bytes: update('', BASE_ATTRS + attr(0xc0, 6, ''), NLRI), kind: 'attr-flags', action: 'discard', code: 3, subcode: 4 },
  { name: 'AS4_PATH with wrong flags is discarded', bytes: update('', BASE_ATTRS + attr(0x40, 17, '0201fa56ea01'), NLRI), kind: 'attr-flags', action: 'discard', code: 3, subcode: 4 },
  { name: 'MP_REACH_NLRI with wrong flags disables the family', bytes: update('', ORIGIN + ASPATH + attr(0xc0, 14, '000201 10' + '20010db8000000000000000000000001' + '00'), ''),
    kind: 'attr-flags', action: 'afi-safi-disable', code: 3, subcode: 4 },
  { name: 'LARGE_COMMUNITY not transitive', bytes: update('', BASE_ATTRS + attr(0x80, 32, '000000010000000200000003'), NLRI), kind: 'attr-flags', action: 'withdraw', code: 3, subcode: 4 },
  // ---- per-attribute lengths and values, RFC 7606 §7 ----
  { name: 'ORIGIN of length 2', bytes: update('', attr(0x40, 1, '0000') + ASPATH + NH, NLRI), kind: 'attr-length', action: 'withdraw', code: 3, subcode: 5, data: '4001020000' },
  { name: 'ORIGIN value 3', bytes: update('', attr(0x40, 1, '03') + ASPATH + NH, NLRI), kind: 'origin-invalid', action: 'withdraw', code: 3, subcode: 6, data: '40010103' },
  { name: 'NEXT_HOP of length 5', bytes: update('', ORIGIN + ASPATH + attr(0x40, 3, 'c000020100'), NLRI), kind: 'attr-length', action: 'withdraw', code: 3, subcode: 5 },
  { name: 'MULTI_EXIT_DISC of length 0', bytes: update('', BASE_ATTRS + attr(0x80, 4, ''), NLRI), kind: 'attr-length', action: 'withdraw', code: 3, subcode: 5 },
  { name: 'LOCAL_PREF of length 3', session: IBGP, bytes: update('', BASE_ATTRS + attr(0x40, 5, '000064'), NLRI), kind: 'attr-length', action: 'withdraw', code: 3, subcode: 5 },
  { name: 'ATOMIC_AGGREGATE of length 1 is discarded', bytes: update('', BASE_ATTRS + attr(0x40, 6, '00'), NLRI), kind: 'attr-length', action: 'discard', code: 3, subcode: 5 },
  { name: 'AGGREGATOR of 8 octets on a 2-octet session is discarded', bytes: update('', BASE_ATTRS + attr(0xc0, 7, '0000fc00c0000202'), NLRI), kind: 'attr-length', action: 'discard', code: 3, subcode: 5 },
  { name: 'AGGREGATOR of 6 octets on a 4-octet session is discarded', ctx: C4, bytes: update('', ORIGIN + attr(0x40, 2, '02010000fc00') + NH + attr(0xc0, 7, 'fc00c0000202'), NLRI),
    kind: 'attr-length', action: 'discard', code: 3, subcode: 5 },
  { name: 'AS4_AGGREGATOR of 6 octets is discarded', bytes: update('', BASE_ATTRS + attr(0xc0, 18, 'fc00c0000202'), NLRI), kind: 'attr-length', action: 'discard', code: 3, subcode: 5 },
  { name: 'COMMUNITIES of length 0', bytes: update('', BASE_ATTRS + attr(0xc0, 8, ''), NLRI), kind: 'attr-length', action: 'withdraw', code: 3, subcode: 5 },
  { name: 'COMMUNITIES of length 5', bytes: update('', BASE_ATTRS + attr(0xc0, 8, 'fde8000101'), NLRI), kind: 'attr-length', action: 'withdraw', code: 3, subcode: 5 },
  { name: 'ORIGINATOR_ID of length 3', session: IBGP, bytes: update('', BASE_ATTRS + attr(0x80, 9, 'c00002'), NLRI), kind: 'attr-length', action: 'withdraw', code: 3, subcode: 5 },
  { name: 'CLUSTER_LIST of length 6', session: IBGP, bytes: update('', BASE_ATTRS + attr(0x80, 10, 'c0000201c000'), NLRI), kind: 'attr-length', action: 'withdraw', code: 3, subcode: 5 },
  { name: 'EXTENDED_COMMUNITIES of length 12', bytes: update('', BASE_ATTRS + attr(0xc0, 16, '0002fde800000064 00000000'), NLRI), kind: 'attr-length', action: 'withdraw', code: 3, subcode: 5 },
  { name: 'LARGE_COMMUNITY of length 8', bytes: update('', BASE_ATTRS + attr(0xc0, 32, '0000000100000002'), NLRI), kind: 'attr-length', action: 'withdraw', code: 3, subcode: 5 },
  { name: 'ONLY_TO_CUSTOMER of length 2 (RFC 9234 §5)', bytes: update('', BASE_ATTRS + attr(0xc0, 35, 'fde8'), NLRI), kind: 'attr-length', action: 'withdraw', code: 3, subcode: 5 },
  { name: 'AS4_PATH of length 0 is discarded', bytes: update('', BASE_ATTRS + attr(0xc0, 17, ''), NLRI), kind: 'attr-length', action: 'discard', code: 3, subcode: 5 },
  // ---- AS_PATH, RFC 7606 §7.2 ----
  { name: 'AS_PATH with an unknown segment type', bytes: update('', ORIGIN + attr(0x40, 2, '0501fc00') + NH, NLRI), kind: 'as-path-malformed', action: 'withdraw', code: 3, subcode: 11 },
  { name: 'AS_PATH with a zero-length segment', bytes: update('', ORIGIN + attr(0x40, 2, '0200') + NH, NLRI), kind: 'as-path-malformed', action: 'withdraw', code: 3, subcode: 11 },
  { name: 'AS_PATH segment overruns the attribute', bytes: update('', ORIGIN + attr(0x40, 2, '0202fc00') + NH, NLRI), kind: 'as-path-malformed', action: 'withdraw', code: 3, subcode: 11 },
  { name: 'AS_PATH with one octet after the last segment', bytes: update('', ORIGIN + attr(0x40, 2, '0201fc0002') + NH, NLRI), kind: 'as-path-malformed', action: 'withdraw', code: 3, subcode: 11 },
  { name: '4-octet AS_PATH read on a 2-octet session is malformed', bytes: update('', ORIGIN + attr(0x40, 2, '02010000fc00') + NH, NLRI), kind: 'as-path-malformed', action: 'withdraw', code: 3, subcode: 11,
    overall: 'withdraw' },
  { name: 'AS4_PATH malformed is discarded (RFC 6793 §6)', bytes: update('', BASE_ATTRS + attr(0xc0, 17, '0203fa56ea01'), NLRI), kind: 'as-path-malformed', action: 'discard', code: 3, subcode: 11 },
  // ---- MP_REACH / MP_UNREACH, RFC 7606 §7.11, §5.3; RFC 4760 §7 ----
  { name: 'MP_REACH_NLRI too short for AFI/SAFI', bytes: update('', ORIGIN + ASPATH + attr(0x80, 14, '0002'), ''), kind: 'attr-length', action: 'reset', code: 3, subcode: 5 },
  { name: 'MP_REACH_NLRI too short for a next hop', bytes: update('', ORIGIN + ASPATH + attr(0x80, 14, '000201'), ''), kind: 'attr-length', action: 'afi-safi-disable', code: 3, subcode: 5 },
  { name: 'MP_REACH_NLRI IPv6 next hop of 5 octets', bytes: update('', ORIGIN + ASPATH + attr(0x80, 14, '000201 05 0102030405 00'), ''), kind: 'attr-optional', action: 'afi-safi-disable', code: 3, subcode: 9 },
  { name: 'MP_REACH_NLRI IPv4 next hop of 3 octets', bytes: update('', ORIGIN + ASPATH + attr(0x80, 14, '000101 03 c00002 00'), ''), kind: 'attr-optional', action: 'afi-safi-disable', code: 3, subcode: 9 },
  { name: 'MP_REACH_NLRI next hop overruns the attribute', bytes: update('', ORIGIN + ASPATH + attr(0x80, 14, '000201 10 20010db8'), ''), kind: 'attr-optional', action: 'afi-safi-disable', code: 3, subcode: 9 },
  { name: 'MP_REACH_NLRI prefix longer than 128', bytes: update('', ORIGIN + ASPATH + attr(0x80, 14, '000201 10 20010db8000000000000000000000001 00 81' + '00'.repeat(17)), ''),
    kind: 'nlri-invalid', action: 'afi-safi-disable', code: 3, subcode: 10 },
  { name: 'MP_REACH_NLRI prefix overruns the attribute', bytes: update('', ORIGIN + ASPATH + attr(0x80, 14, '000201 10 20010db8000000000000000000000001 00 40 20010db8'), ''),
    kind: 'nlri-invalid', action: 'afi-safi-disable', code: 3, subcode: 10 },
  { name: 'MP_UNREACH_NLRI too short for AFI/SAFI', bytes: update('', attr(0x80, 15, '0002'), ''), kind: 'attr-length', action: 'reset', code: 3, subcode: 5 },
  { name: 'MP_UNREACH_NLRI prefix overruns the attribute', bytes: update('', attr(0x80, 15, '000201 30 20010db8'), ''), kind: 'nlri-invalid', action: 'afi-safi-disable', code: 3, subcode: 10 },
  { name: 'MP_REACH_NLRI for a family that was not negotiated is ignored', session: { families: new Set([IPV4_UNICAST]) },
    bytes: update('', ORIGIN + ASPATH + attr(0x80, 14, '000201 10 20010db8000000000000000000000001 00 30 20010db80001'), ''),
    kind: 'attr-unexpected', action: 'discard', code: 3, subcode: 9 },
  // ---- stage 2: missing attributes, RFC 7606 §3(d) ----
  { name: 'ORIGIN missing', bytes: update('', ASPATH + NH, NLRI), kind: 'attr-missing', action: 'withdraw', code: 3, subcode: 3, data: '01' },
  { name: 'AS_PATH missing', bytes: update('', ORIGIN + NH, NLRI), kind: 'attr-missing', action: 'withdraw', code: 3, subcode: 3, data: '02' },
  { name: 'NEXT_HOP missing with NLRI', bytes: update('', ORIGIN + ASPATH, NLRI), kind: 'attr-missing', action: 'withdraw', code: 3, subcode: 3, data: '03' },
  { name: 'AS_PATH missing with only MP_REACH_NLRI', bytes: update('', ORIGIN + attr(0x80, 14, '000201 10 20010db8000000000000000000000001 00 30 20010db80001'), ''),
    kind: 'attr-missing', action: 'withdraw', code: 3, subcode: 3, data: '02' },
  { name: 'a malformed ORIGIN counts as missing', bytes: update('', attr(0x40, 1, '03') + ASPATH + NH, NLRI), kind: 'attr-missing', action: 'withdraw', code: 3, subcode: 3, data: '01' },
  // ---- stage 2: eBGP rules ----
  { name: 'LOCAL_PREF from an external peer is discarded', session: EBGP, bytes: update('', BASE_ATTRS + attr(0x40, 5, '00000064'), NLRI), kind: 'attr-unexpected', action: 'discard', code: 3, subcode: 9 },
  { name: 'ORIGINATOR_ID from an external peer is discarded', session: EBGP, bytes: update('', BASE_ATTRS + attr(0x80, 9, 'c0000203'), NLRI), kind: 'attr-unexpected', action: 'discard', code: 3, subcode: 9 },
  { name: 'CLUSTER_LIST from an external peer is discarded', session: EBGP, bytes: update('', BASE_ATTRS + attr(0x80, 10, 'c0000203'), NLRI), kind: 'attr-unexpected', action: 'discard', code: 3, subcode: 9 },
  { name: 'malformed LOCAL_PREF from an external peer is discarded, not withdrawn (§7.5)', session: EBGP,
    bytes: update('', BASE_ATTRS + attr(0x40, 5, '000064'), NLRI), kind: 'attr-length', action: 'discard', code: 3, subcode: 5 },
  { name: 'malformed ORIGINATOR_ID from an external peer is discarded (§7.9)', session: EBGP,
    bytes: update('', BASE_ATTRS + attr(0x80, 9, 'c00002'), NLRI), kind: 'attr-length', action: 'discard', code: 3, subcode: 5 },
  { name: 'CLUSTER_LIST with wrong flags from an external peer is discarded (§7.10)', session: EBGP,
    bytes: update('', BASE_ATTRS + attr(0xc0, 10, 'c0000201'), NLRI), kind: 'attr-flags', action: 'discard', code: 3, subcode: 4 },
  { name: 'confederation segment from an external peer', session: EBGP, bytes: update('', ORIGIN + attr(0x40, 2, '0301fde9 0201fc00') + NH, NLRI), kind: 'as-path-malformed', action: 'withdraw', code: 3, subcode: 11 },
  { name: 'leftmost AS is not the peer AS', session: EBGP, bytes: update('', ORIGIN + attr(0x40, 2, '0201fc01') + NH, NLRI), kind: 'as-path-malformed', action: 'withdraw', code: 3, subcode: 11 },
  { name: 'AS 0 in AS_PATH (RFC 7607)', bytes: update('', ORIGIN + attr(0x40, 2, '0202fc000000') + NH, NLRI), kind: 'as-path-malformed', action: 'withdraw', code: 3, subcode: 11 },
  { name: 'AS 0 in AGGREGATOR is discarded (RFC 7607)', bytes: update('', BASE_ATTRS + attr(0xc0, 7, '0000c0000202'), NLRI), kind: 'attr-optional', action: 'discard', code: 3, subcode: 9 },
  { name: 'AS4_PATH on a 4-octet session is discarded (RFC 6793 §4.1)', ctx: C4,
    bytes: update('', ORIGIN + attr(0x40, 2, '02010000fc00') + NH + attr(0xc0, 17, '0201fa56ea01'), NLRI), kind: 'attr-unexpected', action: 'discard', code: 3, subcode: 9 },
  // ---- stage 2: NEXT_HOP semantics, RFC 4271 §6.3 / RFC 7606 §7.3 ----
  { name: 'NEXT_HOP 0.0.0.0', bytes: update('', ORIGIN + ASPATH + attr(0x40, 3, '00000000'), NLRI), kind: 'next-hop-invalid', action: 'withdraw', code: 3, subcode: 8, data: '400304' + '00000000' },
  { name: 'NEXT_HOP multicast', bytes: update('', ORIGIN + ASPATH + attr(0x40, 3, 'e0000001'), NLRI), kind: 'next-hop-invalid', action: 'withdraw', code: 3, subcode: 8 },
  { name: 'NEXT_HOP is our own address', session: { localAddresses: ['192.0.2.1'] }, bytes: update('', BASE_ATTRS, NLRI), kind: 'next-hop-invalid', action: 'withdraw', code: 3, subcode: 8 },
];

describe('RFC 7606 error handling: action and NOTIFICATION per case', () => {
  for (const c of cases) {
    test(c.name, () => {
      const ctx = c.ctx ?? C2;
      const r = decode(c.bytes, ctx, c.session ?? {});
      const all = r.ok ? r.errors : [r.error];
      const e = all.find((x) => x.kind === c.kind);
      assert.ok(e !== undefined, `expected ${c.kind}, got ${JSON.stringify(all.map((x) => [x.kind, x.reason]))}`);
      assert.equal(e.action, c.action);
      const n = toNotification(e);
      assert.deepEqual([n.code, n.subcode], [c.code, c.subcode]);
      if (c.data !== undefined) assert.equal(toHex(n.data), c.data);
      // A 'reset' error means no message; any other leaves a message whose overall action is the strongest one.
      if (c.action === 'reset') assert.equal(r.ok, false);
      else {
        assert.ok(r.ok);
        assert.equal(r.action, c.overall ?? worstAction(r.errors));
        // A message that decoded, even with errors, still re-encodes to the same bytes.
        assert.equal(toHex(encodeMessage(r.msg, ctx)), toHex(c.bytes));
      }
    });
  }

  test('several errors: the strongest action wins (RFC 7606 §3)', () => {
    const r = decode(update('', BASE_ATTRS + attr(0x40, 6, '00') + attr(0xc0, 8, '01'), NLRI), C2);
    assert.ok(r.ok);
    assert.deepEqual(r.errors.map((e) => e.action).sort(), ['discard', 'withdraw']);
    assert.equal(r.action, 'withdraw');
  });

  test('clean messages produce no errors in either stage', () => {
    for (const [b, s] of [[update('', BASE_ATTRS, NLRI), EBGP], [update('', BASE_ATTRS + attr(0x40, 5, '00000064'), NLRI), IBGP],
      [update('18c63364', '', ''), EBGP]] as const) {
      const r = decode(b, C2, s);
      assert.ok(r.ok);
      assert.deepEqual(r.errors, []);
      assert.equal(r.action, null);
    }
  });

  test('a route server peer may send a path without its own AS first', () => {
    const r = decode(update('', ORIGIN + attr(0x40, 2, '0201fc01') + NH, NLRI), C2, { ...EBGP, enforceFirstAs: false });
    assert.ok(r.ok);
    assert.deepEqual(r.errors, []);
  });
});
