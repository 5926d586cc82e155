// Session FSM configuration: the defaults in one place, and the checks (errors as data: key + reason) that the
// speaker's config loader turns into ConfigErrors with the file name. RFC 4271 §4.2 (hold time 0 or >= 3),
// §8 (session attributes), §10 (suggested timer values).
import { AnycastError } from '../../util/errors.js';
import type { FsmConfig } from './types.js';

/** Defaults. RFC 4271 §10: ConnectRetryTime 120 s, HoldTime 90 s; §8.2.2: large HoldTimer 4 minutes. */
export const FSM_DEFAULTS = {
  holdTime: 90,
  keepaliveTime: undefined,
  minHoldTime: 3,
  connectRetryTime: 120,
  largeHoldTime: 240,
  passive: false,
  delayOpen: false,
  delayOpenTime: 5,
  allowAutomaticStart: true,
  dampPeerOscillations: true,
  // Like BIRD's "error wait time" / "error forget time": restart soon after the first failure, back off to
  // 5 minutes for a peer that keeps failing, forget after 5 minutes of stable session.
  idleHoldTime: 5,
  idleHoldTimeMax: 300,
  idleHoldResetTime: 300,
  sendNotificationWithoutOpen: false,
  collisionDetectEstablishedState: false,
  validateOpen: undefined,
  peerAs: undefined,
} as const satisfies Omit<FsmConfig, 'localAs' | 'localBgpId'>;

export type FsmConfigInput = Partial<FsmConfig> & Pick<FsmConfig, 'localAs' | 'localBgpId'>;

export interface FsmConfigProblem {
  /** The config key (FsmConfig field name). */
  readonly key: keyof FsmConfig;
  readonly reason: string;
}

/** Thrown by createFsm() for a configuration that checkFsmConfig() rejects (a bug in the caller's checks). */
export class FsmConfigError extends AnycastError {
  readonly problems: readonly FsmConfigProblem[];
  constructor(problems: readonly FsmConfigProblem[]) {
    super('ERR_FSM_CONFIG', `invalid session configuration: ${problems.map((p) => `${p.key}: ${p.reason}`).join('; ')}`);
    this.problems = problems;
  }
}

export function resolveFsmConfig(input: FsmConfigInput): FsmConfig {
  const out: Record<string, unknown> = { ...FSM_DEFAULTS };
  for (const [k, v] of Object.entries(input)) if (v !== undefined) out[k] = v;
  return out as unknown as FsmConfig;
}

const U32_MAX = 0xffffffff;

function isInt(v: number, lo: number, hi: number): boolean {
  return Number.isInteger(v) && v >= lo && v <= hi;
}

/** Every problem with a resolved configuration; empty when it is usable. */
export function checkFsmConfig(c: FsmConfig): FsmConfigProblem[] {
  const p: FsmConfigProblem[] = [];
  const bad = (key: keyof FsmConfig, reason: string) => p.push({ key, reason });
  if (!isInt(c.localAs, 1, U32_MAX)) bad('localAs', `must be an AS number 1..4294967295, got ${c.localAs}`);
  // RFC 6286 §2.1: any non-zero 32-bit value.
  if (!isInt(c.localBgpId, 1, U32_MAX)) bad('localBgpId', `must be a non-zero unsigned 32-bit value, got ${c.localBgpId}`);
  if (c.peerAs !== undefined && !isInt(c.peerAs, 1, U32_MAX)) {
    bad('peerAs', `must be an AS number 1..4294967295, got ${c.peerAs}`);
  }
  // RFC 4271 §4.2: "the Hold Time MUST be either zero or at least three seconds"; the field is 16 bits.
  if (!(c.holdTime === 0 || isInt(c.holdTime, 3, 65535))) {
    bad('holdTime', `must be 0 or 3..65535 seconds, got ${c.holdTime}`);
  }
  if (c.keepaliveTime !== undefined && !isInt(c.keepaliveTime, 1, 21845)) {
    bad('keepaliveTime', `must be 1..21845 seconds, got ${c.keepaliveTime}`);
  }
  if (!isInt(c.minHoldTime, 3, 65535)) bad('minHoldTime', `must be 3..65535 seconds, got ${c.minHoldTime}`);
  if (!isInt(c.connectRetryTime, 1, 65535)) bad('connectRetryTime', `must be 1..65535 seconds, got ${c.connectRetryTime}`);
  if (!isInt(c.largeHoldTime, 3, 65535)) bad('largeHoldTime', `must be 3..65535 seconds, got ${c.largeHoldTime}`);
  if (!isInt(c.delayOpenTime, 1, 65535)) bad('delayOpenTime', `must be 1..65535 seconds, got ${c.delayOpenTime}`);
  // A zero IdleHoldTime would restart instantly after an instant failure (connection refused): a busy loop.
  if (!isInt(c.idleHoldTime, 1, 65535)) bad('idleHoldTime', `must be 1..65535 seconds, got ${c.idleHoldTime}`);
  if (!isInt(c.idleHoldTimeMax, 1, 65535) || c.idleHoldTimeMax < c.idleHoldTime) {
    bad('idleHoldTimeMax', `must be idleHoldTime (${c.idleHoldTime})..65535 seconds, got ${c.idleHoldTimeMax}`);
  }
  if (!isInt(c.idleHoldResetTime, 1, 65535)) {
    bad('idleHoldResetTime', `must be 1..65535 seconds, got ${c.idleHoldResetTime}`);
  }
  return p;
}
