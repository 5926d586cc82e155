// Public surface of the session FSM (RFC 4271 §8, §6.8; RFC 6286, RFC 6608, RFC 4486, RFC 9003, RFC 8538).
// Pure: no sockets, no timers, no clock. The peer layer feeds decoded messages and TCP events in and carries out
// the outputs; see docs/fsm.md for the integration recipe.
export * from './types.js';
export {
  FSM_DEFAULTS, resolveFsmConfig, checkFsmConfig, FsmConfigError,
  type FsmConfigInput, type FsmConfigProblem,
} from './config.js';
export { createFsm, step, classify, type Classified } from './step.js';
export { checkOpen, negotiateTimers, BGP_VERSION, type OpenCheck } from './open.js';
export {
  resolveCollision, compareU32,
  type CollisionInput, type CollisionVerdict, type CollisionRule, type CollisionConnection, type Initiator,
} from './collision.js';
export {
  createDriver, driverInput, driverAdvance, nextDeadline, deadlinesOf, timersRemaining, SessionDriver,
  type DriverOptions, type DriverState, type DriverResult, type DriverStep,
} from './driver.js';
export {
  ErrorCode, OpenErrorSubcode, FsmErrorSubcode, CeaseSubcode, fsmErrorSubcode,
  encodeShutdownCommunication, decodeShutdownCommunication, SHUTDOWN_COMMUNICATION_MAX,
  maxPrefixesData, hardResetData, ceaseNotification, receivedCommunication,
} from './notification.js';
