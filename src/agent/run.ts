// `anycast agent --config agent.yaml`: the daemon. Wires the real clock, probes, loopback manager, backend,
// control API and metrics to an Agent, and maps signals: SIGHUP reloads (validate first, keep the last good
// configuration), SIGTERM/SIGINT shut down (drain → withdraw → linger → remove addresses → close → exit; a second
// signal skips the rest of the drain).
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { SystemClock } from '../util/clock.js';
import { AnycastError } from '../util/errors.js';
import { createLogger } from '../util/log.js';
import { systemProbeFactory } from '../health/checks.js';
import { Agent } from './agent.js';
import { createBackend } from './backends/index.js';
import { loadConfigFile } from './config/parse.js';
import { startControl, startMetrics } from './control-server.js';
import { IpAddressManager } from './loopback.js';
import { createResponderHost } from './responder.js';

/** Refuse to start on a control socket another live agent is serving. */
async function assertSocketFree(path: string): Promise<void> {
  if (!existsSync(path)) return;
  const live = await new Promise<boolean>((resolve) => {
    const c = connect(path);
    c.once('connect', () => { c.destroy(); resolve(true); });
    c.once('error', () => resolve(false));
  });
  if (live) {
    throw new AnycastError('ERR_CONTROL_IN_USE', `another agent is serving the control socket ${path}; ` +
      'stop it first or give this one another control.socket');
  }
}

export async function runAgent(configFile: string): Promise<number> {
  const loaded = loadConfigFile(configFile);
  const cfg = loaded.config;
  const logger = createLogger({ level: cfg.log.level, format: cfg.log.format }, { agent: cfg.name });
  const clock = new SystemClock();
  await assertSocketFree(cfg.control.socket);
  const { backend, guard } = await createBackend(cfg, { clock, logger, wall: Date.now, agentName: cfg.name });
  const responders = createResponderHost(logger);
  const agent = new Agent(loaded, {
    clock, logger, backend, probes: systemProbeFactory, fileExists: existsSync, addresses: new IpAddressManager(),
    responders, wall: Date.now,
  });
  const control = await startControl(agent, logger);
  const metrics = await startMetrics(agent, logger);

  let resolveExit: (code: number) => void = () => {};
  const exited = new Promise<number>((r) => { resolveExit = r; });
  let stopping = false;
  const stop = (signal: string) => {
    logger.info('signal received', { signal });
    if (stopping) {
      void agent.shutdown();
      return;
    }
    stopping = true;
    void agent.shutdown().then(async (withdrawn) => {
      await control.close();
      await metrics?.close();
      guard?.disarm();
      logger.info('agent stopped', { withdrawn });
      resolveExit(withdrawn ? 0 : 1);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => {
    logger.info('signal received', { signal: 'SIGHUP' });
    agent.reloadFromFile();
  });
  try {
    await agent.start();
  } catch (e) {
    await responders.stopAll();
    await control.close();
    await metrics?.close();
    guard?.disarm();
    throw e;
  }
  logger.info('agent running', { configHash: loaded.hash, socket: cfg.control.socket, metrics: metrics?.port ?? null });
  return exited;
}
