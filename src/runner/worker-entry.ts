/**
 * Worker side of the pool (worker-pool.ts): each worker thread builds its own SUT adapter from
 * the spec it is given and runs scenarios one at a time on rigs of its own.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { LoadedScenario } from '../scenarios/loader.js';
import { adapterFromSpec, type AdapterSpec } from './adapter-spec.js';
import { executeScenario } from './execute.js';

export interface WorkerSetup {
  adapter: AdapterSpec;
  seed: number;
  stepTimeoutMs?: number;
}
export interface WorkerRequest {
  job: number;
  scenario: LoadedScenario;
}

const setup = workerData as WorkerSetup;
const adapter = adapterFromSpec(setup.adapter);
const port = parentPort;
if (!port) throw new Error('worker-entry.ts runs only as a worker thread (see worker-pool.ts)');

port.postMessage({ ready: true });
port.on('message', (request: WorkerRequest) => {
  void executeScenario(request.scenario, { adapter, seed: setup.seed, stepTimeoutMs: setup.stepTimeoutMs }).then((result) =>
    port.postMessage({ job: request.job, result }),
  );
});
