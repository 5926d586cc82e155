// Worker-thread entry for sweep.ts: receives the context once (workerData), then tasks one at a time.
import { parentPort, workerData } from 'node:worker_threads';
import { runTask, type SweepContext, type Task } from './sweep-task.js';

const ctx = workerData as SweepContext;
parentPort!.on('message', (m: { id: number; task: Task }) => {
  parentPort!.postMessage({ id: m.id, result: runTask(ctx, m.task) });
});
