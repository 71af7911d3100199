import { availableParallelism } from 'node:os';
import { sourceLabels } from '../scenarios/schema.js';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LoadedScenario } from '../scenarios/loader.js';
import type { ScenarioResult } from './results.js';
import type { ScenarioExecutor } from './run.js';
import type { WorkerRequest, WorkerSetup } from './worker-entry.js';

/**
 * Scenarios on worker threads (Vitest's pool idea): each worker assembles its own rigs, so the
 * card crypto, central's certificate checks and the sockets of N scenarios use N cores.
 * A worker that dies fails the scenario it was running (status 'error', with the reason) and
 * is replaced, so the run goes on.
 */
export interface WorkerPoolOptions extends WorkerSetup {
  workers: number;
}

export interface WorkerPool {
  execute: ScenarioExecutor;
  close(): Promise<void>;
}

/** Default worker count: $MYNA_RIG_WORKERS, else one per core as Vitest and Playwright do. */
export function defaultWorkers(): number {
  const fromEnv = Number(process.env.MYNA_RIG_WORKERS);
  if (Number.isInteger(fromEnv) && fromEnv >= 1) return fromEnv;
  return Math.max(1, availableParallelism());
}

/**
 * The worker: compiled JS in dist/; from the TypeScript source (tsx, vitest), a bootstrap that
 * registers tsx's loader in the worker first (a worker's --import flag is not honoured on Node 20).
 */
function workerScript(): { source: URL | string; eval: boolean } {
  const fromSource = import.meta.url.endsWith('.ts');
  if (!fromSource) return { source: new URL('./worker-entry.js', import.meta.url), eval: false };
  const entry = new URL('./worker-entry.ts', import.meta.url).href;
  // tsx's ESM API (its `import` condition; require.resolve would give the CommonJS twin).
  const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsxApi = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href;
  return { source: `import(${JSON.stringify(tsxApi)}).then((m) => m.register()).then(() => import(${JSON.stringify(entry)}));`, eval: true };
}

interface Slot {
  worker: Worker;
  /** The worker loaded its modules and built its adapter. */
  ready: boolean;
  busy?: { job: number; scenario: LoadedScenario; resolve: (r: ScenarioResult) => void };
}

function crashResult(scenario: LoadedScenario, seed: number, sut: string, reason: string): ScenarioResult {
  const s = scenario.scenario;
  return {
    id: s.id,
    title: s.title,
    file: scenario.file,
    line: scenario.line,
    tags: s.tags,
    troubles: s.troubles,
    sources: sourceLabels(s.source),
    sut,
    seed,
    status: 'error',
    durationMs: 0,
    steps: [],
    failures: [],
    error: reason,
    repro: `npx myna-rig run ${scenario.file} --id ${s.id} --seed ${seed} --workers 1`,
  };
}

export function createWorkerPool(opts: WorkerPoolOptions, sutName: string): WorkerPool {
  const script = workerScript();
  const setup: WorkerSetup = { adapter: opts.adapter, seed: opts.seed, ...(opts.stepTimeoutMs === undefined ? {} : { stepTimeoutMs: opts.stepTimeoutMs }) };
  const slots: Slot[] = [];
  const idle: Slot[] = [];
  const waiting: Array<(slot: Slot) => void> = [];
  let nextJob = 0;
  let closing = false;
  /** Set when a worker dies before it is ready: respawning would only die again. */
  let broken: string | undefined;

  const release = (slot: Slot): void => {
    slot.busy = undefined;
    const waiter = waiting.shift();
    if (waiter) waiter(slot);
    else idle.push(slot);
  };

  const spawn = (): Slot => {
    const worker = new Worker(script.source, { workerData: setup, eval: script.eval });
    const slot: Slot = { worker, ready: false };
    worker.on('message', (m: { ready?: true; job?: number; result?: ScenarioResult }) => {
      if (m.ready) {
        slot.ready = true;
        return;
      }
      const busy = slot.busy;
      if (!m.result || !busy || busy.job !== m.job) return;
      busy.resolve(m.result);
      release(slot);
    });
    const died = (reason: string): void => {
      // 'error' is followed by 'exit': handle the first only.
      if (closing || !slots.includes(slot)) return;
      const busy = slot.busy;
      slots.splice(slots.indexOf(slot), 1);
      const at = idle.indexOf(slot);
      if (at >= 0) idle.splice(at, 1);
      if (!slot.ready) {
        broken ??= `a worker thread could not start: ${reason}`;
        for (const waiter of waiting.splice(0)) waiter(slot);
      } else {
        // Replace the worker first, so the next scenario has somewhere to run.
        const fresh = spawn();
        slots.push(fresh);
        release(fresh);
      }
      busy?.resolve(crashResult(busy.scenario, opts.seed, sutName, `worker thread died while running this scenario: ${reason}`));
    };
    worker.on('error', (e) => died(e.message));
    worker.on('exit', (code) => died(`exit code ${code}`));
    return slot;
  };

  for (let i = 0; i < Math.max(1, opts.workers); i++) {
    const slot = spawn();
    slots.push(slot);
    idle.push(slot);
  }

  const acquire = (): Promise<Slot> => {
    const slot = idle.shift();
    return slot ? Promise.resolve(slot) : new Promise((resolve) => waiting.push(resolve));
  };

  return {
    async execute(scenario) {
      if (broken) return crashResult(scenario, opts.seed, sutName, broken);
      const slot = await acquire();
      if (broken) return crashResult(scenario, opts.seed, sutName, broken);
      return new Promise<ScenarioResult>((resolve) => {
        const job = nextJob++;
        slot.busy = { job, scenario, resolve };
        const request: WorkerRequest = { job, scenario };
        slot.worker.postMessage(request);
      });
    },
    async close() {
      closing = true;
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
